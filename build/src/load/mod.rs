//! Reads `content/` into a [`Catalog`], collecting every syntax, type and
//! unknown-key problem with its line and column instead of stopping at the
//! first one. What fails to load is still registered by id
//! ([`Catalog::unloaded`]), so the rules report references to it as
//! following from its error, not as unknown.
//!
//! [`read`] reads files as text, [`parse`] turns text into values (with
//! [`help`] for value errors), [`entries`] reads lists and items entry by
//! entry, [`salvage`] finds ids in files that failed.

mod entries;
mod help;
mod parse;
mod read;
mod salvage;

pub use parse::parse;
pub use read::{MAX_FILE_BYTES, Sink, read_text};

use crate::frontmatter;
use crate::locate;
use crate::markdown;
use entries::{DEPARTMENTS, THEMES};
use portal_core::model::*;
use portal_core::{Calendar, Problem, validate};
use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use toml::de::DeTable;

/// The content and every problem found while reading it.
pub struct Loaded {
    pub catalog: Catalog,
    pub problems: Vec<Problem>,
}

/// How a file's data is written, so problems can be located in it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

impl Format {
    fn of(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()? {
            "toml" => Some(Format::Toml),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }
}

/// Reads everything under `root`. Problems from cross-file rules are added
/// by [`check`]; this only reports what each file says on its own.
pub fn load(root: &Path) -> Loaded {
    let mut out = Sink::default();
    let mut catalog = Catalog::default();
    if !root.is_dir() {
        out.problems.push(
            Problem::error(
                &root.display().to_string(),
                "",
                "the content folder does not exist",
            )
            .hint("pass --content DIR, or run `portal demo --items 100 --out content` to make one"),
        );
        return Loaded {
            catalog,
            problems: out.problems,
        };
    }
    match read_data::<Site>(root, Path::new("site.toml"), &mut out) {
        Ok(site) => catalog.site = site,
        Err(cause) => out.unloaded(Kind::Site, None, cause),
    }
    catalog.departments = DEPARTMENTS.read::<DepartmentsFile, _>(root, &mut out);
    catalog.themes = THEMES.read::<ThemesFile, _>(root, &mut out);
    for path in files_under(root, "calendar", &["toml"]) {
        if let Ok(year) = read_data(root, &path, &mut out) {
            catalog.calendar.push(Sourced {
                file: rel(&path),
                value: year,
            });
        }
    }
    let item_files = files_under(root, "items", &["toml", "yaml", "yml"]);
    if item_files.is_empty() {
        out.problems.push(
            Problem::error("items", "", "the catalog has no service items")
                .hint("add one TOML file per item under items/ (symbolic links are not followed); see docs/content.md"),
        );
    }
    catalog.items = read_all(root, item_files, entries::read_item, &mut out);
    let guides = files_under(root, "guides", &["md"]);
    let read_guide =
        |r: &Path, p: &Path, o: &mut Sink| read_page::<GuideMeta>(r, p, Kind::Guide, o);
    catalog.guides = read_all(root, guides, read_guide, &mut out);
    let docs = files_under(root, "disclosures", &["md"]);
    let read_doc =
        |r: &Path, p: &Path, o: &mut Sink| read_page::<DisclosureMeta>(r, p, Kind::Disclosure, o);
    catalog.disclosures = read_all(root, docs, read_doc, &mut out);
    catalog.files = files_under(root, "files", &[])
        .into_iter()
        .filter_map(|p| p.strip_prefix("files").ok().map(slash_path))
        .collect::<BTreeSet<_>>();
    catalog.unloaded = out.unloaded;
    Loaded {
        catalog,
        problems: out.problems,
    }
}

/// What `portal serve` needs of the content: the site settings, the
/// departments and the working-day calendar.
pub struct Settings {
    /// `None` when `site.toml` is missing or has errors (in `problems`).
    pub site: Option<Site>,
    /// Those of `departments.toml` or `departments/*.toml` that load.
    pub departments: Vec<Department>,
    pub calendar: Calendar,
    /// How many calendar years were read.
    pub calendar_years: usize,
    pub problems: Vec<Problem>,
}

/// Reads `site.toml`, the departments and `calendar/*.toml` exactly as
/// [`load`] does, so a mistake is reported with its file, line and field
/// here too.
pub fn settings(root: &Path) -> Settings {
    let mut out = Sink::default();
    let site = read_data::<Site>(root, Path::new("site.toml"), &mut out).ok();
    let departments = DEPARTMENTS.read::<DepartmentsFile, _>(root, &mut out);
    let years: Vec<CalendarYear> = files_under(root, "calendar", &["toml"])
        .iter()
        .filter_map(|path| read_data(root, path, &mut out).ok())
        .collect();
    Settings {
        site,
        departments: departments.into_iter().map(|d| d.value).collect(),
        calendar: Calendar::new(&years),
        calendar_years: years.len(),
        problems: out.problems,
    }
}

/// Loads and applies every rule; problems are sorted and located.
pub fn check(root: &Path, today: chrono::NaiveDate) -> Loaded {
    let mut loaded = load(root);
    let mut rules = validate::validate(&loaded.catalog, today);
    locate_all(root, &mut rules);
    loaded.problems.extend(rules);
    loaded
        .problems
        .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    loaded
}

/// Reads many files in parallel, keeping the order of `paths`.
fn read_all<T: Send>(
    root: &Path,
    paths: Vec<PathBuf>,
    read: impl Fn(&Path, &Path, &mut Sink) -> Option<T> + Sync,
    out: &mut Sink,
) -> Vec<Sourced<T>> {
    let results: Vec<(Option<Sourced<T>>, Sink)> = paths
        .par_iter()
        .map(|path| {
            let mut found = Sink::default();
            let value = read(root, path, &mut found).map(|value| Sourced {
                file: rel(path),
                value,
            });
            (value, found)
        })
        .collect();
    let mut values = Vec::with_capacity(results.len());
    for (v, found) in results {
        values.extend(v);
        out.extend(found);
    }
    values
}

/// Files with one of `exts` (any file if empty) under `root/dir`, as paths
/// relative to `root`, sorted so builds are reproducible.
fn files_under(root: &Path, dir: &str, exts: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(root.join(dir))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter(|e| {
            exts.is_empty()
                || e.path()
                    .extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| exts.contains(&x))
        })
        .filter_map(|e| e.path().strip_prefix(root).ok().map(Path::to_path_buf))
        .collect();
    out.sort();
    out
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn rel(p: &Path) -> String {
    slash_path(p)
}

fn read_data<T: DeserializeOwned + Serialize>(
    root: &Path,
    path: &Path,
    out: &mut Sink,
) -> Result<T, portal_core::Cause> {
    let text = read_text(root, path, out)?;
    let format = Format::of(path).unwrap_or(Format::Toml);
    parse(&rel(path), &text, format, 0, out)
}

/// Reads a guide or disclosure document (`kind`). One that fails still
/// registers its slug, which comes from its path.
fn read_page<M: DeserializeOwned + Serialize>(
    root: &Path,
    path: &Path,
    kind: Kind,
    out: &mut Sink,
) -> Option<Page<M>> {
    let file = rel(path);
    let folder = path
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .unwrap_or_default();
    let slug = slash_path(path.strip_prefix(&folder).unwrap_or(path))
        .trim_end_matches(".md")
        .to_string();
    if !slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '/')
    {
        out.problems.push(
            Problem::error(&file, "", format!("the file name `{slug}` cannot be a web address"))
                .hint("name Markdown files with lower-case letters, digits and `-`, e.g. open-a-restaurant.md"),
        );
        return None;
    }
    match read_page_text(root, path, &file, out) {
        Ok((meta, body, links)) => Some(Page {
            meta,
            slug,
            body,
            links,
        }),
        Err(cause) => {
            out.unloaded(kind, Some(slug), cause);
            None
        }
    }
}

