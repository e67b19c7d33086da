//! Published figures per department (电子监察 statistics): received,
//! completed, completion rate (办结率), on-time and early-completion rates,
//! and cases overdue right now.
//!
//! Definitions: *received* counts every case; *refused* those refused at
//! intake (不予受理), which never enter the clock; *completed* cases with a
//! decision (approved or denied); the completion rate is completed over
//! received minus refused; *on time* means decided on or before the promised
//! due date, *early* strictly before it; *overdue now* counts undecided
//! accepted cases past their promised due date.
//!
//! The figures read every case, so they are computed at most every
//! [`STATS_TTL`] ([`StatsCache`]): the public pages cannot be used to load
//! the server.

use crate::db::Db;
use anyhow::Result;
use chrono::NaiveDate;
use portal_core::Calendar;
use portal_core::case::{CaseRecord, CaseState, deadlines};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long computed statistics are served before they are recomputed.
pub const STATS_TTL: Duration = Duration::from_secs(10);

#[derive(Debug, Default, Serialize, PartialEq)]
pub struct DepartmentStats {
    pub department: String,
    pub department_name: String,
    pub received: u64,
    pub refused: u64,
    pub completed: u64,
    pub completion_rate: Option<f64>,
    pub on_time: u64,
    pub on_time_rate: Option<f64>,
    pub early: u64,
    pub early_rate: Option<f64>,
    pub overdue_now: u64,
}

/// The figures of `cases` as of `today`, per department in code order.
/// Department names come from `names` (the content's departments.toml),
/// never from what ingest sent, unless the content does not know the code.
pub fn compute(
    cal: &Calendar,
    names: &BTreeMap<String, String>,
    cases: &[CaseRecord],
    today: NaiveDate,
) -> Vec<DepartmentStats> {
    let mut by_dept: BTreeMap<String, DepartmentStats> = BTreeMap::new();
    for case in cases {
        let d = deadlines(cal, case, today);
        let s = by_dept
            .entry(case.department.clone())
            .or_insert_with(|| DepartmentStats {
                department: case.department.clone(),
                department_name: names
                    .get(&case.department)
                    .unwrap_or(&case.department_name)
                    .clone(),
                ..Default::default()
            });
        s.received += 1;
        if d.state == CaseState::Refused {
            s.refused += 1;
            continue;
        }
        match (d.decided, d.promised_due) {
            (Some(decided), due) => {
                s.completed += 1;
                if let Some(due) = due {
                    s.on_time += u64::from(decided <= due);
                    s.early += u64::from(decided < due);
                }
            }
            (None, Some(due)) if today > due => s.overdue_now += 1,
            _ => {}
        }
    }
    let rate = |n: u64, of: u64| (of > 0).then(|| (n as f64 / of as f64 * 1000.0).round() / 1000.0);
    by_dept
        .into_values()
        .map(|mut s| {
            s.completion_rate = rate(s.completed, s.received - s.refused);
            s.on_time_rate = rate(s.on_time, s.completed);
            s.early_rate = rate(s.early, s.completed);
            s
        })
        .collect()
}

/// Computed figures: when, for which day, what.
type Computed = (Instant, NaiveDate, Arc<Vec<DepartmentStats>>);

/// The last figures computed.
#[derive(Default)]
pub struct StatsCache {
    last: tokio::sync::Mutex<Option<Computed>>,
}

impl StatsCache {
    /// The figures as of `today`, recomputed from `db` when older than
    /// [`STATS_TTL`] or of another day. The computation reads every case,
    /// so it runs on a blocking thread, never on the async workers that
    /// answer the other requests.
    pub async fn get(
        &self,
        db: &Db,
        cal: Arc<Calendar>,
        names: Arc<BTreeMap<String, String>>,
        today: NaiveDate,
    ) -> Result<Arc<Vec<DepartmentStats>>> {
        // Held while computing: concurrent requests wait for one computation.
        let mut last = self.last.lock().await;
        if let Some((at, day, s)) = last.as_ref()
            && *day == today
            && at.elapsed() < STATS_TTL
        {
            return Ok(s.clone());
        }
        let rows = db.all_cases().await?;
        let computed = tokio::task::spawn_blocking(move || {
            let records = rows
                .iter()
                .map(|(case, events)| case.record(events))
                .collect::<Result<Vec<_>>>()?;
            anyhow::Ok(compute(&cal, &names, &records, today))
        })
        .await??;
        let computed = Arc::new(computed);
        *last = Some((Instant::now(), today, computed.clone()));
        Ok(computed)
    }
}

/// UTF-8 with a BOM, so Excel opens the Chinese names correctly.
pub fn to_csv(stats: &[DepartmentStats]) -> String {
    let mut out = String::from(
        "\u{feff}department,department_name,received,refused,completed,completion_rate,on_time,on_time_rate,early,early_rate,overdue_now\r\n",
    );
    let r = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    for s in stats {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{}\r\n",
            portal_core::spreadsheet::csv_field(&s.department),
            portal_core::spreadsheet::csv_field(&s.department_name),
            s.received,
            s.refused,
            s.completed,
            r(s.completion_rate),
            s.on_time,
            r(s.on_time_rate),
            s.early,
            r(s.early_rate),
            s.overdue_now
        ));
    }
    out
}
