//! The case store: SQLite (a file, WAL mode) or PostgreSQL through one code
//! path, sqlx's `Any` driver with portable SQL. Ids are generated here,
//! dates are `YYYY-MM-DD` text, timestamps RFC 3339 text, enums their
//! snake_case names, so the same queries run unchanged on both.

use crate::secrets::{self, Secrets};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use portal_core::case::{CaseState, EventKind, transition};
use portal_core::{DayUnit, Limit};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
}

/// One stored case, as the API needs it. No applicant data.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub case_number: String,
    pub password_hash: String,
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub department_name: String,
    pub received: String,
    pub accepted: Option<String>,
    pub decided: Option<String>,
    pub state: String,
    pub statutory_days: i64,
    pub statutory_unit: String,
    pub promised_days: i64,
    pub promised_unit: String,
    pub delivery_method: String,
    pub tracking_number: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub event_id: String,
    pub case_id: i64,
    pub seq: i64,
    pub kind: String,
    pub at: String,
    pub note: String,
    pub state_after: String,
}

/// What the approval system sends to open a case.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub department_name: String,
    pub received: NaiveDate,
    pub statutory_limit: Limit,
    pub promised_limit: Limit,
    pub delivery_method: String,
}

pub struct NewEvent {
    pub event_id: String,
    pub kind: EventKind,
    pub at: NaiveDate,
    pub note: String,
    pub tracking_number: Option<String>,
}

#[derive(Debug)]
pub enum ApplyError {
    /// The event is impossible in the case's current state, or out of order.
    Conflict(String),
    /// The event id was already used for a different event.
    EventIdReused,
    Other(anyhow::Error),
}

impl From<anyhow::Error> for ApplyError {
    fn from(e: anyhow::Error) -> Self {
        ApplyError::Other(e)
    }
}

impl From<sqlx::Error> for ApplyError {
    fn from(e: sqlx::Error) -> Self {
        ApplyError::Other(e.into())
    }
}

const CASE_COLUMNS: &str = "id, case_number, password_hash, item_code, item_name, department, \
    department_name, received, accepted, decided, state, statutory_days, statutory_unit, \
    promised_days, promised_unit, delivery_method, tracking_number";

const EVENT_COLUMNS: &str = "event_id, case_id, seq, kind, at, note, state_after";

