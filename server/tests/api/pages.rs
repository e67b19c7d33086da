//! The server-rendered pages: the case form's answers, the statistics
//! page, the search page with and without a case database.

use crate::support::*;
use axum::http::StatusCode;

pub async fn form_lookup_renders_the_case_page(b: Backend) {
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
    // The real page, as the browser app would show the same answer.
    assert_eq!(page_error(&r), None);
    assert_eq!(page_state(&r).as_deref(), Some("accepted"));
    let html = r.text();
    for needle in [
        format!(r#"name="case_number" type="text" value="{number}""#),
        r#"<h2 id="case-result-heading">居民身份证换领</h2>"#.into(),
        "<dd>区公安分局</dd>".into(),
        r#"5 个工作日，应于 <time class="due" datetime="2025-03-10">"#.into(),
        "快递送达".into(),
        r#"<li class="event-accept"><time datetime="2025-03-03">2025-03-03</time> 受理</li>"#
            .into(),
    ] {
        assert!(html.contains(&needle), "{needle} missing in {html}");
    }
    assert!(!r.text().contains(&password), "never the password");
    // Audited like the JSON API.
    let log = env.cases.db.audit_log().await.unwrap();
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
        assert_eq!(page_error(r).as_deref(), Some("no_match"));
        assert_eq!(page_state(r), None);
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
    let html = stats.text();
    assert!(html.contains("<h1>办件统计</h1>"), "{html}");
    assert!(
        html.contains(r#"<th scope="row">区公安分局</th><td>1</td>"#),
        "{html}"
    );
    assert!(html.contains("共收件 <strong>1</strong> 件"), "{html}");
    // Computed at most every few seconds, however often it is asked for.
    env.new_case("2025-03-04").await;
    let again = get(&env.app, "/api/v1/stats").await.json();
    assert_eq!(again["departments"][0]["received"], 1);
}

/// A site folder with a static search page and case form.
fn static_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "home").unwrap();
    std::fs::write(dir.path().join("404.html"), "not found").unwrap();
    for page in ["search", "cases", "stats"] {
        std::fs::create_dir_all(dir.path().join(page)).unwrap();
        std::fs::write(
            dir.path().join(page).join("index.html"),
            format!("static {page}"),
        )
        .unwrap();
    }
    dir
}

#[tokio::test]
async fn search_page_is_served_without_a_case_database() {
    let dir = static_site();
    let app = site(dir.path(), None);
    let r = get(&app, "/search/?q=%E8%BA%AB%E4%BB%BD%E8%AF%81&f=dept%3Ax").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text();
    assert!(html.contains("<h1>搜索</h1>"), "{html}");
    assert!(
        html.contains(r#"value="身份证""#),
        "the box keeps the query"
    );
    // This site has no index: a page without results, not an error.
    assert!(!html.contains("result-count"), "{html}");
    // No database: no API, and the case pages are the static files.
    assert_eq!(
        get(&app, "/api/v1/stats").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&app, "/stats/").await.text(), "static stats");
    assert_eq!(get(&app, "/cases/").await.text(), "static cases");
    let r = form(&app, IP, FORM, form_body("2025", "x")).await;
    assert_ne!(r.status, StatusCode::OK);
    assert!(!r.text().contains("lookup"), "{}", r.text());
    assert_eq!(get(&app, "/").await.text(), "home");
}

#[tokio::test]
async fn without_a_page_renderer_the_pages_are_static() {
    let dir = static_site();
    let app = portal_server::app(dir.path());
    for page in ["search", "cases", "stats"] {
        let r = get(&app, &format!("/{page}/?q=x")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.text(), format!("static {page}"));
    }
    assert_eq!(
        get(&app, "/api/v1/stats").await.status,
        StatusCode::NOT_FOUND
    );
}

pub async fn search_page_is_served_with_a_case_database(b: Backend) {
    let env = env(b).await;
    let r = get(&env.app, "/search/?q=%E5%B1%85%E4%BD%8F%E8%AF%81").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert!(html.contains("<h1>搜索</h1>"), "{html}");
    assert!(html.contains(r#"value="居住证""#), "{html}");
}
