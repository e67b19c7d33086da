//! The whole catalog as loaded, each value with the file it came from.

use super::*;
use crate::problem::Cause;
use serde::Serialize;

/// A value and the content file it came from (relative path).
#[derive(Debug, Clone, Serialize)]
pub struct Sourced<T> {
    pub file: String,
    #[serde(flatten)]
    pub value: T,
}

/// One entry of a list file (a `[[department]]` or `[[theme]]` table):
/// the lists may be split over several files, so each entry remembers
/// where it is. Serializes as the value alone.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Entry<T> {
    #[serde(skip)]
    pub file: String,
    /// Its position in its file's list, as in the field path `department[2]`.
    #[serde(skip)]
    pub index: usize,
    /// The line of its table header, for "also defined in FILE:LINE".
    #[serde(skip)]
    pub line: usize,
    pub value: T,
}

impl<T> std::ops::Deref for Entry<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// What kind of thing a file or list entry defines, for [`Unloaded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Site,
    Department,
    Theme,
    Item,
    /// A material of the item in `Unloaded::cause.file`.
    Material,
    Guide,
    Disclosure,
}

/// Something the loader could not read (a syntax or type error, a file
/// that is too large or not UTF-8). It still registers its id, so that
/// references to it are reported as following from its error, not as
/// unknown ids with a misleading "did you mean".
#[derive(Debug, Clone)]
pub struct Unloaded {
    pub kind: Kind,
    /// Its id (item code, department id, slug …) when it could be read
    /// from the broken text; `None` means the failed file may define any
    /// id of this kind.
    pub id: Option<String>,
    /// Its position in a list (`materials[3]`), for entries of a list.
    pub entry: Option<usize>,
    /// The loading error.
    pub cause: Cause,
}

/// Everything under `content/`, loaded but not yet checked across files.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub site: Site,
    pub departments: Vec<Entry<Department>>,
    pub themes: Vec<Entry<Theme>>,
    pub items: Vec<Sourced<Item>>,
    pub guides: Vec<Sourced<Page<GuideMeta>>>,
    pub disclosures: Vec<Sourced<Page<DisclosureMeta>>>,
    pub calendar: Vec<Sourced<CalendarYear>>,
    /// Downloadable files under `content/files/`, relative to it.
    pub files: std::collections::BTreeSet<String>,
    /// What failed to load, so the rules can tell "broken" from "missing".
    pub unloaded: Vec<Unloaded>,
}
