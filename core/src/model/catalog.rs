//! The whole catalog as loaded, each value with the file it came from.

use super::*;
use serde::Serialize;

/// A value and the content file it came from (relative path).
#[derive(Debug, Clone, Serialize)]
pub struct Sourced<T> {
    pub file: String,
    #[serde(flatten)]
    pub value: T,
}

/// Everything under `content/`, loaded but not yet checked across files.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub site: Site,
    pub departments: Vec<Department>,
    pub themes: Vec<Theme>,
    pub items: Vec<Sourced<Item>>,
    pub guides: Vec<Sourced<Page<GuideMeta>>>,
    pub disclosures: Vec<Sourced<Page<DisclosureMeta>>>,
    pub calendar: Vec<Sourced<CalendarYear>>,
    /// Downloadable files under `content/files/`, relative to it.
    pub files: std::collections::BTreeSet<String>,
}
