//! Markdown pages: guides and disclosure documents (政府信息公开), with
//! their document numbers (文号).

use super::{Context, THEMES, links::check_links};
use crate::model::*;
use crate::problem::Problem;
use crate::routes::RESERVED_DISCLOSURE_FOLDERS;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

pub(super) fn check_guide(ctx: &Context, guide: &Sourced<Page<GuideMeta>>, out: &mut Vec<Problem>) {
    let (f, meta) = (guide.file.as_str(), &guide.value.meta);
    for (i, t) in meta.themes.iter().enumerate() {
        if !ctx.themes.contains(t.as_str()) {
            let field = format!("themes[{i}]");
            let known = ctx.themes.iter().copied();
            out.push(ctx.unknown(Kind::Theme, t, (f, field), known, THEMES));
        }
    }
    for (i, code) in meta.items.iter().enumerate() {
        if !ctx.codes.contains(code.as_str()) {
            let field = format!("items[{i}]");
            let known = ctx.codes.iter().copied();
            out.push(ctx.unknown(Kind::Item, code, (f, field), known, "items"));
        }
    }
    check_links(ctx, f, &guide.value.links, out);
}

/// 文号 such as 平政办发〔2017〕12号: agency code, year in 〔〕, serial 号.
pub fn check_document_number(number: &str) -> Result<i32, String> {
    let n = number.trim();
    for (open, close) in [
        ('[', ']'),
        ('【', '】'),
        ('(', ')'),
        ('（', '）'),
        ('〔', ']'),
        ('[', '〕'),
    ] {
        if n.contains(open) && n.contains(close) {
            return Err(format!(
                "use the brackets 〔〕 around the year, e.g. 平政办发〔2017〕12号 (found {open}{close})"
            ));
        }
    }
    let Some((prefix, rest)) = n.split_once('〔') else {
        return Err("a document number looks like 平政办发〔2017〕12号".into());
    };
    let Some((year, serial)) = rest.split_once('〕') else {
        return Err("the year is not closed with 〕".into());
    };
    if prefix.is_empty() {
        return Err("the agency code before 〔 is missing".into());
    }
    let year: i32 = year
        .parse()
        .ok()
        .filter(|y| (1949..=2100).contains(y) && year.len() == 4)
        .ok_or_else(|| format!("`{year}` is not a four-digit year"))?;
    let digits = serial
        .strip_suffix('号')
        .ok_or("the number must end with 号")?;
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.starts_with('0') {
        return Err(format!(
            "`{digits}` is not a serial number: write digits without leading zeros, e.g. 12号"
        ));
    }
    Ok(year)
}

pub(super) fn document_numbers(catalog: &Catalog, out: &mut Vec<Problem>) {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for doc in catalog
        .disclosures
        .iter()
        .filter(|d| !d.value.meta.number.trim().is_empty())
    {
        if let Some(first) = seen.insert(doc.value.meta.number.trim(), &doc.file) {
            out.push(Problem::error(
                &doc.file,
                "number",
                format!(
                    "the document number `{}` is also used by {first}",
                    doc.value.meta.number
                ),
            ));
        }
    }
}

pub(super) fn check_disclosure(
    ctx: &Context,
    doc: &Sourced<Page<DisclosureMeta>>,
    today: NaiveDate,
    out: &mut Vec<Problem>,
) {
    let f = doc.file.as_str();
    placement(ctx, doc, out);
    number(f, &doc.value.meta, out);
    dates(f, &doc.value.meta, today, out);
    validity(f, &doc.value.meta, out);
    references(ctx, doc, out);
    check_links(ctx, f, &doc.value.links, out);
}

/// The folder is the category, and never one the build writes itself.
fn placement(ctx: &Context, doc: &Sourced<Page<DisclosureMeta>>, out: &mut Vec<Problem>) {
    let (f, meta) = (doc.file.as_str(), &doc.value.meta);
    let top = doc.value.slug.split('/').next().unwrap_or("");
    if !doc.value.slug.contains('/') || RESERVED_DISCLOSURE_FOLDERS.contains(&top) {
        out.push(
            Problem::error(f, "", format!("`{}` cannot hold documents", top))
                .hint("put documents in a folder named after their category, e.g. disclosures/normative/my-doc.md")
                .at(1, 1),
        );
    }
    if top != meta.category
        && doc.value.slug.contains('/')
        && !RESERVED_DISCLOSURE_FOLDERS.contains(&top)
    {
        out.push(
            Problem::error(
                f,
                "category",
                format!(
                    "the document is in the folder `{top}` but says category = \"{}\"",
                    meta.category
                ),
            )
            .hint(format!(
                "move it to disclosures/{}/ or set category = \"{top}\"",
                meta.category
            )),
        );
    }
    if !ctx.categories.contains(meta.category.as_str()) {
        let known = ctx.categories.iter().copied();
        let what = "disclosure_categories in site.toml";
        let at = (f, "category".to_string());
        out.push(ctx.unknown(Kind::Site, &meta.category, at, known, what));
    }
}

