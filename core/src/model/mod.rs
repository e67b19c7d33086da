//! The catalog as officers write it: site settings, departments, themes,
//! service items (办事指南), guides and disclosure documents.
//!
//! Field names are English; enumerated values accept the English word or the
//! Chinese term officers already use (e.g. `item_type = "行政许可"`).
//! Unknown keys are reported by the loader, not rejected by serde, so one
//! file can report all of its problems at once.

mod calendar;
mod catalog;
mod item;
mod material;
mod pages;
mod precheck;
mod site;

pub use calendar::*;
pub use catalog::*;
pub use item::*;
pub use material::*;
pub use pages::*;
pub use precheck::*;
pub use site::*;
