//! Hostile input to the JSON API and the form: clean answers, no leaks,
//! limits that hold.

use crate::support::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;
use std::net::SocketAddr;
use tower::ServiceExt;

pub async fn hostile_input_gets_clean_answers(b: Backend) {
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

pub async fn form_survives_hostile_input(b: Backend) {
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
        assert_eq!(page_error(&r).as_deref(), Some("no_match"), "{n:?}");
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
        assert_eq!(page_error(&r).as_deref(), Some("no_match"));
    }
    // Oversized: cut off before parsing, with a page that says why.
    let big = form_body(&number, &"A".repeat(10_000));
    let r = form(&env.app, next_ip(), FORM, big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(page_error(&r).as_deref(), Some("too_large"));
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
    assert_eq!(page_error(&r).as_deref(), Some("rate_limited"));
    assert!(r.text().contains("请 1 分钟后再试"), "{}", r.text());
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
        .cases
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
    assert_eq!(page_state(&r).as_deref(), Some("submitted"));
    assert_eq!(get(&env.app, "/").await.text(), "home");
}
