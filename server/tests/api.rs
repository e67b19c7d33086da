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
use portal_server::secrets::Secrets;
use serde_json::{Value, json};
use std::net::SocketAddr;
use tower::ServiceExt;

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
    let state = ApiState::new(db, secrets, calendar()).with_today(d(today));
    std::fs::write(dir.path().join("index.html"), "home").unwrap();
    std::fs::write(dir.path().join("404.html"), "not found").unwrap();
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
);
