//! The portal's shared core: the catalog model, the validation rules that
//! officers meet in `portal check`, and the working-day calendar.
//!
//! Everything here is pure data and pure functions, so the same code runs in
//! the build tool, the case-status server and the browser (wasm32).

pub mod analyzer;
pub mod calendar;
pub mod case;
pub mod dates;
pub mod diff;
pub mod limits;
pub mod model;
pub mod precheck;
pub mod problem;
pub mod receipt;
pub mod routes;
pub mod spreadsheet;
pub mod validate;

pub use calendar::Calendar;
pub use model::*;
pub use problem::{Cause, Problem, Severity};
pub use routes::Route;
