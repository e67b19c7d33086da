//! `site.toml`, `departments.toml` and `themes.toml`: the ids every other
//! file refers to.

use super::check_id;
use crate::model::*;
use crate::problem::Problem;
use crate::routes::RESERVED_DISCLOSURE_FOLDERS;
use std::collections::HashSet;

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

pub(super) fn departments(catalog: &Catalog, out: &mut Vec<Problem>) {
    let f = "departments.toml";
    let mut seen = HashSet::new();
    for (i, d) in catalog.departments.iter().enumerate() {
        check_id(f, format!("department[{i}].id"), &d.id, out);
        if !seen.insert(d.id.as_str()) {
            out.push(Problem::error(
                f,
                format!("department[{i}].id"),
                format!("the department id `{}` is used twice", d.id),
            ));
        }
    }
    if catalog.departments.is_empty() {
        out.push(
            Problem::error(f, "", "no departments are defined")
                .hint("add at least one [[department]] table with id and name"),
        );
    }
}

pub(super) fn themes(catalog: &Catalog, out: &mut Vec<Problem>) {
    let f = "themes.toml";
    let mut seen = HashSet::new();
    for (i, t) in catalog.themes.iter().enumerate() {
        check_id(f, format!("theme[{i}].id"), &t.id, out);
        if !seen.insert(t.id.as_str()) {
            out.push(Problem::error(
                f,
                format!("theme[{i}].id"),
                format!("the theme id `{}` is used twice", t.id),
            ));
        }
    }
}
