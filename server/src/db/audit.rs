//! The lookup audit: a row for every lookup attempt (client, the number
//! tried, the outcome; never the password) in `lookup_audit`, except the
//! ones refused by a rate limit. Those are what an attacker can send by the
//! thousand a second, so each only bumps a count per day and outcome in
//! `lookup_refusals` (and the first refusal of a client in a minute still
//! gets a row, so the log says who). Rows older than the retention
//! (`portal serve --audit-days`, default 180) are deleted by
//! [`keep_tidy`].

use super::{Db, now_text};
use crate::secrets;
use anyhow::Result;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// Audit rows are kept this many days unless told otherwise.
pub const DEFAULT_AUDIT_DAYS: u32 = 180;

/// Refusals counted in memory since the last flush: (day, outcome) → count.
#[derive(Default)]
pub struct Refusals(Mutex<BTreeMap<(String, String), u64>>);

impl Refusals {
    fn take(&self) -> BTreeMap<(String, String), u64> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Db {
    /// Records one lookup attempt. Never the password. On SQLite it is
    /// queued and committed with the next batch (the lookup does not wait
    /// for the disk); a crash can lose the last few milliseconds of it.
    pub async fn audit(&self, client: &str, case_number_tried: &str, outcome: &str) -> Result<()> {
        // Bound so garbage cannot bloat the log.
        let tried: String = case_number_tried.chars().take(40).collect();
        let (id, at, client, outcome) = (
            secrets::random_id()?,
            now_text(),
            client.to_owned(),
            outcome.to_owned(),
        );
        if let Some(writer) = &self.writer {
            return writer.queue_audit(([at, client, tried, outcome], id)).await;
        }
        sqlx::query(
            "INSERT INTO lookup_audit (id, at, client, case_number_tried, outcome) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(at)
        .bind(client)
        .bind(tried)
        .bind(outcome)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Counts one refused lookup (in memory; written by
    /// [`Db::flush_refusals`], every few seconds by [`keep_tidy`]).
    pub fn count_refusal(&self, outcome: &str) {
        let day = now_text()[..10].to_owned();
        let mut counts = self.refusals.0.lock().unwrap_or_else(|e| e.into_inner());
        *counts.entry((day, outcome.to_owned())).or_default() += 1;
    }

    /// Adds the counted refusals to `lookup_refusals`.
    pub async fn flush_refusals(&self) -> Result<()> {
        let counts = self.refusals.take();
        if counts.is_empty() {
            return Ok(());
        }
        self.write(move |conn| {
            Box::pin(async move {
                for ((day, outcome), n) in &counts {
                    let r = sqlx::query(
                        "INSERT INTO lookup_refusals (day, outcome, count) VALUES ($1, $2, $3) \
                         ON CONFLICT (day, outcome) DO UPDATE SET count = lookup_refusals.count + excluded.count",
                    )
                    .bind(day)
                    .bind(outcome)
                    .bind(*n as i64)
                    .execute(&mut *conn)
                    .await;
                    if let Err(e) = r {
                        return (false, Err(anyhow::Error::from(e)));
                    }
                }
                (true, Ok(()))
            })
        })
        .await?
    }

    /// The refusal counts: (day, outcome, count), oldest first.
    pub async fn refusal_counts(&self) -> Result<Vec<(String, String, i64)>> {
        self.flush_refusals().await?;
        Ok(
            sqlx::query_as("SELECT day, outcome, count FROM lookup_refusals ORDER BY day, outcome")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Deletes audit rows and counts older than `days` days; says how many
    /// rows went.
    pub async fn prune_audit(&self, days: u32) -> Result<u64> {
        let cutoff = chrono::Utc::now() - chrono::Duration::days(i64::from(days));
        let at = cutoff.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let day = at[..10].to_owned();
        self.write(move |conn| {
            Box::pin(async move {
                let rows = sqlx::query("DELETE FROM lookup_audit WHERE at < $1")
                    .bind(at)
                    .execute(&mut *conn)
                    .await;
                let counts = sqlx::query("DELETE FROM lookup_refusals WHERE day < $1")
                    .bind(day)
                    .execute(&mut *conn)
                    .await;
                match (rows, counts) {
                    (Ok(r), Ok(_)) => (true, Ok(r.rows_affected())),
                    (Err(e), _) | (_, Err(e)) => (false, Err(anyhow::Error::from(e))),
                }
            })
        })
        .await?
    }

    /// The audit log, newest last: (time, client, case number tried, outcome).
    pub async fn audit_log(&self) -> Result<Vec<(String, String, String, String)>> {
        self.flush().await?;
        Ok(sqlx::query_as(
            "SELECT at, client, case_number_tried, outcome FROM lookup_audit ORDER BY at, id",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

/// Runs beside the server: writes the refusal counts every few seconds and
/// deletes what is past the retention every hour (and once at start).
pub async fn keep_tidy(db: Db, audit_days: u32) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut ticks: u64 = 0;
    loop {
        tick.tick().await;
        if db.pool().is_closed() {
            return;
        }
        if let Err(e) = db.flush_refusals().await {
            eprintln!("cannot write the lookup refusal counts: {e:#}");
        }
        if ticks.is_multiple_of(720) {
            match db.prune_audit(audit_days).await {
                Ok(0) => {}
                Ok(n) => eprintln!("lookup audit: deleted {n} rows older than {audit_days} days"),
                Err(e) => eprintln!("cannot prune the lookup audit log: {e:#}"),
            }
        }
        ticks += 1;
    }
}
