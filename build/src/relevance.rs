//! Search quality against a relevance set (`tests/relevance.toml`):
//! success@1, success@5 and mean reciprocal rank.

use crate::search_index::{self, Synonyms};
use crate::views::Ctx;
use crate::{load, names_only};
use anyhow::{Context, Result, bail};
use portal_search::{Engine, Request, Response};
use serde::Deserialize;
use std::path::Path;

/// The search index of the content in `content`, written into a temporary
/// folder (kept as long as the engine is used). With `no_aliases`, every
/// item's aliases are dropped after loading: the catalog as a real
/// implementation list gives it, with names and nothing else.
pub fn open_content(content: &Path, no_aliases: bool) -> Result<(tempfile::TempDir, Engine)> {
    let today = chrono::Local::now().date_naive();
    let mut loaded = load::check(content, today);
    if loaded.problems.iter().any(|p| p.is_error()) {
        bail!("{} has errors: run `portal check`", content.display());
    }
    if no_aliases {
        for item in &mut loaded.catalog.items {
            item.value.aliases.clear();
        }
    }
    let dir = tempfile::tempdir()?;
    let ctx = Ctx::new(&loaded.catalog, today);
    search_index::write(&ctx, content, dir.path())?;
    let engine = portal_search::open_site(dir.path()).map_err(anyhow::Error::msg)?;
    Ok((dir, engine))
}

/// The search index of a names-only catalog (see [`names_only`]), with the
/// synonyms of the content folder `content`.
pub fn open_names(subjects: &Path, content: &Path) -> Result<(tempfile::TempDir, Engine)> {
    let items = names_only::read(subjects)?;
    let dir = tempfile::tempdir()?;
    search_index::write_names(&items, &Synonyms::load(content)?, dir.path())?;
    let engine = portal_search::open_site(dir.path()).map_err(anyhow::Error::msg)?;
    Ok((dir, engine))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Set {
    query: Vec<Query>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    pub q: String,
    /// Any of these codes in the top k counts as a success.
    pub expect: Vec<String>,
    #[serde(default)]
    pub kind: String,
}

/// One query's outcome: the rank (1-based) of the first expected code in
/// the top 10, if any.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub query: Query,
    pub rank: Option<usize>,
    pub top: Vec<String>,
}

#[derive(Debug)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
}

impl Report {
    fn share(&self, k: usize) -> f64 {
        let hits = self
            .outcomes
            .iter()
            .filter(|o| o.rank.is_some_and(|r| r <= k))
            .count();
        hits as f64 / self.outcomes.len().max(1) as f64
    }
    pub fn success_at_1(&self) -> f64 {
        self.share(1)
    }
    pub fn success_at_5(&self) -> f64 {
        self.share(5)
    }
    pub fn mrr(&self) -> f64 {
        let sum: f64 = self
            .outcomes
            .iter()
            .filter_map(|o| o.rank)
            .map(|r| 1.0 / r as f64)
            .sum();
        sum / self.outcomes.len().max(1) as f64
    }

    pub fn misses(&self, k: usize) -> impl Iterator<Item = &Outcome> {
        self.outcomes
            .iter()
            .filter(move |o| o.rank.is_none_or(|r| r > k))
    }

    pub fn print(&self, verbose: bool) {
        if verbose {
            for o in self.misses(1) {
                let what = match o.rank {
                    Some(r) if r <= 5 => format!("rank {r}"),
                    _ => "miss  ".to_string(),
                };
                println!(
                    "{what}  {:<24} [{}] expected {:?}, got {:?}",
                    o.query.q,
                    o.query.kind,
                    o.query.expect,
                    &o.top[..o.top.len().min(5)]
                );
            }
        }
        println!(
            "{} queries: success@1 {:.1}%, success@5 {:.1}%, MRR {:.3}",
            self.outcomes.len(),
            self.success_at_1() * 100.0,
            self.success_at_5() * 100.0,
            self.mrr()
        );
    }
}

/// Runs every query of the set in `path`, as the results page asks or (with
/// `suggest`) as the search box does.
pub fn evaluate(engine: &Engine, path: &Path, suggest: bool) -> Result<Report> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let set: Set = toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut outcomes = Vec::new();
    for query in set.query {
        let resp = engine.search(&Request {
            q: query.q.clone(),
            limit: 10,
            facets: !suggest,
            suggest,
            ..Request::default()
        })?;
        let top: Vec<String> = resp.hits.iter().map(|h| h.card.code.clone()).collect();
        let rank = top
            .iter()
            .position(|c| query.expect.contains(c))
            .map(|i| i + 1);
        outcomes.push(Outcome { query, rank, top });
    }
    Ok(Report { outcomes })
}

/// Results as lines for a terminal.
pub fn print(resp: &Response) {
    println!("{} result(s) for “{}”", resp.total, resp.q);
    for (i, hit) in resp.hits.iter().enumerate() {
        let c = &hit.card;
        let name: String = hit
            .name
            .iter()
            .map(|p| {
                if p.hit {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect();
        let mut facts = vec![c.department.clone(), c.item_type.clone(), c.limit.clone()];
        facts.retain(|f| !f.is_empty());
        println!(
            "{:>2}. {name}  {}  /{}  {}",
            i + 1,
            c.code,
            c.url,
            facts.join(" · ")
        );
    }
}
