//! Due dates in working days with stopped clocks, the flag, and the
//! statistics built from them.

use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

pub async fn due_dates_follow_the_calendar_and_stopped_clocks(b: Backend) {
    // Accepted Fri 2025-09-26, promised 5 working days: Sun 28 (调休 workday),
    // Mon 29, Tue 30, then the National Day holiday (Oct 1–8), Thu Oct 9,
    // Fri Oct 10 → due Oct 10.
    let env = env_at(b, "2025-09-29").await;
    let (number, password) = env.new_case("2025-09-26").await;
    env.event(&number, "a", "accept", "2025-09-26").await;
    env.event(&number, "r", "start_review", "2025-09-26").await;
    let v = env.lookup(&number, &password).await.json();
    assert_eq!(v["promised_due"], "2025-10-10");
    // Statutory 20 working days: Sep 28–30 (3), Oct 9–11 (6, Sat 11 a
    // make-up day), Oct 13–17 (11), Oct 20–24 (16), Oct 27–30 (20).
    assert_eq!(v["statutory_due"], "2025-10-30");
    assert_eq!(v["flag"], "none");
    // 补正 from Thu Oct 9 to Mon Oct 13: Fri 10, Sat 11 (调休 workday) and
    // Mon 13 do not count → due three working days later, Tue Oct 14.
    let r = env
        .event(&number, "c", "request_correction", "2025-10-09")
        .await;
    assert_eq!(r.json()["state"], "paused");
    let stopped = env_view(&env, "2025-10-11", &number, &password).await;
    assert_eq!(stopped["clock_stopped_now"], true);
    assert_eq!(
        stopped["days_stopped"], 2,
        "Fri 10 and the make-up Saturday 11"
    );
    assert_eq!(stopped["flag"], "none", "the clock is stopped");
    env.event(&number, "s", "resume", "2025-10-13").await;
    let v = env_view(&env, "2025-10-13", &number, &password).await;
    assert_eq!(v["days_stopped"], 3);
    assert_eq!(v["promised_due"], "2025-10-14");
    // Three stopped days later: Oct 31, Nov 3, Nov 4.
    assert_eq!(v["statutory_due"], "2025-11-04");
    assert_eq!(v["flag"], "yellow");
    assert_eq!(
        env_view(&env, "2025-10-15", &number, &password).await["flag"],
        "red"
    );
    // Decided on the due date: on time, and it stays so.
    env.event(&number, "ok", "approve", "2025-10-14").await;
    let v = env_view(&env, "2025-11-30", &number, &password).await;
    assert_eq!(v["flag"], "none");
    assert_eq!(v["promised_due"], "2025-10-14");

    // The statistics count it on time but not early.
    let stats = get(&env.app, "/api/v1/stats").await;
    assert_eq!(stats.status, StatusCode::OK);
    let dept = &stats.json()["departments"][0];
    assert_eq!(dept["department"], "dept-a");
    assert_eq!(dept["received"], 1);
    assert_eq!(dept["completed"], 1);
    assert_eq!(dept["completion_rate"], 1.0);
    assert_eq!(dept["on_time_rate"], 1.0);
    assert_eq!(dept["early_rate"], 0.0);
    let csv = get(&env.app, "/api/v1/stats.csv").await;
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.text().contains("dept-a,区公安分局,1,0,1,1,1,1,0,0,0"),
        "{}",
        csv.text()
    );
}

/// The same database, seen on another day.
pub async fn env_view(env: &Env, today: &str, number: &str, password: &str) -> Value {
    let cases = env.cases.clone().with_today(d(today));
    let cases = portal_server::Cases {
        per_client: std::sync::Arc::new(portal_server::ratelimit::RateLimiter::new(
            100,
            std::time::Duration::from_secs(60),
        )),
        per_case: std::sync::Arc::new(portal_server::ratelimit::RateLimiter::new(
            100,
            std::time::Duration::from_secs(60),
        )),
        ..cases
    };
    let app = env.app_for(cases);
    let body = json!({ "case_number": number, "password": password }).to_string();
    let r = send(&app, Method::POST, "/api/v1/cases/lookup", None, IP, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}
