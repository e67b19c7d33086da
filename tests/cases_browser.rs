//! Case status in a real headless Chromium: an applicant types the receipt's
//! number and password. With JavaScript the app answers in place through the
//! lookup API; without it the form posts and the server renders the page.
//! Both must show the same case in the same words. The same site serves
//! the pre-check's browser test (`precheck_browser`).

mod harness;
mod precheck_browser;

use fantoccini::{Client, Locator};
use harness::{Demo, browser_with, serve_demo};
use std::time::Duration;

/// What a reader sees of the answer: the text of each part, spaces folded.
async fn answer(c: &Client) -> Vec<String> {
    let mut out = Vec::new();
    for css in [
        "#case-result-heading",
        ".case-flag",
        ".case-facts",
        ".case-timeline",
        ".case-error",
    ] {
        for e in c.find_all(Locator::Css(css)).await.unwrap() {
            let text = e.text().await.unwrap();
            out.push(format!(
                "{css}: {}",
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
    }
    out
}

async fn fill(c: &Client, number: &str, password: &str) {
    for (id, value) in [("case-number", number), ("case-password", password)] {
        let field = c.find(Locator::Id(id)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }
    c.find(Locator::Css("#case-lookup button[type='submit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Looks a case up with scripts off: the form posts, the server answers.
async fn look_up_without_js(c: &Client, demo: &Demo, number: &str, password: &str) -> Vec<String> {
    c.goto(&format!("{}/cases/", demo.base)).await.unwrap();
    fill(c, number, password).await;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#case-result-heading"))
        .await
        .expect("the server renders an answer");
    answer(c).await
}

/// Looks a case up with the app: the answer appears without a new page.
async fn look_up_with_js(c: &Client, number: &str, password: &str) -> Vec<String> {
    // Mark the document: a full page load would lose the mark.
    c.execute("document.body.dataset.samePage = 'yes'", vec![])
        .await
        .unwrap();
    fill(c, number, password).await;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(
            "#case-result[aria-busy='false'] #case-result-heading",
        ))
        .await
        .expect("the app shows an answer");
    assert!(
        c.find(Locator::Css("body[data-same-page='yes']"))
            .await
            .is_ok(),
        "the app answered in place, without posting the form"
    );
    answer(c).await
}

#[tokio::test(flavor = "multi_thread")]
async fn case_lookup_with_and_without_javascript_shows_the_same_case() {
    let demo = serve_demo();
    assert!(
        demo.receipts.len() >= 8,
        "the demo seeds cases in every state"
    );

    // Without JavaScript: the plain form, answered by the server.
    let (_off_driver, off) = browser_with(false).await;
    let mut plain = Vec::new();
    for r in &demo.receipts {
        plain.push(look_up_without_js(&off, &demo, &r.case_number, &r.password).await);
    }
    for (r, a) in demo.receipts.iter().zip(&plain) {
        let text = a.join("\n");
        assert!(
            text.contains(&r.case_number),
            "the answer names the case: {text}"
        );
        assert!(text.contains(".case-timeline: "), "a timeline: {text}");
    }
    let wrong_plain =
        look_up_without_js(&off, &demo, &demo.receipts[0].case_number, "WRONGPW2").await;
    off.close().await.unwrap();

    // With JavaScript: the app takes the form over.
    let (_on_driver, on) = browser_with(true).await;
    on.goto(&format!("{}/cases/", demo.base)).await.unwrap();
    on.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(
            "html[data-app-state='ready'] #case-lookup[aria-busy='false']",
        ))
        .await
        .expect("the app loads on the case page and takes over the form");
    for (r, expected) in demo.receipts.iter().zip(&plain) {
        // Passwords are not case-sensitive, and people type them in lower case.
        let seen = look_up_with_js(&on, &r.case_number, &r.password.to_lowercase()).await;
        assert_eq!(
            &seen, expected,
            "case in state {}: the app shows what the server page shows",
            r.state
        );
    }

    // What the applicant must see, checked on the rendered answers.
    let delivered = demo
        .receipts
        .iter()
        .position(|r| r.state == "delivered")
        .expect("a delivered demo case");
    let text = plain[delivered].join("\n");
    assert!(
        text.contains(&demo.receipts[delivered].case_number),
        "{text}"
    );
    assert!(text.contains("已送达"), "{text}");
    assert!(
        text.contains("快递单号 ****7890"),
        "tracking number masked: {text}"
    );
    assert!(!text.contains("SF123456"), "tracking number masked: {text}");
    let overdue = plain
        .iter()
        .filter(|a| a.iter().any(|l| l.contains("红牌")))
        .count();
    assert!(
        overdue >= 1,
        "the long-running demo case carries the red flag"
    );

    // A wrong password: the same friendly answer both ways.
    let wrong = look_up_with_js(&on, &demo.receipts[0].case_number, "WRONGPW2").await;
    assert_eq!(wrong, wrong_plain);
    assert!(wrong.join(" ").contains("未找到匹配的办件"), "{wrong:?}");
    on.close().await.unwrap();

    // The pre-check's examples, on the same served demo site (one build).
    precheck_browser::every_example_reads_the_same_with_and_without_javascript(&demo).await;
}