fn number(f: &str, meta: &DisclosureMeta, out: &mut Vec<Problem>) {
    if !meta.number.is_empty() {
        match check_document_number(&meta.number) {
            Err(why) => out.push(
                Problem::error(
                    f,
                    "number",
                    format!("malformed document number `{}`", meta.number),
                )
                .hint(why),
            ),
            Ok(year) if year != meta.written.year() => out.push(
                Problem::warning(
                    f,
                    "number",
                    format!(
                        "the number says {year} but the document was written in {}",
                        meta.written.year()
                    ),
                )
                .hint("check the year in 〔〕 and the `written` date"),
            ),
            Ok(_) => {}
        }
    }
}

/// Written, then published, then perhaps repealed; none in the future.
fn dates(f: &str, meta: &DisclosureMeta, today: NaiveDate, out: &mut Vec<Problem>) {
    if meta.published > today {
        out.push(
            Problem::error(
                f,
                "published",
                format!("{} is in the future", meta.published),
            )
            .hint("publish documents when they are public"),
        );
    }
    if meta.published < meta.written {
        out.push(Problem::error(
            f,
            "published",
            format!(
                "published ({}) before it was written ({})",
                meta.published, meta.written
            ),
        ));
    }
    if meta.written > today {
        out.push(Problem::error(
            f,
            "written",
            format!("{} is in the future", meta.written),
        ));
    }
}

/// `validity` agrees with `repealed_on` and `amended_by`.
fn validity(f: &str, meta: &DisclosureMeta, out: &mut Vec<Problem>) {
    match (meta.validity, meta.repealed_on) {
        (Validity::Repealed, None) => out.push(
            Problem::error(
                f,
                "repealed_on",
                "a repealed document needs the date it was repealed",
            )
            .hint("write repealed_on = 2024-01-01 (废止日期)"),
        ),
        (Validity::Repealed, Some(day)) if day < meta.written => out.push(Problem::error(
            f,
            "repealed_on",
            format!("repealed ({day}) before it was written ({})", meta.written),
        )),
        (Validity::InForce | Validity::Amended, Some(_)) => out.push(
            Problem::error(
                f,
                "repealed_on",
                "repealed_on is set but the document is not repealed",
            )
            .hint("set validity = \"repealed\" or remove repealed_on"),
        ),
        _ => {}
    }
    if meta.validity == Validity::Amended && meta.amended_by.is_empty() {
        out.push(
            Problem::warning(
                f,
                "amended_by",
                "an amended document should link to the amending one",
            )
            .hint("write amended_by = [\"category/slug\"]"),
        );
    }
}

/// Amending, replacing and superseded documents exist and are others.
fn references(ctx: &Context, doc: &Sourced<Page<DisclosureMeta>>, out: &mut Vec<Problem>) {
    let (f, meta) = (doc.file.as_str(), &doc.value.meta);
    if meta
        .amended_by
        .iter()
        .chain(&meta.replaced_by)
        .chain(&meta.supersedes)
        .any(|s| *s == doc.value.slug)
    {
        out.push(
            Problem::error(
                f,
                "",
                "the document links to itself as amending or replacing document",
            )
            .at(1, 1),
        );
    }
    for (field, list) in [
        ("amended_by", &meta.amended_by),
        ("replaced_by", &meta.replaced_by),
        ("supersedes", &meta.supersedes),
    ] {
        for (i, slug) in list.iter().enumerate() {
            if !ctx.disclosures.contains(slug.as_str()) {
                let known = ctx.disclosures.iter().copied();
                let what = "documents (their path under disclosures/ without .md)";
                let at = (f, format!("{field}[{i}]"));
                out.push(ctx.unknown(Kind::Disclosure, slug, at, known, what));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers() {
        assert_eq!(check_document_number("平政办发〔2017〕12号"), Ok(2017));
        assert!(
            check_document_number("平政办发[2017]12号")
                .unwrap_err()
                .contains("〔〕")
        );
        assert!(
            check_document_number("平政办发（2017）12号")
                .unwrap_err()
                .contains("〔〕")
        );
        assert!(
            check_document_number("平政办发〔17〕12号")
                .unwrap_err()
                .contains("four-digit")
        );
        assert!(
            check_document_number("平政办发〔2017〕12")
                .unwrap_err()
                .contains("号")
        );
        assert!(check_document_number("平政办发〔2017〕012号").is_err());
        assert!(check_document_number("〔2017〕12号").is_err());
        assert!(check_document_number("平政办发2017年12号").is_err());
    }
}
