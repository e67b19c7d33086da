//! The case-status API (JSON under `/api/v1/`).
//!
//! * `POST /api/v1/cases/lookup` — applicants: case number + query password.
//!   Every failure (unknown number, wrong password, malformed request) gets
//!   the same 404 body, so the API cannot be used to find valid numbers.
//! * `POST /api/v1/cases`, `POST /api/v1/cases/{number}/events` — the
//!   approval system, with a bearer token scoped to departments.
//! * `GET /api/v1/stats`, `GET /api/v1/stats.csv` — published figures.
//!
//! A thin adapter: requests in, JSON out; the answers come from
//! [`crate::lookup`], [`crate::ingest`] with [`crate::db`], and
//! [`crate::stats`].

use crate::client::client_address;
use crate::db::{ApplyError, Created};
use crate::ingest::{self, CreateRequest, EventRequest, FieldError};
use crate::lookup::{LOOKUP_BODY_LIMIT, Lookup, lookup_case, wait_minutes};
use crate::state::Cases;
use crate::stats::{self, DepartmentStats};
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use portal_core::receipt::is_valid_case_number;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub const INGEST_BODY_LIMIT: usize = 16 * 1024;

pub fn router(cases: Cases) -> Router {
    Router::new()
        .route(
            "/v1/cases/lookup",
            post(lookup).layer(DefaultBodyLimit::max(LOOKUP_BODY_LIMIT)),
        )
        .route(
            "/v1/cases",
            post(create_case).layer(DefaultBodyLimit::max(INGEST_BODY_LIMIT)),
        )
        .route(
            "/v1/cases/{number}/events",
            post(add_event).layer(DefaultBodyLimit::max(INGEST_BODY_LIMIT)),
        )
        .route("/v1/stats", get(stats_json))
        .route("/v1/stats.csv", get(stats_csv))
        .fallback(api_not_found)
        .with_state(cases)
}

pub const NO_MATCH: &str = "未找到匹配的办件，请核对受理单上的办件编号和查询密码。\
    No case matches this case number and password; please check both against your receipt.";

fn error(status: StatusCode, message: &str) -> Response {
    let mut res = (status, Json(json!({ "error": message }))).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn no_match() -> Response {
    error(StatusCode::NOT_FOUND, NO_MATCH)
}

fn internal(e: impl std::fmt::Display) -> Response {
    eprintln!("case API error: {e:#}");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "服务暂时不可用，请稍后再试。The service is unavailable for a moment; please try again later.",
    )
}

fn too_many(wait: Duration) -> Response {
    let minutes = wait_minutes(wait);
    let mut res = error(
        StatusCode::TOO_MANY_REQUESTS,
        &format!(
            "查询过于频繁，请 {minutes} 分钟后再试。Too many attempts; please try again in {minutes} minute{}.",
            if minutes == 1 { "" } else { "s" }
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

async fn api_not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "没有这个接口。There is no such API endpoint.",
    )
}

#[derive(Deserialize)]
struct LookupRequest {
    case_number: String,
    password: String,
}

async fn lookup(
    State(st): State<Cases>,
    info: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refusal) = refuse_unless_same_site_json(&headers) {
        return refusal;
    }
    let client = client_address(st.trust_proxy, &headers, info);
    let req = serde_json::from_slice::<LookupRequest>(&body).ok();
    let request = req
        .as_ref()
        .map(|r| (r.case_number.as_str(), r.password.as_str()));
    match lookup_case(&st, &client, request).await {
        Lookup::Found(view) => {
            let mut res = Json(view).into_response();
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Lookup::NoMatch => no_match(),
        Lookup::TooMany(wait) => too_many(wait),
        Lookup::Unavailable => internal("see above"),
    }
}

/// The lookup answers JSON sent from the portal's own pages (or from no
/// page at all: curl, the approval system). A form post from another site
/// (`text/plain` needs no CORS preflight) could otherwise spend a case
/// number's limit through its visitors' browsers.
fn refuse_unless_same_site_json(headers: &HeaderMap) -> Option<Response> {
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return Some(error(
            StatusCode::FORBIDDEN,
            "不接受来自其他网站的查询。Lookups from other sites are refused.",
        ));
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    (!json).then(|| {
        error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "请以 JSON 提交查询。Send the lookup as JSON (Content-Type: application/json).",
        )
    })
}

/// The departments the bearer token may touch, or the error response.
async fn authorize(st: &Cases, headers: &HeaderMap) -> Result<Vec<String>, Response> {
    let unauthorized = || {
        let mut res = error(
            StatusCode::UNAUTHORIZED,
            "需要有效的接入令牌。A valid ingest token is required (Authorization: Bearer …).",
        );
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        res
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 200)
        .ok_or_else(unauthorized)?;
    match st.db.token_departments(&st.secrets, token).await {
        Ok(Some(depts)) => Ok(depts),
        Ok(None) => Err(unauthorized()),
        Err(e) => Err(internal(e)),
    }
}

