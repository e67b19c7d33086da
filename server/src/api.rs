//! The case-status API (JSON under `/api/v1/`).
//!
//! * `POST /api/v1/cases/lookup` — applicants: case number + query password.
//!   Every failure (unknown number, wrong password, malformed request) gets
//!   the same 404 body, so the API cannot be used to find valid numbers.
//! * `POST /api/v1/cases`, `POST /api/v1/cases/{number}/events` — the
//!   approval system, with a bearer token scoped to departments.
//! * `GET /api/v1/stats`, `GET /api/v1/stats.csv` — published figures.

use crate::db::{ApplyError, Db, NewCase, NewEvent};
use crate::ratelimit::RateLimiter;
use crate::secrets::Secrets;
use crate::{stats, status};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use chrono::NaiveDate;
use portal_core::case::EventKind;
use portal_core::receipt::is_valid_case_number;
use portal_core::{Calendar, Limit};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Lookups are tiny; anything bigger is not a lookup.
pub const LOOKUP_BODY_LIMIT: usize = 4 * 1024;
pub const INGEST_BODY_LIMIT: usize = 16 * 1024;

pub type Today = Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// Everything the API handlers share.
#[derive(Clone)]
pub struct ApiState {
    pub db: Db,
    pub secrets: Secrets,
    pub calendar: Arc<Calendar>,
    /// The date deadlines are measured against; fixed in tests.
    pub today: Today,
    pub per_client: Arc<RateLimiter>,
    pub per_case: Arc<RateLimiter>,
    /// Behind a reverse proxy every request comes from the proxy; then the
    /// client is the last address the proxy appended to X-Forwarded-For.
    /// Off by default: without a proxy the header is the client's to forge.
    pub trust_proxy: bool,
}

impl ApiState {
    /// Default limits: 10 lookups a minute per client address and per case number.
    pub fn new(db: Db, secrets: Secrets, calendar: Calendar) -> ApiState {
        ApiState {
            db,
            secrets,
            calendar: Arc::new(calendar),
            today: Arc::new(|| chrono::Local::now().date_naive()),
            per_client: Arc::new(RateLimiter::new(10, Duration::from_secs(60))),
            per_case: Arc::new(RateLimiter::new(10, Duration::from_secs(60))),
            trust_proxy: false,
        }
    }

    pub fn with_today(mut self, today: NaiveDate) -> ApiState {
        self.today = Arc::new(move || today);
        self
    }
}

