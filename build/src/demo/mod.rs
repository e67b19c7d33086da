//! `portal demo`: a deterministic synthetic catalog of any size, shaped like
//! a province's implementation lists (one set of departments per county),
//! for scale tests and benchmarks. The same seed always gives the same files.

//!
//! The tables (department kinds and what they handle, counties, the demo
//! site) are data, in `data.toml`; [`items`] draws an item from them,
//! [`catalog`] writes what surrounds the items.

mod catalog;
mod data;
mod items;
mod rng;

use anyhow::{Context, Result, bail};
use catalog::{county_code, departments, disclosure, guide, themes};
use data::DATA;
use items::item;
use portal_core::model::*;
use rayon::prelude::*;
use std::path::Path;

/// Items per county: a real district lists 500–1,500.
const ITEMS_PER_COUNTY: usize = 1000;

/// Writes a synthetic content folder of `items` items into `out`.
pub fn write(out: &Path, items: usize, seed: u64) -> Result<()> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        bail!(
            "{} is not empty: choose a new folder so nothing is overwritten",
            out.display()
        );
    }
    let counties = items.div_ceil(ITEMS_PER_COUNTY).max(1);
    write_file(out, "site.toml", &toml::to_string(&DATA.site)?)?;
    write_departments(out, counties)?;
    write_file(
        out,
        "themes.toml",
        &toml::to_string(&ThemesFile { theme: themes() })?,
    )?;
    write_file(
        out,
        "calendar/2025.toml",
        include_str!("../../../content/calendar/2025.toml"),
    )?;
    write_file(
        out,
        "calendar/2026.toml",
        include_str!("../../../content/calendar/2026.toml"),
    )?;
    write_file(
        out,
        "files/forms/application.txt",
        "申请表（通用）\n申请人：\n联系电话：\n申请事项：\n签名：\n日期：\n",
    )?;
    let bar = crate::console::progress(items as u64, "items");
    (0..items).into_par_iter().try_for_each(|n| {
        let (path, item) = item(n, seed);
        bar.inc(1);
        write_file(out, &path, &toml::to_string(&item)?)
    })?;
    bar.finish_and_clear();
    for n in 0..if items == 0 { 0 } else { 10 } {
        write_file(out, &format!("guides/guide-{n}.md"), &guide(n, items, seed))?;
    }
    for n in 0..20 {
        write_file(
            out,
            &format!("disclosures/normative/doc-{n}.md"),
            &disclosure(n),
        )?;
    }
    eprintln!(
        "Wrote {items} items in {counties} counties to {}.",
        out.display()
    );
    Ok(())
}

/// One `departments.toml` for a single county; for more, the split form
/// a province uses, `departments/<county code>.toml` (one file for a
/// country's agencies would pass the 4 MB file limit at 500 counties).
fn write_departments(out: &Path, counties: usize) -> Result<()> {
    let file = |county| {
        toml::to_string(&DepartmentsFile {
            department: departments(county),
        })
    };
    if counties == 1 {
        return write_file(out, "departments.toml", &file(0)?);
    }
    (0..counties).into_par_iter().try_for_each(|c| {
        let path = format!("departments/{}.toml", county_code(c));
        write_file(out, &path, &file(c)?)
    })
}

fn write_file(root: &Path, rel: &str, text: &str) -> Result<()> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_item() {
        assert_eq!(
            toml::to_string(&item(42, 1).1).unwrap(),
            toml::to_string(&item(42, 1).1).unwrap()
        );
        assert_ne!(
            item(42, 1).1.name + &item(43, 1).1.name,
            item(42, 2).1.name + &item(43, 2).1.name
        );
    }

    /// FNV-1a of every file `write` wrote: its path, a NUL, its length and
    /// its bytes, in path order.
    fn digest(root: &Path) -> (usize, String) {
        let mut files: Vec<_> = walkdir::WalkDir::new(root)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(root).unwrap().to_owned())
            .collect();
        files.sort();
        let mut bytes = Vec::new();
        for rel in &files {
            let text = std::fs::read(root.join(rel)).unwrap();
            bytes.extend_from_slice(rel.to_str().unwrap().replace('\\', "/").as_bytes());
            bytes.push(0);
            bytes.extend_from_slice(&(text.len() as u64).to_le_bytes());
            bytes.extend_from_slice(&text);
        }
        (files.len(), portal_search::writer::fnv_hex(&bytes))
    }

    /// The generator's output, pinned: any change to the tables, the
    /// random draws or the model's serialization fails here. If the change
    /// is intended, paste the new digest (and say so in the commit).
    #[test]
    fn the_output_is_pinned() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("demo");
        write(&out, 60, 7).unwrap();
        assert_eq!(digest(&out), (96, "876927a824cdff60".to_string()));
        // One item spelled out, so a failure shows what moved.
        let (path, item) = item(42, 1);
        assert_eq!(
            (path.as_str(), item.name.as_str()),
            (
                "items/medical-security-1/330101-YB-00042.toml",
                "医保关系变更登记（企业）"
            )
        );
    }
}
