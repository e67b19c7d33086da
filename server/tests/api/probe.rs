//! Each finding of the hostile probe of `portal serve --demo` (issue 17),
//! replayed: the audit log under a flood, absurd dates, department names,
//! control characters, replays with other content, cross-site and non-JSON
//! lookups, bad paths in the API. Bounded in count and time.

use crate::support::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tower::ServiceExt;

pub async fn a_flood_past_the_limit_adds_few_audit_rows(b: Backend) {
    let env = env(b).await;
    let (number, _) = env.new_case("2025-03-03").await;
    let before = env.cases.db.audit_log().await.unwrap().len();
    for _ in 0..2_010 {
        env.lookup_from([10, 66, 0, 1], &number, "WRONGPWD").await;
    }
    let log = env.cases.db.audit_log().await.unwrap();
    // 10 real tries, then one row for the first refusal of the minute.
    assert!(
        log.len() - before <= 12,
        "{} rows for 2,010 requests",
        log.len() - before
    );
    let counts = env.cases.db.refusal_counts().await.unwrap();
    let refused: i64 = counts.iter().map(|c| c.2).sum();
    assert_eq!(refused, 2_000, "{counts:?}");
    assert!(counts.iter().all(|c| c.1.starts_with("rate_limited")));
}

pub async fn audit_rows_past_the_retention_are_deleted(b: Backend) {
    let env = env(b).await;
    env.lookup_from([10, 67, 0, 1], "garbage", "x").await;
    let old = (chrono::Utc::now() - chrono::Duration::days(200))
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    sqlx::query(
        "INSERT INTO lookup_audit (id, at, client, case_number_tried, outcome) VALUES (1, $1, 'x', '', 'no_match')",
    )
    .bind(old)
    .execute(env.cases.db.pool())
    .await
    .unwrap();
    env.cases.db.flush().await.unwrap();
    assert_eq!(env.cases.db.audit_log().await.unwrap().len(), 2);
    assert_eq!(env.cases.db.prune_audit(180).await.unwrap(), 1);
    let log = env.cases.db.audit_log().await.unwrap();
    assert_eq!(log.len(), 1, "the recent row stays");
    assert_eq!(log[0].1, "10.67.0.1");
}

pub async fn dates_outside_the_window_are_refused(b: Backend) {
    let env = env(b).await;
    let r = env.create("dept-a", "0001-01-02").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("2000-01-01"));
    let (number, _) = env.new_case("2025-03-03").await;
    let r = env.event(&number, "far", "accept", "9999-12-30").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let in_two_days = chrono::Local::now().date_naive() + chrono::Duration::days(2);
    let r = env
        .event(&number, "soon", "accept", &in_two_days.to_string())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Nothing was stored: the case takes its next event as if none came.
    let r = env.event(&number, "ok", "accept", "2025-03-04").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

