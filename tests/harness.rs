//! What the browser tests share: the demo site served like `portal serve
//! --demo` (with the browser app and sample cases) and a headless Chromium
//! driven through Debian's chromedriver.

// Each test target uses its own part of this module.
#![allow(dead_code)]

use fantoccini::{Client, ClientBuilder};
use portal_server::demo::Receipt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn app_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    assert!(
        dir.join("search-worker_bg.wasm").exists(),
        "the browser app is not built: run `trunk build` (the README's test command does)"
    );
    dir
}

/// The demo site being served.
pub struct Demo {
    pub dist: PathBuf,
    pub base: String,
    /// Sample cases in every state, as `portal serve --demo` seeds them.
    pub receipts: Vec<Receipt>,
    _dir: tempfile::TempDir,
}

/// Builds the demo content with the app and serves it like `portal serve
/// --demo`: static files, the case API on a temporary SQLite file with
/// sample cases, server-rendered pages, `/search/` without JavaScript.
pub fn serve_demo() -> Demo {
    let today = chrono::Local::now().date_naive();
    let (dir, dist) = portal_tests::build_demo_site(Some(&app_dir()));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let served = dist.clone();
    let (seeded_tx, seeded_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let db_path = served.parent().unwrap().join("cases.sqlite");
            let db = portal_server::db::Db::connect(&format!("sqlite://{}", db_path.display()))
                .await
                .unwrap();
            let secrets = portal_server::secrets::Secrets::random().unwrap();
            let seeded = portal_server::demo::seed(&db, &secrets, today)
                .await
                .unwrap();
            seeded_tx.send(seeded.receipts).unwrap();
            // Tests look up many cases from one address.
            let cases = portal_server::Cases::new(db, secrets, portal_core::Calendar::new(&[]))
                .with_lookups_per_minute(1000);
            let site = portal_build::load::settings(&portal_tests::demo_content())
                .site
                .expect("the demo content has site settings");
            let pages = portal_views::pages::Renderer::new(site).with_assets(&served);
            let state = portal_server::AppState::new()
                .with_cases(cases)
                .with_pages(std::sync::Arc::new(pages))
                .with_search(portal_server::search::SearchIndex::new(served.clone()))
                .with_prechecks(portal_server::precheck::Prechecks::new(served.clone()));
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = portal_server::app_with(&served, state)
                .into_make_service_with_connect_info::<std::net::SocketAddr>();
            axum::serve(listener, app).await.unwrap();
        });
    });
    let receipts = seeded_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the demo cases are seeded");
    Demo {
        dist,
        base: format!("http://{addr}"),
        receipts,
        _dir: dir,
    }
}

pub async fn browser() -> (Driver, Client) {
    browser_with(true).await
}

/// A headless Chromium; with `javascript` false, scripts are blocked by the
/// profile's content settings, as a user would switch them off.
pub async fn browser_with(javascript: bool) -> (Driver, Client) {
    let port = free_port();
    let driver = Command::new(
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into()),
    )
    .arg(format!("--port={port}"))
    .stdout(std::process::Stdio::null())
    .spawn()
    .expect("chromedriver is needed: the README's test command installs Debian's chromium-driver");
    let driver = Driver(driver);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            "prefs": { "profile.managed_default_content_settings.javascript": if javascript { 1 } else { 2 } }
        }),
    );
    for _ in 0..50 {
        if let Ok(c) = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            return (driver, c);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}
