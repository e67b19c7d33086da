//! Files read entry by entry: the department and theme lists (possibly
//! split over many files) and items with their materials. One broken
//! entry is reported and registered by id; the others still load.

use super::parse::TomlDoc;
use super::read::{Sink, read_lossy, read_text};
use super::{Format, files_under, parse, rel, salvage};
use crate::locate::Segment;
use portal_core::Problem;
use portal_core::model::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::DeValue;

/// A list of `[[table]]` entries: one file, a folder of files, or both.
pub struct List {
    /// The single file, e.g. `departments.toml`.
    pub file: &'static str,
    /// The folder of split files, e.g. `departments`.
    pub dir: &'static str,
    /// The table name, e.g. `department`.
    pub table: &'static str,
    pub kind: Kind,
}

pub const DEPARTMENTS: List = List {
    file: "departments.toml",
    dir: "departments",
    table: "department",
    kind: Kind::Department,
};

pub const THEMES: List = List {
    file: "themes.toml",
    dir: "themes",
    table: "theme",
    kind: Kind::Theme,
};

impl List {
    /// The files of the list under `root`: the single file first.
    fn paths(&self, root: &Path) -> Vec<PathBuf> {
        let single = PathBuf::from(self.file);
        let mut paths = Vec::new();
        if root.join(&single).exists() {
            paths.push(single);
        }
        paths.extend(files_under(root, self.dir, &["toml"]));
        paths
    }

    /// Reads every entry of every file of the list. `F` is the file's
    /// model (`DepartmentsFile`): unknown keys beside the list are checked
    /// against it.
    pub fn read<F, T>(&self, root: &Path, out: &mut Sink) -> Vec<Entry<T>>
    where
        F: DeserializeOwned + Serialize,
        T: DeserializeOwned + Serialize,
    {
        let paths = self.paths(root);
        // Every catalog needs its departments and themes.
        if paths.is_empty() {
            // Reported as the single file missing, the simplest fix.
            let p = Problem::error(self.file, "", "cannot read the file: it does not exist").hint(
                format!(
                    "this file is required (or files under {}/); see docs/content.md",
                    self.dir
                ),
            );
            // Every reference to the list follows from this one error.
            let cause = out.fail(p);
            out.unloaded(self.kind, None, cause);
        }
        let mut entries = Vec::new();
        for path in paths {
            entries.extend(self.read_file::<F, T>(root, &path, out));
        }
        entries
    }

    fn read_file<F, T>(&self, root: &Path, path: &Path, out: &mut Sink) -> Vec<Entry<T>>
    where
        F: DeserializeOwned + Serialize,
        T: DeserializeOwned + Serialize,
    {
        let file = rel(path);
        let text = match read_text(root, path, out) {
            Ok(text) => text,
            Err(cause) => return self.salvage(root, path, None, cause, out),
        };
        let doc = match TomlDoc::parse(&file, &text, 0, out) {
            Ok(doc) => doc,
            Err(cause) => return self.salvage(root, path, Some(&text), cause, out),
        };
        let mut table = doc.doc.get_ref().clone();
        let list = table
            .remove(self.table)
            .filter(|v| matches!(v.get_ref(), DeValue::Array(_)));
        let Some(list) = list else {
            // No list of tables: let serde say what is wrong with the file.
            return match doc.read::<F>(doc.root(), &[], out) {
                Ok(_) => vec![],
                Err(cause) => self.salvage(root, path, Some(&text), cause, out),
            };
        };
        // The rest of the file: only unknown keys can be wrong there.
        let rest = Spanned::new(doc.doc.span(), DeValue::Table(table));
        let _ = doc.read::<F>(rest, &[], out);
        read_entries(&doc, self.table, list, self.kind, out)
            .into_iter()
            .enumerate()
            .filter_map(|(index, (line, value))| {
                Some(Entry {
                    file: file.clone(),
                    index,
                    line,
                    value: value?,
                })
            })
            .collect()
    }

