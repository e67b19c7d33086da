//! The HTML pages the server renders, with the site's templates (see
//! `portal_views`): the search without JavaScript (`GET /search/`), the
//! case-status lookup as a plain form (`POST /cases/`, works with
//! JavaScript off) and the published statistics (`GET /stats/`). A thin
//! adapter: the answers come from `search`, `lookup` and `stats`.

use crate::client::client_address;
use crate::lookup::{LOOKUP_BODY_LIMIT, Lookup, lookup_case};
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
use portal_core::Route;
use portal_views::pages::{StatsPage, StatsRow, percent, rate_bars};
use portal_views::{CaseLookup, LookupError};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::Duration;

/// A page the server renders: its template, route and title.
struct Page {
    template: &'static str,
    route: Route,
    title: &'static str,
}

const CASES: Page = Page {
    template: "cases.html",
    route: Route::Cases,
    title: "办件查询",
};
const STATS: Page = Page {
    template: "stats.html",
    route: Route::Stats,
    title: "办件统计",
};
const SEARCH: Page = Page {
    template: "search.html",
    route: Route::Search,
    title: "搜索",
};

const PRECHECK: Page = Page {
    template: "precheck.html",
    route: Route::ItemCheck(String::new()),
    title: "办前自测",
};

/// `/` + the route's path: where axum mounts it.
fn mount(page: &Page) -> String {
    format!("/{}", page.route.path())
}

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
    let mut router = Router::new()
        .route(&mount(&SEARCH), get(search_page))
        .route("/items/{code}/check/", get(precheck_page));
    if state.cases.is_some() {
        router = router
            .route(
                &mount(&CASES),
                // GET is the static form page from `dist/`.
                get_service(static_files)
                    .post(case_form)
                    .layer(DefaultBodyLimit::max(LOOKUP_BODY_LIMIT)),
            )
            .route(&mount(&STATS), get(stats_page));
    }
    router.with_state(state.clone())
}

/// The form's fields. Anything else (the hidden `form` marker) is ignored.
#[derive(Deserialize)]
struct LookupForm {
    case_number: String,
    password: String,
}

/// `page` with `data` (and `query` in the header's search box), never cached.
fn html(
    st: &AppState,
    status: StatusCode,
    page: &Page,
    query: &str,
    data: impl Serialize,
) -> Response {
    html_at(
        st,
        status,
        page,
        &page.route.path(),
        page.title,
        query,
        data,
    )
}

/// [`html`] for a page whose path and title depend on the request.
fn html_at(
    st: &AppState,
    status: StatusCode,
    page: &Page,
    path: &str,
    title: &str,
    query: &str,
    data: impl Serialize,
) -> Response {
    let Some(pages) = &st.pages else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let body = pages.page(page.template, path, title, query, today(st), data);
    let mut res = match body {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(e) => return unavailable(format_args!("cannot render {path}: {e:#}")),
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The case database's day (tests fix it), else the clock's.
fn today(st: &AppState) -> chrono::NaiveDate {
    st.cases
        .as_ref()
        .map_or_else(|| chrono::Local::now().date_naive(), |c| c.today())
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

fn case_page(st: &AppState, status: StatusCode, lookup: CaseLookup) -> Response {
    html(
        st,
        status,
        &CASES,
        "",
        serde_json::json!({ "lookup": lookup }),
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
            CaseLookup::default().failed(LookupError::CrossSite),
        );
    }
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            let status = e.status();
            let kind = if status == StatusCode::PAYLOAD_TOO_LARGE {
                LookupError::TooLarge
            } else {
                LookupError::BadRequest
            };
            return case_page(&st, status, CaseLookup::default().failed(kind));
        }
    };
    let Some(cases) = &st.cases else {
        return case_page(
            &st,
            StatusCode::SERVICE_UNAVAILABLE,
            CaseLookup::default().failed(LookupError::Unavailable),
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
    let answer = CaseLookup::typed(typed);
    match lookup_case(cases, &client, request).await {
        Lookup::Found(view) => case_page(&st, StatusCode::OK, answer.found(*view)),
        Lookup::NoMatch => case_page(
            &st,
            StatusCode::NOT_FOUND,
            answer.failed(LookupError::NoMatch),
        ),
        Lookup::TooMany(wait) => {
            let seconds = wait.as_secs().max(1);
            let mut res = case_page(
                &st,
                StatusCode::TOO_MANY_REQUESTS,
                answer.rate_limited(seconds),
            );
            if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
        Lookup::Unavailable => case_page(
            &st,
            StatusCode::SERVICE_UNAVAILABLE,
            answer.failed(LookupError::Unavailable),
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
    let rows = departments.iter().map(stats_row).collect();
    let stats = StatsPage::new(cases.today(), rows);
    let mut res = html(
        &st,
        StatusCode::OK,
        &STATS,
        "",
        serde_json::json!({ "stats": stats }),
    );
    if res.status() == StatusCode::OK {
        let value = format!("public, max-age={}", STATS_MAX_AGE.as_secs());
        if let Ok(v) = HeaderValue::from_str(&value) {
            res.headers_mut().insert(header::CACHE_CONTROL, v);
        }
    }
    res
}

fn stats_row(d: &DepartmentStats) -> StatsRow {
    StatsRow {
        department: d.department.clone(),
        department_name: d.department_name.clone(),
        received: d.received,
        refused: d.refused,
        completed: d.completed,
        completion_rate: percent(d.completion_rate),
        on_time: d.on_time,
        on_time_rate: percent(d.on_time_rate),
        early: d.early,
        early_rate: percent(d.early_rate),
        overdue_now: d.overdue_now,
        bars: rate_bars(d.completion_rate, d.on_time_rate, d.early_rate),
    }
}

/// `GET /items/CODE/check/?ID=VALUE…`: the pre-check with these answers,
/// for browsers without JavaScript.
async fn precheck_page(
    State(st): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (Some(prechecks), Some(pages)) = (&st.prechecks, &st.pages) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let Some(checked) = prechecks.check(
        pages.root(),
        &code,
        raw.as_deref().unwrap_or(""),
        today(&st),
    ) else {
        return (StatusCode::NOT_FOUND, "本事项没有办前自测。").into_response();
    };
    let route = Route::ItemCheck(checked.code.clone());
    let title = format!("{} · 办前自测", checked.name);
    let data = serde_json::json!({
        "item_name": checked.name,
        "item_url": format!("{}{}", pages.root(), Route::Item(checked.code.clone()).path()),
        "precheck": { "html": portal_views::parts::precheck(&checked.view).unwrap_or_default(), "data": checked.data.replace('<', "\\u003c") },
    });
    html_at(
        &st,
        StatusCode::OK,
        &PRECHECK,
        &route.path(),
        &title,
        "",
        data,
    )
}

/// `GET /search/?q=…&f=…`: the results page.
async fn search_page(State(st): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let page = search::search(st.search.as_ref(), raw.as_deref()).await;
    let results = page
        .results
        .as_ref()
        .map(portal_views::parts::ResultsView::new);
    let data = serde_json::json!({ "results": results });
    html(&st, StatusCode::OK, &SEARCH, &page.query, data)
}