pub fn router(state: ApiState) -> Router {
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
        .with_state(state)
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
    let minutes = wait.as_secs().div_ceil(60).max(1);
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

fn client_of(
    st: &ApiState,
    headers: &HeaderMap,
    info: Option<Extension<ConnectInfo<SocketAddr>>>,
) -> String {
    if st.trust_proxy {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
            .next_back();
        if let Some(ip) = forwarded {
            return ip.to_string();
        }
    }
    info.map(|Extension(ConnectInfo(addr))| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

async fn lookup(
    State(st): State<ApiState>,
    info: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let client = client_of(&st, &headers, info);
    let audit = |tried: String, outcome: &'static str| {
        let db = st.db.clone();
        let client = client.clone();
        async move {
            if let Err(e) = db.audit(&client, &tried, outcome).await {
                eprintln!("cannot write the lookup audit log: {e:#}");
            }
        }
    };
    if let Err(wait) = st.per_client.check(&client) {
        audit(String::new(), "rate_limited_client").await;
        return too_many(wait);
    }
    let Ok(req) = serde_json::from_slice::<LookupRequest>(&body) else {
        audit(String::new(), "malformed").await;
        return no_match();
    };
    // Garbage never reaches the database.
    if !is_valid_case_number(&req.case_number) {
        audit(req.case_number, "malformed").await;
        return no_match();
    }
    let number = req.case_number.trim().to_ascii_uppercase();
    if let Err(wait) = st.per_case.check(&number) {
        audit(number, "rate_limited_case").await;
        return too_many(wait);
    }
    // Receipts print capitals; people type whatever.
    let password = req.password.trim().to_ascii_uppercase();
    let case = match st.db.find_case(&number).await {
        Ok(c) => c,
        Err(e) => return internal(e),
    };
    let matched = match &case {
        Some(c) => st
            .secrets
            .password_matches(&number, &password, &c.password_hash),
        None => {
            // Same work as a wrong password, so timing does not tell them apart.
            let _ = st.secrets.password_hash(&number, &password);
            false
        }
    };
    let Some(case) = case.filter(|_| matched) else {
        audit(number, "no_match").await;
        return no_match();
    };
    let events = match st.db.events(case.id).await {
        Ok(e) => e,
        Err(e) => return internal(e),
    };
    let view = match status::case_status(&st.calendar, &case, &events, (st.today)()) {
        Ok(v) => v,
        Err(e) => return internal(e),
    };
    audit(number, "ok").await;
    let mut res = Json(view).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The departments the bearer token may touch, or the error response.
async fn authorize(st: &ApiState, headers: &HeaderMap) -> Result<Vec<String>, Response> {
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

/// A 400 with its reason; small, so validation helpers can return it.
struct BadRequest(String);

impl IntoResponse for BadRequest {
    fn into_response(self) -> Response {
        error(StatusCode::BAD_REQUEST, &self.0)
    }
}

fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, BadRequest> {
    serde_json::from_slice(body)
        .map_err(|e| BadRequest(format!("请求格式有误。The request body is not valid: {e}")))
}

fn check_len(field: &str, value: &str, max: usize) -> Result<(), BadRequest> {
    if value.trim().is_empty() || value.chars().count() > max {
        Err(BadRequest(format!(
            "字段 {field} 为空或过长。The field {field} is empty or longer than {max} characters."
        )))
    } else {
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateRequest {
    item_code: String,
    item_name: String,
    department: String,
    #[serde(default)]
    department_name: Option<String>,
    received: NaiveDate,
    statutory_limit: Limit,
    promised_limit: Limit,
    delivery_method: String,
}

async fn create_case(State(st): State<ApiState>, headers: HeaderMap, body: Bytes) -> Response {
    let depts = match authorize(&st, &headers).await {
        Ok(d) => d,
        Err(res) => return res,
    };
    let req: CreateRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    for (field, value, max) in [
        ("item_code", &req.item_code, 64),
        ("item_name", &req.item_name, 200),
        ("department", &req.department, 64),
        ("delivery_method", &req.delivery_method, 64),
    ] {
        if let Err(e) = check_len(field, value, max) {
            return e.into_response();
        }
    }
    if !depts.contains(&req.department) {
        return forbidden(&req.department);
    }
    if req.promised_limit.approx_calendar_days() > req.statutory_limit.approx_calendar_days() {
        return error(
            StatusCode::BAD_REQUEST,
            "承诺时限不能长于法定时限。The promised limit cannot be longer than the statutory limit.",
        );
    }
    let new = NewCase {
        item_code: req.item_code,
        item_name: req.item_name,
        department_name: req
            .department_name
            .unwrap_or_else(|| req.department.clone()),
        department: req.department,
        received: req.received,
        statutory_limit: req.statutory_limit,
        promised_limit: req.promised_limit,
        delivery_method: req.delivery_method,
    };
    match st.db.create_case(&st.secrets, &new).await {
        Ok((case, password)) => {
            let mut res = (
                StatusCode::CREATED,
                Json(json!({
                    "case_number": case.case_number,
                    "password": password,
                    "state": "submitted",
                })),
            )
                .into_response();
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventRequest {
    event_id: String,
    kind: EventKind,
    at: NaiveDate,
    #[serde(default)]
    note: String,
    #[serde(default)]
    tracking_number: Option<String>,
}

async fn add_event(
    State(st): State<ApiState>,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let depts = match authorize(&st, &headers).await {
        Ok(d) => d,
        Err(res) => return res,
    };
    let req: EventRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = check_len("event_id", &req.event_id, 100) {
        return e.into_response();
    }
    if req.note.chars().count() > 2000 {
        return error(
            StatusCode::BAD_REQUEST,
            "备注过长。The note is longer than 2000 characters.",
        );
    }
    if let Some(t) = &req.tracking_number
        && let Err(e) = check_len("tracking_number", t, 64)
    {
        return e.into_response();
    }
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
    let event = NewEvent {
        event_id: req.event_id.clone(),
        kind: req.kind,
        at: req.at,
        note: req.note,
        tracking_number: req.tracking_number,
    };
    match st.db.apply_event(&case, &event).await {
        Ok(state) => Json(json!({
            "case_number": number,
            "event_id": req.event_id,
            "state": state,
            "state_label": state.label(),
        }))
        .into_response(),
        Err(ApplyError::Conflict(msg)) => error(StatusCode::CONFLICT, &msg),
        Err(ApplyError::EventIdReused) => error(
            StatusCode::CONFLICT,
            "此事件编号已用于另一事件。This event_id was already used for a different event.",
        ),
        Err(ApplyError::Other(e)) => internal(e),
    }
}

async fn department_stats(st: &ApiState) -> Result<Vec<stats::DepartmentStats>, Response> {
    let cases = st.db.all_cases().await.map_err(internal)?;
    stats::compute(&st.calendar, &cases, (st.today)()).map_err(internal)
}

async fn stats_json(State(st): State<ApiState>) -> Response {
    match department_stats(&st).await {
        Ok(s) => Json(json!({ "as_of": (st.today)(), "departments": s })).into_response(),
        Err(res) => res,
    }
}

async fn stats_csv(State(st): State<ApiState>) -> Response {
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