impl Db {
    /// Connects, creating a SQLite file on first run, and applies migrations.
    pub async fn connect(url: &str) -> Result<Db> {
        install_default_drivers();
        let is_sqlite = url.starts_with("sqlite:");
        let url = if is_sqlite && !url.contains("mode=") {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mode=rwc")
        } else {
            url.to_owned()
        };
        let pool = AnyPoolOptions::new()
            .max_connections(if is_sqlite { 4 } else { 10 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if is_sqlite {
                        // Writers wait for each other instead of failing at once.
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .with_context(|| format!("cannot open the case database {}", redact(&url)))?;
        if is_sqlite {
            // WAL lets lookups read while events are written.
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        MIGRATOR
            .run(&pool)
            .await
            .context("cannot apply the database migrations")?;
        Ok(Db { pool })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Stores a new case; returns it with its receipt password (shown once,
    /// stored only as a keyed hash).
    pub async fn create_case(&self, secrets: &Secrets, new: &NewCase) -> Result<(CaseRow, String)> {
        use chrono::Datelike;
        for _ in 0..5 {
            let number =
                portal_core::receipt::case_number(new.received.year(), secrets::random_u64()?);
            let password = loop {
                // 64 bytes almost never run out after rejection sampling.
                if let Some(p) = portal_core::receipt::password(&secrets::random_bytes(64)?) {
                    break p;
                }
            };
            let id = secrets::random_id()?;
            let result = sqlx::query(
                "INSERT INTO cases (id, case_number, password_hash, item_code, item_name, department, \
                 department_name, received, accepted, decided, state, statutory_days, statutory_unit, \
                 promised_days, promised_unit, delivery_method, tracking_number, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, $9, $10, $11, $12, $13, $14, NULL, $15)",
            )
            .bind(id)
            .bind(&number)
            .bind(secrets.password_hash(&number, &password))
            .bind(&new.item_code)
            .bind(&new.item_name)
            .bind(&new.department)
            .bind(&new.department_name)
            .bind(date_text(new.received))
            .bind(to_text(&CaseState::Submitted))
            .bind(new.statutory_limit.days as i64)
            .bind(to_text(&new.statutory_limit.unit))
            .bind(new.promised_limit.days as i64)
            .bind(to_text(&new.promised_limit.unit))
            .bind(&new.delivery_method)
            .bind(now_text())
            .execute(&self.pool)
            .await;
            match result {
                Ok(_) => {
                    let row = self
                        .find_case(&number)
                        .await?
                        .context("the new case vanished")?;
                    return Ok((row, password));
                }
                // A case-number or id collision: draw again.
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => continue,
                Err(e) => return Err(e.into()),
            }
        }
        anyhow::bail!("could not draw a free case number")
    }

    pub async fn find_case(&self, case_number: &str) -> Result<Option<CaseRow>> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE case_number = $1");
        Ok(sqlx::query_as::<_, CaseRow>(&sql)
            .bind(case_number)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn events(&self, case_id: i64) -> Result<Vec<EventRow>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE case_id = $1 ORDER BY seq");
        Ok(sqlx::query_as::<_, EventRow>(&sql)
            .bind(case_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Every case with its events, for the statistics.
    pub async fn all_cases(&self) -> Result<Vec<(CaseRow, Vec<EventRow>)>> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases ORDER BY department, id");
        let cases = sqlx::query_as::<_, CaseRow>(&sql)
            .fetch_all(&self.pool)
            .await?;
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY case_id, seq");
        let events = sqlx::query_as::<_, EventRow>(&sql)
            .fetch_all(&self.pool)
            .await?;
        let mut by_case: std::collections::HashMap<i64, Vec<EventRow>> = Default::default();
        for e in events {
            by_case.entry(e.case_id).or_default().push(e);
        }
        Ok(cases
            .into_iter()
            .map(|c| {
                let ev = by_case.remove(&c.id).unwrap_or_default();
                (c, ev)
            })
            .collect())
    }

    /// Applies `event` to the case, idempotently: a retry with the same
    /// event id returns the state it produced the first time.
    pub async fn apply_event(
        &self,
        case: &CaseRow,
        event: &NewEvent,
    ) -> Result<CaseState, ApplyError> {
        let mut last_err = None;
        // Concurrent writers (or a retry racing its original) lose on the
        // unique event id or the state check; go round again and answer
        // from what the winner stored.
        for attempt in 0..5 {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(20 * attempt)).await;
            }
            match self.try_apply(case.id, event).await {
                Ok(Some(state)) => return Ok(state),
                Ok(None) => continue,
                Err(ApplyError::Other(e)) => last_err = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(ApplyError::Other(last_err.unwrap_or_else(|| {
            anyhow::anyhow!("the case kept changing under us")
        })))
    }

    /// `Ok(None)`: lost a race, try again.
    async fn try_apply(
        &self,
        case_id: i64,
        event: &NewEvent,
    ) -> Result<Option<CaseState>, ApplyError> {
        let mut tx = self.pool.begin().await?;
        // The case first, then the event id: under PostgreSQL's READ
        // COMMITTED each statement sees newer data, so if this read already
        // shows a racing twin's state change, the lookup below sees its event
        // too and answers as a replay rather than a false conflict.
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT c.state, c.received, (SELECT COUNT(*) FROM events e WHERE e.case_id = c.id) \
             FROM cases c WHERE c.id = $1",
        )
        .bind(case_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((state_text, received, count)) = row else {
            return Err(ApplyError::Other(anyhow::anyhow!("case {case_id} is gone")));
        };
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE event_id = $1");
        let existing = sqlx::query_as::<_, EventRow>(&sql)
            .bind(&event.event_id)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(prev) = existing {
            tx.rollback().await?;
            let same = prev.case_id == case_id
                && prev.kind == to_text(&event.kind)
                && prev.at == date_text(event.at);
            return if same {
                Ok(Some(from_text(&prev.state_after)?))
            } else {
                Err(ApplyError::EventIdReused)
            };
        }
        let from: CaseState = from_text(&state_text)?;
        let to = transition(from, event.kind).map_err(|e| {
            ApplyError::Conflict(format!(
                "该办件当前状态为“{}”，不能执行此操作。{e}.",
                from.label()
            ))
        })?;
        let at = date_text(event.at);
        if at < received {
            return Err(ApplyError::Conflict(format!(
                "事件日期早于收件日期 {received}。The event date is before the case was received ({received})."
            )));
        }
        let last_at: Option<(String,)> =
            sqlx::query_as("SELECT at FROM events WHERE case_id = $1 ORDER BY seq DESC LIMIT 1")
                .bind(case_id)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((last,)) = last_at
            && at < last
        {
            return Err(ApplyError::Conflict(format!(
                "事件日期早于上一事件 {last}，请按顺序报送。Events must arrive in date order; the last one was on {last}."
            )));
        }
        let inserted = sqlx::query(
            "INSERT INTO events (id, event_id, case_id, seq, kind, at, note, state_after, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(secrets::random_id()?)
        .bind(&event.event_id)
        .bind(case_id)
        .bind(count + 1)
        .bind(to_text(&event.kind))
        .bind(&at)
        .bind(&event.note)
        .bind(to_text(&to))
        .bind(now_text())
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(None),
            Err(e) => return Err(e.into()),
        }
        let accepted = (event.kind == EventKind::Accept).then(|| at.clone());
        let decided = matches!(
            event.kind,
            EventKind::Approve | EventKind::Deny | EventKind::Refuse
        )
        .then(|| at.clone());
        let updated = sqlx::query(
            "UPDATE cases SET state = $1, accepted = COALESCE($2, accepted), \
             decided = COALESCE($3, decided), tracking_number = COALESCE($4, tracking_number) \
             WHERE id = $5 AND state = $6",
        )
        .bind(to_text(&to))
        .bind(accepted)
        .bind(decided)
        .bind(event.tracking_number.clone())
        .bind(case_id)
        .bind(&state_text)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(None);
        }
        tx.commit().await?;
        Ok(Some(to))
    }

    /// Stores a new ingest token for `departments`; returns the token (shown
    /// once, stored only as a keyed hash).
    pub async fn add_token(
        &self,
        secrets: &Secrets,
        departments: &[String],
        label: &str,
    ) -> Result<String> {
        let token = secrets::new_token()?;
        sqlx::query(
            "INSERT INTO ingest_tokens (token_hash, departments, label, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(secrets.token_hash(&token))
        .bind(departments.join(","))
        .bind(label)
        .bind(now_text())
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The departments a token may touch, or `None` for an unknown token.
    pub async fn token_departments(
        &self,
        secrets: &Secrets,
        token: &str,
    ) -> Result<Option<Vec<String>>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT departments FROM ingest_tokens WHERE token_hash = $1")
                .bind(secrets.token_hash(token))
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(d,)| {
            d.split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        }))
    }

    /// Records one lookup attempt. Never the password.
    pub async fn audit(&self, client: &str, case_number_tried: &str, outcome: &str) -> Result<()> {
        // Bound so garbage cannot bloat the log.
        let tried: String = case_number_tried.chars().take(40).collect();
        sqlx::query(
            "INSERT INTO lookup_audit (id, at, client, case_number_tried, outcome) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(secrets::random_id()?)
        .bind(now_text())
        .bind(client)
        .bind(tried)
        .bind(outcome)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The audit log, newest last: (time, client, case number tried, outcome).
    pub async fn audit_log(&self) -> Result<Vec<(String, String, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT at, client, case_number_tried, outcome FROM lookup_audit ORDER BY at, id",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

impl CaseRow {
    pub fn state(&self) -> Result<CaseState> {
        from_text(&self.state)
    }
    pub fn statutory_limit(&self) -> Result<Limit> {
        limit(self.statutory_days, &self.statutory_unit)
    }
    pub fn promised_limit(&self) -> Result<Limit> {
        limit(self.promised_days, &self.promised_unit)
    }
}

fn limit(days: i64, unit: &str) -> Result<Limit> {
    Ok(Limit {
        days: u32::try_from(days).context("negative limit")?,
        unit: from_text::<DayUnit>(unit)?,
    })
}

/// An enum's serde name (`under_review`), so the column reads like the API.
pub fn to_text<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("not a unit enum: {other:?}"),
    }
}

pub fn from_text<T: DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .with_context(|| format!("unexpected value {s:?} in the database"))
}

pub fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| format!("bad date {s:?}"))
}

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// The URL without its credentials, for logs and error messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…{}", &url[..s], &url[at..]),
        _ => url.to_owned(),
    }
}
