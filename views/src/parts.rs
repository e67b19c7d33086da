//! The parts shown both as plain HTML and by the browser app, each with its
//! view model and its one renderer. The pages include the same templates.

use crate::env::{Error, environment};
use minijinja::{Environment, context};
use portal_core::case::CaseStatus;
use portal_search::{Hit, Response};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The answer to a case-status lookup, as `parts/case_result.html` shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseLookup {
    /// What was typed, echoed so nobody retypes 17 digits; never the password.
    pub case_number: String,
    pub result: Option<CaseStatus>,
    pub error: Option<LookupError>,
    /// With [`LookupError::RateLimited`]: when to try again.
    pub retry_minutes: Option<u64>,
}

/// Why a lookup shows no case. Every wrong number or password is the same
/// [`LookupError::NoMatch`], so a guess learns nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupError {
    NoMatch,
    RateLimited,
    TooLarge,
    /// Posted from another site's page.
    CrossSite,
    /// The database or the network failed.
    Unavailable,
    /// The request could not be read at all.
    BadRequest,
}

impl CaseLookup {
    /// The echoed number: trimmed and at most 40 characters.
    pub fn typed(case_number: &str) -> CaseLookup {
        CaseLookup {
            case_number: case_number.trim().chars().take(40).collect(),
            ..CaseLookup::default()
        }
    }

    pub fn found(mut self, status: CaseStatus) -> CaseLookup {
        self.result = Some(status);
        self
    }

    pub fn failed(mut self, error: LookupError) -> CaseLookup {
        self.error = Some(error);
        self
    }

    /// Too many tries: try again after `seconds`, shown in whole minutes.
    pub fn rate_limited(mut self, seconds: u64) -> CaseLookup {
        self.error = Some(LookupError::RateLimited);
        self.retry_minutes = Some(portal_core::case::retry_minutes(seconds));
        self
    }
}

/// The service centre's phone numbers, which the case answer names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub phone: String,
    pub complaint_phone: String,
}

fn parts() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(environment)
}

/// The inside of `<section id="case-result">`.
pub fn case_result(lookup: &CaseLookup, contact: &Contact) -> Result<String, Error> {
    parts()
        .get_template("parts/case_result.html")?
        .render(context! { lookup, contact })
}

/// The inside of `<div id="search-results">`; `None` before a query.
pub fn search_results(root: &str, results: Option<&Response>) -> Result<String, Error> {
    parts()
        .get_template("parts/search_results.html")?
        .render(context! { root, results })
}

/// The options of the search box's listbox, `active` marked selected.
pub fn suggestions(root: &str, hits: &[Hit], active: Option<usize>) -> Result<String, Error> {
    parts()
        .get_template("parts/suggestions.html")?
        .render(context! { root, hits, active })
}
