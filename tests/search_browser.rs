//! The search in a real headless Chromium, driven through Debian's
//! chromedriver: typing, suggestions with highlights, keyboard navigation,
//! facets, URL state, and the same results as `portal search`.
//!
//! Needs the browser app built by Trunk (`target/site`, which the README's
//! test command builds first).

mod harness;

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use harness::{browser, browser_with, serve_demo};
use portal_search::Request;
use std::time::Duration;

/// The codes of the results shown, read at one instant (the app replaces
/// the list whole when an answer comes).
async fn codes(c: &Client) -> Vec<String> {
    let script = "return [...document.querySelectorAll('.results li.result')].map(e => e.dataset.code || '')";
    let codes = c.execute(script, vec![]).await.unwrap();
    serde_json::from_value(codes).unwrap()
}

/// The codes `portal search` gives for the same query (first 20).
fn native(engine: &portal_search::Engine, q: &str, filters: Vec<String>) -> Vec<String> {
    let req = Request {
        q: q.into(),
        filters,
        limit: 20,
        ..Request::default()
    };
    engine
        .search(&req)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.card.code)
        .collect()
}

/// Waits until the app's own results list (not the page's) shows results.
async fn wait_results(c: &Client) {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(
            "#search-results[data-state='answered'] .results li.result",
        ))
        .await
        .expect("results appear");
}

/// The text a reader sees in the element `css`, spaces folded.
async fn text_of(c: &Client, css: &str) -> String {
    let script = format!("return document.querySelector({css:?})?.textContent ?? ''");
    let text = c.execute(&script, vec![]).await.unwrap();
    fold(text.as_str().unwrap_or_default())
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of rendered HTML, as a browser's `textContent` gives it.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    fold(&out)
}

/// Queries of every kind, and one that finds nothing.
const PARITY_QUERIES: [&str; 5] = ["身份证", "开饭店", "營業執照", "yyzz", "火星签证代办"];

