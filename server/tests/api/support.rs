//! What the tests share: an environment per backend (a database, an
//! ingest token, a site with stand-in pages), requests and replies.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use chrono::NaiveDate;
use http_body_util::BodyExt;
use portal_core::case::EventKind;
use portal_core::{Calendar, CalendarYear};
use portal_server::db::Db;
use portal_server::secrets::Secrets;
use portal_server::{AppState, Cases};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;

/// The site's real page renderer, with the demo district's settings.
pub fn renderer() -> portal_views::pages::Renderer {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/site.toml");
    let site = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    portal_views::pages::Renderer::new(site)
}

#[derive(Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct Env {
    pub cases: Cases,
    /// The site (the stand-in files of `env_at`), the pages, the API.
    pub app: Router,
    /// May touch department "dept-a" only.
    pub token: String,
    pub dir: tempfile::TempDir,
}

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn calendar() -> Calendar {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/calendar");
    let years: Vec<CalendarYear> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| toml::from_str(&std::fs::read_to_string(e.unwrap().path()).unwrap()).unwrap())
        .collect();
    assert!(years.len() >= 2);
    Calendar::new(&years)
}

/// Whether the PostgreSQL variant of `test` can run; if not, says so on
/// stderr itself (the test harness would swallow an `eprintln!` of a
/// passing test).
pub fn postgres_configured(test: &str) -> bool {
    use std::io::Write;
    let set = std::env::var("PORTAL_TEST_POSTGRES").is_ok_and(|v| !v.trim().is_empty());
    if !set {
        // One write, so the line stays whole among the harness's output.
        let note = format!(
            "skipping PostgreSQL variant: set PORTAL_TEST_POSTGRES=postgres://USER@HOST:PORT/postgres \
             to run postgres::{test} (scripts/test starts a throwaway PostgreSQL and sets it)\n"
        );
        let _ = std::io::stderr().write_all(note.as_bytes());
    }
    set
}

pub async fn database_url(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.join("cases.sqlite").display()),
        Backend::Postgres => {
            let base = std::env::var("PORTAL_TEST_POSTGRES")
                .expect("PORTAL_TEST_POSTGRES is set (checked by postgres_configured)");
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

pub async fn env_at(backend: Backend, today: &str) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(backend, dir.path()).await;
    let db = Db::connect(&url).await.unwrap();
    let secrets = Secrets::random().unwrap();
    let token = db
        .add_token(&secrets, &["dept-a".to_owned()], "test")
        .await
        .unwrap();
    let cases = Cases::new(db, secrets, calendar()).with_today(d(today));
    std::fs::write(dir.path().join("index.html"), "home").unwrap();
    std::fs::write(dir.path().join("404.html"), "not found").unwrap();
    std::fs::create_dir_all(dir.path().join("cases")).unwrap();
    std::fs::write(dir.path().join("cases/index.html"), "the form").unwrap();
    let app = site(dir.path(), Some(cases.clone()));
    Env {
        cases,
        app,
        token,
        dir,
    }
}

/// The site in `dist` with the stand-in pages, and the case API when
/// `cases` is given.
pub fn site(dist: &std::path::Path, cases: Option<Cases>) -> Router {
    let mut state = AppState::new().with_pages(Arc::new(renderer()));
    state.cases = cases;
    portal_server::app_with(dist, state)
}

pub async fn env(backend: Backend) -> Env {
    env_at(backend, "2025-03-20").await
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A plain GET from the default client address.
pub async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Method::GET, uri, None, IP, Body::empty()).await
}

pub async fn send(
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

pub const IP: [u8; 4] = [10, 0, 0, 1];

impl Env {
    /// The same site and database with other case settings.
    pub fn app_for(&self, cases: Cases) -> Router {
        site(self.dir.path(), Some(cases))
    }

    pub async fn create(&self, dept: &str, received: &str) -> Reply {
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
    pub async fn new_case(&self, received: &str) -> (String, String) {
        let r = self.create("dept-a", received).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let v = r.json();
        (
            v["case_number"].as_str().unwrap().to_owned(),
            v["password"].as_str().unwrap().to_owned(),
        )
    }

    pub async fn event(&self, number: &str, event_id: &str, kind: &str, at: &str) -> Reply {
        self.event_body(
            number,
            json!({ "event_id": event_id, "kind": kind, "at": at, "note": "" }),
        )
        .await
    }

    pub async fn event_body(&self, number: &str, body: Value) -> Reply {
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

    pub async fn lookup_from(&self, ip: [u8; 4], number: &str, password: &str) -> Reply {
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

    pub async fn lookup(&self, number: &str, password: &str) -> Reply {
        self.lookup_from(IP, number, password).await
    }

    pub async fn raw_lookup(&self, ip: [u8; 4], body: impl Into<Body>) -> Reply {
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

pub fn kind_name(k: EventKind) -> String {
    portal_server::db::to_text(&k)
}

pub use portal_core::case::ALL_EVENT_KINDS as ALL_EVENTS;

/// A form POST to `/cases/` from `ip`.
pub async fn form(app: &Router, ip: [u8; 4], content_type: &str, body: impl Into<Body>) -> Reply {
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

pub const FORM: &str = "application/x-www-form-urlencoded";

pub fn form_body(number: &str, password: &str) -> String {
    format!(
        "form=case-lookup&case_number={}&password={}",
        urlencode(number),
        urlencode(password)
    )
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The text after `marker` in the page, up to the closing quote: e.g. the
/// code in `class="… error-no_match"`.
fn class_after(r: &Reply, marker: &str) -> Option<String> {
    let text = r.text();
    let rest = text.split(marker).nth(1)?;
    Some(rest.split('"').next()?.to_owned())
}

/// The case page's notice (`no_match`, `rate_limited`…), if it shows one.
pub fn page_error(r: &Reply) -> Option<String> {
    assert!(
        r.text().contains("<h1>办件查询</h1>"),
        "not the case page: {}",
        r.text()
    );
    class_after(r, "case-error error-")
}

/// The state of the case the page shows, if it shows one.
pub fn page_state(r: &Reply) -> Option<String> {
    class_after(r, "case-state state-")
}
