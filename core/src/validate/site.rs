//! `site.toml`, the departments and the themes (one file each, or split
//! over `departments/*.toml` and `themes/*.toml`): the ids every other file
//! refers to.

use super::check_id;
use crate::model::*;
use crate::problem::Problem;
use crate::routes::RESERVED_DISCLOSURE_FOLDERS;
use std::collections::{HashMap, HashSet};

pub(super) fn site(site: &Site, out: &mut Vec<Problem>) {
    let f = "site.toml";
    if !(site.base_url.starts_with("https://") || site.base_url.starts_with("http://")) {
        out.push(
            Problem::error(
                f,
                "base_url",
                "the base URL must start with https:// or http://",
            )
            .hint("write the address of the public site, e.g. \"https://zwfw.example.gov.cn/\""),
        );
    } else if !site.base_url.ends_with('/') {
        out.push(
            Problem::error(f, "base_url", "the base URL must end with `/`")
                .hint(format!("write \"{}/\"", site.base_url)),
        );
    }
    for (field, value) in [
        ("contact.phone", &site.contact.phone),
        ("contact.complaint_phone", &site.contact.complaint_phone),
    ] {
        if value.trim().is_empty() {
            out.push(
                Problem::error(f, field, "the centre's phone number is missing")
                    .hint("every portal must publish an enquiry and a complaints phone"),
            );
        }
    }
    let mut seen = HashSet::new();
    for (i, c) in site.disclosure_categories.iter().enumerate() {
        check_id(f, format!("disclosure_categories[{i}].id"), &c.id, out);
        if RESERVED_DISCLOSURE_FOLDERS.contains(&c.id.as_str()) {
            out.push(
                Problem::error(
                    f,
                    format!("disclosure_categories[{i}].id"),
                    format!("`{}` is reserved for the catalog's own pages", c.id),
                )
                .hint("choose another id"),
            );
        }
        if !seen.insert(&c.id) {
            out.push(Problem::error(
                f,
                format!("disclosure_categories[{i}].id"),
                format!("the category id `{}` is used twice", c.id),
            ));
        }
    }
}

pub(super) fn departments(catalog: &Catalog, broken: bool, out: &mut Vec<Problem>) {
    let kind = ("department", "the department id");
    unique_ids(&catalog.departments, kind, out);
    // A departments file that failed to load reports its own error.
    if catalog.departments.is_empty() && !broken {
        out.push(
            Problem::error("departments.toml", "", "no departments are defined")
                .hint("add at least one [[department]] table with id and name, in departments.toml or in files under departments/"),
        );
    }
}

pub(super) fn themes(catalog: &Catalog, out: &mut Vec<Problem>) {
    unique_ids(&catalog.themes, ("theme", "the theme id"), out);
}

/// Ids are valid and unique across every file of a list (departments may
/// be split over `departments/*.toml`); a duplicate names both places.
fn unique_ids<T: HasId>(entries: &[Entry<T>], (table, what): (&str, &str), out: &mut Vec<Problem>) {
    let mut seen: HashMap<&str, &Entry<T>> = HashMap::new();
    for e in entries {
        let (id, field) = (e.id(), format!("{table}[{}].id", e.index));
        check_id(&e.file, field.clone(), id, out);
        if let Some(first) = seen.insert(id, e) {
            let place = format!("{}:{}", first.file, first.line);
            let message = match first.file == e.file {
                true => format!("{what} `{id}` is used twice (also at line {})", first.line),
                false => format!("{what} `{id}` is also defined in {place}"),
            };
            out.push(Problem::error(&e.file, field, message).hint(format!(
                "every {table} needs its own id: rename one or remove the copy"
            )));
            // Keep pointing at the first definition.
            seen.insert(id, first);
        }
    }
}

/// The id of a list entry.
trait HasId {
    fn id(&self) -> &str;
}

impl HasId for Department {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for Theme {
    fn id(&self) -> &str {
        &self.id
    }
}
