//! The server's view of the site's templates: a page to render and the
//! renderer `portal serve` supplies, plus the data contract of the case
//! page. The templates belong to the site (the build crate's minijinja
//! environment); the server only knows this trait. So the form page that
//! `portal build` writes to `dist/cases/index.html` and the answer to the
//! form come from the same template, and the server does not depend on the
//! build crate.

use serde_json::{Value, json};

/// One page to render with the site's base template.
pub struct PageRequest<'a> {
    /// `cases.html`, `stats.html` or `search.html`.
    pub template: &'a str,
    /// The page's path under the site root, e.g. `cases/`.
    pub path: &'a str,
    pub title: &'a str,
    /// Merged into the template context (`lookup`, `stats`, or `query` and
    /// `results`).
    pub data: Value,
}

/// Renders a page of the site; supplied by `portal serve`.
pub trait Pages: Send + Sync {
    fn render(&self, page: PageRequest<'_>) -> anyhow::Result<String>;
}

pub const CASES_TEMPLATE: &str = "cases.html";
pub const CASES_PATH: &str = "cases/";
pub const CASES_TITLE: &str = "办件查询";
pub const STATS_TEMPLATE: &str = "stats.html";
pub const STATS_PATH: &str = "stats/";
pub const STATS_TITLE: &str = "办件统计";
pub const SEARCH_TEMPLATE: &str = "search.html";
pub const SEARCH_PATH: &str = "search/";
pub const SEARCH_TITLE: &str = "搜索";

/// The `lookup` context of `cases.html`: what was typed (never the
/// password), the case found or an error code (`no_match`, `rate_limited`
/// with `retry_minutes`, `too_large`, `bad_request`, `cross_site`,
/// `unavailable`).
pub fn lookup_context(
    case_number: &str,
    result: Option<Value>,
    error: Option<&str>,
    retry_minutes: Option<u64>,
) -> Value {
    json!({
        "lookup": {
            // Echoed so nobody retypes 17 digits; never the password.
            "case_number": case_number.trim().chars().take(40).collect::<String>(),
            "result": result,
            "error": error,
            "retry_minutes": retry_minutes,
        }
    })
}

/// The static `dist/cases/index.html`: the empty form.
pub fn empty_lookup() -> Value {
    lookup_context("", None, None, None)
}
