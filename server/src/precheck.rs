//! The pre-check with answers (`GET /items/CODE/check/?ID=VALUE…`) for
//! browsers without JavaScript: the same engine and part as the item page's
//! app, on the data the build wrote beside the item page
//! (`items/CODE/precheck.json`). No HTTP here.

use portal_core::precheck::Engine;
use portal_core::{Calendar, Route};
use portal_views::precheck::{Links, PrecheckData, PrecheckView, parse_query, view};
use std::path::PathBuf;

/// The built site the pre-checks are read from.
pub struct Prechecks {
    dist: PathBuf,
}

/// What the check page shows.
pub struct Checked {
    pub name: String,
    pub code: String,
    pub view: PrecheckView,
    /// The data, for the app to take over on this page too.
    pub data: String,
}

impl Prechecks {
    pub fn new(dist: PathBuf) -> Prechecks {
        Prechecks { dist }
    }

    /// The part for `code` with the answers in `raw` (the query string), as
    /// of `today`; `None` when no such item has a pre-check.
    pub fn check(
        &self,
        root: &str,
        code: &str,
        raw: &str,
        today: chrono::NaiveDate,
    ) -> Option<Checked> {
        if !is_code(code) {
            return None;
        }
        let item = Route::Item(code.to_string()).path();
        let text = std::fs::read_to_string(self.dist.join(format!("{item}precheck.json"))).ok()?;
        // The build escaped `<` for the page; JSON reads it either way.
        let data: PrecheckData = serde_json::from_str(&text).ok()?;
        let engine = Engine::new(&data.form).ok()?;
        let pairs = parse_query(raw);
        let action = format!("{root}{}", Route::ItemCheck(code.to_string()).path());
        let links = Links {
            base: &action,
            action: &action,
        };
        let view = view(
            &engine,
            &pairs,
            today,
            &Calendar::new(&data.calendar),
            &links,
        );
        Some(Checked {
            name: data.form.name.clone(),
            code: code.to_string(),
            view,
            data: text,
        })
    }
}

/// Item codes are letters, digits, `-`, `_` and `.` (what `portal check`
/// allows), never a path.
fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code.starts_with(|c: char| c.is_ascii_alphanumeric())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::is_code;

    #[test]
    fn codes_are_never_paths() {
        assert!(is_code("330199-SJ-0201"));
        for bad in ["", "..", "../etc", "a/b", ".hidden", "a\\b", "%2e%2e"] {
            assert!(!is_code(bad), "{bad}");
        }
    }
}
