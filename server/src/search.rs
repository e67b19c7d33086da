//! The search without JavaScript (`GET /search/?q=…&f=…`, rendered by
//! `pages`): a query string to results, with the same engine on the same
//! index files the browser's worker reads. Knows no HTTP.

use portal_search::{Engine, Request, Response};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The index of the site being served, reopened when a build replaces it.
pub struct SearchIndex {
    dist: PathBuf,
    open: Mutex<Option<(String, Arc<Engine>)>>,
}

impl SearchIndex {
    pub fn new(dist: PathBuf) -> SearchIndex {
        SearchIndex {
            dist,
            open: Mutex::new(None),
        }
    }

    /// The engine for the current build, if the site has an index.
    fn engine(&self) -> Option<Arc<Engine>> {
        let pointer = std::fs::read_to_string(self.dist.join(portal_search::POINTER_FILE)).ok()?;
        let mut open = self.open.lock().unwrap();
        if let Some((p, e)) = open.as_ref()
            && *p == pointer
        {
            return Some(e.clone());
        }
        match portal_search::open_site(&self.dist) {
            Ok(e) => {
                let e = Arc::new(e);
                *open = Some((pointer, e.clone()));
                Some(e)
            }
            Err(err) => {
                eprintln!("search index: {err}");
                None
            }
        }
    }
}

/// `q` and every `f` from the query string; anything else is ignored.
pub fn parse_query(raw: Option<&str>) -> Request {
    let mut req = Request {
        limit: 20,
        ..Request::default()
    };
    for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match &*k {
            "q" if req.q.is_empty() => req.q = v.chars().take(200).collect(),
            "f" if req.filters.len() < 20 => req.filters.push(v.into_owned()),
            _ => {}
        }
    }
    req
}

/// What the results page shows: the query as understood, and the results
/// (`None` for an empty query or a site without an index).
#[derive(Debug, Serialize)]
pub struct SearchPage {
    pub query: String,
    pub results: Option<Response>,
}

/// Runs the query string `raw` on `index` (off the async threads: the
/// engine reads files).
pub async fn search(index: Option<&Arc<SearchIndex>>, raw: Option<&str>) -> SearchPage {
    let req = parse_query(raw);
    let results = match (index, req.q.trim().is_empty()) {
        (Some(index), false) => {
            let index = index.clone();
            let req = req.clone();
            let run = move || {
                let engine = index.engine()?;
                engine
                    .search(&req)
                    .map_err(|e| eprintln!("search failed: {e}"))
                    .ok()
            };
            tokio::task::spawn_blocking(run).await.ok().flatten()
        }
        _ => None,
    };
    SearchPage {
        query: req.q,
        results,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_string_gives_query_and_filters() {
        let r = parse_query(Some(
            "q=%E8%BA%AB%E4%BB%BD%E8%AF%81&f=dept%3A%E5%85%AC%E5%AE%89&x=1",
        ));
        assert_eq!(r.q, "身份证");
        assert_eq!(r.filters, ["dept:公安"]);
        assert_eq!(parse_query(None).q, "");
    }

    #[tokio::test]
    async fn no_index_or_no_query_gives_no_results() {
        let page = search(None, Some("q=%E8%BA%AB%E4%BB%BD%E8%AF%81")).await;
        assert_eq!(page.query, "身份证");
        assert!(page.results.is_none());
        let dir = std::env::temp_dir().join("portal-no-such-site");
        let index = Arc::new(SearchIndex::new(dir));
        assert!(search(Some(&index), Some("q=x")).await.results.is_none());
        assert!(search(Some(&index), Some("q=+")).await.results.is_none());
    }
}
