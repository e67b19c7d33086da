//! The applicants' lookup: what it shows, one answer for every failure,
//! the limits, the audit log, the demo cases.

use crate::support::*;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use std::net::SocketAddr;
use tower::ServiceExt;

pub async fn lookup_shows_the_status(b: Backend) {
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
    assert_eq!(v["tracking_number"], "****7890");
    assert!(!r.text().contains("password"));

    // Every lookup is audited, the password never.
    let log = env.cases.db.audit_log().await.unwrap();
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .all(|(_, client, n, outcome)| client == "10.0.0.1" && n == &number && outcome == "ok")
    );
    let dump = format!("{log:?}");
    assert!(!dump.contains(&password));
}

pub async fn failures_are_indistinguishable(b: Backend) {
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
        .cases
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

pub async fn lookups_are_rate_limited(b: Backend) {
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
    // Per case number: many clients guessing one number are stopped too,
    // but only failed tries count: the owner's right password still works
    // after nine wrong guesses, and the tenth locks the number a minute.
    for i in 0..9u8 {
        let r = env.lookup_from([10, 1, 1, i], &number, "WRONGPWD").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    for i in 0..3u8 {
        let r = env.lookup_from([10, 3, 3, i], &number, &password).await;
        assert_eq!(r.status, StatusCode::OK, "right passwords are not counted");
    }
    let r = env.lookup_from([10, 1, 1, 9], &number, "WRONGPWD").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = env.lookup_from([10, 2, 2, 2], &number, &password).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let log = env.cases.db.audit_log().await.unwrap();
    assert!(log.iter().any(|r| r.3 == "rate_limited_client"));
    // X-Forwarded-For is ignored unless a proxy is trusted.
    let forged = |app: Router, ip: &'static str| async move {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/cases/lookup")
            .header("content-type", "application/json")
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
    let mut trusting = env.cases.clone();
    trusting.trust_proxy = true;
    let app = env.app_for(trusting);
    assert_eq!(forged(app, "1.1.1.1").await, StatusCode::NOT_FOUND);
    let log = env.cases.db.audit_log().await.unwrap();
    assert_eq!(
        log.last().unwrap().1,
        "192.0.2.7",
        "the address the proxy appended"
    );
    assert!(log.iter().any(|r| r.3 == "rate_limited_case"));
}

pub async fn demo_seeds_every_state(b: Backend) {
    let env = env(b).await;
    let seeded = portal_server::demo::seed(&env.cases.db, &env.cases.secrets, d("2025-06-16"))
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