    /// A list file that failed as a whole: register the ids it can be seen
    /// to define, and that it may define others.
    fn salvage<T>(
        &self,
        root: &Path,
        path: &Path,
        text: Option<&str>,
        cause: portal_core::Cause,
        out: &mut Sink,
    ) -> Vec<Entry<T>> {
        let text = text.map(str::to_string).or_else(|| read_lossy(root, path));
        for id in salvage::table_ids(text.as_deref().unwrap_or(""), self.table) {
            out.unloaded(self.kind, Some(id), cause.clone());
        }
        out.unloaded(self.kind, None, cause);
        vec![]
    }
}

/// Reads each element of the array `list` (at the key `key`) on its own:
/// the line of each, and its value unless it failed, in which case its id
/// (if it has a readable one) is registered as `kind` unloaded.
fn read_entries<T>(
    doc: &TomlDoc,
    key: &str,
    list: Spanned<DeValue>,
    kind: Kind,
    out: &mut Sink,
) -> Vec<(usize, Option<T>)>
where
    T: DeserializeOwned + Serialize,
{
    let DeValue::Array(elements) = list.into_inner() else {
        return vec![];
    };
    elements
        .into_iter()
        .enumerate()
        .map(|(i, element)| {
            let line = doc.line_of(element.span().start);
            let id = string_at(&element, "id");
            let prefix = [Segment::Key(key.to_string()), Segment::Index(i)];
            match doc.read::<T>(element, &prefix, out) {
                Ok(v) => (line, Some(v)),
                Err(cause) => {
                    out.entry_unloaded(kind, id, Some(i), cause);
                    (line, None)
                }
            }
        })
        .collect()
}

/// The string value of `key` in a table value.
fn string_at(value: &Spanned<DeValue>, key: &str) -> Option<String> {
    match value.get_ref() {
        DeValue::Table(t) => match t.get(key)?.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// Reads one item file. An item that fails still registers its code; a
/// material that fails becomes a placeholder the rules skip (so the
/// others keep their `materials[i]` positions) and registers its id.
pub fn read_item(root: &Path, path: &Path, out: &mut Sink) -> Option<Item> {
    let file = rel(path);
    let text = match read_text(root, path, out) {
        Ok(text) => text,
        Err(cause) => {
            let code = read_lossy(root, path).and_then(|t| salvage::top_level(&t, "code"));
            out.unloaded(Kind::Item, code, cause);
            return None;
        }
    };
    let format = Format::of(path).unwrap_or(Format::Toml);
    let result = match format {
        Format::Yaml => parse(&file, &text, format, 0, out),
        Format::Toml => toml_item(&file, &text, out),
    };
    match result {
        Ok(item) => Some(item),
        Err(cause) => {
            let code = salvage::top_level(&text, "code");
            out.unloaded(Kind::Item, code, cause);
            None
        }
    }
}

fn toml_item(file: &str, text: &str, out: &mut Sink) -> Result<Item, portal_core::Cause> {
    let doc = TomlDoc::parse(file, text, 0, out)?;
    let mut table = doc.doc.get_ref().clone();
    let materials = table
        .remove("materials")
        .filter(|v| matches!(v.get_ref(), DeValue::Array(_)));
    let Some(materials) = materials else {
        // No list of materials (or not a list): read the item whole.
        return doc.read(doc.root(), &[], out);
    };
    let rest = Spanned::new(doc.doc.span(), DeValue::Table(table));
    let item = doc.read::<Item>(rest, &[], out);
    // Read the materials even if the item failed: all problems at once.
    let materials: Vec<Material> = read_entries(&doc, "materials", materials, Kind::Material, out)
        .into_iter()
        .map(|(_, m)| m.unwrap_or_default())
        .collect();
    let mut item = item?;
    item.materials = materials;
    Ok(item)
}
