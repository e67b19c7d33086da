//! `content/history/published.ndjson`: the catalog as last published.

use crate::output;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use portal_core::diff::Side;
use portal_core::model::{Catalog, DisclosureMeta, Item};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The items and documents of one publication.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub published: NaiveDate,
    pub items: Vec<Item>,
    pub disclosures: Vec<(String, DisclosureMeta)>,
}

/// One line of the file, as written.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum LineRef<'a> {
    Published(NaiveDate),
    Item(&'a Item),
    Disclosure {
        slug: &'a str,
        meta: &'a DisclosureMeta,
    },
}

/// One line of the file, as read.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Line {
    Published(NaiveDate),
    Item(Box<Item>),
    Disclosure {
        slug: String,
        meta: Box<DisclosureMeta>,
    },
}

impl Snapshot {
    pub fn of(catalog: &Catalog, published: NaiveDate) -> Snapshot {
        let mut items: Vec<Item> = catalog.items.iter().map(|i| i.value.clone()).collect();
        items.sort_by(|a, b| a.code.cmp(&b.code));
        let mut disclosures: Vec<_> = catalog
            .disclosures
            .iter()
            .map(|d| (d.value.slug.clone(), d.value.meta.clone()))
            .collect();
        disclosures.sort_by(|a, b| a.0.cmp(&b.0));
        Snapshot {
            published,
            items,
            disclosures,
        }
    }

    pub fn side(&self) -> Side<'_> {
        Side {
            items: self.items.iter().collect(),
            disclosures: self
                .disclosures
                .iter()
                .map(|(s, m)| (s.as_str(), m))
                .collect(),
        }
    }

    /// `None` when there is no snapshot yet.
    pub fn read(path: &Path) -> Result<Option<Snapshot>> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let mut snap = Snapshot {
            published: NaiveDate::MIN,
            items: Vec::new(),
            disclosures: Vec::new(),
        };
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let line: Line = serde_json::from_str(line).with_context(|| {
                format!(
                    "{}:{}: not a line of the published snapshot (written by `portal publish`; restore it from git)",
                    path.display(),
                    n + 1
                )
            })?;
            match line {
                Line::Published(d) => snap.published = d,
                Line::Item(i) => snap.items.push(*i),
                Line::Disclosure { slug, meta } => snap.disclosures.push((slug, *meta)),
            }
        }
        Ok(Some(snap))
    }

    /// Replaces the file atomically.
    pub fn write(&self, path: &Path) -> Result<()> {
        let lines = std::iter::once(LineRef::Published(self.published))
            .chain(self.items.iter().map(LineRef::Item))
            .chain(
                self.disclosures
                    .iter()
                    .map(|(slug, meta)| LineRef::Disclosure { slug, meta }),
            );
        let mut text = String::new();
        for line in lines {
            text.push_str(&serde_json::to_string(&line)?);
            text.push('\n');
        }
        output::write_atomic(path, text.as_bytes())
    }
}
