//! The implementation list (实施清单) as a spreadsheet: `portal import`
//! and `portal export`. Layout and accepted values: docs/import.md.
//!
//! [`read`] turns .xlsx or CSV into text grids, [`columns`] matches
//! headers, [`values`] reads cells as officers type them, [`rows`] turns
//! rows into what they say (errors name the cell), [`merge`] applies a
//! row to its item, [`toml_patch`] writes it back keeping comments,
//! [`export`] writes the same layout.

pub mod columns;
pub mod export;
mod merge;
pub mod read;
pub mod report;
pub mod rows;
mod toml_patch;
pub mod values;

pub use rows::CellError;

use crate::load;
use crate::output;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use portal_core::diff::{self, Change, Side};
use portal_core::model::{Catalog, Item};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What an import would do, computed without writing anything.
pub struct Plan {
    /// The spreadsheet's file name.
    pub source: String,
    /// The CSV encoding detected; `None` for a workbook.
    pub encoding: Option<&'static str>,
    /// Rows read from sheet 1 and from 申请材料.
    pub rows: (usize, usize),
    pub errors: Vec<CellError>,
    /// Unknown columns and the like: reported, not fatal.
    pub notes: Vec<CellError>,
    /// Field by field, as `portal diff` prints it.
    pub changes: Vec<Change>,
    writes: Vec<Write>,
    /// Items in the content but not in the sheet: (code, file).
    pub missing: Vec<(String, String)>,
    pub delete_missing: bool,
}

struct Write {
    /// Relative to the content folder.
    file: String,
    old: Option<Item>,
    new: Item,
}

/// Reads `sheet` against the catalog in `content`.
pub fn plan(sheet: &Path, content: &Path, today: NaiveDate, delete_missing: bool) -> Result<Plan> {
    let book = read::read(sheet)?;
    let loaded = load::load(content);
    let broken = loaded.problems.iter().filter(|p| p.is_error()).count();
    if broken > 0 {
        crate::console::report(&loaded.problems);
        bail!(
            "{broken} error(s) in {}: an import needs content that loads; fix them first (`portal check`)",
            content.display()
        );
    }
    let catalog = loaded.catalog;
    let (mut errors, mut notes) = (Vec::new(), Vec::new());
    let item_rows = rows::items(&book.items, &mut errors, &mut notes);
    let codes: HashSet<&str> = item_rows.iter().map(|r| r.code.as_str()).collect();
    let material_rows = book
        .materials
        .as_ref()
        .map(|t| rows::materials(t, &codes, &mut errors, &mut notes))
        .unwrap_or_default();
    let merged = merge_all(
        &book.items,
        &item_rows,
        &material_rows,
        &catalog,
        today,
        &mut errors,
    );
    let mut plan = Plan {
        source: book.items.file.clone(),
        encoding: book.encoding,
        rows: (item_rows.len(), material_rows.values().map(Vec::len).sum()),
        errors,
        notes,
        changes: Vec::new(),
        writes: Vec::new(),
        missing: Vec::new(),
        delete_missing,
    };
    plan.compare(&catalog, merged, &codes);
    Ok(plan)
}

