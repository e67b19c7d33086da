//! The `cases` and `events` tables: opening a case, applying an event
//! (the state machine, date order and idempotency by event id, inside the
//! caller's transaction), reading cases back, and turning rows into the
//! [`CaseRecord`] the rules of `portal_core::case` read.

use super::{Db, date_text, from_text, now_text, parse_date, to_text};
use crate::secrets::{self, Secrets};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use portal_core::case::{CaseEvent, CaseRecord, CaseState, EventKind, transition};
use portal_core::{DayUnit, Limit};
use sqlx::AnyConnection;
use std::time::Duration;

/// One stored case, as the API needs it. No applicant data.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub case_ref: Option<String>,
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
    /// The approval system's own reference; makes creation idempotent.
    pub case_ref: Option<String>,
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub department_name: String,
    pub received: NaiveDate,
    pub statutory_limit: Limit,
    pub promised_limit: Limit,
    pub delivery_method: String,
}

#[derive(Debug, Clone)]
pub struct NewEvent {
    pub event_id: String,
    pub kind: EventKind,
    pub at: NaiveDate,
    pub note: String,
    pub tracking_number: Option<String>,
}

#[derive(Debug)]
pub enum ApplyError {
    /// The event is impossible in the case's current state.
    Conflict(String),
    /// The event is dated before the case was received or before its last event.
    OutOfOrder(String),
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

/// What [`Db::create_case`] did.
#[derive(Debug)]
pub enum Created {
    /// A new case and its receipt password (shown once, stored hashed).
    New(CaseRow, String),
    /// A case with this `case_ref` already existed; nothing was written.
    Existing(CaseRow),
}

impl NewCase {
    /// Whether an existing case with the same `case_ref` is this case (and
    /// not a different one that reuses the reference by mistake).
    pub fn same_as(&self, row: &CaseRow) -> bool {
        row.item_code == self.item_code
            && row.department == self.department
            && row.received == date_text(self.received)
    }
}

const CASE_COLUMNS: &str = "id, case_ref, case_number, password_hash, item_code, item_name, department, \
    department_name, received, accepted, decided, state, statutory_days, statutory_unit, \
    promised_days, promised_unit, delivery_method, tracking_number";

const EVENT_COLUMNS: &str = "event_id, case_id, seq, kind, at, note, state_after";

impl Db {
    /// Stores a new case; returns it with its receipt password (shown once,
    /// stored only as a keyed hash). With a `case_ref` that is already
    /// stored, returns that case instead and writes nothing.
    pub async fn create_case(&self, secrets: &Secrets, new: &NewCase) -> Result<Created> {
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
            let hash = secrets.password_hash(&number, &password);
            let new = new.clone();
            let outcome = self
                .write(move |conn| {
                    Box::pin(async move {
                        let r = insert_case(conn, id, &number, &hash, &new).await;
                        (matches!(r, Ok(Insert::Inserted(_))), r)
                    })
                })
                .await??;
            match outcome {
                Insert::Inserted(row) => return Ok(Created::New(*row, password)),
                Insert::Existing(row) => return Ok(Created::Existing(*row)),
                // A case-number, id or case_ref collision: go round again
                // (a racing twin with the same case_ref is found next time).
                Insert::Collision => continue,
            }
        }
        anyhow::bail!("could not draw a free case number")
    }

    pub async fn find_case_by_ref(&self, case_ref: &str) -> Result<Option<CaseRow>> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE case_ref = $1");
        Ok(sqlx::query_as::<_, CaseRow>(&sql)
            .bind(case_ref)
            .fetch_optional(&self.pool)
            .await?)
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
        Ok(self.apply_event_replayed(case, event).await?.0)
    }

    /// [`Db::apply_event`], also saying whether the event was a replay of
    /// one already stored (then nothing changed).
    pub async fn apply_event_replayed(
        &self,
        case: &CaseRow,
        event: &NewEvent,
    ) -> Result<(CaseState, bool), ApplyError> {
        let mut last_err = None;
        // Concurrent writers (or a retry racing its original) lose on the
        // unique event id or the state check; go round again and answer
        // from what the winner stored.
        for attempt in 0..5 {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(20 * attempt)).await;
            }
            let case_id = case.id;
            let event = event.clone();
            let result = self
                .write(move |conn| {
                    Box::pin(async move {
                        let r = apply_on(conn, case_id, &event).await;
                        (matches!(r, Ok(Some(_))), r)
                    })
                })
                .await;
            match result {
                Ok(Ok(Some(outcome))) => return Ok(outcome),
                Ok(Ok(None)) => continue,
                Ok(Err(ApplyError::Other(e))) | Err(e) => last_err = Some(e),
                Ok(Err(e)) => return Err(e),
            }
        }
        Err(ApplyError::Other(last_err.unwrap_or_else(|| {
            anyhow::anyhow!("the case kept changing under us")
        })))
    }
}

/// What one attempt to insert a case did.
#[derive(Debug)]
pub enum Insert {
    Inserted(Box<CaseRow>),
    /// A case with this `case_ref` exists already.
    Existing(Box<CaseRow>),
    /// The drawn number or id (or a racing `case_ref`) is taken.
    Collision,
}

