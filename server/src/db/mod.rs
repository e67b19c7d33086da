//! The case store: SQLite (a file, WAL mode) or PostgreSQL through one code
//! path, sqlx's `Any` driver with portable SQL. Ids are generated here,
//! dates are `YYYY-MM-DD` text, timestamps RFC 3339 text, enums their
//! snake_case names, so the same queries run unchanged on both.
//!
//! Durability: an answer of success means the write is on disk. SQLite runs
//! in WAL mode with `synchronous = FULL`, so every commit is fsynced. One
//! fsync per event would cap ingest at a few hundred events a second, so on
//! SQLite every write goes through one writer task that commits whatever is
//! queued in one transaction (group commit), each write inside its own
//! savepoint: a failing write rolls back alone, and nobody hears "done"
//! before the commit that holds their write has returned. SQLite has a
//! single writer anyway; this way writers never wait on each other's locks.
//! PostgreSQL runs each write in its own transaction (it groups WAL flushes
//! of concurrent commits itself).

//!
//! Layout: this module connects and migrates and holds the shared helpers;
//! [`writer`] is SQLite's group-commit writer; [`cases`], [`tokens`] and
//! [`audit`] are the tables' queries, each adding its methods to [`Db`].

pub mod audit;
pub mod cases;
pub mod tokens;
pub mod writer;

pub use cases::{
    ApplyError, CaseRow, Created, EventRow, Insert, NewCase, NewEvent, apply_on, insert_case,
};
pub use writer::BoxFuture;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyConnection, AnyPool, Executor};
use std::time::Duration;
use writer::Writer;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    /// SQLite only: the group-commit writer.
    writer: Option<Writer>,
    /// Rate-limited lookups counted since the last flush.
    refusals: std::sync::Arc<audit::Refusals>,
}

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
            // SQLite: readers (one more is taken out for the writer).
            .max_connections(if is_sqlite { 5 } else { 10 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if is_sqlite {
                        // Writers wait for each other instead of failing at once.
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        // Every commit reaches the disk before it is acknowledged.
                        conn.execute("PRAGMA synchronous = FULL").await?;
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
        let writer = if is_sqlite {
            Some(Writer::start(&pool).await?)
        } else {
            None
        };
        Ok(Db {
            pool,
            writer,
            refusals: Default::default(),
        })
    }

    /// Runs `f` as one atomic write and returns its value once committed.
    /// `f` answers `(keep, value)`: with `keep` false its changes are
    /// rolled back (but `value` is still returned).
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, (bool, T)> + Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer.write(f).await,
            None => {
                let mut tx = self.pool.begin().await?;
                let (keep, value) = f(&mut tx).await;
                if keep {
                    tx.commit().await?;
                } else {
                    tx.rollback().await?;
                }
                Ok(value)
            }
        }
    }

    /// Waits until every write queued so far is committed, the refusal
    /// counts included.
    pub async fn flush(&self) -> Result<()> {
        self.flush_refusals().await?;
        self.write(|_| Box::pin(async { (true, ()) })).await
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
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

pub(crate) fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// The URL without its credentials, for logs and error messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…{}", &url[..s], &url[at..]),
        _ => url.to_owned(),
    }
}
