//! Cases (办件): the lifecycle an application goes through
//! ([`lifecycle`]) and what an applicant is told about it ([`status`]): the
//! deadline arithmetic electronic supervision (电子监察) applies, the
//! supervision flag, the words of the timeline. Pure functions, shared by
//! the server (which stores events) and the browser (which shows the
//! timeline).
//!
//! submitted → accepted | refused → under review ⇄ paused (补正, special
//! procedures: these days do not count) → approved | denied → result ready →
//! delivered.

pub mod lifecycle;
pub mod status;

pub use lifecycle::*;
pub use status::*;
