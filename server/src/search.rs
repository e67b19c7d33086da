//! `GET /search/?q=…&f=…`: the search without JavaScript. Runs the same
//! engine on the same index files the browser's worker reads, and renders
//! the results page with the site's template.

use crate::api::ApiState;
use crate::pages::PageRequest;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use portal_search::{Engine, Request};
use serde_json::json;
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
fn request(raw: Option<&str>) -> Request {
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

pub async fn page(State(st): State<ApiState>, RawQuery(raw): RawQuery) -> Response {
    let req = request(raw.as_deref());
    let results = match (&st.search, req.q.trim().is_empty()) {
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
    let data = json!({ "query": req.q, "results": results });
    crate::pages::html(
        &st,
        StatusCode::OK,
        PageRequest {
            template: "search.html",
            path: "search/",
            title: "搜索",
            data,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_string_gives_query_and_filters() {
        let r = request(Some(
            "q=%E8%BA%AB%E4%BB%BD%E8%AF%81&f=dept%3A%E5%85%AC%E5%AE%89&x=1",
        ));
        assert_eq!(r.q, "身份证");
        assert_eq!(r.filters, ["dept:公安"]);
        assert_eq!(request(None).q, "");
    }
}