pub async fn a_case_spanning_decades_delays_nobody(b: Backend) {
    let env = env(b).await;
    let (number, password) = env.new_case("2000-01-03").await;
    for (id, kind, at) in [
        ("a", "accept", "2000-01-04"),
        ("p", "request_correction", "2000-01-05"),
        ("r", "resume", "2025-03-19"),
    ] {
        let r = env.event(&number, id, kind, at).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let started = Instant::now();
    let lookups: Vec<_> = (0..3u8)
        .map(|i| {
            let app = env.app.clone();
            let body = json!({ "case_number": number, "password": password }).to_string();
            tokio::spawn(async move {
                send(
                    &app,
                    Method::POST,
                    "/api/v1/cases/lookup",
                    None,
                    [10, 68, 0, i],
                    body,
                )
                .await
            })
        })
        .collect();
    let stats = tokio::spawn({
        let app = env.app.clone();
        async move { get(&app, "/api/v1/stats").await }
    });
    let home = get(&env.app, "/").await;
    let home_took = started.elapsed();
    for l in lookups {
        assert_eq!(l.await.unwrap().status, StatusCode::OK);
    }
    assert_eq!(stats.await.unwrap().status, StatusCode::OK);
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home_took < Duration::from_millis(250),
        "the home page waited {home_took:?} behind a pathological case"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

pub async fn department_names_come_from_the_content(b: Backend) {
    let env = env(b).await;
    let names = [("dept-a".to_owned(), "区公安分局".to_owned())].into();
    let cases = env.cases.clone().with_departments(names);
    let app = env.app_for(cases);
    let create = |dept: &str, name: Option<&str>| {
        let mut body = json!({
            "item_code": "ga-001", "item_name": "居民身份证换领", "department": dept,
            "received": "2025-03-03", "statutory_limit": { "days": 20 },
            "promised_limit": { "days": 5 }, "delivery_method": "window",
        });
        if let Some(n) = name {
            body["department_name"] = json!(n);
        }
        send(
            &app,
            Method::POST,
            "/api/v1/cases",
            Some(&env.token),
            IP,
            body.to_string(),
        )
    };
    // The first case names no department: the content's name still shows.
    assert_eq!(create("dept-a", None).await.status, StatusCode::CREATED);
    assert_eq!(
        create("dept-a", Some("public-security")).await.status,
        StatusCode::CREATED
    );
    let r = create("dept-x", Some("冒名部门")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let stats = get(&app, "/api/v1/stats").await.json();
    let depts = stats["departments"].as_array().unwrap();
    assert_eq!(depts.len(), 1);
    assert_eq!(depts[0]["department_name"], "区公安分局");
}

pub async fn control_characters_and_bidi_overrides_are_refused(b: Backend) {
    let env = env(b).await;
    let (number, _) = env.new_case("2025-03-03").await;
    for (field, value) in [
        ("item_name", "身份证\u{202e}txt.exe"),
        ("item_name", "身份证\u{7}"),
        ("delivery_method", "window\u{0}"),
        ("department_name", "区公安分局\u{2066}"),
    ] {
        let mut body = json!({
            "item_code": "ga-001", "item_name": "居民身份证换领", "department": "dept-a",
            "received": "2025-03-03", "statutory_limit": { "days": 20 },
            "promised_limit": { "days": 5 }, "delivery_method": "window",
        });
        body[field] = json!(value);
        let r = send(
            &env.app,
            Method::POST,
            "/api/v1/cases",
            Some(&env.token),
            IP,
            body.to_string(),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field} {value:?}");
        assert!(r.json()["error"].as_str().unwrap().contains("U+"));
    }
    let note = |n: &str| json!({"event_id": "n1", "kind": "accept", "at": "2025-03-04", "note": n});
    let r = env.event_body(&number, note("请补充\u{202e}材料")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = env.event_body(&number, note("第一行\n第二行\t备注")).await;
    assert_eq!(r.status, StatusCode::OK, "line breaks stay: {}", r.text());
}

pub async fn a_replay_with_other_content_is_a_conflict(b: Backend) {
    let env = env(b).await;
    let (number, _) = env.new_case("2025-03-03").await;
    let event =
        |note: &str| json!({"event_id": "e-1", "kind": "accept", "at": "2025-03-04", "note": note});
    assert_eq!(
        env.event_body(&number, event("受理")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        env.event_body(&number, event("受理")).await.status,
        StatusCode::OK,
        "an exact replay"
    );
    let r = env.event_body(&number, event("另一条备注")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("event_id"));
}

/// A lookup sent as `content_type`, with `Sec-Fetch-Site: fetch_site`.
async fn lookup_as(env: &Env, content_type: &str, fetch_site: &str, body: String) -> StatusCode {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/cases/lookup")
        .header("content-type", content_type)
        .header("sec-fetch-site", fetch_site)
        .body(Body::from(body))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([10, 69, 0, 1], 1))));
    env.app.clone().oneshot(req).await.unwrap().status()
}

pub async fn other_sites_cannot_spend_a_numbers_limit(b: Backend) {
    let env = env(b).await;
    let (number, password) = env.new_case("2025-03-03").await;
    let wrong = json!({ "case_number": number, "password": "WRONGPWD" }).to_string();
    for _ in 0..15 {
        let s = lookup_as(&env, "text/plain", "cross-site", wrong.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let s = lookup_as(
            &env,
            "text/plain;charset=UTF-8",
            "same-origin",
            wrong.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let s = lookup_as(&env, "application/json", "cross-site", wrong.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    let right = json!({ "case_number": number, "password": password }).to_string();
    let s = lookup_as(&env, "application/json", "same-origin", right).await;
    assert_eq!(s, StatusCode::OK, "the limit was not spent");
}

pub async fn bad_paths_in_the_api_answer_json(b: Backend) {
    let env = env(b).await;
    for path in ["%FF%FE", "%C3%28", &"9".repeat(300)] {
        let uri = format!("/api/v1/cases/{path}/events");
        let body = json!({"event_id": "y", "kind": "accept", "at": "2025-03-03"}).to_string();
        let r = send(&env.app, Method::POST, &uri, Some(&env.token), IP, body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.json()["error"].as_str().is_some(), "{path}");
    }
}
