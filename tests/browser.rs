//! Real headless Chromium (Debian's `chromium`) against the real server:
//! reading tasks must work with JavaScript switched off.

use portal_tests::{fixture, today};
use std::path::Path;
use std::process::Command;

/// Builds the fixture and serves it on a free loopback port.
fn serve_fixture() -> (tempfile::TempDir, String) {
    serve_fixture_with(false)
}

/// With `pages`, also the server-rendered pages (search, pre-check).
fn serve_fixture_with(pages: bool) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    let public = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    assert!(portal_build::site::build(&fixture("valid"), &public, &dist, today()).unwrap());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let mut state = portal_server::AppState::new();
            if pages {
                let site = portal_build::load::settings(&fixture("valid"))
                    .site
                    .unwrap();
                let renderer = portal_views::pages::Renderer::new(site).with_assets(&dist);
                state = state
                    .with_pages(std::sync::Arc::new(renderer))
                    .with_prechecks(portal_server::precheck::Prechecks::new(dist.clone()));
            }
            axum::serve(listener, portal_server::app_with(&dist, state))
                .await
                .unwrap();
        });
    });
    (dir, format!("http://{addr}"))
}

fn chromium() -> String {
    let path = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&path).exists(),
        "headless Chromium is needed at {path}: run the README's test command, which installs Debian's chromium"
    );
    path
}

/// The DOM Chromium ends up with once the page has loaded. JavaScript is
/// switched off through the profile's content settings, as a user would.
fn dom(url: &str, javascript: bool) -> String {
    let profile = tempfile::tempdir().unwrap();
    if !javascript {
        std::fs::create_dir_all(profile.path().join("Default")).unwrap();
        std::fs::write(
            profile.path().join("Default/Preferences"),
            r#"{"profile":{"default_content_setting_values":{"javascript":2}}}"#,
        )
        .unwrap();
    }
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--timeout=15000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn item_page_materials_table_without_javascript() {
    let (_site, base) = serve_fixture();
    let url = format!("{base}/items/330199-GA-0001/");
    // Control: with JavaScript on, portal.js marks the page.
    let html_tag = |d: &str| {
        d[d.find("<html").unwrap()..]
            .split('>')
            .next()
            .unwrap()
            .to_string()
    };
    assert!(html_tag(&dom(&url, true)).contains("class=\"js\""));
    let dom = dom(&url, false);
    assert!(
        !html_tag(&dom).contains("class=\"js\""),
        "JavaScript must be off"
    );
    let table_start = dom
        .find("<table class=\"materials\">")
        .expect("materials table in the DOM");
    let table = &dom[table_start..table_start + dom[table_start..].find("</table>").unwrap()];
    assert!(table.contains("<caption id=\"materials-caption\">居民身份证换领、补领申请材料清单（共 5 项）</caption>"), "{table}");
    assert_eq!(table.matches("<tr id=\"material-").count(), 5);
    assert!(table.contains("居民户口簿"));
    // The large-text toggle is plain HTML and works without scripts.
    assert!(dom.contains("id=\"large-text\""));
}

#[test]
fn missing_pages_get_the_404_page() {
    let (_site, base) = serve_fixture();
    let dom = dom(&format!("{base}/items/NO-SUCH-ITEM/"), false);
    assert!(dom.contains("页面不存在"), "{dom}");
}

#[test]
fn server_refuses_path_traversal() {
    use std::io::{Read, Write};
    let (_site, base) = serve_fixture();
    let addr = base.trim_start_matches("http://");
    for path in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/files/..%2f..%2fCargo.toml",
    ] {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(!response.contains("root:"), "{path} leaked a file");
        let status = response.lines().next().unwrap_or("");
        assert!(
            status.contains(" 400 ") || status.contains(" 404 "),
            "{path}: {status}"
        );
    }
}

/// The pre-check without JavaScript, fed what people and robots send: a
/// clear message for each bad answer, never an error page; unknown items
/// and codes that are paths are not found.
#[test]
fn precheck_without_javascript_names_bad_answers() {
    let (_site, base) = serve_fixture_with(true);
    let item = format!("{base}/items/TEST-SJ-0001/check/");
    let dom_at = |q: &str| dom(&format!("{item}?{q}"), false);
    let good = dom_at("form=individual&premises=yes&staff=3");
    assert!(good.contains("符合条件"), "{good}");
    assert!(
        good.contains("利害关系业主同意将住宅改变为经营性用房的证明"),
        "{good}"
    );
    assert!(
        good.contains("依据：《促进个体工商户发展条例》第二条"),
        "{good}"
    );
    let bad =
        dom_at("form=individual&staff=%3Cscript%3Ealert(1)%3C/script%3E&ghost=1&premises=maybe");
    for needle in ["不是数字", "没有名为「ghost」的问题", "「是」或「否」"] {
        assert!(bad.contains(needle), "{needle} missing: {bad}");
    }
    assert!(!bad.contains("<script>alert(1)"), "answers are escaped");
    // 10,000 parameters: a plain answer (or a refusal of the request line),
    // never a crash.
    use std::io::{Read, Write};
    let flood: Vec<String> = (0..10_000).map(|k| format!("q{k}=x")).collect();
    let mut stream = std::net::TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    write!(
        stream,
        "GET /items/TEST-SJ-0001/check/?{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        flood.join("&")
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok();
    let response = String::from_utf8_lossy(&response);
    let status = response.lines().next().unwrap_or("");
    assert!(
        (status.contains(" 200 ") && response.contains("超过上限"))
            || status.contains(" 414 ")
            || status.contains(" 431 "),
        "{status}"
    );
    assert!(
        dom(&item, false).contains("第 1 题"),
        "the server still answers"
    );
    assert!(dom(&format!("{base}/items/NO-SUCH/check/"), false).contains("没有办前自测"));
    assert!(!dom(&format!("{base}/items/..%2F..%2Fetc/check/"), false).contains("root:"));
}
