//! The parts shown both as plain HTML and by the browser app, each with its
//! view model and its one renderer. The pages include the same templates.

use crate::env::{Error, environment};
use minijinja::{Environment, context};
use portal_core::case::CaseStatus;
use portal_search::{Card, FacetGroup, Hit, Piece, Response};
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

/// The inside of `<div id="precheck-part">`.
pub fn precheck(v: &crate::precheck::PrecheckView) -> Result<String, Error> {
    parts()
        .get_template("parts/precheck.html")?
        .render(context! { v })
}

/// The inside of `<div id="search-results">`; `None` before a query.
pub fn search_results(root: &str, results: Option<&Response>) -> Result<String, Error> {
    let results = results.map(ResultsView::new);
    parts()
        .get_template("parts/search_results.html")?
        .render(context! { root, results })
}

/// The options of the search box's listbox, `active` marked selected.
pub fn suggestions(root: &str, hits: &[Hit], active: Option<usize>) -> Result<String, Error> {
    let hits: Vec<HitView> = hits.iter().map(HitView::new).collect();
    parts()
        .get_template("parts/suggestions.html")?
        .render(context! { root, hits, active })
}

/// A results page as its part shows it: the server's page and the app
/// both render this, never a bare `Response`.
#[derive(Serialize)]
pub struct ResultsView<'a> {
    q: &'a str,
    total: usize,
    hits: Vec<HitView<'a>>,
    facets: &'a [FacetGroup],
    /// Said above hits that match only part of the query.
    note: &'a str,
}

impl<'a> ResultsView<'a> {
    pub fn new(r: &'a Response) -> ResultsView<'a> {
        ResultsView {
            q: &r.q,
            total: r.total,
            hits: r.hits.iter().map(HitView::new).collect(),
            facets: &r.facets,
            note: &r.note,
        }
    }
}

/// A hit, with the line of facts shown under its name.
#[derive(Serialize)]
struct HitView<'a> {
    card: &'a Card,
    name: &'a [Piece],
    excerpt: &'a [Piece],
    facts: String,
}

impl<'a> HitView<'a> {
    fn new(h: &'a Hit) -> HitView<'a> {
        HitView {
            card: &h.card,
            name: &h.name,
            excerpt: &h.excerpt,
            facts: facts(&h.card),
        }
    }
}

/// What a hit says under its name: department · type · limit, then how
/// many visits it takes and whether it can be done online.
pub fn facts(card: &Card) -> String {
    let mut facts: Vec<String> = [&card.department, &card.item_type, &card.limit]
        .into_iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect();
    match card.visits {
        Some(0) => facts.push("零跑腿".into()),
        Some(n) => facts.push(format!("最多跑 {n} 次")),
        None => {}
    }
    if card.online {
        facts.push("可网上办理".into());
    }
    facts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(visits: Option<u8>, online: bool) -> Card {
        Card {
            kind: "item".into(),
            code: "X-1".into(),
            name: "居民身份证换领".into(),
            url: "items/X-1/".into(),
            department: "区公安分局".into(),
            item_type: "公共服务".into(),
            limit: String::new(),
            visits,
            online,
            instant: false,
        }
    }

    #[test]
    fn facts_skip_what_is_empty_and_name_the_visits() {
        assert_eq!(
            facts(&card(Some(0), true)),
            "区公安分局 · 公共服务 · 零跑腿 · 可网上办理"
        );
        assert_eq!(
            facts(&card(Some(1), false)),
            "区公安分局 · 公共服务 · 最多跑 1 次"
        );
        assert_eq!(facts(&card(None, false)), "区公安分局 · 公共服务");
    }

    #[test]
    fn parts_escape_what_they_show() {
        let hit = Hit {
            card: card(Some(1), false),
            score: 1.0,
            name: vec![Piece {
                text: "<b>身份证</b>".into(),
                hit: true,
            }],
            excerpt: Vec::new(),
        };
        let html = suggestions("/", &[hit], Some(0)).unwrap();
        assert!(
            html.contains("<mark>&lt;b&gt;身份证&lt;/b&gt;</mark>"),
            "{html}"
        );
        assert!(
            html.contains(r#"aria-selected="true" class="active""#),
            "{html}"
        );
        assert!(html.contains(r#"data-url="/items/X-1/""#), "{html}");
        let lookup = CaseLookup::typed("2025<x>").failed(LookupError::NoMatch);
        let html = case_result(&lookup, &Contact::default()).unwrap();
        assert!(html.contains("error-no_match"), "{html}");
        assert!(
            search_results("/", None)
                .unwrap()
                .contains("在页面顶部的搜索框")
        );
    }

    #[test]
    fn close_results_say_so() {
        let mut resp = Response {
            q: "执业照".into(),
            total: 1,
            hits: vec![Hit {
                card: card(Some(1), false),
                score: 1.0,
                name: Vec::new(),
                excerpt: Vec::new(),
            }],
            ..Response::default()
        };
        let plain = search_results("/", Some(&resp)).unwrap();
        assert!(!plain.contains(portal_search::RELAXED), "{plain}");
        resp.note = portal_search::RELAXED.into();
        let html = search_results("/", Some(&resp)).unwrap();
        assert!(html.contains(portal_search::RELAXED), "{html}");
        assert!(html.contains("咨询电话"), "{html}");
    }
}
