//! Rules that catch an officer's mistakes across the catalog. Each rule is a
//! small function; every finding names the file and field and says how to
//! fix it. Syntax, type and unknown-key errors come from the loader.
//!
//! One module per kind of content file; this one holds the entry point and
//! the lookups the rules share.

mod calendar;
mod disclosure;
mod item;
mod links;
mod materials;
mod precheck;
mod site;
mod situations;
mod unloaded;

pub use crate::limits::MAX_LIMIT_DAYS;
pub use disclosure::check_document_number;

use crate::model::*;
use crate::problem::Problem;
use crate::routes::RouteSet;
use chrono::NaiveDate;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use unloaded::Broken;

/// Checks the whole catalog. `today` decides what counts as "in the future".
pub fn validate(catalog: &Catalog, today: NaiveDate) -> Vec<Problem> {
    let ctx = Context::new(catalog);
    let mut out = Vec::new();
    // A site.toml that failed to load was replaced by defaults: checking
    // them would only repeat its error.
    if !ctx.broken.any(Kind::Site) {
        site::site(&catalog.site, &mut out);
    }
    site::departments(catalog, ctx.broken.any(Kind::Department), &mut out);
    site::themes(catalog, &mut out);
    calendar::calendar(catalog, &mut out);
    item::item_codes(catalog, &mut out);
    for item in &catalog.items {
        item::check_item(&ctx, &item.file, &item.value, today, &mut out);
    }
    for guide in &catalog.guides {
        disclosure::check_guide(&ctx, guide, &mut out);
    }
    for doc in &catalog.disclosures {
        disclosure::check_disclosure(&ctx, doc, today, &mut out);
    }
    disclosure::document_numbers(catalog, &mut out);
    out
}

/// The "use the id of one of the …" of hints, by what is referred to.
const DEPARTMENTS: &str = "departments (in departments.toml or departments/)";
const THEMES: &str = "themes (in themes.toml or themes/)";

/// Lookup tables shared by the rules.
struct Context<'a> {
    catalog: &'a Catalog,
    departments: HashMap<&'a str, &'a Department>,
    /// What failed to load: references to it follow from its error.
    broken: Broken<'a>,
    /// "did you mean" answers by (what, wrong id): a thousand items with
    /// the same misspelt department ask once, not once each against every
    /// department of a province.
    suggestions: RefCell<HashMap<(&'static str, String), String>>,
    themes: HashSet<&'a str>,
    codes: HashSet<&'a str>,
    disclosures: HashSet<&'a str>,
    categories: HashSet<&'a str>,
    /// Every page and file the build writes, for the link check.
    routes: RouteSet,
}

impl<'a> Context<'a> {
    fn new(c: &'a Catalog) -> Context<'a> {
        Context {
            catalog: c,
            departments: c
                .departments
                .iter()
                .map(|d| (d.id.as_str(), &d.value))
                .collect(),
            broken: Broken::new(&c.unloaded),
            suggestions: RefCell::default(),
            themes: c.themes.iter().map(|t| t.id.as_str()).collect(),
            codes: c.items.iter().map(|i| i.value.code.as_str()).collect(),
            disclosures: c
                .disclosures
                .iter()
                .map(|d| d.value.slug.as_str())
                .collect(),
            categories: c
                .site
                .disclosure_categories
                .iter()
                .map(|c| c.id.as_str())
                .collect(),
            routes: RouteSet::new(c),
        }
    }

    /// The problem for a reference to `id`, which is not among `known`:
    /// folded under a loading error when it follows from one, else
    /// "unknown" with a suggestion from `known` (the `what` of the hint).
    fn unknown(
        &self,
        kind: Kind,
        id: &str,
        (f, field): (&str, String),
        known: impl IntoIterator<Item = &'a str>,
        what: &'static str,
    ) -> Problem {
        if let Some(p) = self.broken.reference(kind, id, f, &field) {
            return p;
        }
        let message = match kind {
            Kind::Item => format!("unknown item code `{id}`"),
            _ => format!("unknown {} `{id}`", unloaded::noun(kind)),
        };
        Problem::error(f, field, message).hint(self.did_you_mean(id, known, what))
    }

    /// [`did_you_mean`], remembered.
    fn did_you_mean(
        &self,
        wrong: &str,
        known: impl IntoIterator<Item = &'a str>,
        what: &'static str,
    ) -> String {
        let key = (what, wrong.to_string());
        if let Some(hint) = self.suggestions.borrow().get(&key) {
            return hint.clone();
        }
        let hint = did_you_mean(wrong, known, what);
        self.suggestions.borrow_mut().insert(key, hint.clone());
        hint
    }
}

/// "did you mean `x`?" for a misspelt id, if something is close enough.
pub fn suggest<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Edit distance is quadratic: no typo is this long, so don't try.
    const LONGEST: usize = 64;
    if wrong.len() > LONGEST {
        return None;
    }
    known
        .into_iter()
        .filter(|k| k.len() <= LONGEST)
        .map(|k| (strsim::normalized_damerau_levenshtein(wrong, k), k))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

fn did_you_mean<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>, what: &str) -> String {
    match suggest(wrong, known) {
        Some(k) => format!("did you mean `{k}`?"),
        None => format!("use the id of one of the {what}"),
    }
}

fn check_id(file: &str, field: String, id: &str, out: &mut Vec<Problem>) {
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        out.push(
            Problem::error(file, field, format!("`{id}` is not a valid id"))
                .hint("ids appear in web addresses: use lower-case letters, digits and `-`, e.g. \"public-security\""),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("public-securty", ["public-security", "tax"]),
            Some("public-security")
        );
        assert_eq!(suggest("xyz", ["public-security", "tax"]), None);
    }
}
