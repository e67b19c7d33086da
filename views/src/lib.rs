//! Every view has one renderer. The site's pages are minijinja templates
//! (`views/templates/`); the parts the browser app shows too — the case
//! status, the search results, the search box's suggestions — are templates
//! of their own (`templates/parts/`) that the pages include and the wasm app
//! renders with this same crate, so the page without JavaScript and the page
//! with it cannot drift. `docs/architecture.md` says why and what it costs.

mod env;
#[cfg(feature = "pages")]
pub mod pages;
pub mod parts;
pub mod precheck;

pub use env::{Error, environment};
pub use parts::{CaseLookup, Contact, LookupError};
