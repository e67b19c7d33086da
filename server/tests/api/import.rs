//! `portal cases import`: per line, idempotent, NDJSON and CSV.

use crate::support::*;
use axum::http::StatusCode;
use portal_server::import::{self, Format, Scope};
use serde_json::json;

/// A case line of the import, in NDJSON.
pub fn case_line(case_ref: &str, dept: &str) -> String {
    json!({
        "type": "case", "case_ref": case_ref, "item_code": "ga-001", "item_name": "居民身份证换领",
        "department": dept, "department_name": "区公安分局", "received": "2025-03-03",
        "statutory_limit": {"days": 20}, "promised_limit": {"days": 5, "unit": "working"},
        "delivery_method": "express",
    })
    .to_string()
}

pub fn event_line(case_ref: &str, id: &str, kind: &str, at: &str) -> String {
    json!({"type": "event", "case_ref": case_ref, "event_id": id, "kind": kind, "at": at})
        .to_string()
}

pub async fn run_import(
    env: &Env,
    text: &str,
    format: Format,
) -> (import::Summary, Vec<import::Receipt>) {
    let mut receipts = Vec::new();
    let allowed = ["dept-a".to_owned()];
    let summary = import::import(
        &env.cases.db,
        &env.cases.secrets,
        std::io::Cursor::new(text.as_bytes().to_vec()),
        format,
        Scope(Some(&allowed)),
        &mut |r| {
            receipts.push(r.clone());
            Ok(())
        },
        &mut |_| {},
    )
    .await
    .unwrap();
    (summary, receipts)
}

pub fn error_lines(s: &import::Summary) -> Vec<(u64, String)> {
    s.errors
        .iter()
        .map(|e| (e.line, e.error.field.clone()))
        .collect()
}

pub async fn bulk_import_is_per_line_and_idempotent(b: Backend) {
    let env = env(b).await;
    // A case opened through the API, then fed events by number.
    let (api_number, _) = env.new_case("2025-03-03").await;
    let lines = [
        case_line("W-1", "dept-a"),                                     // 1
        event_line("W-1", "w1-a", "accept", "2025-03-03"),              // 2
        event_line("W-1", "w1-b", "start_review", "2025-03-04"),        // 3
        event_line("W-1", "w1-c", "approve", "2025-13-05"),             // 4: bad date
        case_line("W-2", "dept-b"),                                     // 5: other department
        event_line("W-9", "w9-a", "accept", "2025-03-03"),              // 6: unknown case
        "this is not json".to_owned(),                                  // 7
        event_line("W-1", "w1-d", "deliver", "2025-03-06"),             // 8: impossible now
        String::new(),                                                  // 9: blank, skipped
        json!({"type": "event", "case_number": api_number, "event_id": "api-a", "kind": "accept", "at": "2025-03-04"}).to_string(), // 10
        json!({"type": "case", "case_ref": "W-3", "item_code": "x"}).to_string(), // 11: fields missing
        event_line("W-1", "w1-a", "refuse", "2025-03-03"),              // 12: event id reused
    ];
    let text = lines.join("\n");
    let (first, receipts) = run_import(&env, &text, Format::Ndjson).await;
    assert_eq!(first.cases_created, 1);
    assert_eq!(first.events_applied, 3);
    assert_eq!(first.duplicates, 0);
    assert_eq!(
        error_lines(&first),
        vec![
            (4, "at".to_owned()),
            (5, "department".to_owned()),
            (6, "case_ref".to_owned()),
            (7, String::new()),
            (8, "kind".to_owned()),
            (11, "item_name".to_owned()),
            (12, "event_id".to_owned()),
        ],
        "{:#?}",
        first.errors
    );
    assert!(
        first.errors[0].error.message.contains("YYYY-MM-DD"),
        "{}",
        first.errors[0].error
    );
    assert!(import::summary_line(&first).starts_with(
        "Imported 4 line(s) (1 case(s), 3 event(s)), skipped 0 already imported, 7 error(s)"
    ));
    // The receipt opens the imported case, which has exactly its two events.
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].case_ref, "W-1");
    let r = env
        .lookup(&receipts[0].case_number, &receipts[0].password)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], "under_review");
    assert_eq!(r.json()["timeline"].as_array().unwrap().len(), 2);

    // Running the same file again imports nothing new.
    let (again, receipts) = run_import(&env, &text, Format::Ndjson).await;
    assert_eq!(again.imported(), 0);
    assert_eq!(again.duplicates, 4);
    assert_eq!(error_lines(&again), error_lines(&first));
    assert!(receipts.is_empty());
    // Fixing line 4 and running again imports it, and line 8, which was
    // impossible before the approval, now follows it.
    let fixed = text.replace("2025-13-05", "2025-03-05");
    let (third, _) = run_import(&env, &fixed, Format::Ndjson).await;
    assert_eq!(third.events_applied, 2);
    assert_eq!(third.duplicates, 4);
    assert_eq!(third.errors.len(), 5);
    let w1 = env.cases.db.find_case_by_ref("W-1").await.unwrap().unwrap();
    assert_eq!(w1.state, "delivered");
    assert_eq!(env.cases.db.events(w1.id).await.unwrap().len(), 4);

    // The same in CSV: flattened limits, empty cells for what a row lacks.
    let csv = "\u{feff}type,case_ref,case_number,item_code,item_name,department,department_name,received,statutory_days,statutory_unit,promised_days,promised_unit,delivery_method,event_id,kind,at,note\n\
        case,C-1,,ga-001,居民身份证换领,dept-a,区公安分局,2025-03-03,20,working,5,,express,,,,\n\
        event,C-1,,,,,,,,,,,,c1-a,accept,2025-03-03,\"窗口受理, 材料齐全\"\n\
        event,C-1,,,,,,,,,,,,c1-b,start_review,2025-03-0x,\n\
        case,C-2,,ga-001,居民身份证换领,dept-a,区公安分局,2025-03-03,ten,,5,,express,,,,\n";
    let (csv1, receipts) = run_import(&env, csv, Format::Csv).await;
    assert_eq!(csv1.cases_created, 1);
    assert_eq!(csv1.events_applied, 1);
    assert_eq!(
        error_lines(&csv1),
        vec![(4, "at".to_owned()), (5, "statutory_days".to_owned())],
        "{:#?}",
        csv1.errors
    );
    let r = env
        .lookup(&receipts[0].case_number, &receipts[0].password)
        .await;
    assert_eq!(r.json()["timeline"][0]["note"], "窗口受理, 材料齐全");
    let (csv2, _) = run_import(&env, csv, Format::Csv).await;
    assert_eq!(csv2.imported(), 0);
    assert_eq!(csv2.duplicates, 2);
}
