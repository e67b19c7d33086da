//! Reads `content/` into a [`Catalog`], collecting every syntax, type and
//! unknown-key problem with its line and column instead of stopping at the
//! first one.

use crate::frontmatter;
use crate::locate::{self, Segment};
use crate::markdown;
use portal_core::model::*;
use portal_core::{Calendar, Problem, validate};
use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use toml::de::DeTable;

/// Files larger than this are refused: no officer writes a 4 MB item.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

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
    let mut problems = Vec::new();
    let mut catalog = Catalog::default();
    if !root.is_dir() {
        problems.push(
            Problem::error(
                &root.display().to_string(),
                "",
                "the content folder does not exist",
            )
            .hint("pass --content DIR, or run `portal demo --items 100 --out content` to make one"),
        );
        return Loaded { catalog, problems };
    }
    if let Some(site) = read_data::<Site>(root, Path::new("site.toml"), &mut problems) {
        catalog.site = site;
    }
    if let Some(d) =
        read_data::<DepartmentsFile>(root, Path::new("departments.toml"), &mut problems)
    {
        catalog.departments = d.department;
    }
    if let Some(t) = read_data::<ThemesFile>(root, Path::new("themes.toml"), &mut problems) {
        catalog.themes = t.theme;
    }
    for path in files_under(root, "calendar", &["toml"]) {
        if let Some(year) = read_data(root, &path, &mut problems) {
            catalog.calendar.push(Sourced {
                file: rel(&path),
                value: year,
            });
        }
    }
    let (items, item_problems) = read_all(
        root,
        files_under(root, "items", &["toml", "yaml", "yml"]),
        read_data::<Item>,
    );
    if items.is_empty() && item_problems.is_empty() {
        problems.push(
            Problem::error("items", "", "the catalog has no service items")
                .hint("add one TOML file per item under items/ (symbolic links are not followed); see docs/content.md"),
        );
    }
    catalog.items = items;
    problems.extend(item_problems);
    let (guides, p) = read_all(
        root,
        files_under(root, "guides", &["md"]),
        read_page::<GuideMeta>,
    );
    catalog.guides = guides;
    problems.extend(p);
    let (docs, p) = read_all(
        root,
        files_under(root, "disclosures", &["md"]),
        read_page::<DisclosureMeta>,
    );
    catalog.disclosures = docs;
    problems.extend(p);
    catalog.files = files_under(root, "files", &[])
        .into_iter()
        .filter_map(|p| p.strip_prefix("files").ok().map(slash_path))
        .collect::<BTreeSet<_>>();
    Loaded { catalog, problems }
}

/// What `portal serve` needs of the content: the site settings, the
/// departments and the working-day calendar.
pub struct Settings {
    /// `None` when `site.toml` is missing or has errors (in `problems`).
    pub site: Option<Site>,
    /// Empty when `departments.toml` is missing or has errors.
    pub departments: Vec<Department>,
    pub calendar: Calendar,
    /// How many calendar years were read.
    pub calendar_years: usize,
    pub problems: Vec<Problem>,
}

