//! The public change log and where its history lives.
//!
//! `content/history/` is part of the content, committed with it, so a
//! build from a clean checkout shows the same log:
//! - `published.ndjson` is a snapshot of what was last published (one
//!   JSON line per item and document, so a publication's git diff shows
//!   only the lines that changed);
//! - `changes.ndjson` is the log itself, one dated [`Entry`] a line,
//!   only ever appended to.
//!
//! `portal publish` ([`publish`]) diffs the content against the snapshot,
//! appends the entries and replaces the snapshot; `portal build` only
//! reads them ([`History::read`]) and warns about changes not yet
//! published. See docs/publishing.md.

mod snapshot;

pub use snapshot::Snapshot;

use crate::load;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use portal_core::diff::{self, Change, Entry, Event, Side};
use portal_core::model::Catalog;
use std::io::Write;
use std::path::Path;

/// The folder under the content that holds the history.
pub const DIR: &str = "history";
const CHANGES: &str = "changes.ndjson";
const SNAPSHOT: &str = "published.ndjson";

/// What has been published: the log and the last snapshot.
#[derive(Debug, Default)]
pub struct History {
    /// Oldest first, as in the file.
    pub entries: Vec<Entry>,
    pub snapshot: Option<Snapshot>,
}

impl History {
    /// Reads `content/history/`; an absent folder is an empty history.
    pub fn read(content: &Path) -> Result<History> {
        let dir = content.join(DIR);
        let entries = read_entries(&dir.join(CHANGES))?;
        let snapshot = Snapshot::read(&dir.join(SNAPSHOT))?;
        Ok(History { entries, snapshot })
    }

    /// What the content changes against the last publication (nothing
    /// when there has been none).
    pub fn unpublished(&self, catalog: &Catalog) -> Vec<Change> {
        match &self.snapshot {
            Some(s) => diff::diff(&s.side(), &Side::of(catalog)),
            None => Vec::new(),
        }
    }
}

fn read_entries(path: &Path) -> Result<Vec<Entry>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let entry = serde_json::from_str(line).with_context(|| {
            format!(
                "{}:{}: not a change-log entry (this file is written by `portal publish`; restore it from git)",
                path.display(),
                n + 1
            )
        })?;
        out.push(entry);
    }
    Ok(out)
}

/// What one `portal publish` did.
#[derive(Debug)]
pub struct Published {
    /// True when there was no snapshot: this publication is the baseline.
    pub first: bool,
    pub entries: Vec<Entry>,
}

/// Records the checked content at `content` as published on `date`:
/// appends an entry for each item and document that changed since the
/// last publication and replaces the snapshot. The first publication is
/// the baseline: items get no entries (the log starts here), documents
/// get their publication on their own `published` date.
pub fn publish(content: &Path, date: NaiveDate) -> Result<Published> {
    let loaded = load::check(content, date);
    let errors = loaded.problems.iter().filter(|p| p.is_error()).count();
    if errors > 0 {
        crate::console::report(&loaded.problems);
        bail!(
            "{errors} error(s) in {}: only checked content can be published; nothing was recorded",
            content.display()
        );
    }
    let history = History::read(content)?;
    let catalog = &loaded.catalog;
    let (first, entries) = match &history.snapshot {
        Some(s) => {
            if let Some(last) = history
                .entries
                .last()
                .map(|e| e.date)
                .max(Some(s.published))
                && date < last
            {
                bail!(
                    "--date {date} is before the last publication ({last}): the log must stay in date order"
                );
            }
            let changes = diff::diff(&s.side(), &Side::of(catalog));
            let entries = changes
                .into_iter()
                .map(|change| Entry { date, change })
                .collect();
            (false, entries)
        }
        None => (true, baseline(catalog)),
    };
    let dir = content.join(DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    append(&dir.join(CHANGES), &entries)?;
    Snapshot::of(catalog, date).write(&dir.join(SNAPSHOT))?;
    Ok(Published { first, entries })
}

/// The documents of a first publication, each on the day it was published.
fn baseline(catalog: &Catalog) -> Vec<Entry> {
    let side = Side::of(catalog);
    let none = Side::default();
    let mut entries: Vec<Entry> = diff::diff(&none, &side)
        .into_iter()
        .filter(|c| c.event == Event::Published)
        .filter_map(|change| {
            let doc = side
                .disclosures
                .iter()
                .find(|(slug, _)| *slug == change.id)?;
            Some(Entry {
                date: doc.1.published,
                change,
            })
        })
        .collect();
    entries.sort_by(|a, b| a.date.cmp(&b.date).then(a.change.id.cmp(&b.change.id)));
    entries
}

/// Appends whole lines, synced: a log that loses entries is worse than
/// a publication that fails.
fn append(path: &Path, entries: &[Entry]) -> Result<()> {
    let mut text = String::new();
    for e in entries {
        text.push_str(&serde_json::to_string(e)?);
        text.push('\n');
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}
