//! The `portal` build tool: content → checked catalog → static site.
//!
//! The pipeline reads like the folder tree: [`load`] reads and locates,
//! `portal_core::validate` checks, [`site`] renders pages with the
//! templates of `portal_views` and [`markdown`], [`exports`] writes open data, [`output`] swaps the
//! finished site into place. [`demo`] writes synthetic catalogs for scale
//! tests; [`console`] is everything the user sees in the terminal.

pub mod app_files;
pub mod changelog;
pub mod console;
pub mod demo;
pub mod exports;
pub mod frontmatter;
pub mod load;
pub mod locate;
pub mod markdown;
pub mod names_only;
pub mod output;
pub mod precheck;
pub mod relevance;
pub mod search_index;
pub mod sheet;
pub mod site;
pub mod updates;
pub mod views;
