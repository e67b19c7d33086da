//! The case API end to end, through the full router (static site + API),
//! against SQLite and PostgreSQL with the same test bodies.
//!
//! PostgreSQL: set PORTAL_TEST_POSTGRES to a server URL (each test creates
//! its own database there). `scripts/test` starts a throwaway server and sets
//! it; without it the `postgres::` tests fail on purpose, so a green run
//! always means both backends were tested.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use chrono::NaiveDate;
use http_body_util::BodyExt;
use portal_core::case::{CaseState, EventKind, transition};
use portal_core::{Calendar, CalendarYear, DayUnit, Limit};
use portal_server::api::ApiState;
use portal_server::db::Db;
use portal_server::import::{self, Format, Scope};
use portal_server::pages::{PageRequest, Pages};
use portal_server::secrets::Secrets;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;

/// Stands in for the site's templates (they live in the build crate): the
/// page is its template, path and data as JSON, so tests can read it.
struct JsonPages;

impl Pages for JsonPages {
    fn render(&self, page: PageRequest<'_>) -> anyhow::Result<String> {
        Ok(json!({"template": page.template, "path": page.path, "title": page.title, "data": page.data})
            .to_string())
    }
}

#[derive(Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

struct Env {
    state: ApiState,
    app: Router,
    /// May touch department "dept-a" only.
    token: String,
    _dir: tempfile::TempDir,
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn calendar() -> Calendar {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/calendar");
    let years: Vec<CalendarYear> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| toml::from_str(&std::fs::read_to_string(e.unwrap().path()).unwrap()).unwrap())
        .collect();
    assert!(years.len() >= 2);
    Calendar::new(&years)
}

async fn database_url(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.join("cases.sqlite").display()),
        Backend::Postgres => {
            let Ok(base) = std::env::var("PORTAL_TEST_POSTGRES") else {
                panic!(
                    "PORTAL_TEST_POSTGRES is not set, so the PostgreSQL variant of this test cannot run. \
                     Run scripts/test (it starts a throwaway PostgreSQL and sets it), or set \
                     PORTAL_TEST_POSTGRES=postgres://USER@HOST:PORT/postgres yourself."
                );
            };
            sqlx::any::install_default_drivers();
            let name = format!(
                "portal_test_{:x}",
                portal_server::secrets::random_u64().unwrap()
            );
            let admin = sqlx::AnyPool::connect(&base)
                .await
                .expect("PostgreSQL reachable");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await
                .unwrap();
            admin.close().await;
            // Replace the database name in the URL.
            let (head, query) = match base.split_once('?') {
                Some((h, q)) => (h.to_owned(), format!("?{q}")),
                None => (base.clone(), String::new()),
            };
            let after_scheme = head.find("://").unwrap() + 3;
            let host_end = head[after_scheme..]
                .find('/')
                .map(|i| i + after_scheme)
                .unwrap_or(head.len());
            format!("{}/{name}{query}", &head[..host_end])
        }
    }
}

async fn env_at(backend: Backend, today: &str) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(backend, dir.path()).await;
    let db = Db::connect(&url).await.unwrap();
    let secrets = Secrets::random().unwrap();
    let token = db
        .add_token(&secrets, &["dept-a".to_owned()], "test")
        .await
        .unwrap();
    let state = ApiState::new(db, secrets, calendar())
        .with_today(d(today))
        .with_pages(Arc::new(JsonPages));
    std::fs::write(dir.path().join("index.html"), "home").unwrap();
    std::fs::write(dir.path().join("404.html"), "not found").unwrap();
    std::fs::create_dir_all(dir.path().join("cases")).unwrap();
    std::fs::write(dir.path().join("cases/index.html"), "the form").unwrap();
    let app = portal_server::app_with(dir.path(), Some(state.clone()));
    Env {
        state,
        app,
        token,
        _dir: dir,
    }
}

async fn env(backend: Backend) -> Env {
    env_at(backend, "2025-03-20").await
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A plain GET from the default client address.
async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Method::GET, uri, None, IP, Body::empty()).await
}