fn forbidden(department: &str) -> Response {
    error(
        StatusCode::FORBIDDEN,
        &format!(
            "此令牌无权操作部门“{department}”的办件。This token may not touch cases of department {department:?}."
        ),
    )
}

/// A 400 (or with a well-formed but unacceptable value, a 422) with its
/// reason; small, so validation helpers can return it.
struct BadRequest(StatusCode, String);

impl IntoResponse for BadRequest {
    fn into_response(self) -> Response {
        error(self.0, &self.1)
    }
}

fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, BadRequest> {
    serde_json::from_slice(body).map_err(|e| {
        BadRequest(
            StatusCode::BAD_REQUEST,
            format!("请求格式有误。The request body is not valid: {e}"),
        )
    })
}

impl From<FieldError> for BadRequest {
    fn from(e: FieldError) -> Self {
        let status = if e.unprocessable {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::BAD_REQUEST
        };
        BadRequest(status, e.message)
    }
}

async fn create_case(State(st): State<Cases>, headers: HeaderMap, body: Bytes) -> Response {
    let depts = match authorize(&st, &headers).await {
        Ok(d) => d,
        Err(res) => return res,
    };
    let req: CreateRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let new = match req.validate(&st.date_window()).and_then(|n| {
        ingest::check_department(&st.departments, &n.department)?;
        Ok(n)
    }) {
        Ok(n) => n,
        Err(e) => return BadRequest::from(e).into_response(),
    };
    if !depts.contains(&new.department) {
        return forbidden(&new.department);
    }
    let (status, body) = match st.db.create_case(&st.secrets, &new).await {
        Ok(Created::New(case, password)) => (
            StatusCode::CREATED,
            json!({
                "case_number": case.case_number,
                "password": password,
                "state": "submitted",
            }),
        ),
        // A retry of a create whose answer was lost: the same case, but the
        // password exists only in the first answer.
        Ok(Created::Existing(case)) if new.same_as(&case) => (
            StatusCode::OK,
            json!({
                "case_number": case.case_number,
                "state": case.state,
                "already_created": true,
            }),
        ),
        Ok(Created::Existing(_)) => {
            return error(
                StatusCode::CONFLICT,
                "此 case_ref 已用于另一办件。This case_ref was already used for a different case.",
            );
        }
        Err(e) => return internal(e),
    };
    let mut res = (status, Json(body)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

async fn add_event(
    State(st): State<Cases>,
    number: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // A path that is not even text (bad percent-encoding) is no case number.
    let number = number.map_or_else(|_| String::new(), |Path(n)| n);
    let depts = match authorize(&st, &headers).await {
        Ok(d) => d,
        Err(res) => return res,
    };
    let req: EventRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let event = match req.validate(&st.date_window()) {
        Ok(e) => e,
        Err(e) => return BadRequest::from(e).into_response(),
    };
    let unknown = || {
        error(
            StatusCode::NOT_FOUND,
            "没有这个办件编号。No case has this number.",
        )
    };
    if !is_valid_case_number(&number) {
        return unknown();
    }
    let number = number.trim().to_ascii_uppercase();
    let case = match st.db.find_case(&number).await {
        Ok(Some(c)) => c,
        Ok(None) => return unknown(),
        Err(e) => return internal(e),
    };
    if !depts.contains(&case.department) {
        return forbidden(&case.department);
    }
    match st.db.apply_event(&case, &event).await {
        Ok(state) => Json(json!({
            "case_number": number,
            "event_id": event.event_id,
            "state": state,
            "state_label": state.label(),
        }))
        .into_response(),
        Err(e) => apply_error(e),
    }
}

fn apply_error(e: ApplyError) -> Response {
    match e {
        ApplyError::Conflict(msg) | ApplyError::OutOfOrder(msg) => {
            error(StatusCode::CONFLICT, &msg)
        }
        ApplyError::EventIdReused => error(StatusCode::CONFLICT, ingest::EVENT_ID_REUSED),
        ApplyError::Other(e) => internal(e),
    }
}

/// The figures, or the error response.
async fn department_stats(st: &Cases) -> Result<Arc<Vec<DepartmentStats>>, Response> {
    st.department_stats().await.map_err(internal)
}

async fn stats_json(State(st): State<Cases>) -> Response {
    match department_stats(&st).await {
        Ok(s) => Json(json!({ "as_of": st.today(), "departments": &*s })).into_response(),
        Err(res) => res,
    }
}

async fn stats_csv(State(st): State<Cases>) -> Response {
    match department_stats(&st).await {
        Ok(s) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"case-stats.csv\"",
                ),
            ],
            stats::to_csv(&s),
        )
            .into_response(),
        Err(res) => res,
    }
}
