//! `portal serve --demo`: sample cases in every state, so the lookup can be
//! tried at once. Prints two receipts and an ingest token.

use crate::db::{Created, Db, NewCase, NewEvent};
use crate::secrets::Secrets;
use anyhow::Result;
use chrono::{Duration, NaiveDate};
use portal_core::case::EventKind as E;
use portal_core::{DayUnit, Limit};

pub struct Receipt {
    pub case_number: String,
    pub password: String,
    pub state: String,
}

pub struct Seeded {
    pub receipts: Vec<Receipt>,
    pub token: String,
}

pub async fn seed(db: &Db, secrets: &Secrets, today: NaiveDate) -> Result<Seeded> {
    let working = |days| Limit {
        days,
        unit: DayUnit::Working,
    };
    use E::*;
    // (events in order, days before today the case was received)
    let scripts: &[(&[E], i64)] = &[
        (&[], 1),
        (&[Accept], 3),
        (&[Refuse], 5),
        (&[Accept, StartReview], 10),
        (&[Accept, StartReview, RequestCorrection], 14),
        (&[Accept, StartReview, StartSpecialProcedure, Resume], 30),
        (&[Accept, StartReview, Approve], 20),
        (&[Accept, StartReview, Deny], 25),
        (&[Accept, StartReview, Approve, MarkResultReady], 18),
        (
            &[Accept, StartReview, Approve, MarkResultReady, Deliver],
            40,
        ),
        // Accepted long ago and still under review: red flag.
        (&[Accept, StartReview], 60),
    ];
    let mut receipts = Vec::new();
    for (i, (events, ago)) in scripts.iter().enumerate() {
        let received = today - Duration::days(*ago);
        let (dept, dept_name, code, name) = if i % 2 == 0 {
            ("public-security", "区公安分局", "ga-001", "居民身份证换领")
        } else {
            (
                "market-regulation",
                "区市场监督管理局",
                "sj-002",
                "食品经营许可",
            )
        };
        let created = db
            .create_case(
                secrets,
                &NewCase {
                    case_ref: None,
                    item_code: code.into(),
                    item_name: name.into(),
                    department: dept.into(),
                    department_name: dept_name.into(),
                    received,
                    statutory_limit: working(20),
                    promised_limit: working(10),
                    delivery_method: "express".into(),
                },
            )
            .await?;
        let Created::New(case, password) = created else {
            anyhow::bail!("demo cases have no case_ref, so they are always new");
        };
        let mut state = "submitted".to_owned();
        for (k, kind) in events.iter().enumerate() {
            // Spread the events from the day received up to today.
            let at = received + Duration::days((k as i64 * 3).min(*ago));
            let s = db
                .apply_event(
                    &case,
                    &NewEvent {
                        event_id: format!("demo-{}-{k}", case.case_number),
                        kind: *kind,
                        at,
                        note: String::new(),
                        tracking_number: (*kind == Deliver).then(|| "SF1234567890".to_owned()),
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("demo seed failed: {e:?}"))?;
            state = crate::db::to_text(&s);
        }
        receipts.push(Receipt {
            case_number: case.case_number,
            password,
            state,
        });
    }
    let token = db
        .add_token(
            secrets,
            &["public-security".to_owned(), "market-regulation".to_owned()],
            "demo",
        )
        .await?;
    Ok(Seeded { receipts, token })
}