/// The front matter, body and links of a page.
type PageParts<M> = (M, String, Vec<(String, usize)>);

fn read_page_text<M: DeserializeOwned + Serialize>(
    root: &Path,
    path: &Path,
    file: &str,
    out: &mut Sink,
) -> Result<PageParts<M>, portal_core::Cause> {
    let text = read_text(root, path, out)?;
    let Some(split) = frontmatter::split(&text) else {
        return Err(out.fail(
            Problem::error(file, "", "the page has no front matter")
                .hint("start the file with a +++ (TOML) or --- (YAML) block holding title and dates; see docs/content.md")
                .at(1, 1),
        ));
    };
    let meta = parse::<M>(file, split.meta, split.format, split.meta_line - 1, out)?;
    let links = markdown::links(split.body, split.body_line);
    Ok((meta, split.body.to_string(), links))
}

/// Fills in line and column of rule problems from their field paths.
fn locate_all(root: &Path, problems: &mut [Problem]) {
    let mut by_file: std::collections::BTreeMap<String, Vec<&mut Problem>> = Default::default();
    for p in problems.iter_mut().filter(|p| p.line == 0) {
        by_file.entry(p.file.clone()).or_default().push(p);
    }
    for (file, list) in by_file {
        let Ok(text) = std::fs::read_to_string(root.join(&file)) else {
            continue;
        };
        let (data, format, shift) = match file.ends_with(".md") {
            true => match frontmatter::split(&text) {
                Some(s) => (s.meta.to_string(), s.format, s.meta_line - 1),
                None => continue,
            },
            false => (
                text,
                Format::of(Path::new(&file)).unwrap_or(Format::Toml),
                0,
            ),
        };
        let doc = if format == Format::Toml {
            DeTable::parse(&data).ok()
        } else {
            None
        };
        for p in list {
            let segments = locate::parse_path(&p.field);
            let offset = match &doc {
                Some(doc) => locate::toml_offset(doc, &segments),
                None => locate::yaml_offset(&data, &segments),
            };
            let (line, col) = locate::line_col(&data, offset);
            p.line = line + shift;
            p.column = col;
        }
    }
}
