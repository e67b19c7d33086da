//! The approval system's side: every transition, idempotent retries,
//! tokens scoped to departments.

use crate::support::*;
use axum::http::{Method, StatusCode};
use portal_core::case::{CaseState, EventKind, transition};
use serde_json::json;

/// The events that lead from a new case to `state`.
pub fn path_to(state: CaseState) -> Vec<EventKind> {
    use EventKind::*;
    match state {
        CaseState::Submitted => vec![],
        CaseState::Accepted => vec![Accept],
        CaseState::Refused => vec![Refuse],
        CaseState::UnderReview => vec![Accept, StartReview],
        CaseState::Paused => vec![Accept, StartReview, RequestCorrection],
        CaseState::Approved => vec![Accept, Approve],
        CaseState::Denied => vec![Accept, Deny],
        CaseState::ResultReady => vec![Accept, Approve, MarkResultReady],
        CaseState::Delivered => vec![Accept, Approve, Deliver],
    }
}

pub async fn every_transition_via_the_api(b: Backend) {
    let env = env(b).await;
    let states = [
        CaseState::Submitted,
        CaseState::Accepted,
        CaseState::Refused,
        CaseState::UnderReview,
        CaseState::Paused,
        CaseState::Approved,
        CaseState::Denied,
        CaseState::ResultReady,
        CaseState::Delivered,
    ];
    let mut allowed = 0;
    for state in states {
        for event in ALL_EVENTS {
            let (number, _) = env.new_case("2025-03-03").await;
            for (i, k) in path_to(state).into_iter().enumerate() {
                let r = env
                    .event(
                        &number,
                        &format!("{number}-p{i}"),
                        &kind_name(k),
                        "2025-03-04",
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            }
            let r = env
                .event(
                    &number,
                    &format!("{number}-x"),
                    &kind_name(event),
                    "2025-03-05",
                )
                .await;
            match transition(state, event) {
                Ok(to) => {
                    allowed += 1;
                    assert_eq!(
                        r.status,
                        StatusCode::OK,
                        "{state:?} + {event:?}: {}",
                        r.text()
                    );
                    assert_eq!(r.json()["state"], portal_server::db::to_text(&to));
                }
                Err(_) => {
                    assert_eq!(r.status, StatusCode::CONFLICT, "{state:?} + {event:?}");
                    let msg = r.json()["error"].as_str().unwrap().to_owned();
                    assert!(msg.contains(state.label()), "{msg}");
                    assert!(msg.contains("cannot take the event"), "{msg}");
                }
            }
        }
    }
    assert_eq!(allowed, 16);
}

pub async fn retries_are_idempotent(b: Backend) {
    let env = env(b).await;
    let (number, password) = env.new_case("2025-03-03").await;
    let first = env.event(&number, "evt-1", "accept", "2025-03-03").await;
    let again = env.event(&number, "evt-1", "accept", "2025-03-03").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(first.body, again.body);
    // Later events do not change what the retry answers.
    env.event(&number, "evt-2", "start_review", "2025-03-04")
        .await;
    let late = env.event(&number, "evt-1", "accept", "2025-03-03").await;
    assert_eq!(late.body, first.body);
    let v = env.lookup(&number, &password).await.json();
    assert_eq!(v["timeline"].as_array().unwrap().len(), 2, "no duplicate");
    assert_eq!(v["state"], "under_review");
    // The same id for another event is a mistake, said plainly.
    let reuse = env.event(&number, "evt-1", "approve", "2025-03-05").await;
    assert_eq!(reuse.status, StatusCode::CONFLICT);
    assert!(reuse.text().contains("event_id"));
    // Concurrent retries of one event: one applied, all answered the same.
    let (n2, p2) = env.new_case("2025-03-03").await;
    let replies = futures_join(&env, &n2).await;
    for r in &replies {
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.body, replies[0].body);
    }
    let v = env.lookup(&n2, &p2).await.json();
    assert_eq!(v["timeline"].as_array().unwrap().len(), 1);
    // Events out of date order are refused.
    let r = env.event(&number, "evt-3", "approve", "2025-03-01").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

pub async fn futures_join(env: &Env, number: &str) -> Vec<Reply> {
    let mut handles = Vec::new();
    for _ in 0..6 {
        let app = env.app.clone();
        let token = env.token.clone();
        let uri = format!("/api/v1/cases/{number}/events");
        handles.push(tokio::spawn(async move {
            let body = json!({"event_id": "same", "kind": "accept", "at": "2025-03-03"});
            send(&app, Method::POST, &uri, Some(&token), IP, body.to_string()).await
        }));
    }
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

pub async fn tokens_are_scoped_to_departments(b: Backend) {
    let env = env(b).await;
    assert_eq!(
        env.create("dept-b", "2025-03-03").await.status,
        StatusCode::FORBIDDEN
    );
    let other_token = env
        .cases
        .db
        .add_token(&env.cases.secrets, &["dept-b".to_owned()], "b")
        .await
        .unwrap();
    let (number, _) = env.new_case("2025-03-03").await;
    let body = json!({"event_id": "x", "kind": "accept", "at": "2025-03-03"}).to_string();
    let uri = format!("/api/v1/cases/{number}/events");
    let r = send(
        &env.app,
        Method::POST,
        &uri,
        Some(&other_token),
        IP,
        body.clone(),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("dept-a"), "{}", r.text());
    for bad in [None, Some("pt_nope"), Some("")] {
        let r = send(&env.app, Method::POST, &uri, bad, IP, body.clone()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = send(&env.app, Method::POST, "/api/v1/cases", None, IP, "{}").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Nothing happened to the case.
    assert_eq!(
        env.cases
            .db
            .find_case(&number)
            .await
            .unwrap()
            .unwrap()
            .state,
        "submitted"
    );
}