/// Inserts a case inside the caller's transaction.
pub async fn insert_case(
    conn: &mut AnyConnection,
    id: i64,
    number: &str,
    password_hash: &str,
    new: &NewCase,
) -> Result<Insert> {
    if let Some(r) = &new.case_ref {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE case_ref = $1");
        if let Some(row) = sqlx::query_as::<_, CaseRow>(&sql)
            .bind(r)
            .fetch_optional(&mut *conn)
            .await?
        {
            return Ok(Insert::Existing(Box::new(row)));
        }
    }
    let result = sqlx::query(
        "INSERT INTO cases (id, case_ref, case_number, password_hash, item_code, item_name, department, \
         department_name, received, accepted, decided, state, statutory_days, statutory_unit, \
         promised_days, promised_unit, delivery_method, tracking_number, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, $10, $11, $12, $13, $14, $15, NULL, $16)",
    )
    .bind(id)
    .bind(new.case_ref.clone())
    .bind(number)
    .bind(password_hash)
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
    .execute(&mut *conn)
    .await;
    match result {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(Insert::Collision),
        Err(e) => return Err(e.into()),
    }
    Ok(Insert::Inserted(Box::new(CaseRow {
        id,
        case_ref: new.case_ref.clone(),
        case_number: number.to_owned(),
        password_hash: password_hash.to_owned(),
        item_code: new.item_code.clone(),
        item_name: new.item_name.clone(),
        department: new.department.clone(),
        department_name: new.department_name.clone(),
        received: date_text(new.received),
        accepted: None,
        decided: None,
        state: to_text(&CaseState::Submitted),
        statutory_days: new.statutory_limit.days as i64,
        statutory_unit: to_text(&new.statutory_limit.unit),
        promised_days: new.promised_limit.days as i64,
        promised_unit: to_text(&new.promised_limit.unit),
        delivery_method: new.delivery_method.clone(),
        tracking_number: None,
    })))
}

/// The case's state, received date, event count and last event date, and
/// the stored event with the new event's id, if any.
type CaseAndEvent = (
    String,
    String,
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Applies one event inside the caller's transaction: the state machine,
/// date order and idempotency by event id. `Ok(None)`: lost a race, roll
/// back and try again. Keep the changes only on `Ok(Some(_))`, which says
/// the state after the event and whether it was a replay (stored before).
pub async fn apply_on(
    conn: &mut AnyConnection,
    case_id: i64,
    event: &NewEvent,
) -> Result<Option<(CaseState, bool)>, ApplyError> {
    // One statement, so one snapshot: under PostgreSQL's READ COMMITTED a
    // racing twin's event is either wholly visible (its event row and the
    // case state it set) or not at all, and a replay is never mistaken for
    // a conflict. One round trip also keeps the SQLite writer quick.
    let row: Option<CaseAndEvent> = sqlx::query_as(
        "SELECT c.state, c.received, \
         (SELECT COUNT(*) FROM events e WHERE e.case_id = c.id), \
         (SELECT e.at FROM events e WHERE e.case_id = c.id ORDER BY e.seq DESC LIMIT 1), \
         x.case_id, x.kind, x.at, x.state_after, x.note \
         FROM cases c LEFT JOIN events x ON x.event_id = $2 WHERE c.id = $1",
    )
    .bind(case_id)
    .bind(&event.event_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((
        state_text,
        received,
        count,
        last_at,
        prev_case,
        prev_kind,
        prev_at,
        prev_state,
        prev_note,
    )) = row
    else {
        return Err(ApplyError::Other(anyhow::anyhow!("case {case_id} is gone")));
    };
    if let (Some(prev_case), Some(prev_kind), Some(prev_at), Some(prev_state)) =
        (prev_case, prev_kind, prev_at, prev_state)
    {
        // A replay is the same event again; the same id with other content
        // would silently lose the new content, so it is a conflict.
        let same = prev_case == case_id
            && prev_kind == to_text(&event.kind)
            && prev_at == date_text(event.at)
            && prev_note.as_deref() == Some(event.note.as_str());
        return if same {
            Ok(Some((from_text(&prev_state)?, true)))
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
        return Err(ApplyError::OutOfOrder(format!(
            "事件日期早于收件日期 {received}。The event date is before the case was received ({received})."
        )));
    }
    if let Some(last) = last_at
        && at < last
    {
        return Err(ApplyError::OutOfOrder(format!(
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
    .execute(&mut *conn)
    .await;
    match inserted {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let accepted = (event.kind == EventKind::Accept).then(|| at.clone());
    let decided = event.kind.decides().then(|| at.clone());
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
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(None);
    }
    Ok(Some((to, false)))
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

impl CaseRow {
    /// The case as the rules read it, with its events in order.
    pub fn record(&self, events: &[EventRow]) -> Result<CaseRecord> {
        Ok(CaseRecord {
            case_number: self.case_number.clone(),
            item_code: self.item_code.clone(),
            item_name: self.item_name.clone(),
            department: self.department.clone(),
            department_name: self.department_name.clone(),
            received: parse_date(&self.received)?,
            accepted: self.accepted.as_deref().map(parse_date).transpose()?,
            decided: self.decided.as_deref().map(parse_date).transpose()?,
            state: self.state()?,
            statutory_limit: self.statutory_limit()?,
            promised_limit: self.promised_limit()?,
            delivery_method: self.delivery_method.clone(),
            tracking_number: self.tracking_number.clone(),
            events: events.iter().map(EventRow::event).collect::<Result<_>>()?,
        })
    }
}

impl EventRow {
    pub fn event(&self) -> Result<CaseEvent> {
        Ok(CaseEvent {
            kind: from_text(&self.kind)?,
            at: parse_date(&self.at)?,
            note: self.note.clone(),
        })
    }
}
