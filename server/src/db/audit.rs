//! The `lookup_audit` table: every lookup attempt (client, the number
//! tried, the outcome), never the password.

use super::{Db, now_text};
use crate::secrets;
use anyhow::Result;

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