/// Each view rendered both ways reads the same: the results page with
/// JavaScript (the app renders `parts/search_results.html` from the
/// worker's answer) and without (the server renders it natively), and the
/// search box's suggestions against the same part rendered natively.
#[tokio::test(flavor = "multi_thread")]
async fn results_and_suggestions_read_the_same_with_and_without_javascript() {
    let demo = serve_demo();
    let base = demo.base.clone();
    let engine = portal_search::open_site(&demo.dist).unwrap();
    let (_plain_driver, plain) = browser_with(false).await;
    let (_app_driver, app) = browser().await;
    for q in PARITY_QUERIES {
        plain.goto(&search_url(&base, q)).await.unwrap();
        let without_js = text_of(&plain, "#search-results").await;
        app.goto(&search_url(&base, q)).await.unwrap();
        app.wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("#search-results[data-state='answered']"))
            .await
            .expect("the app answers");
        let with_js = text_of(&app, "#search-results").await;
        assert!(without_js.contains("条结果"), "{q}: {without_js}");
        assert_eq!(with_js, without_js, "the results page for {q} differs");
    }
    // Suggestions exist only with JavaScript: compare with the same part
    // rendered natively from the native engine's answer.
    for q in &PARITY_QUERIES[..4] {
        let req = Request {
            q: q.to_string(),
            limit: 8,
            facets: false,
            suggest: true,
            ..Request::default()
        };
        let hits = engine.search(&req).unwrap().hits;
        let expected = html_text(&portal_views::parts::suggestions("/", &hits, None).unwrap());
        assert!(!expected.is_empty(), "{q} has suggestions");
        app.goto(&format!("{base}/")).await.unwrap();
        let input = app.find(Locator::Id("q")).await.unwrap();
        input.click().await.unwrap();
        app.wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("html[data-app-state='ready']"))
            .await
            .unwrap();
        app.find(Locator::Id("q"))
            .await
            .unwrap()
            .send_keys(q)
            .await
            .unwrap();
        let mut shown = String::new();
        for _ in 0..150 {
            shown = text_of(&app, "#q-list").await;
            if shown == expected {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(shown, expected, "the suggestions for {q} differ");
    }
    plain.close().await.unwrap();
    app.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn search_works_in_the_browser_like_the_native_twin() {
    let demo = serve_demo();
    let (dist, base) = (demo.dist.clone(), demo.base.clone());
    let engine = portal_search::open_site(&dist).unwrap();
    let (_driver, c) = browser().await;

    // Type into the header box on an item page: suggestions, highlighted.
    c.goto(&format!("{base}/items/330199-GA-0001/"))
        .await
        .unwrap();
    let q = c.find(Locator::Id("q")).await.unwrap();
    q.click().await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("html[data-app-state='ready']"))
        .await
        .expect("the app loads when the search box gets focus");
    let q = c.find(Locator::Id("q")).await.unwrap();
    q.send_keys("身份证").await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("#q-list li[role='option'] mark"))
        .await
        .expect("suggestions with highlighted matches");
    let q = c.find(Locator::Id("q")).await.unwrap();
    assert_eq!(
        q.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );

    // Keyboard: Down selects the first option, Enter opens it.
    q.send_keys(&Key::Down.to_string()).await.unwrap();
    assert_eq!(
        q.attr("aria-activedescendant").await.unwrap().as_deref(),
        Some("q-opt-0")
    );
    let first = c
        .find(Locator::Css("#q-opt-0 a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    q.send_keys(&Key::Enter.to_string()).await.unwrap();
    c.wait()
        .for_url(url::Url::parse(&format!("{base}{first}")).unwrap())
        .await
        .unwrap();

    // The results page: same list as `portal search`, for several queries.
    for query in ["身份证", "驾照丢了", "營業執照", "yyzz"] {
        c.goto(&search_url(&base, query)).await.unwrap();
        wait_results(&c).await;
        assert_eq!(
            codes(&c).await,
            native(&engine, query, vec![]),
            "browser and native differ for {query}"
        );
    }

    // A facet narrows the results and goes into the URL; Back undoes it.
    c.goto(&search_url(&base, "证明")).await.unwrap();
    wait_results(&c).await;
    let before = codes(&c).await;
    let dept = c
        .find(Locator::Css("fieldset.facet input[value^='dept:']"))
        .await
        .unwrap();
    let filter = dept.attr("value").await.unwrap().unwrap();
    dept.click().await.unwrap();
    for _ in 0..100 {
        if c.current_url().await.unwrap().as_str().contains("f=") && codes(&c).await != before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        c.current_url()
            .await
            .unwrap()
            .query()
            .unwrap_or_default()
            .contains("f=")
    );
    assert_eq!(
        codes(&c).await,
        native(&engine, "证明", vec![filter]),
        "filtered results match the native twin"
    );
    c.back().await.unwrap();
    for _ in 0..100 {
        if codes(&c).await == before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        codes(&c).await,
        before,
        "Back restores the unfiltered results"
    );
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn search_works_without_javascript() {
    let demo = serve_demo();
    let (dist, base) = (demo.dist.clone(), demo.base.clone());
    let engine = portal_search::open_site(&dist).unwrap();
    let (_driver, c) = browser_with(false).await;
    c.goto(&format!("{base}/")).await.unwrap();
    assert!(
        c.find(Locator::Css("html.js")).await.is_err(),
        "scripts must be off"
    );
    c.find(Locator::Id("q"))
        .await
        .unwrap()
        .send_keys("身份证")
        .await
        .unwrap();
    c.find(Locator::Css("#site-search button[type='submit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    if c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(".results li.result"))
        .await
        .is_err()
    {
        panic!(
            "no results at {}: {}",
            c.current_url().await.unwrap(),
            c.source().await.unwrap()
        );
    }
    assert!(c.current_url().await.unwrap().path().ends_with("/search/"));
    assert_eq!(
        codes(&c).await,
        native(&engine, "身份证", vec![]),
        "server-rendered results equal the native twin"
    );
    assert!(
        c.find(Locator::Css(".results mark")).await.is_ok(),
        "matches are highlighted"
    );
    assert_eq!(
        c.find(Locator::Id("q"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("身份证")
    );

    // Facets are a plain form: tick one, press 筛选.
    let dept = c
        .find(Locator::Css("form.facets input[value^='dept:']"))
        .await
        .unwrap();
    let filter = dept.attr("value").await.unwrap().unwrap();
    dept.click().await.unwrap();
    c.find(Locator::Css("form.facets button[type='submit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("form.facets input:checked"))
        .await
        .unwrap();
    assert_eq!(codes(&c).await, native(&engine, "身份证", vec![filter]));

    // Hostile input comes back as text, never as markup.
    c.goto(&search_url(&base, "<script>alert(1)</script>"))
        .await
        .unwrap();
    assert!(c.find(Locator::Css("main script")).await.is_err());
    c.close().await.unwrap();
}

/// The results page for `q`, as the search form would ask for it.
fn search_url(base: &str, q: &str) -> String {
    let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    format!("{base}/search/?q={q}")
}
