//! The `ingest_tokens` table: bearer tokens of the approval systems, each
//! scoped to departments, stored only as a keyed hash.

use super::{Db, now_text};
use crate::secrets::{self, Secrets};
use anyhow::Result;

impl Db {
    /// Stores a new ingest token for `departments`; returns the token (shown
    /// once, stored only as a keyed hash).
    pub async fn add_token(
        &self,
        secrets: &Secrets,
        departments: &[String],
        label: &str,
    ) -> Result<String> {
        let token = secrets::new_token()?;
        let (hash, departments, label) = (
            secrets.token_hash(&token),
            departments.join(","),
            label.to_owned(),
        );
        self.write(move |conn| {
            Box::pin(async move {
                let r = sqlx::query(
                    "INSERT INTO ingest_tokens (token_hash, departments, label, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(hash)
                .bind(departments)
                .bind(label)
                .bind(now_text())
                .execute(&mut *conn)
                .await;
                (r.is_ok(), r)
            })
        })
        .await??;
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
}
