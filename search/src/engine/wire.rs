//! The wire types: what the browser's worker, `portal search` and the
//! server exchange with the engine (serde, so they cross the worker's
//! message boundary as JSON).

use serde::{Deserialize, Serialize};

pub use crate::highlight::Piece;

/// Results a page shows at once, and the most a client may ask for.
pub const PAGE: usize = 10;
pub const MAX_LIMIT: usize = 50;

/// A search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub q: String,
    /// `key:value`, e.g. `dept:区公安分局`; values of one key are alternatives,
    /// different keys must all hold.
    #[serde(default)]
    pub filters: Vec<String>,
    #[serde(default)]
    pub offset: usize,
    #[serde(default = "page")]
    pub limit: usize,
    /// Count results by facet. Suggestions as you type skip it: counting
    /// reads a column for every match, the costliest part of a first query.
    #[serde(default = "yes")]
    pub facets: bool,
    /// Suggestions as you type: long texts are searched for distinctive
    /// words only, single characters in names only (see
    /// [`COMMON_IN_LONG_TEXTS`](super::query::COMMON_IN_LONG_TEXTS)). The
    /// results page searches everything.
    #[serde(default)]
    pub suggest: bool,
}

fn page() -> usize {
    PAGE
}

fn yes() -> bool {
    true
}

impl Request {
    /// The same search as the results page runs it: nothing skipped.
    pub(super) fn everything(&self) -> Request {
        Request {
            suggest: false,
            ..self.clone()
        }
    }
}

impl Default for Request {
    fn default() -> Request {
        Request {
            q: String::new(),
            filters: Vec::new(),
            offset: 0,
            limit: PAGE,
            facets: true,
            suggest: false,
        }
    }
}

/// What a result shows without opening the page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// "item" or "guide".
    pub kind: String,
    pub code: String,
    pub name: String,
    /// Site-relative, e.g. `items/GA-0001/`.
    pub url: String,
    #[serde(default)]
    pub department: String,
    /// 行政许可, 公共服务… (items only).
    #[serde(default)]
    pub item_type: String,
    /// "法定 20 个工作日，承诺 5 个工作日" (items only).
    #[serde(default)]
    pub limit: String,
    /// Visits to the centre (items only).
    #[serde(default)]
    pub visits: Option<u8>,
    #[serde(default)]
    pub online: bool,
    #[serde(default)]
    pub instant: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub card: Card,
    pub score: f32,
    /// The name with matches marked.
    pub name: Vec<Piece>,
    /// Where else the query matched (materials, conditions, text), if not
    /// only in the name.
    pub excerpt: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetValue {
    /// `key:value`, as in [`Request::filters`].
    pub filter: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetGroup {
    pub key: String,
    pub label: String,
    pub values: Vec<FacetValue>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub q: String,
    pub total: usize,
    pub offset: usize,
    pub hits: Vec<Hit>,
    pub facets: Vec<FacetGroup>,
    /// Set when no item holds most of what was asked and the hits are only
    /// close ([`RELAXED`]): the page says so and offers the phone number.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// What a results page says above hits that match only part of the query.
pub const RELAXED: &str = "没有完全匹配的事项，以下是相近的结果";
