//! The case lookup both front doors share (the JSON API and the HTML
//! form): the per-client limit, then the shape of the number, the per-case
//! limit, the password; every try audited (never the password), except
//! that refusals by a limit are counted rather than logged one by one.
//! The per-case limit counts failed tries only, so guessing can lock a
//! number for a minute but its owner's right password is never what does
//! it. Knows no HTTP: the adapters turn a [`Lookup`] into their own answer.

use crate::state::Cases;
use portal_core::case::{CaseStatus, case_status};
use portal_core::receipt::is_valid_case_number;
use std::time::Duration;

/// Lookups are tiny; a bigger request body is not a lookup.
pub const LOOKUP_BODY_LIMIT: usize = 4 * 1024;

/// What a lookup came to.
pub enum Lookup {
    Found(Box<CaseStatus>),
    /// Unknown number, wrong password or a malformed request: one answer.
    NoMatch,
    /// Over a limit; try again after this long.
    TooMany(Duration),
    /// The database failed; already logged.
    Unavailable,
}

/// Minutes to wait, as the applicant is told.
pub fn wait_minutes(wait: Duration) -> u64 {
    portal_core::case::retry_minutes(wait.as_secs())
}

async fn audit(cases: &Cases, client: &str, tried: &str, outcome: &str) {
    if let Err(e) = cases.db.audit(client, tried, outcome).await {
        eprintln!("cannot write the lookup audit log: {e:#}");
    }
}

/// A refusal by a limit: counted; logged only the first time a minute for
/// this client and outcome, so a flood adds a bounded number of rows.
async fn audit_refusal(cases: &Cases, client: &str, tried: &str, outcome: &str) {
    cases.db.count_refusal(outcome);
    if cases
        .refusals_logged
        .check(&format!("{outcome} {client}"))
        .is_ok()
    {
        audit(cases, client, tried, outcome).await;
    }
}

/// Looks up a case for `client`; `request` is `(case number, password)`,
/// `None` for a malformed request.
pub async fn lookup_case(cases: &Cases, client: &str, request: Option<(&str, &str)>) -> Lookup {
    if let Err(wait) = cases.per_client.check(client) {
        audit_refusal(cases, client, "", "rate_limited_client").await;
        return Lookup::TooMany(wait);
    }
    let Some((case_number, password)) = request else {
        audit(cases, client, "", "malformed").await;
        return Lookup::NoMatch;
    };
    // Garbage never reaches the database.
    if !is_valid_case_number(case_number) {
        audit(cases, client, case_number, "malformed").await;
        return Lookup::NoMatch;
    }
    let number = case_number.trim().to_ascii_uppercase();
    if let Err(wait) = cases.per_case.limited(&number) {
        audit_refusal(cases, client, &number, "rate_limited_case").await;
        return Lookup::TooMany(wait);
    }
    // Receipts print capitals; people type whatever.
    let password = password.trim().to_ascii_uppercase();
    let case = match cases.db.find_case(&number).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("case API error: {e:#}");
            return Lookup::Unavailable;
        }
    };
    let matched = match &case {
        Some(c) => cases
            .secrets
            .password_matches(&number, &password, &c.password_hash),
        None => {
            // Same work as a wrong password, so timing does not tell them apart.
            let _ = cases.secrets.password_hash(&number, &password);
            false
        }
    };
    let Some(case) = case.filter(|_| matched) else {
        cases.per_case.record(&number);
        audit(cases, client, &number, "no_match").await;
        return Lookup::NoMatch;
    };
    let record = match cases
        .db
        .events(case.id)
        .await
        .and_then(|events| case.record(&events))
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("case API error: {e:#}");
            return Lookup::Unavailable;
        }
    };
    audit(cases, client, &number, "ok").await;
    Lookup::Found(Box::new(case_status(
        &cases.calendar,
        record,
        cases.today(),
    )))
}
