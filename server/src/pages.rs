//! The HTML pages the server renders, with the site's templates (see
//! [`crate::render`]): the search without JavaScript (`GET /search/`), the
//! case-status lookup as a plain form (`POST /cases/`, works with
//! JavaScript off) and the published statistics (`GET /stats/`). A thin
//! adapter: the answers come from `search`, `lookup` and `stats`.

pub use crate::render::{
    CASES_PATH, CASES_TEMPLATE, CASES_TITLE, PageRequest, Pages, STATS_PATH, STATS_TEMPLATE,
    STATS_TITLE, empty_lookup,
};

use crate::client::client_address;
use crate::lookup::{LOOKUP_BODY_LIMIT, Lookup, lookup_case, wait_minutes};
use crate::render::{SEARCH_PATH, SEARCH_TEMPLATE, SEARCH_TITLE, lookup_context};
use crate::search;
use crate::state::AppState;
use crate::stats::DepartmentStats;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, get_service};
use axum::{Extension, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;

/// With a page renderer: `/search/`, and with a case database also
/// `/cases/` (POST; GET is the static form from `static_files`) and
/// `/stats/`. Without a renderer nothing: those paths are the static files.
pub fn router<F>(state: &AppState, static_files: F) -> Router
where
    F: tower::Service<axum::http::Request<axum::body::Body>, Error = std::convert::Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
    F::Response: IntoResponse + 'static,
    F::Future: Send + 'static,
{
    if state.pages.is_none() {
        return Router::new();
    }
    let mut router = Router::new().route("/search/", get(search_page));
    if state.cases.is_some() {
        router = router
            .route(
                "/cases/",
                // GET is the static form page from `dist/`.
                get_service(static_files)
                    .post(case_form)
                    .layer(DefaultBodyLimit::max(LOOKUP_BODY_LIMIT)),
            )
            .route("/stats/", get(stats_page));
    }
    router.with_state(state.clone())
}

/// The form's fields. Anything else (the hidden `form` marker) is ignored.
#[derive(Deserialize)]
struct LookupForm {
    case_number: String,
    password: String,
}

fn html(st: &AppState, status: StatusCode, page: PageRequest<'_>) -> Response {
    let Some(pages) = &st.pages else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let mut res = match pages.render(page) {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(e) => return unavailable(format_args!("cannot render a page: {e:#}")),
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A 500 in words, after logging `e`.
fn unavailable(e: impl std::fmt::Display) -> Response {
    eprintln!("{e:#}");
    let mut res = (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "服务暂时不可用，请稍后再试。The service is unavailable for a moment; please try again later.",
    )
        .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn case_page(st: &AppState, status: StatusCode, data: Value) -> Response {
    html(
        st,
        status,
        PageRequest {
            template: CASES_TEMPLATE,
            path: CASES_PATH,
            title: CASES_TITLE,
            data,
        },
    )
}

async fn case_form(
    State(st): State<AppState>,
    info: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    // Another site's page cannot make a visitor's browser look cases up
    // (it could not read the answer anyway, but it would spend their limit).
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return case_page(
            &st,
            StatusCode::FORBIDDEN,
            lookup_context("", None, Some("cross_site"), None),
        );
    }
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            let status = e.status();
            let kind = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "too_large"
            } else {
                "bad_request"
            };
            return case_page(&st, status, lookup_context("", None, Some(kind), None));
        }
    };
    let Some(cases) = &st.cases else {
        return case_page(
            &st,
            StatusCode::SERVICE_UNAVAILABLE,
            lookup_context("", None, Some("unavailable"), None),
        );
    };
    let client = client_address(cases.trust_proxy, &headers, info);
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';').next().is_some_and(|m| {
                m.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        });
    let form = is_form
        .then(|| serde_urlencoded::from_bytes::<LookupForm>(&body).ok())
        .flatten();
    let typed = form.as_ref().map_or("", |f| f.case_number.as_str());
    let request = form
        .as_ref()
        .map(|f| (f.case_number.as_str(), f.password.as_str()));
    match lookup_case(cases, &client, request).await {
        Lookup::Found(view) => {
            let result = serde_json::to_value(&*view).unwrap_or(Value::Null);
            case_page(
                &st,
                StatusCode::OK,
                lookup_context(typed, Some(result), None, None),
            )
        }
        Lookup::NoMatch => case_page(
            &st,
            StatusCode::NOT_FOUND,
            lookup_context(typed, None, Some("no_match"), None),
        ),
        Lookup::TooMany(wait) => {
            let mut res = case_page(
                &st,
                StatusCode::TOO_MANY_REQUESTS,
                lookup_context(typed, None, Some("rate_limited"), Some(wait_minutes(wait))),
            );
            if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
        Lookup::Unavailable => case_page(
            &st,
            StatusCode::SERVICE_UNAVAILABLE,
            lookup_context(typed, None, Some("unavailable"), None),
        ),
    }
}

/// How long `/stats/` may be cached: the figures move with every event,
/// but not by the second.
const STATS_MAX_AGE: Duration = Duration::from_secs(60);

async fn stats_page(State(st): State<AppState>) -> Response {
    let Some(cases) = &st.cases else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let departments = match cases.department_stats().await {
        Ok(s) => s,
        Err(e) => return unavailable(format_args!("case statistics: {e:#}")),
    };
    let pct = |r: Option<f64>| {
        r.map(|x| format!("{:.1}%", x * 100.0))
            .unwrap_or_else(|| "—".into())
    };
    let rows: Vec<Value> = departments
        .iter()
        .map(|d| {
            json!({
                "department": d.department,
                "department_name": d.department_name,
                "received": d.received,
                "refused": d.refused,
                "completed": d.completed,
                "completion_rate": pct(d.completion_rate),
                "on_time": d.on_time,
                "on_time_rate": pct(d.on_time_rate),
                "early": d.early,
                "early_rate": pct(d.early_rate),
                "overdue_now": d.overdue_now,
            })
        })
        .collect();
    let total = |f: fn(&DepartmentStats) -> u64| departments.iter().map(f).sum::<u64>();
    let data = json!({
        "stats": {
            "as_of": cases.today().to_string(),
            "departments": rows,
            "received": total(|d| d.received),
            "completed": total(|d| d.completed),
            "overdue_now": total(|d| d.overdue_now),
        }
    });
    let mut res = html(
        &st,
        StatusCode::OK,
        PageRequest {
            template: STATS_TEMPLATE,
            path: STATS_PATH,
            title: STATS_TITLE,
            data,
        },
    );
    if res.status() == StatusCode::OK {
        let value = format!("public, max-age={}", STATS_MAX_AGE.as_secs());
        if let Ok(v) = HeaderValue::from_str(&value) {
            res.headers_mut().insert(header::CACHE_CONTROL, v);
        }
    }
    res
}

/// `GET /search/?q=…&f=…`: the results page.
async fn search_page(State(st): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let page = search::search(st.search.as_ref(), raw.as_deref()).await;
    let data = json!({ "query": page.query, "results": page.results });
    html(
        &st,
        StatusCode::OK,
        PageRequest {
            template: SEARCH_TEMPLATE,
            path: SEARCH_PATH,
            title: SEARCH_TITLE,
            data,
        },
    )
}