/// Reads `site.toml`, `departments.toml` and `calendar/*.toml` exactly as
/// [`load`] does, so a mistake is reported with its file, line and field
/// here too.
pub fn settings(root: &Path) -> Settings {
    let mut problems = Vec::new();
    let site = read_data::<Site>(root, Path::new("site.toml"), &mut problems);
    let departments =
        read_data::<DepartmentsFile>(root, Path::new("departments.toml"), &mut problems)
            .map(|d| d.department)
            .unwrap_or_default();
    let years: Vec<CalendarYear> = files_under(root, "calendar", &["toml"])
        .iter()
        .filter_map(|path| read_data(root, path, &mut problems))
        .collect();
    Settings {
        site,
        departments,
        calendar: Calendar::new(&years),
        calendar_years: years.len(),
        problems,
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
    read: impl Fn(&Path, &Path, &mut Vec<Problem>) -> Option<T> + Sync,
) -> (Vec<Sourced<T>>, Vec<Problem>) {
    let results: Vec<(Option<Sourced<T>>, Vec<Problem>)> = paths
        .par_iter()
        .map(|path| {
            let mut problems = Vec::new();
            let value = read(root, path, &mut problems).map(|value| Sourced {
                file: rel(path),
                value,
            });
            (value, problems)
        })
        .collect();
    let mut values = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for (v, p) in results {
        values.extend(v);
        problems.extend(p);
    }
    (values, problems)
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

/// Reads a file as UTF-8 text, refusing huge or binary files.
pub fn read_text(root: &Path, path: &Path, problems: &mut Vec<Problem>) -> Option<String> {
    let file = rel(path);
    let full = root.join(path);
    let size = match std::fs::metadata(&full) {
        Ok(m) if !m.is_file() => {
            problems.push(
                Problem::error(&file, "", "this is not a regular file")
                    .hint("content files must be plain text files"),
            );
            return None;
        }
        Ok(m) => m.len(),
        Err(e) => {
            let p = Problem::error(&file, "", format!("cannot read the file: {e}"));
            problems.push(if e.kind() == std::io::ErrorKind::NotFound {
                p.hint("this file is required; see docs/content.md")
            } else {
                p
            });
            return None;
        }
    };
    if size > MAX_FILE_BYTES {
        problems.push(
            Problem::error(
                &file,
                "",
                format!("the file is too large ({:.1} MB)", size as f64 / 1048576.0),
            )
            .hint(format!(
                "content files may be at most {} MB; split it or move attachments to files/",
                MAX_FILE_BYTES / 1048576
            )),
        );
        return None;
    }
    let bytes = match std::fs::read(&full) {
        Ok(b) => b,
        Err(e) => {
            problems.push(Problem::error(
                &file,
                "",
                format!("cannot read the file: {e}"),
            ));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(
            text.strip_prefix('\u{feff}')
                .map(str::to_string)
                .unwrap_or(text),
        ),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let (line, column) = locate::line_col(&String::from_utf8_lossy(valid), valid.len());
            problems.push(
                Problem::error(&file, "", "the file is not UTF-8 text")
                    .hint("save it as UTF-8 (in most editors: Save As → Encoding → UTF-8)")
                    .at(line, column),
            );
            None
        }
    }
}

fn read_data<T: DeserializeOwned + Serialize>(
    root: &Path,
    path: &Path,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let text = read_text(root, path, problems)?;
    let format = Format::of(path).unwrap_or(Format::Toml);
    parse(&rel(path), &text, format, 0, problems)
}

/// Parses TOML or YAML `text` into `T`, reporting syntax errors, type errors
/// and every unknown key. `line_offset` shifts locations (front matter).
pub fn parse<T: DeserializeOwned + Serialize>(
    file: &str,
    text: &str,
    format: Format,
    line_offset: usize,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let mut unknown = Vec::new();
    let (result, doc) = match format {
        Format::Toml => {
            let doc = match DeTable::parse(text) {
                Ok(doc) => doc,
                Err(e) => {
                    let (line, col) = locate::line_col(text, e.span().map_or(0, |s| s.start));
                    problems.push(
                        Problem::error(
                            file,
                            "",
                            format!("TOML syntax error: {}", e.message().trim()),
                        )
                        .hint("check quotes, brackets and `=`; text values need \"quotes\"")
                        .at(line + line_offset, col),
                    );
                    return None;
                }
            };
            let de = toml::de::Deserializer::from(doc.clone());
            let result = serde_ignored::deserialize(de, |path| unknown.push(path.to_string()))
                .map_err(|e| {
                    let at = e.span().map_or(0, |s| s.start);
                    let (line, col) = locate::line_col(text, at);
                    // A missing key has no place of its own: the message names it.
                    let field = if e.message().starts_with("missing field") {
                        String::new()
                    } else {
                        locate::toml_path_at(&doc, at)
                    };
                    Problem::error(file, field, plain_serde_message(e.message()))
                        .at(line + line_offset, col)
                });
            (result, Some(doc))
        }
        Format::Yaml => {
            let de = serde_norway::Deserializer::from_str(text);
            let result = serde_ignored::deserialize(de, |path| unknown.push(path.to_string()))
                .map_err(|e| {
                    let (line, col) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
                    Problem::error(
                        file,
                        "",
                        format!("YAML: {}", plain_serde_message(&e.to_string())),
                    )
                    .at(line + line_offset, col)
                });
            (result, None)
        }
    };
    let known = result
        .as_ref()
        .ok()
        .and_then(|v| serde_json::to_value(v).ok());
    for path in unknown {
        let segments = locate::parse_path(&path);
        let key = match segments.last() {
            Some(Segment::Key(k)) => k.clone(),
            _ => path.clone(),
        };
        let siblings = known
            .as_ref()
            .map(|v| keys_at(v, &segments[..segments.len().saturating_sub(1)]))
            .unwrap_or_default();
        let hint = match validate::suggest(&key, siblings.iter().map(String::as_str)) {
            Some(k) => format!("did you mean `{k}`?"),
            None if siblings.is_empty() => {
                "remove it; see docs/content.md for the keys this file takes".to_string()
            }
            None => format!("remove it; keys allowed here: {}", siblings.join(", ")),
        };
        let offset = match (&doc, format) {
            (Some(doc), Format::Toml) => locate::toml_offset(doc, &segments),
            _ => locate::yaml_offset(text, &segments),
        };
        let (line, col) = locate::line_col(text, offset);
        problems.push(
            Problem::error(
                file,
                locate::dotted(&segments),
                format!("unknown key `{key}`"),
            )
            .hint(hint)
            .at(line + line_offset, col),
        );
    }
    match result {
        Ok(v) => Some(v),
        Err(p) => {
            problems.push(p);
            None
        }
    }
}

/// The keys an object has at `path`, from the parsed value (all model
/// fields serialize, so this lists every allowed key).
fn keys_at(value: &serde_json::Value, path: &[Segment]) -> Vec<String> {
    let mut v = value;
    for seg in path {
        v = match (seg, v) {
            (Segment::Key(k), serde_json::Value::Object(m)) => match m.get(k) {
                Some(x) => x,
                None => return vec![],
            },
            (Segment::Index(i), serde_json::Value::Array(a)) => match a.get(*i) {
                Some(x) => x,
                None => return vec![],
            },
            _ => return vec![],
        };
    }
    match v {
        serde_json::Value::Object(m) => m.keys().cloned().collect(),
        _ => vec![],
    }
}

/// serde's messages, reworded where officers would stumble.
fn plain_serde_message(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!("the required key {rest} is missing");
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        return rest.replacen(", expected", " is not allowed here; expected", 1);
    }
    msg.replace("invalid type: ", "wrong type: found ")
}

fn read_page<M: DeserializeOwned + Serialize>(
    root: &Path,
    path: &Path,
    problems: &mut Vec<Problem>,
) -> Option<Page<M>> {
    let file = rel(path);
    let text = read_text(root, path, problems)?;
    let Some(split) = frontmatter::split(&text) else {
        problems.push(
            Problem::error(&file, "", "the page has no front matter")
                .hint("start the file with a +++ (TOML) or --- (YAML) block holding title and dates; see docs/content.md")
                .at(1, 1),
        );
        return None;
    };
    let meta = parse::<M>(
        &file,
        split.meta,
        split.format,
        split.meta_line - 1,
        problems,
    )?;
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
        problems.push(
            Problem::error(&file, "", format!("the file name `{slug}` cannot be a web address"))
                .hint("name Markdown files with lower-case letters, digits and `-`, e.g. open-a-restaurant.md"),
        );
        return None;
    }
    let links = markdown::links(split.body, split.body_line);
    Some(Page {
        meta,
        slug,
        body: split.body.to_string(),
        links,
    })
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