async fn send(
    app: &Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    ip: [u8; 4],
    body: impl Into<Body>,
) -> Reply {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let mut req = req.body(body.into()).unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

const IP: [u8; 4] = [10, 0, 0, 1];

impl Env {
    async fn create(&self, dept: &str, received: &str) -> Reply {
        let body = json!({
            "item_code": "ga-001",
            "item_name": "居民身份证换领",
            "department": dept,
            "department_name": "区公安分局",
            "received": received,
            "statutory_limit": { "days": 20 },
            "promised_limit": { "days": 5, "unit": "working" },
            "delivery_method": "express",
        });
        send(
            &self.app,
            Method::POST,
            "/api/v1/cases",
            Some(&self.token),
            IP,
            body.to_string(),
        )
        .await
    }

    /// A new case in dept-a: (case number, password).
    async fn new_case(&self, received: &str) -> (String, String) {
        let r = self.create("dept-a", received).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let v = r.json();
        (
            v["case_number"].as_str().unwrap().to_owned(),
            v["password"].as_str().unwrap().to_owned(),
        )
    }

    async fn event(&self, number: &str, event_id: &str, kind: &str, at: &str) -> Reply {
        self.event_body(
            number,
            json!({ "event_id": event_id, "kind": kind, "at": at, "note": "" }),
        )
        .await
    }

    async fn event_body(&self, number: &str, body: Value) -> Reply {
        send(
            &self.app,
            Method::POST,
            &format!("/api/v1/cases/{number}/events"),
            Some(&self.token),
            IP,
            body.to_string(),
        )
        .await
    }

    async fn lookup_from(&self, ip: [u8; 4], number: &str, password: &str) -> Reply {
        let body = json!({ "case_number": number, "password": password });
        send(
            &self.app,
            Method::POST,
            "/api/v1/cases/lookup",
            None,
            ip,
            body.to_string(),
        )
        .await
    }

    async fn lookup(&self, number: &str, password: &str) -> Reply {
        self.lookup_from(IP, number, password).await
    }

    async fn raw_lookup(&self, ip: [u8; 4], body: impl Into<Body>) -> Reply {
        send(
            &self.app,
            Method::POST,
            "/api/v1/cases/lookup",
            None,
            ip,
            body,
        )
        .await
    }
}

fn kind_name(k: EventKind) -> String {
    portal_server::db::to_text(&k)
}

const ALL_EVENTS: [EventKind; 10] = [
    EventKind::Accept,
    EventKind::Refuse,
    EventKind::StartReview,
    EventKind::RequestCorrection,
    EventKind::StartSpecialProcedure,
    EventKind::Resume,
    EventKind::Approve,
    EventKind::Deny,
    EventKind::MarkResultReady,
    EventKind::Deliver,
];

async fn lookup_shows_the_status(b: Backend) {
    let env = env(b).await;
    let (number, password) = env.new_case("2025-03-03").await;
    let r = env.lookup(&number, &password).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.headers["cache-control"], "no-store");
    let v = r.json();
    assert_eq!(v["state"], "submitted");
    assert_eq!(v["state_label"], "已申报");
    assert_eq!(
        v["promised_due"],
        Value::Null,
        "no deadline before acceptance"
    );

    for (i, (kind, at)) in [
        ("accept", "2025-03-03"),
        ("start_review", "2025-03-04"),
        ("approve", "2025-03-06"),
        ("mark_result_ready", "2025-03-07"),
    ]
    .iter()
    .enumerate()
    {
        let r = env.event(&number, &format!("e{i}"), kind, at).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let r = env
        .event_body(
            &number,
            json!({"event_id": "e9", "kind": "deliver", "at": "2025-03-10", "tracking_number": "SF1234567890"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    // Lower-case password with spaces, as people type it.
    let v = env
        .lookup(&number, &format!(" {} ", password.to_lowercase()))
        .await
        .json();
    assert_eq!(v["item_name"], "居民身份证换领");
    assert_eq!(v["department_name"], "区公安分局");
    assert_eq!(v["received"], "2025-03-03");
    assert_eq!(v["state"], "delivered");
    assert_eq!(v["state_label"], "已送达");
    assert_eq!(v["timeline"].as_array().unwrap().len(), 5);
    assert_eq!(v["timeline"][2]["date"], "2025-03-06");
    assert_eq!(v["timeline"][2]["event"], "approve");
    assert_eq!(v["promised_due"], "2025-03-10");
    assert_eq!(v["flag"], "none");
    assert_eq!(v["delivery_method"], "express");
    assert_eq!(v["tracking_number"], "********7890");
    assert!(!r.text().contains("password"));

    // Every lookup is audited, the password never.
    let log = env.state.db.audit_log().await.unwrap();
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .all(|(_, client, n, outcome)| client == "10.0.0.1" && n == &number && outcome == "ok")
    );
    let dump = format!("{log:?}");
    assert!(!dump.contains(&password));
}

/// The events that lead from a new case to `state`.
fn path_to(state: CaseState) -> Vec<EventKind> {
    use EventKind::*;
    match state {
        CaseState::Submitted => vec![],
        CaseState::Accepted => vec![Accept],
        CaseState::Refused => vec![Refuse],
        CaseState::UnderReview => vec![Accept, StartReview],
        CaseState::Paused => vec![Accept, StartReview, RequestCorrection],
        CaseState::Approved => vec![Accept, Approve],
        CaseState::Denied => vec![Accept, Deny],
        CaseState::ResultReady => vec![Accept, Approve, MarkResultReady],
        CaseState::Delivered => vec![Accept, Approve, Deliver],
    }
}

async fn every_transition_via_the_api(b: Backend) {
    let env = env(b).await;
    let states = [
        CaseState::Submitted,
        CaseState::Accepted,
        CaseState::Refused,
        CaseState::UnderReview,
        CaseState::Paused,
        CaseState::Approved,
        CaseState::Denied,
        CaseState::ResultReady,
        CaseState::Delivered,
    ];
    let mut allowed = 0;
    for state in states {
        for event in ALL_EVENTS {
            let (number, _) = env.new_case("2025-03-03").await;
            for (i, k) in path_to(state).into_iter().enumerate() {
                let r = env
                    .event(
                        &number,
                        &format!("{number}-p{i}"),
                        &kind_name(k),
                        "2025-03-04",
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            }
            let r = env
                .event(
                    &number,
                    &format!("{number}-x"),
                    &kind_name(event),
                    "2025-03-05",
                )
                .await;
            match transition(state, event) {
                Ok(to) => {
                    allowed += 1;
                    assert_eq!(
                        r.status,
                        StatusCode::OK,
                        "{state:?} + {event:?}: {}",
                        r.text()
                    );
                    assert_eq!(r.json()["state"], portal_server::db::to_text(&to));
                }
                Err(_) => {
                    assert_eq!(r.status, StatusCode::CONFLICT, "{state:?} + {event:?}");
                    let msg = r.json()["error"].as_str().unwrap().to_owned();
                    assert!(msg.contains(state.label()), "{msg}");
                    assert!(msg.contains("cannot take the event"), "{msg}");
                }
            }
        }
    }
    assert_eq!(allowed, 16);
}

async fn retries_are_idempotent(b: Backend) {
    let env = env(b).await;
    let (number, password) = env.new_case("2025-03-03").await;
    let first = env.event(&number, "evt-1", "accept", "2025-03-03").await;
    let again = env.event(&number, "evt-1", "accept", "2025-03-03").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(first.body, again.body);
    // Later events do not change what the retry answers.
    env.event(&number, "evt-2", "start_review", "2025-03-04")
        .await;
    let late = env.event(&number, "evt-1", "accept", "2025-03-03").await;
    assert_eq!(late.body, first.body);
    let v = env.lookup(&number, &password).await.json();
    assert_eq!(v["timeline"].as_array().unwrap().len(), 2, "no duplicate");
    assert_eq!(v["state"], "under_review");
    // The same id for another event is a mistake, said plainly.
    let reuse = env.event(&number, "evt-1", "approve", "2025-03-05").await;
    assert_eq!(reuse.status, StatusCode::CONFLICT);
    assert!(reuse.text().contains("event_id"));
    // Concurrent retries of one event: one applied, all answered the same.
    let (n2, p2) = env.new_case("2025-03-03").await;
    let replies = futures_join(&env, &n2).await;
    for r in &replies {
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.body, replies[0].body);
    }
    let v = env.lookup(&n2, &p2).await.json();
    assert_eq!(v["timeline"].as_array().unwrap().len(), 1);
    // Events out of date order are refused.
    let r = env.event(&number, "evt-3", "approve", "2025-03-01").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

async fn futures_join(env: &Env, number: &str) -> Vec<Reply> {
    let mut handles = Vec::new();
    for _ in 0..6 {
        let app = env.app.clone();
        let token = env.token.clone();
        let uri = format!("/api/v1/cases/{number}/events");
        handles.push(tokio::spawn(async move {
            let body = json!({"event_id": "same", "kind": "accept", "at": "2025-03-03"});
            send(&app, Method::POST, &uri, Some(&token), IP, body.to_string()).await
        }));
    }
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

async fn failures_are_indistinguishable(b: Backend) {
    let env = env(b).await;
    let (number, password) = env.new_case("2025-03-03").await;
    let other = portal_core::receipt::case_number(2025, 1);
    let wrong_password = env.lookup(&number, "ABCDEFGH").await;
    let wrong_number = env.lookup(&other, &password).await;
    let malformed = env.lookup("12345", &password).await;
    let not_json = env.raw_lookup([10, 0, 0, 2], "{not json").await;
    let missing_field = env
        .raw_lookup([10, 0, 0, 2], json!({"case_number": number}).to_string())
        .await;
    for r in [&wrong_number, &malformed, &not_json, &missing_field] {
        assert_eq!(r.status, wrong_password.status);
        assert_eq!(r.body, wrong_password.body);
        assert_eq!(r.headers["cache-control"], "no-store");
    }
    assert_eq!(wrong_password.status, StatusCode::NOT_FOUND);
    let msg = wrong_password.json()["error"].as_str().unwrap().to_owned();
    assert!(
        msg.contains("未找到") && msg.contains("No case matches"),
        "{msg}"
    );
    let outcomes: Vec<String> = env
        .state
        .db
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.3)
        .collect();
    assert_eq!(outcomes.iter().filter(|o| *o == "no_match").count(), 2);
    assert_eq!(outcomes.iter().filter(|o| *o == "malformed").count(), 3);
}

async fn lookups_are_rate_limited(b: Backend) {
    let env = env(b).await;
    let (number, password) = env.new_case("2025-03-03").await;
    // Per client: 10 a minute, whatever the numbers.
    let client = [10, 9, 9, 9];
    for _ in 0..10 {
        let r = env.lookup_from(client, "garbage", "x").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let r = env.lookup_from(client, &number, &password).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let msg = r.json()["error"].as_str().unwrap().to_owned();
    assert!(
        msg.contains("1 分钟后再试") && msg.contains("try again in 1 minute"),
        "{msg}"
    );
    assert!(r.headers.contains_key("retry-after"));
    // Another client is not affected.
    assert_eq!(
        env.lookup_from([10, 9, 9, 8], &number, &password)
            .await
            .status,
        StatusCode::OK
    );
    // Per case number: many clients guessing one number are stopped too.
    for i in 0..9u8 {
        let r = env.lookup_from([10, 1, 1, i], &number, "WRONGPWD").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let r = env.lookup_from([10, 2, 2, 2], &number, &password).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let log = env.state.db.audit_log().await.unwrap();
    assert!(log.iter().any(|r| r.3 == "rate_limited_client"));
    // X-Forwarded-For is ignored unless a proxy is trusted.
    let forged = |app: Router, ip: &'static str| async move {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/cases/lookup")
            .header("x-forwarded-for", format!("{ip}, 192.0.2.7"))
            .body(Body::from("{}"))
            .unwrap();
        let mut req = req;
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([10, 9, 9, 9], 1))));
        app.oneshot(req).await.unwrap().status()
    };
    assert_eq!(
        forged(env.app.clone(), "1.1.1.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    let mut trusting = env.state.clone();
    trusting.trust_proxy = true;
    let app = portal_server::app_with(env._dir.path(), Some(trusting));
    assert_eq!(forged(app, "1.1.1.1").await, StatusCode::NOT_FOUND);
    let log = env.state.db.audit_log().await.unwrap();
    assert_eq!(
        log.last().unwrap().1,
        "192.0.2.7",
        "the address the proxy appended"
    );
    assert!(log.iter().any(|r| r.3 == "rate_limited_case"));
}

async fn tokens_are_scoped_to_departments(b: Backend) {
    let env = env(b).await;
    assert_eq!(
        env.create("dept-b", "2025-03-03").await.status,
        StatusCode::FORBIDDEN
    );
    let other_token = env
        .state
        .db
        .add_token(&env.state.secrets, &["dept-b".to_owned()], "b")
        .await
        .unwrap();
    let (number, _) = env.new_case("2025-03-03").await;
    let body = json!({"event_id": "x", "kind": "accept", "at": "2025-03-03"}).to_string();
    let uri = format!("/api/v1/cases/{number}/events");
    let r = send(
        &env.app,
        Method::POST,
        &uri,
        Some(&other_token),
        IP,
        body.clone(),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("dept-a"), "{}", r.text());
    for bad in [None, Some("pt_nope"), Some("")] {
        let r = send(&env.app, Method::POST, &uri, bad, IP, body.clone()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = send(&env.app, Method::POST, "/api/v1/cases", None, IP, "{}").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Nothing happened to the case.
    assert_eq!(
        env.state
            .db
            .find_case(&number)
            .await
            .unwrap()
            .unwrap()
            .state,
        "submitted"
    );
}

async fn due_dates_follow_the_calendar_and_stopped_clocks(b: Backend) {
    // Accepted Fri 2025-09-26, promised 5 working days: Sun 28 (调休 workday),
    // Mon 29, Tue 30, then the National Day holiday (Oct 1–8), Thu Oct 9,
    // Fri Oct 10 → due Oct 10.
    let env = env_at(b, "2025-09-29").await;
    let (number, password) = env.new_case("2025-09-26").await;
    env.event(&number, "a", "accept", "2025-09-26").await;
    env.event(&number, "r", "start_review", "2025-09-26").await;
    let v = env.lookup(&number, &password).await.json();
    assert_eq!(v["promised_due"], "2025-10-10");
    let cal = calendar();
    let statutory = |stopped: u32| {
        portal_core::case::due_date(
            &cal,
            d("2025-09-26"),
            Limit {
                days: 20 + stopped,
                unit: DayUnit::Working,
            },
            &[],
            d("2025-09-26"),
        )
        .to_string()
    };
    assert_eq!(v["statutory_due"], statutory(0));
    assert_eq!(v["flag"], "none");
    // 补正 from Thu Oct 9 to Mon Oct 13: Fri 10, Sat 11 (调休 workday) and
    // Mon 13 do not count → due three working days later, Tue Oct 14.
    let r = env
        .event(&number, "c", "request_correction", "2025-10-09")
        .await;
    assert_eq!(r.json()["state"], "paused");
    let stopped = env_view(&env, "2025-10-11", &number, &password).await;
    assert_eq!(stopped["clock_stopped_now"], true);
    assert_eq!(
        stopped["days_stopped"], 2,
        "Fri 10 and the make-up Saturday 11"
    );
    assert_eq!(stopped["flag"], "none", "the clock is stopped");
    env.event(&number, "s", "resume", "2025-10-13").await;
    let v = env_view(&env, "2025-10-13", &number, &password).await;
    assert_eq!(v["days_stopped"], 3);
    assert_eq!(v["promised_due"], "2025-10-14");
    assert_eq!(v["statutory_due"], statutory(3));
    assert_eq!(v["flag"], "yellow");
    assert_eq!(
        env_view(&env, "2025-10-15", &number, &password).await["flag"],
        "red"
    );
    // Decided on the due date: on time, and it stays so.
    env.event(&number, "ok", "approve", "2025-10-14").await;
    let v = env_view(&env, "2025-11-30", &number, &password).await;
    assert_eq!(v["flag"], "none");
    assert_eq!(v["promised_due"], "2025-10-14");

    // The statistics count it on time but not early.
    let stats = get(&env.app, "/api/v1/stats").await;
    assert_eq!(stats.status, StatusCode::OK);
    let dept = &stats.json()["departments"][0];
    assert_eq!(dept["department"], "dept-a");
    assert_eq!(dept["received"], 1);
    assert_eq!(dept["completed"], 1);
    assert_eq!(dept["completion_rate"], 1.0);
    assert_eq!(dept["on_time_rate"], 1.0);
    assert_eq!(dept["early_rate"], 0.0);
    let csv = get(&env.app, "/api/v1/stats.csv").await;
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.text().contains("dept-a,区公安分局,1,0,1,1,1,1,0,0,0"),
        "{}",
        csv.text()
    );
}

/// The same database, seen on another day.
async fn env_view(env: &Env, today: &str, number: &str, password: &str) -> Value {
    let state = env.state.clone().with_today(d(today));
    let state = ApiState {
        per_client: std::sync::Arc::new(portal_server::ratelimit::RateLimiter::new(
            100,
            std::time::Duration::from_secs(60),
        )),
        per_case: std::sync::Arc::new(portal_server::ratelimit::RateLimiter::new(
            100,
            std::time::Duration::from_secs(60),
        )),
        ..state
    };
    let app = portal_server::app_with(env._dir.path(), Some(state));
    let body = json!({ "case_number": number, "password": password }).to_string();
    let r = send(&app, Method::POST, "/api/v1/cases/lookup", None, IP, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

async fn hostile_input_gets_clean_answers(b: Backend) {
    let env = env(b).await;
    let (number, password) = env.new_case("2025-03-03").await;
    let no_match = env.lookup(&number, "WRONGPWD").await;
    let mut ip = 0u8;
    let mut next_ip = || {
        ip += 1;
        [172, 16, 0, ip]
    };
    for (n, p) in [
        ("' OR '1'='1", "' OR '1'='1"),
        ("%", "%"),
        ("_%_%_%_%_%_%_%_%_", "%"),
        (&number, "' OR 1=1 --"),
        (&number, "%"),
        (&number, "_"),
        (&format!("{number}'; DROP TABLE cases; --"), "x"),
        ("2025\u{0}", "\u{0}"),
        ("２０２５４８３９２０１７４６５５X", "密码"),
    ] {
        let r = env.lookup_from(next_ip(), n, p).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{n:?}");
        assert_eq!(r.body, no_match.body, "{n:?}");
    }
    // Invalid UTF-8, invalid JSON, wrong types: the same no-match answer.
    for body in [
        vec![0xff, 0xfe, b'{', 0x80],
        b"{\"case_number\": \"\xc3\x28\", \"password\": \"x\"}".to_vec(),
        b"[1,2,3]".to_vec(),
        b"{\"case_number\": 5, \"password\": null}".to_vec(),
        Vec::new(),
    ] {
        let r = env.raw_lookup(next_ip(), body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.body, no_match.body);
    }
    // Oversized bodies are cut off before parsing.
    let big = json!({ "case_number": number, "password": "A".repeat(10_000) }).to_string();
    let r = env.raw_lookup(next_ip(), big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let big = "x".repeat(100_000);
    let r = send(
        &env.app,
        Method::POST,
        "/api/v1/cases",
        Some(&env.token),
        IP,
        big,
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Ingest: bad JSON is a 400 with a reason, odd paths a 404.
    let r = send(
        &env.app,
        Method::POST,
        "/api/v1/cases",
        Some(&env.token),
        IP,
        vec![0xff, 0x00],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["error"].as_str().is_some());
    let r = env
        .event_body(
            &number,
            json!({"event_id": "x", "kind": "drop_table", "at": "2025-03-03"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = env
        .event_body(
            &number,
            json!({"event_id": "", "kind": "accept", "at": "2025-03-03"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    for path in ["%27%20OR%201=1", "%25", "..%2F..%2Fetc"] {
        let uri = format!("/api/v1/cases/{path}/events");
        let body = json!({"event_id": "y", "kind": "accept", "at": "2025-03-03"}).to_string();
        let r = send(&env.app, Method::POST, &uri, Some(&env.token), IP, body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = get(&env.app, "/api/v1/nothing").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.headers["cache-control"], "no-store");
    // Still up, data intact, and the static site still served.
    let r = env.lookup_from(next_ip(), &number, &password).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["state"], "submitted");
    let home = get(&env.app, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.text(), "home");
}

async fn demo_seeds_every_state(b: Backend) {
    let env = env(b).await;
    let seeded = portal_server::demo::seed(&env.state.db, &env.state.secrets, d("2025-06-16"))
        .await
        .unwrap();
    let states: std::collections::BTreeSet<_> =
        seeded.receipts.iter().map(|r| r.state.clone()).collect();
    assert_eq!(states.len(), 9, "{states:?}");
    let r = &seeded.receipts[1];
    assert_eq!(
        env.lookup(&r.case_number, &r.password).await.status,
        StatusCode::OK
    );
}

/// A form POST to `/cases/` from `ip`.
async fn form(app: &Router, ip: [u8; 4], content_type: &str, body: impl Into<Body>) -> Reply {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/cases/")
        .header("content-type", content_type)
        .body(body.into())
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

const FORM: &str = "application/x-www-form-urlencoded";

fn form_body(number: &str, password: &str) -> String {
    format!(
        "form=case-lookup&case_number={}&password={}",
        urlencode(number),
        urlencode(password)
    )
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `lookup` the page was rendered with.
fn lookup_of(r: &Reply) -> Value {
    let v = r.json();
    assert_eq!(v["template"], "cases.html");
    v["data"]["lookup"].clone()
}

async fn form_lookup_renders_the_case_page(b: Backend) {
    let env = env(b).await;
    let (number, password) = env.new_case("2025-03-03").await;
    env.event(&number, "a", "accept", "2025-03-03").await;
    // The page without a lookup is the static one from dist/.
    let page = get(&env.app, "/cases/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text(), "the form");
    let r = form(
        &env.app,
        IP,
        FORM,
        form_body(&number, &password.to_lowercase()),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.headers["cache-control"], "no-store");
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let l = lookup_of(&r);
    assert_eq!(l["case_number"], number.as_str());
    assert_eq!(l["error"], Value::Null);
    let c = &l["result"];
    assert_eq!(c["item_name"], "居民身份证换领");
    assert_eq!(c["department_name"], "区公安分局");
    assert_eq!(c["state"], "accepted");
    assert_eq!(c["promised_due"], "2025-03-10");
    assert_eq!(c["promised_limit_label"], "5 个工作日");
    assert_eq!(c["delivery_label"], "快递送达");
    assert_eq!(c["timeline"][0]["label"], "受理");
    assert!(!r.text().contains(&password), "never the password");
    // Audited like the JSON API.
    let log = env.state.db.audit_log().await.unwrap();
    assert_eq!(log.last().unwrap().3, "ok");
    assert_eq!(log.last().unwrap().1, "10.0.0.1");

    // The same answer for a wrong password, an unknown number and garbage.
    let other = portal_core::receipt::case_number(2025, 7);
    let wrong_password = form(
        &env.app,
        [10, 0, 1, 1],
        FORM,
        form_body(&number, "ABCDEFGH"),
    )
    .await;
    let unknown = form(&env.app, [10, 0, 1, 2], FORM, form_body(&other, &password)).await;
    let not_a_form = form(
        &env.app,
        [10, 0, 1, 3],
        "application/json",
        form_body(&number, &password),
    )
    .await;
    for r in [&wrong_password, &unknown, &not_a_form] {
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.headers["cache-control"], "no-store");
        let l = lookup_of(r);
        assert_eq!(l["error"], "no_match");
        assert_eq!(l["result"], Value::Null);
    }
    assert_eq!(
        wrong_password.text().replace(&number, "N"),
        unknown.text().replace(&other, "N"),
        "a wrong password and an unknown number look the same"
    );

    // Statistics page.
    let stats = get(&env.app, "/stats/").await;
    assert_eq!(stats.status, StatusCode::OK);
    assert_eq!(stats.headers["cache-control"], "public, max-age=60");
    let v = stats.json();
    assert_eq!(v["template"], "stats.html");
    assert_eq!(v["path"], "stats/");
    assert_eq!(v["data"]["stats"]["departments"][0]["department"], "dept-a");
    assert_eq!(v["data"]["stats"]["received"], 1);
    // Computed at most every few seconds, however often it is asked for.
    env.new_case("2025-03-04").await;
    let again = get(&env.app, "/api/v1/stats").await.json();
    assert_eq!(again["departments"][0]["received"], 1);
}

async fn form_survives_hostile_input(b: Backend) {
    let env = env(b).await;
    let (number, password) = env.new_case("2025-03-03").await;
    let mut ip = 0u8;
    let mut next_ip = || {
        ip += 1;
        [172, 17, 0, ip]
    };
    // SQL and LIKE metacharacters, NULs, full-width digits: no match.
    for (n, p) in [
        ("' OR '1'='1", "' OR '1'='1"),
        ("%", "%"),
        ("2025%", "_"),
        ("_%_%_%_%_%_%_%_%_", "%"),
        (&format!("{number}'; DROP TABLE cases; --"), "x"),
        (&number, "' OR 1=1 --"),
        ("2025\u{0}", "\u{0}"),
        ("２０２５４８３９２０１７４６５５X", "密码"),
    ] {
        let r = form(&env.app, next_ip(), FORM, form_body(n, p)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{n:?}");
        assert_eq!(lookup_of(&r)["error"], "no_match", "{n:?}");
    }
    // Bad UTF-8, broken encodings, missing fields, repeated fields.
    for body in [
        b"case_number=%FF%FE&password=%C3%28".to_vec(),
        vec![0xff, 0xfe, b'=', 0x80],
        b"case_number=%%%&password=%zz".to_vec(),
        b"case_number=2025".to_vec(),
        b"password=x&password=y".to_vec(),
        Vec::new(),
    ] {
        let r = form(&env.app, next_ip(), FORM, body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(lookup_of(&r)["error"], "no_match");
    }
    // Oversized: cut off before parsing, with a page that says why.
    let big = form_body(&number, &"A".repeat(10_000));
    let r = form(&env.app, next_ip(), FORM, big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(lookup_of(&r)["error"], "too_large");
    assert_eq!(r.headers["cache-control"], "no-store");
    // Another site's page cannot post the form.
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/cases/")
        .header("content-type", FORM)
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(form_body(&number, &password)))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((next_ip(), 1))));
    let res = env.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Enumeration from one address: ten tries a minute, then "try again".
    let prober = next_ip();
    for i in 0..10u64 {
        let guess = portal_core::receipt::case_number(2025, 1000 + i);
        let r = form(&env.app, prober, FORM, form_body(&guess, "ABCDEFGH")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let r = form(&env.app, prober, FORM, form_body(&number, &password)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let l = lookup_of(&r);
    assert_eq!(l["error"], "rate_limited");
    assert_eq!(l["retry_minutes"], 1);
    assert!(r.headers.contains_key("retry-after"));
    // Many addresses guessing one number's password: the number is locked.
    let (target, target_password) = env.new_case("2025-03-03").await;
    for i in 0..10u8 {
        let r = form(
            &env.app,
            [192, 0, 2, i],
            FORM,
            form_body(&target, "WRONGPWD"),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let r = form(
        &env.app,
        [198, 51, 100, 1],
        FORM,
        form_body(&target, &target_password),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // The JSON API shares the limits: the same number is locked there too.
    let r = env
        .lookup_from([198, 51, 100, 2], &target, &target_password)
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let outcomes: Vec<String> = env
        .state
        .db
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.3)
        .collect();
    assert!(outcomes.iter().any(|o| o == "rate_limited_client"));
    assert!(outcomes.iter().any(|o| o == "rate_limited_case"));
    // Still up, data intact.
    let r = form(&env.app, next_ip(), FORM, form_body(&number, &password)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(lookup_of(&r)["result"]["state"], "submitted");
    assert_eq!(get(&env.app, "/").await.text(), "home");
}

/// A case line of the import, in NDJSON.
fn case_line(case_ref: &str, dept: &str) -> String {
    json!({
        "type": "case", "case_ref": case_ref, "item_code": "ga-001", "item_name": "居民身份证换领",
        "department": dept, "department_name": "区公安分局", "received": "2025-03-03",
        "statutory_limit": {"days": 20}, "promised_limit": {"days": 5, "unit": "working"},
        "delivery_method": "express",
    })
    .to_string()
}

fn event_line(case_ref: &str, id: &str, kind: &str, at: &str) -> String {
    json!({"type": "event", "case_ref": case_ref, "event_id": id, "kind": kind, "at": at})
        .to_string()
}

async fn run_import(
    env: &Env,
    text: &str,
    format: Format,
) -> (import::Summary, Vec<import::Receipt>) {
    let mut receipts = Vec::new();
    let allowed = ["dept-a".to_owned()];
    let summary = import::import(
        &env.state.db,
        &env.state.secrets,
        std::io::Cursor::new(text.as_bytes().to_vec()),
        format,
        Scope(Some(&allowed)),
        &mut |r| {
            receipts.push(r.clone());
            Ok(())
        },
        &mut |_| {},
    )
    .await
    .unwrap();
    (summary, receipts)
}

fn error_lines(s: &import::Summary) -> Vec<(u64, String)> {
    s.errors
        .iter()
        .map(|e| (e.line, e.error.field.clone()))
        .collect()
}

async fn bulk_import_is_per_line_and_idempotent(b: Backend) {
    let env = env(b).await;
    // A case opened through the API, then fed events by number.
    let (api_number, _) = env.new_case("2025-03-03").await;
    let lines = [
        case_line("W-1", "dept-a"),                                     // 1
        event_line("W-1", "w1-a", "accept", "2025-03-03"),              // 2
        event_line("W-1", "w1-b", "start_review", "2025-03-04"),        // 3
        event_line("W-1", "w1-c", "approve", "2025-13-05"),             // 4: bad date
        case_line("W-2", "dept-b"),                                     // 5: other department
        event_line("W-9", "w9-a", "accept", "2025-03-03"),              // 6: unknown case
        "this is not json".to_owned(),                                  // 7
        event_line("W-1", "w1-d", "deliver", "2025-03-06"),             // 8: impossible now
        String::new(),                                                  // 9: blank, skipped
        json!({"type": "event", "case_number": api_number, "event_id": "api-a", "kind": "accept", "at": "2025-03-04"}).to_string(), // 10
        json!({"type": "case", "case_ref": "W-3", "item_code": "x"}).to_string(), // 11: fields missing
        event_line("W-1", "w1-a", "refuse", "2025-03-03"),              // 12: event id reused
    ];
    let text = lines.join("\n");
    let (first, receipts) = run_import(&env, &text, Format::Ndjson).await;
    assert_eq!(first.cases_created, 1);
    assert_eq!(first.events_applied, 3);
    assert_eq!(first.duplicates, 0);
    assert_eq!(
        error_lines(&first),
        vec![
            (4, "at".to_owned()),
            (5, "department".to_owned()),
            (6, "case_ref".to_owned()),
            (7, String::new()),
            (8, "kind".to_owned()),
            (11, "item_name".to_owned()),
            (12, "event_id".to_owned()),
        ],
        "{:#?}",
        first.errors
    );
    assert!(
        first.errors[0].error.message.contains("YYYY-MM-DD"),
        "{}",
        first.errors[0].error
    );
    assert!(import::summary_line(&first).starts_with(
        "Imported 4 line(s) (1 case(s), 3 event(s)), skipped 0 already imported, 7 error(s)"
    ));
    // The receipt opens the imported case, which has exactly its two events.
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].case_ref, "W-1");
    let r = env
        .lookup(&receipts[0].case_number, &receipts[0].password)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], "under_review");
    assert_eq!(r.json()["timeline"].as_array().unwrap().len(), 2);

    // Running the same file again imports nothing new.
    let (again, receipts) = run_import(&env, &text, Format::Ndjson).await;
    assert_eq!(again.imported(), 0);
    assert_eq!(again.duplicates, 4);
    assert_eq!(error_lines(&again), error_lines(&first));
    assert!(receipts.is_empty());
    // Fixing line 4 and running again imports it, and line 8, which was
    // impossible before the approval, now follows it.
    let fixed = text.replace("2025-13-05", "2025-03-05");
    let (third, _) = run_import(&env, &fixed, Format::Ndjson).await;
    assert_eq!(third.events_applied, 2);
    assert_eq!(third.duplicates, 4);
    assert_eq!(third.errors.len(), 5);
    let w1 = env.state.db.find_case_by_ref("W-1").await.unwrap().unwrap();
    assert_eq!(w1.state, "delivered");
    assert_eq!(env.state.db.events(w1.id).await.unwrap().len(), 4);

    // The same in CSV: flattened limits, empty cells for what a row lacks.
    let csv = "\u{feff}type,case_ref,case_number,item_code,item_name,department,department_name,received,statutory_days,statutory_unit,promised_days,promised_unit,delivery_method,event_id,kind,at,note\n\
        case,C-1,,ga-001,居民身份证换领,dept-a,区公安分局,2025-03-03,20,working,5,,express,,,,\n\
        event,C-1,,,,,,,,,,,,c1-a,accept,2025-03-03,\"窗口受理, 材料齐全\"\n\
        event,C-1,,,,,,,,,,,,c1-b,start_review,2025-03-0x,\n\
        case,C-2,,ga-001,居民身份证换领,dept-a,区公安分局,2025-03-03,ten,,5,,express,,,,\n";
    let (csv1, receipts) = run_import(&env, csv, Format::Csv).await;
    assert_eq!(csv1.cases_created, 1);
    assert_eq!(csv1.events_applied, 1);
    assert_eq!(
        error_lines(&csv1),
        vec![(4, "at".to_owned()), (5, "statutory_days".to_owned())],
        "{:#?}",
        csv1.errors
    );
    let r = env
        .lookup(&receipts[0].case_number, &receipts[0].password)
        .await;
    assert_eq!(r.json()["timeline"][0]["note"], "窗口受理, 材料齐全");
    let (csv2, _) = run_import(&env, csv, Format::Csv).await;
    assert_eq!(csv2.imported(), 0);
    assert_eq!(csv2.duplicates, 2);
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Backend::Postgres).await })*
        }
    };
}

on_both_backends!(
    lookup_shows_the_status,
    every_transition_via_the_api,
    retries_are_idempotent,
    failures_are_indistinguishable,
    lookups_are_rate_limited,
    tokens_are_scoped_to_departments,
    due_dates_follow_the_calendar_and_stopped_clocks,
    hostile_input_gets_clean_answers,
    demo_seeds_every_state,
    form_lookup_renders_the_case_page,
    form_survives_hostile_input,
    bulk_import_is_per_line_and_idempotent,
);