/// Each row applied to its item (or made into a new one).
fn merge_all(
    table: &read::Table,
    item_rows: &[rows::ItemRow],
    material_rows: &HashMap<String, Vec<rows::MaterialRow>>,
    catalog: &Catalog,
    today: NaiveDate,
    errors: &mut Vec<CellError>,
) -> Vec<(Option<(String, Item)>, Item)> {
    let existing: HashMap<&str, (&str, &Item)> = catalog
        .items
        .iter()
        .map(|i| (i.value.code.as_str(), (i.file.as_str(), &i.value)))
        .collect();
    let depts = merge::Departments(&catalog.departments);
    let Some(header) = rows::header(
        table,
        columns::ITEM_COLUMNS,
        &[],
        &mut Vec::new(),
        &mut Vec::new(),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in item_rows {
        let at = rows::Row {
            table,
            header: &header,
            row: r.row,
        };
        let old = existing.get(r.code.as_str());
        let materials = material_rows.get(&r.code).map(Vec::as_slice);
        if let Some(new) = merge::item(r, materials, old.map(|o| o.1), &depts, &at, today, errors) {
            out.push((old.map(|(f, i)| (f.to_string(), (*i).clone())), new));
        }
    }
    out
}

impl Plan {
    /// Fills in the diff, the files to write and the items left out.
    fn compare(
        &mut self,
        catalog: &Catalog,
        merged: Vec<(Option<(String, Item)>, Item)>,
        codes: &HashSet<&str>,
    ) {
        for (old, new) in merged {
            let change = match &old {
                Some((_, o)) => diff::diff_item(o, &new),
                None => vec![],
            };
            if old.is_some() && change.is_empty() {
                continue;
            }
            let file = match &old {
                Some((file, _)) => file.clone(),
                None => format!("items/{}/{}.toml", new.department, safe_name(&new.code)),
            };
            if !file.ends_with(".toml") {
                self.errors.push(CellError {
                    file: self.source.clone(),
                    sheet: None,
                    cell: String::new(),
                    column: String::new(),
                    message: format!("{} would change {file}, which is YAML: import edits TOML files only; convert it to TOML or edit it by hand", new.code),
                });
                continue;
            }
            self.writes.push(Write {
                file,
                old: old.map(|o| o.1),
                new,
            });
        }
        self.missing = catalog
            .items
            .iter()
            .filter(|i| !codes.contains(i.value.code.as_str()))
            .map(|i| (i.value.code.clone(), i.file.clone()))
            .collect();
        let before: Vec<&Item> = catalog.items.iter().map(|i| &i.value).collect();
        let mut after: HashMap<&str, &Item> =
            before.iter().map(|i| (i.code.as_str(), *i)).collect();
        for w in &self.writes {
            after.insert(&w.new.code, &w.new);
        }
        if self.delete_missing {
            for (code, _) in &self.missing {
                after.remove(code.as_str());
            }
        }
        let old = Side {
            items: before,
            disclosures: vec![],
        };
        let new = Side {
            items: after.into_values().collect(),
            disclosures: vec![],
        };
        self.changes = diff::diff(&old, &new);
    }

    /// True when applying would change no file.
    pub fn is_noop(&self) -> bool {
        self.writes.is_empty() && (self.missing.is_empty() || !self.delete_missing)
    }

    /// Writes every file (each atomically: a temporary file renamed over
    /// it) and deletes the missing items' files if asked. Refuses when
    /// the plan has errors.
    pub fn apply(&self, content: &Path, today: NaiveDate) -> Result<Applied> {
        if !self.errors.is_empty() {
            bail!(
                "{} error(s) in {}: nothing was written",
                self.errors.len(),
                self.source
            );
        }
        let note = format!(
            "Imported from {} on {today} by `portal import`.",
            self.source
        );
        let mut staged = Vec::new();
        for w in &self.writes {
            let path = content.join(&w.file);
            let text = match &w.old {
                Some(old) => {
                    let mut new = w.new.clone();
                    new.last_reviewed = today;
                    let source = std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    let mut doc: toml_edit::DocumentMut = source
                        .parse()
                        .with_context(|| format!("{}: cannot edit this TOML", path.display()))?;
                    toml_patch::patch(&mut doc, old, &new);
                    doc.to_string()
                }
                None => toml_patch::new_file(&w.new, &note),
            };
            staged.push((path, text));
        }
        // Everything is computed before the first file is replaced.
        for (path, text) in &staged {
            output::write_atomic(path, text.as_bytes())?;
        }
        let mut deleted = Vec::new();
        if self.delete_missing {
            for (_, file) in &self.missing {
                let path = content.join(file);
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot delete {}", path.display()))?;
                deleted.push(path);
            }
        }
        Ok(Applied {
            written: staged.into_iter().map(|(p, _)| p).collect(),
            deleted,
        })
    }
}

/// What `apply` changed on disk.
pub struct Applied {
    pub written: Vec<PathBuf>,
    pub deleted: Vec<PathBuf>,
}

/// An item code as a file name: the characters codes may hold.
fn safe_name(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}
