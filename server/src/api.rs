//! The case-status API (JSON under `/api/v1/`).
//!
//! * `POST /api/v1/cases/lookup` — applicants: case number + query password.
//!   Every failure (unknown number, wrong password, malformed request) gets
//!   the same 404 body, so the API cannot be used to find valid numbers.
//! * `POST /api/v1/cases`, `POST /api/v1/cases/{number}/events` — the
//!   approval system, with a bearer token scoped to departments.
//! * `GET /api/v1/stats`, `GET /api/v1/stats.csv` — published figures.

use crate::db::{ApplyError, Created, Db};
use crate::ingest::{self, CreateRequest, EventRequest, FieldError};
use crate::ratelimit::RateLimiter;
use crate::secrets::Secrets;
use crate::{pages, stats, status};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use chrono::NaiveDate;
use portal_core::Calendar;
use portal_core::receipt::is_valid_case_number;
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
    /// The site's templates for the HTML pages (`/cases/`, `/stats/`);
    /// without them only the JSON API is served.
    pub pages: Option<Arc<dyn pages::Pages>>,
    /// The site's search index, for `/search/` without JavaScript.
    pub search: Option<Arc<crate::search::SearchIndex>>,
    /// The statistics read every case: computed at most every
    /// [`STATS_TTL`], so the public pages cannot be used to load the server.
    pub stats_cache: Arc<tokio::sync::Mutex<Option<CachedStats>>>,
}

/// When computed, for which day, the figures.
pub type CachedStats = (
    std::time::Instant,
    NaiveDate,
    Arc<Vec<stats::DepartmentStats>>,
);

/// How long computed statistics are served before they are recomputed.
pub const STATS_TTL: Duration = Duration::from_secs(10);

/// Lookups a minute per client address and per case number.
pub const DEFAULT_LOOKUPS_PER_MINUTE: usize = 10;

impl ApiState {
    /// Default limits: 10 lookups a minute per client address and per case number.
    pub fn new(db: Db, secrets: Secrets, calendar: Calendar) -> ApiState {
        ApiState {
            db,
            secrets,
            calendar: Arc::new(calendar),
            today: Arc::new(|| chrono::Local::now().date_naive()),
            per_client: Arc::new(RateLimiter::new(
                DEFAULT_LOOKUPS_PER_MINUTE,
                Duration::from_secs(60),
            )),
            per_case: Arc::new(RateLimiter::new(
                DEFAULT_LOOKUPS_PER_MINUTE,
                Duration::from_secs(60),
            )),
            trust_proxy: false,
            pages: None,
            search: None,
            stats_cache: Default::default(),
        }
    }

    /// Other lookup limits (per client and per case number, a minute);
    /// 0 switches them off. Only for load tests: the limits are what stops
    /// password guessing.
    pub fn with_lookups_per_minute(mut self, per_minute: usize) -> ApiState {
        let limiter = || {
            Arc::new(if per_minute == 0 {
                RateLimiter::unlimited()
            } else {
                RateLimiter::new(per_minute, Duration::from_secs(60))
            })
        };
        self.per_client = limiter();
        self.per_case = limiter();
        self
    }

    pub fn with_pages(mut self, pages: Arc<dyn pages::Pages>) -> ApiState {
        self.pages = Some(pages);
        self
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

pub(crate) fn client_of(
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

/// What a lookup came to: the JSON API and the HTML form answer the same
/// thing in their own format.
pub enum Lookup {
    Found(Box<portal_core::case::CaseStatus>),
    /// Unknown number, wrong password or a malformed request: one answer.
    NoMatch,
    /// Over a limit; try again after this long.
    TooMany(Duration),
    /// The database failed; already logged.
    Unavailable,
}

/// Minutes to wait, rounded up, at least one.
pub fn wait_minutes(wait: Duration) -> u64 {
    wait.as_secs().div_ceil(60).max(1)
}

pub(crate) async fn audit(st: &ApiState, client: &str, tried: &str, outcome: &str) {
    if let Err(e) = st.db.audit(client, tried, outcome).await {
        eprintln!("cannot write the lookup audit log: {e:#}");
    }
}

/// The lookup both front doors share: the per-client limit, then the shape
/// of the number, the per-case limit, the password; every try audited
/// (never the password). `request` is `None` for a malformed request.
pub async fn lookup_case(st: &ApiState, client: &str, request: Option<(&str, &str)>) -> Lookup {
    if let Err(wait) = st.per_client.check(client) {
        audit(st, client, "", "rate_limited_client").await;
        return Lookup::TooMany(wait);
    }
    let Some((case_number, password)) = request else {
        audit(st, client, "", "malformed").await;
        return Lookup::NoMatch;
    };
    // Garbage never reaches the database.
    if !is_valid_case_number(case_number) {
        audit(st, client, case_number, "malformed").await;
        return Lookup::NoMatch;
    }
    let number = case_number.trim().to_ascii_uppercase();
    if let Err(wait) = st.per_case.check(&number) {
        audit(st, client, &number, "rate_limited_case").await;
        return Lookup::TooMany(wait);
    }
    // Receipts print capitals; people type whatever.
    let password = password.trim().to_ascii_uppercase();
    let case = match st.db.find_case(&number).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("case API error: {e:#}");
            return Lookup::Unavailable;
        }
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
        audit(st, client, &number, "no_match").await;
        return Lookup::NoMatch;
    };
    let view = match st
        .db
        .events(case.id)
        .await
        .and_then(|events| status::case_status(&st.calendar, &case, &events, (st.today)()))
    {
        Ok(v) => v,
        Err(e) => {
            eprintln!("case API error: {e:#}");
            return Lookup::Unavailable;
        }
    };
    audit(st, client, &number, "ok").await;
    Lookup::Found(Box::new(view))
}

async fn lookup(
    State(st): State<ApiState>,
    info: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let client = client_of(&st, &headers, info);
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

impl From<FieldError> for BadRequest {
    fn from(e: FieldError) -> Self {
        BadRequest(e.message)
    }
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
    let new = match req.validate() {
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
    let event = match req.validate() {
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

pub(crate) async fn department_stats(
    st: &ApiState,
) -> Result<Arc<Vec<stats::DepartmentStats>>, Response> {
    let today = (st.today)();
    // Held while computing: concurrent requests wait for one computation.
    let mut cache = st.stats_cache.lock().await;
    if let Some((at, day, s)) = cache.as_ref()
        && *day == today
        && at.elapsed() < STATS_TTL
    {
        return Ok(s.clone());
    }
    let cases = st.db.all_cases().await.map_err(internal)?;
    let computed = Arc::new(stats::compute(&st.calendar, &cases, today).map_err(internal)?);
    *cache = Some((std::time::Instant::now(), today, computed.clone()));
    Ok(computed)
}

async fn stats_json(State(st): State<ApiState>) -> Response {
    match department_stats(&st).await {
        Ok(s) => Json(json!({ "as_of": (st.today)(), "departments": &*s })).into_response(),
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
