//! SQLite's group-commit writer: one task owns the only writing
//! connection, takes whatever writes are queued (at most [`MAX_BATCH`]),
//! runs each in its own savepoint of one transaction and commits once, so
//! one fsync acknowledges many writes. Lookup audit rows ride along: nobody
//! waits for them, and all those queued go in one statement. A second task
//! checkpoints the WAL beside it.

use anyhow::Result;
use futures_util::FutureExt;
use sqlx::{AnyConnection, AnyPool, Executor};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Called once the batch holding the write has committed.
type Done = Box<dyn FnOnce() + Send>;
/// One write: runs on the writer's connection inside a savepoint and says
/// whether to keep its changes.
type Work = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, (bool, Done)> + Send>;

/// A lookup audit row: `[at, client, case number tried, outcome]` and its id.
pub type AuditRow = ([String; 4], i64);

/// What the writer is asked to do.
enum Job {
    Work(Work),
    /// Nobody waits for it; written with the other queued ones.
    Audit(AuditRow),
}

/// At most this many writes share one commit.
pub const MAX_BATCH: usize = 512;

/// The way to the writer task; it stops when the last clone is dropped.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl Writer {
    /// Takes a connection out of `pool` for the writer and starts it and
    /// the checkpoints.
    pub async fn start(pool: &AnyPool) -> Result<Writer> {
        let mut conn = pool.acquire().await?.detach();
        // Checkpoints copy the WAL into the database file and fsync it:
        // a background task does that, so commits never wait for it.
        conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
        let (tx, rx) = mpsc::channel::<Job>(4 * MAX_BATCH);
        tokio::spawn(run_writer(conn, rx));
        tokio::spawn(run_checkpoints(pool.clone(), tx.downgrade()));
        Ok(Writer { tx })
    }

    /// Queues `f` and returns its value once the batch holding it has
    /// committed; see [`super::Db::write`].
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, (bool, T)> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job = Job::Work(Box::new(move |conn| {
            Box::pin(async move {
                let (keep, value) = f(conn).await;
                let done: Done = Box::new(move || {
                    let _ = tx.send(value);
                });
                (keep, done)
            })
        }));
        self.tx
            .send(job)
            .await
            .map_err(|_| anyhow::anyhow!("the database writer has stopped"))?;
        rx.await
            .map_err(|_| anyhow::anyhow!("the database could not commit the write"))
    }

    /// Queues an audit row for the next batch; does not wait for the commit.
    pub async fn queue_audit(&self, row: AuditRow) -> Result<()> {
        self.tx
            .send(Job::Audit(row))
            .await
            .map_err(|_| anyhow::anyhow!("the database writer has stopped"))
    }
}

/// The writer task: takes whatever writes are queued (at most
/// [`MAX_BATCH`]), runs each in a savepoint of one transaction, commits once
/// and only then tells each caller. If the batch cannot commit, nobody is
/// told "done": the callers see an error and may retry.
async fn run_writer(mut conn: AnyConnection, mut rx: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let mut dones = Vec::with_capacity(jobs.len());
        // Each job in its own savepoint; the statements between two jobs
        // go in one round trip to the SQLite thread.
        let result: Result<(), sqlx::Error> = async {
            conn.execute("BEGIN IMMEDIATE; SAVEPOINT job").await?;
            let mut audits = Vec::new();
            for job in jobs.drain(..) {
                let work = match job {
                    Job::Work(w) => w,
                    Job::Audit(row) => {
                        audits.push(row);
                        continue;
                    }
                };
                // A panicking write is rolled back and its caller told it
                // failed; the writer and the other writes carry on.
                let (keep, done) = match AssertUnwindSafe(work(&mut conn)).catch_unwind().await {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        eprintln!("case database: a write panicked and was rolled back");
                        let done: Done = Box::new(|| {});
                        (false, done)
                    }
                };
                if keep {
                    conn.execute("RELEASE job; SAVEPOINT job").await?;
                } else {
                    conn.execute("ROLLBACK TO job; RELEASE job; SAVEPOINT job")
                        .await?;
                }
                dones.push(done);
            }
            for chunk in audits.chunks(100) {
                if let Err(e) = insert_audits(&mut conn, chunk).await {
                    eprintln!("cannot write the lookup audit log: {e}");
                    conn.execute("ROLLBACK TO job; RELEASE job; SAVEPOINT job")
                        .await?;
                } else {
                    conn.execute("RELEASE job; SAVEPOINT job").await?;
                }
            }
            conn.execute("RELEASE job; COMMIT").await?;
            Ok(())
        }
        .await;
        match result {
            Ok(()) => dones.into_iter().for_each(|done| done()),
            Err(e) => {
                eprintln!("case database: a batch of writes failed and was rolled back: {e}");
                jobs.clear();
                let _ = conn.execute("ROLLBACK").await;
                // `dones` is dropped: every waiting caller gets an error.
            }
        }
    }
}

/// Many lookup audit rows in one statement.
async fn insert_audits(conn: &mut AnyConnection, rows: &[AuditRow]) -> Result<(), sqlx::Error> {
    let mut sql = String::from(
        "INSERT INTO lookup_audit (id, at, client, case_number_tried, outcome) VALUES ",
    );
    for i in 0..rows.len() {
        let p = i * 5;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${})",
            p + 1,
            p + 2,
            p + 3,
            p + 4,
            p + 5
        ));
    }
    // Not cached: the statement differs with the number of rows.
    let mut q = sqlx::query(&sql).persistent(false);
    for ([at, client, tried, outcome], id) in rows {
        q = q.bind(*id).bind(at).bind(client).bind(tried).bind(outcome);
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Copies the WAL into the database file every second, beside the writer
/// (a PASSIVE checkpoint never blocks it), until the database is closed.
async fn run_checkpoints(pool: AnyPool, writer: mpsc::WeakSender<Job>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if writer.upgrade().is_none() || pool.is_closed() {
            return;
        }
        if let Err(e) = pool.execute("PRAGMA wal_checkpoint(PASSIVE)").await {
            eprintln!("case database: checkpoint failed (will retry): {e}");
        }
    }
}
