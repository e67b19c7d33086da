//! The pre-check (办前自测) in a real headless Chromium: every officer's
//! example in the demo catalog, with JavaScript (the app answers in place
//! from the answers in the URL) and without (the server renders
//! `/items/CODE/check/`), must show the verdict, reasons and materials the
//! engine gives natively — what `portal precheck` prints.
//!
//! A module of the `cases_browser` test binary: it shares the served demo.

use crate::harness::{Demo, browser_with};
use fantoccini::{Client, Locator};
use portal_core::precheck::{Engine, Form};
use portal_views::precheck::query;
use std::time::Duration;

/// What a reader sees of the result: verdict, reasons, materials.
#[derive(Debug, PartialEq)]
struct Seen {
    verdict: String,
    reasons: Vec<String>,
    materials: Vec<String>,
}

async fn texts(c: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in c.find_all(Locator::Css(css)).await.unwrap() {
        let t = e.text().await.unwrap();
        out.push(t.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    out
}

async fn seen(c: &Client) -> Seen {
    Seen {
        verdict: texts(c, ".precheck-result .verdict strong").await.join(""),
        reasons: texts(c, ".precheck-result .reasons li").await,
        materials: texts(c, ".precheck-materials li strong").await,
    }
}

/// One example: its item, its answers as query pairs, and what the engine
/// says natively.
struct Case {
    code: String,
    name: String,
    pairs: Vec<(String, String)>,
    verdict: String,
    reasons: Vec<String>,
    materials: Vec<String>,
}

fn examples() -> Vec<Case> {
    let loaded = portal_build::load::load(&portal_tests::demo_content());
    let today = chrono::Local::now().date_naive();
    let calendar = portal_core::Calendar::new(
        &loaded
            .catalog
            .calendar
            .iter()
            .map(|c| c.value.clone())
            .collect::<Vec<_>>(),
    );
    let mut out = Vec::new();
    for item in loaded.catalog.items.iter().map(|i| &i.value) {
        let form = Form::of(item);
        let Ok(engine) = Engine::new(&form) else {
            continue;
        };
        for ex in &item.examples {
            let pairs: Vec<(String, String)> = (ex.answers.iter())
                .flat_map(|(k, v)| v.to_query_values().into_iter().map(move |x| (k.clone(), x)))
                .collect();
            let o = engine.evaluate(&pairs, today, &calendar);
            out.push(Case {
                code: item.code.clone(),
                name: ex.name.clone(),
                verdict: o.verdict.label().to_string(),
                reasons: o.reasons.iter().map(|r| r.text.clone()).collect(),
                materials: o
                    .tailored
                    .materials
                    .iter()
                    .map(|m| m.name.clone())
                    .collect(),
                pairs,
            });
        }
    }
    out
}

fn check(case: &Case, how: &str, got: &Seen) {
    let what = format!("{} example「{}」{how}", case.code, case.name);
    assert_eq!(got.verdict, case.verdict, "{what}: verdict");
    assert_eq!(got.materials, case.materials, "{what}: materials");
    assert_eq!(
        got.reasons.len(),
        case.reasons.len(),
        "{what}: reasons {:?}",
        got.reasons
    );
    for (g, r) in got.reasons.iter().zip(&case.reasons) {
        let plain = r.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            g.starts_with(&plain),
            "{what}: reason {g:?} is not {plain:?}"
        );
    }
}

pub async fn every_example_reads_the_same_with_and_without_javascript(demo: &Demo) {
    let cases = examples();
    let items: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.code.as_str()).collect();
    assert!(
        items.len() >= 40,
        "at least 40 demo items have examples, found {}",
        items.len()
    );

    let (_off_driver, off) = browser_with(false).await;
    for case in &cases {
        let url = format!(
            "{}/items/{}/check/{}",
            demo.base,
            case.code,
            query(&case.pairs)
        );
        off.goto(&url).await.unwrap();
        check(case, "without JavaScript", &seen(&off).await);
    }
    off.close().await.unwrap();

    let (_on_driver, on) = browser_with(true).await;
    let mut render_ms = Vec::new();
    for case in &cases {
        // A shared link: the item page with the answers in its URL.
        let url = format!(
            "{}/items/{}/{}#precheck",
            demo.base,
            case.code,
            query(&case.pairs)
        );
        on.goto(&url).await.unwrap();
        if case.pairs.is_empty() {
            // No answers: the page as built, until someone answers.
            check(case, "with JavaScript", &seen(&on).await);
            continue;
        }
        on.wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("#precheck[data-precheck='ready']"))
            .await
            .expect("the app takes the pre-check over");
        check(case, "with JavaScript", &seen(&on).await);
        let ms = on
            .find(Locator::Id("precheck"))
            .await
            .unwrap()
            .attr("data-render-ms")
            .await
            .unwrap();
        render_ms.extend(ms.and_then(|m| m.parse::<f64>().ok()));
    }
    // The figure for docs/benchmarks.md (engine + part, in wasm): printed,
    // not asserted, as machines differ.
    render_ms.sort_by(f64::total_cmp);
    if let (Some(max), Some(mid)) = (render_ms.last(), render_ms.get(render_ms.len() / 2)) {
        eprintln!(
            "pre-check render in the browser: {} answers, p50 {mid:.1} ms, max {max:.1} ms",
            render_ms.len()
        );
    }
    answering_in_place_keeps_the_answers_in_the_url(demo, &on, &cases[0].code).await;
    on.close().await.unwrap();
}

/// One question at a time, in place: the answer goes into the URL, Back
/// takes it out again, and a change link asks it again.
async fn answering_in_place_keeps_the_answers_in_the_url(demo: &Demo, c: &Client, code: &str) {
    c.goto(&format!("{}/items/{code}/", demo.base))
        .await
        .unwrap();
    // The app waits for the first answer, then shows what it means.
    let state = "document.documentElement.dataset.appState || ''";
    let before = c.execute(&format!("return {state}"), vec![]).await.unwrap();
    assert_eq!(before, "", "no app before someone answers");
    c.execute("document.body.dataset.samePage = 'yes'", vec![])
        .await
        .unwrap();
    let first = c
        .find(Locator::Css(
            ".precheck-question fieldset input:not([type='hidden'])",
        ))
        .await
        .unwrap();
    let name = first.attr("name").await.unwrap().unwrap();
    if first.attr("type").await.unwrap().as_deref() == Some("number") {
        first.send_keys("1").await.unwrap();
    } else {
        first.click().await.unwrap();
    }
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#precheck[data-precheck='ready']"))
        .await
        .expect("the first answer loads the app");
    c.find(Locator::Css(".precheck-question button[type='submit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let url = c.current_url().await.unwrap();
    assert!(
        url.query().unwrap_or("").contains(&format!("{name}=")),
        "{url}"
    );
    assert!(
        c.find(Locator::Css("body[data-same-page='yes']"))
            .await
            .is_ok(),
        "answered in place"
    );
    let answered = texts(c, ".precheck-answers dt").await;
    assert_eq!(answered.len(), 1, "{answered:?}");
    c.find(Locator::Css(".precheck-answers a[data-edit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let legend = texts(c, ".precheck-question legend").await.join("");
    assert!(
        legend.contains(&answered[0]),
        "the change link asks {legend:?} again"
    );
    c.back().await.unwrap();
    c.back().await.unwrap();
    let url = c.current_url().await.unwrap();
    assert!(
        !url.query().unwrap_or("").contains(&format!("{name}=")),
        "Back undoes the answer: {url}"
    );
    assert!(texts(c, ".precheck-answers dt").await.is_empty());
}
