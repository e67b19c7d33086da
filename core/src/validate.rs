//! Rules that catch an officer's mistakes across the catalog. Each rule is a
//! small function; every finding names the file and field and says how to
//! fix it. Syntax, type and unknown-key errors come from the loader.

use crate::model::*;
use crate::problem::Problem;
use crate::urls;
use chrono::{Datelike, NaiveDate};
use std::collections::{HashMap, HashSet};

/// Checks the whole catalog. `today` decides what counts as "in the future".
pub fn validate(catalog: &Catalog, today: NaiveDate) -> Vec<Problem> {
    let ctx = Context::new(catalog);
    let mut out = Vec::new();
    site(&catalog.site, &mut out);
    departments(catalog, &mut out);
    themes(catalog, &mut out);
    calendar(catalog, &mut out);
    item_codes(catalog, &mut out);
    for item in &catalog.items {
        check_item(&ctx, &item.file, &item.value, today, &mut out);
    }
    for guide in &catalog.guides {
        check_guide(&ctx, guide, &mut out);
    }
    for doc in &catalog.disclosures {
        check_disclosure(&ctx, doc, today, &mut out);
    }
    document_numbers(catalog, &mut out);
    out
}

/// Lookup tables shared by the rules.
struct Context<'a> {
    catalog: &'a Catalog,
    departments: HashMap<&'a str, &'a Department>,
    themes: HashSet<&'a str>,
    codes: HashSet<&'a str>,
    disclosures: HashSet<&'a str>,
    guides: HashSet<&'a str>,
    categories: HashSet<&'a str>,
}

impl<'a> Context<'a> {
    fn new(c: &'a Catalog) -> Context<'a> {
        Context {
            catalog: c,
            departments: c.departments.iter().map(|d| (d.id.as_str(), d)).collect(),
            themes: c.themes.iter().map(|t| t.id.as_str()).collect(),
            codes: c.items.iter().map(|i| i.value.code.as_str()).collect(),
            disclosures: c
                .disclosures
                .iter()
                .map(|d| d.value.slug.as_str())
                .collect(),
            guides: c.guides.iter().map(|g| g.value.slug.as_str()).collect(),
            categories: c
                .site
                .disclosure_categories
                .iter()
                .map(|c| c.id.as_str())
                .collect(),
        }
    }

    /// Is `path` (site-absolute, without the leading `/`) a page we build?
    fn page_exists(&self, path: &str) -> bool {
        let path = path.split(['#', '?']).next().unwrap_or("");
        let trimmed = path.trim_end_matches('/').trim_end_matches("index.html");
        let trimmed = trimmed.trim_end_matches('/');
        if trimmed.is_empty() {
            return true;
        }
        let (section, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
        match section {
            "items" => self.codes.contains(rest),
            "departments" => rest.is_empty() || self.departments.contains_key(rest),
            "themes" => rest.is_empty() || self.themes.contains(rest),
            "guides" => rest.is_empty() || self.guides.contains(rest),
            "disclosures" => {
                rest.is_empty()
                    || self.disclosures.contains(rest)
                    || self.categories.contains(rest)
                    || rest.starts_with("years/")
                    || rest.starts_with("agencies/")
            }
            "files" => self.catalog.files.contains(rest),
            "updates" | "sitemap.xml" | "robots.txt" => rest.is_empty(),
            "data" => matches!(rest, "catalog.json" | "items.csv" | "materials.csv"),
            _ => false,
        }
    }
}

/// "did you mean `x`?" for a misspelt id, if something is close enough.
pub fn suggest<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Edit distance is quadratic: no typo is this long, so don't try.
    const LONGEST: usize = 64;
    if wrong.len() > LONGEST {
        return None;
    }
    known
        .into_iter()
        .filter(|k| k.len() <= LONGEST)
        .map(|k| (strsim::normalized_damerau_levenshtein(wrong, k), k))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

fn did_you_mean<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>, what: &str) -> String {
    match suggest(wrong, known) {
        Some(k) => format!("did you mean `{k}`?"),
        None => format!("use the id of one of the {what}"),
    }
}

fn site(site: &Site, out: &mut Vec<Problem>) {
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
        if RESERVED_DISCLOSURE_PATHS.contains(&c.id.as_str()) {
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

/// Folders under `disclosures/` that the build itself writes.
const RESERVED_DISCLOSURE_PATHS: [&str; 2] = ["years", "agencies"];

fn check_id(file: &str, field: String, id: &str, out: &mut Vec<Problem>) {
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        out.push(
            Problem::error(file, field, format!("`{id}` is not a valid id"))
                .hint("ids appear in web addresses: use lower-case letters, digits and `-`, e.g. \"public-security\""),
        );
    }
}

fn departments(catalog: &Catalog, out: &mut Vec<Problem>) {
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

fn themes(catalog: &Catalog, out: &mut Vec<Problem>) {
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

fn calendar(catalog: &Catalog, out: &mut Vec<Problem>) {
    let mut years = HashMap::new();
    for cal in &catalog.calendar {
        let (f, year) = (cal.file.as_str(), &cal.value);
        if let Some(first) = years.insert(year.year, f) {
            out.push(Problem::error(
                f,
                "year",
                format!("the year {} is already defined in {first}", year.year),
            ));
        }
        let stem = f.rsplit('/').next().unwrap_or(f).trim_end_matches(".toml");
        if stem != year.year.to_string() {
            out.push(
                Problem::error(
                    f,
                    "year",
                    format!("the file says year {} but is named {stem}", year.year),
                )
                .hint(format!(
                    "rename the file to {}.toml or fix the year",
                    year.year
                )),
            );
        }
        for (i, h) in year.holidays.iter().enumerate() {
            if h.from > h.to {
                out.push(Problem::error(
                    f,
                    format!("holidays[{i}].to"),
                    format!(
                        "the holiday `{}` ends ({}) before it starts ({})",
                        h.name, h.to, h.from
                    ),
                ));
            }
            if h.from.year() != year.year {
                out.push(Problem::error(
                    f,
                    format!("holidays[{i}].from"),
                    format!("{} is not in {}", h.from, year.year),
                ));
            }
        }
        for (i, w) in year.workdays.iter().enumerate() {
            if !matches!(
                w.date.weekday(),
                chrono::Weekday::Sat | chrono::Weekday::Sun
            ) {
                out.push(
                    Problem::warning(
                        f,
                        format!("workdays[{i}].date"),
                        format!(
                            "{} is a {:?}, already a working day",
                            w.date,
                            w.date.weekday()
                        ),
                    )
                    .hint("make-up working days (调休) are Saturdays or Sundays"),
                );
            }
            if year
                .holidays
                .iter()
                .any(|h| h.from <= w.date && w.date <= h.to)
            {
                out.push(Problem::error(
                    f,
                    format!("workdays[{i}].date"),
                    format!("{} is both a holiday and a make-up working day", w.date),
                ));
            }
        }
    }
}

fn document_numbers(catalog: &Catalog, out: &mut Vec<Problem>) {
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

fn item_codes(catalog: &Catalog, out: &mut Vec<Problem>) {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for item in &catalog.items {
        let code = item.value.code.as_str();
        let valid = code.starts_with(|c: char| c.is_ascii_alphanumeric())
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            out.push(
                Problem::error(
                    &item.file,
                    "code",
                    format!("`{code}` is not a valid item code"),
                )
                .hint("item codes use letters, digits, `-`, `_` and `.`, e.g. \"320115-GA-0001\""),
            );
        }
        if let Some(first) = seen.insert(code, &item.file) {
            out.push(
                Problem::error(
                    &item.file,
                    "code",
                    format!("the item code `{code}` is also used by {first}"),
                )
                .hint("every item needs its own code (事项编码)"),
            );
        }
    }
}

fn check_item(ctx: &Context, f: &str, item: &Item, today: NaiveDate, out: &mut Vec<Problem>) {
    if item.name.trim().is_empty() {
        out.push(Problem::error(f, "name", "the item has no name"));
    }
    if item.audience.is_empty() {
        out.push(
            Problem::error(f, "audience", "no audience given")
                .hint("write audience = [\"individual\"], [\"business\"] or both"),
        );
    }
    references(ctx, f, item, out);
    limits(f, item, out);
    contacts(ctx, f, item, out);
    fees(f, item, out);
    materials(ctx, f, item, out);
    situations(f, item, out);
    visits(f, item, out);
    six_disclosures(f, item, out);
    dates(f, item, today, out);
}

fn references(ctx: &Context, f: &str, item: &Item, out: &mut Vec<Problem>) {
    let dept_ids = || ctx.departments.keys().copied();
    if !ctx.departments.contains_key(item.department.as_str()) {
        out.push(
            Problem::error(
                f,
                "department",
                format!("unknown department `{}`", item.department),
            )
            .hint(did_you_mean(
                &item.department,
                dept_ids(),
                "departments in departments.toml",
            )),
        );
    }
    for (i, d) in item.co_departments.iter().enumerate() {
        if !ctx.departments.contains_key(d.as_str()) {
            out.push(
                Problem::error(
                    f,
                    format!("co_departments[{i}]"),
                    format!("unknown department `{d}`"),
                )
                .hint(did_you_mean(
                    d,
                    dept_ids(),
                    "departments in departments.toml",
                )),
            );
        }
    }
    for (i, t) in item.themes.iter().enumerate() {
        if !ctx.themes.contains(t.as_str()) {
            out.push(
                Problem::error(f, format!("themes[{i}]"), format!("unknown theme `{t}`")).hint(
                    did_you_mean(t, ctx.themes.iter().copied(), "themes in themes.toml"),
                ),
            );
        }
    }
}

/// Ten years: no real time limit is longer, and dates stay in range.
pub const MAX_LIMIT_DAYS: u32 = 3650;

fn limit_in_range(f: &str, field: &str, limit: Option<Limit>, out: &mut Vec<Problem>) {
    if let Some(l) = limit.filter(|l| l.days > MAX_LIMIT_DAYS) {
        out.push(
            Problem::error(
                f,
                format!("{field}.days"),
                format!("{} days is not a plausible time limit", l.days),
            )
            .hint(format!("time limits are at most {MAX_LIMIT_DAYS} days")),
        );
    }
}

fn limits(f: &str, item: &Item, out: &mut Vec<Problem>) {
    limit_in_range(f, "statutory_limit", item.statutory_limit, out);
    limit_in_range(f, "promised_limit", item.promised_limit, out);
    for (s, sit) in item.situations.iter().enumerate() {
        for (o, opt) in sit.options.iter().enumerate() {
            let field = format!("situations[{s}].options[{o}].promised_limit");
            limit_in_range(f, &field, opt.promised_limit, out);
            let Some(p) = opt.promised_limit else {
                continue;
            };
            if item.handling == Handling::Instant {
                out.push(
                    Problem::error(
                        f,
                        field.clone(),
                        "an instant item (即办件) cannot have a promised limit in any situation",
                    )
                    .hint("remove promised_limit from this answer"),
                );
            }
            if let Some(s) = item.statutory_limit.filter(|s| longer(p, *s)) {
                out.push(Problem::error(
                    f,
                    field,
                    format!(
                        "the promised limit ({}) is longer than the statutory limit ({})",
                        p.label(),
                        s.label()
                    ),
                ));
            }
        }
    }
    match item.handling {
        Handling::Instant => {
            if let Some(limit) = item.promised_limit.filter(|l| l.days > 0) {
                out.push(
                    Problem::error(
                        f,
                        "promised_limit",
                        format!(
                            "an instant item (即办件) cannot have a promised limit of {}",
                            limit.label()
                        ),
                    )
                    .hint("remove promised_limit, or set handling = \"promised\""),
                );
            }
        }
        Handling::Promised => match item.promised_limit {
            None => out.push(
                Problem::error(
                    f,
                    "promised_limit",
                    "a promised item (承诺件) needs a promised limit",
                )
                .hint("write promised_limit = { days = 5 } (working days)"),
            ),
            Some(l) if l.days == 0 => out.push(
                Problem::error(f, "promised_limit.days", "a promised limit of 0 days")
                    .hint("an item decided on the spot is handling = \"instant\""),
            ),
            _ => {}
        },
    }
    if let (Some(p), Some(s)) = (item.promised_limit, item.statutory_limit)
        && longer(p, s)
    {
        out.push(
            Problem::error(
                f,
                "promised_limit",
                format!(
                    "the promised limit ({}) is longer than the statutory limit ({})",
                    p.label(),
                    s.label()
                ),
            )
            .hint("the promised limit (承诺时限) may not exceed the statutory limit (法定时限)"),
        );
    }
}

fn longer(p: Limit, s: Limit) -> bool {
    if p.unit == s.unit {
        p.days > s.days
    } else {
        p.approx_calendar_days() > s.approx_calendar_days()
    }
}

fn contacts(ctx: &Context, f: &str, item: &Item, out: &mut Vec<Problem>) {
    // An unknown department is reported once, not as missing phones too.
    let Some(dept) = ctx.departments.get(item.department.as_str()) else {
        return;
    };
    let dept = Some(dept);
    let enquiry = !item.enquiry_phone.trim().is_empty()
        || dept.is_some_and(|d| !d.enquiry_phone.trim().is_empty());
    let complaint = !item.complaint_phone.trim().is_empty()
        || dept.is_some_and(|d| !d.complaint_phone.trim().is_empty());
    if !enquiry {
        out.push(
            Problem::error(f, "enquiry_phone", "no enquiry phone (咨询电话)")
                .hint("add enquiry_phone here or on the department in departments.toml"),
        );
    }
    if !complaint {
        out.push(
            Problem::error(f, "complaint_phone", "no complaints phone (监督投诉电话)")
                .hint("add complaint_phone here or on the department in departments.toml"),
        );
    }
}

fn fees(f: &str, item: &Item, out: &mut Vec<Problem>) {
    let Some(fees) = &item.fees else {
        out.push(
            Problem::error(f, "fees", "no fee information (收费)").hint(
                "write `[fees]` with `charged = false`, or `charged = true` and the fee items",
            ),
        );
        return;
    };
    if fees.charged && fees.items.is_empty() {
        out.push(
            Problem::error(f, "fees.items", "the item charges but lists no fee")
                .hint("add [[fees.items]] with name, amount and basis"),
        );
    }
    if !fees.charged && !fees.items.is_empty() {
        out.push(
            Problem::error(
                f,
                "fees.charged",
                "charged = false but fee items are listed",
            )
            .hint("set charged = true or remove the fee items"),
        );
    }
    for (i, fee) in fees.items.iter().enumerate() {
        if fee.amount < 0.0 || !fee.amount.is_finite() {
            out.push(Problem::error(
                f,
                format!("fees.items[{i}].amount"),
                "a fee cannot be negative",
            ));
        }
        if fee.basis.trim().is_empty() {
            out.push(
                Problem::error(
                    f,
                    format!("fees.items[{i}].basis"),
                    "the fee has no legal basis (收费依据)",
                )
                .hint("name the document that sets the fee"),
            );
        }
    }
}

/// Names that say nothing: 清单之外无证明, so such a line must spell out what.
const CATCH_ALL: [&str; 8] = [
    "其他材料",
    "相关材料",
    "其他相关材料",
    "其它材料",
    "有关材料",
    "其他证明材料",
    "相关证明材料",
    "其他有关材料",
];

fn is_catch_all(name: &str) -> bool {
    let bare = name.trim().trim_end_matches(['。', '.', ' ']);
    CATCH_ALL.contains(&bare) || bare.ends_with("等材料") || bare.ends_with("等相关材料")
}

fn materials(ctx: &Context, f: &str, item: &Item, out: &mut Vec<Problem>) {
    let mut ids = HashSet::new();
    for (i, m) in item.materials.iter().enumerate() {
        let at = |field: &str| format!("materials[{i}].{field}");
        if !ids.insert(m.id.as_str()) {
            out.push(Problem::error(
                f,
                at("id"),
                format!("the material id `{}` is used twice", m.id),
            ));
        }
        if m.name.trim().is_empty() {
            out.push(Problem::error(f, at("name"), "the material has no name"));
        }
        match m.source {
            None => out.push(
                Problem::error(
                    f,
                    at("source"),
                    format!("the material `{}` has no source", m.name),
                )
                .hint("write source = \"applicant\", \"agency\", \"centre\" or \"institution\""),
            ),
            Some(Source::Agency | Source::Institution) if m.issuer.trim().is_empty() => out.push(
                Problem::warning(f, at("issuer"), format!("who issues `{}`?", m.name))
                    .hint("name the issuing agency or institution in `issuer`"),
            ),
            _ => {}
        }
        if is_catch_all(&m.name) && m.notes.chars().count() < 8 {
            out.push(
                Problem::error(f, at("name"), format!("`{}` is a catch-all, not a material", m.name))
                    .hint("清单之外无证明: name each document the applicant must bring, or describe it in `notes`"),
            );
        }
        if m.is_form() && m.blank_form.trim().is_empty() {
            out.push(
                Problem::error(
                    f,
                    at("blank_form"),
                    format!("the form `{}` has no blank form to download", m.name),
                )
                .hint("put the form under content/files/ and write blank_form = \"forms/….docx\""),
            );
        }
        for (field, path) in [("blank_form", &m.blank_form), ("sample", &m.sample)] {
            file_reference(ctx, f, &at(field), path, out);
        }
        if m.medium == Medium::Paper && m.originals == 0 && m.copies == 0 {
            out.push(
                Problem::error(f, at("originals"), format!("how many of `{}`?", m.name))
                    .hint("write originals = 1 and/or copies = 1"),
            );
        }
    }
    if let Some(result) = &item.result {
        file_reference(ctx, f, "result.sample", &result.sample, out);
    }
}

/// A path under `content/files/` must exist; URLs are taken as they are.
fn file_reference(ctx: &Context, f: &str, field: &str, path: &str, out: &mut Vec<Problem>) {
    let path = path.trim();
    if path.is_empty() || path.starts_with("https://") || path.starts_with("http://") {
        return;
    }
    if path.contains("..") || path.starts_with('/') || path.contains('\\') {
        out.push(
            Problem::error(f, field, format!("`{path}` leaves the files folder"))
                .hint("write a path relative to content/files/, e.g. \"forms/application.docx\""),
        );
    } else if !ctx.catalog.files.contains(path) {
        let hint = match suggest(path, ctx.catalog.files.iter().map(String::as_str)) {
            Some(k) => format!("did you mean `{k}`?"),
            None => "put the file under content/files/ or link to it with a full URL".to_string(),
        };
        out.push(Problem::error(f, field, format!("the file `{path}` does not exist")).hint(hint));
    }
}

fn situations(f: &str, item: &Item, out: &mut Vec<Problem>) {
    let materials: HashMap<&str, &Material> =
        item.materials.iter().map(|m| (m.id.as_str(), m)).collect();
    let mut added = HashSet::new();
    let mut situation_ids = HashSet::new();
    for (s, sit) in item.situations.iter().enumerate() {
        if !situation_ids.insert(sit.id.as_str()) {
            out.push(Problem::error(
                f,
                format!("situations[{s}].id"),
                format!("the situation id `{}` is used twice", sit.id),
            ));
        }
        if sit.options.len() < 2 {
            out.push(
                Problem::error(
                    f,
                    format!("situations[{s}].options"),
                    format!("the question `{}` needs at least two answers", sit.question),
                )
                .hint("a situation (情形) asks a question with two or more options"),
            );
        }
        let mut option_ids = HashSet::new();
        for (o, opt) in sit.options.iter().enumerate() {
            let at = format!("situations[{s}].options[{o}]");
            if !option_ids.insert(opt.id.as_str()) {
                out.push(Problem::error(
                    f,
                    format!("{at}.id"),
                    format!("the option id `{}` is used twice", opt.id),
                ));
            }
            if !opt.is_handled() {
                out.push(
                    Problem::error(f, at.clone(), format!("the answer `{}` changes nothing", opt.label))
                        .hint("list what it changes (add_materials, remove_materials, conditions, promised_limit, fee) or write no_change = true"),
                );
            }
            for (list, ids) in [
                ("add_materials", &opt.add_materials),
                ("remove_materials", &opt.remove_materials),
            ] {
                for (k, id) in ids.iter().enumerate() {
                    if !materials.contains_key(id.as_str()) {
                        out.push(
                            Problem::error(
                                f,
                                format!("{at}.{list}[{k}]"),
                                format!("unknown material `{id}`"),
                            )
                            .hint(did_you_mean(
                                id,
                                materials.keys().copied(),
                                "materials of this item",
                            )),
                        );
                    } else if list == "add_materials" {
                        added.insert(id.as_str());
                        if materials[id.as_str()].requirement == Requirement::Required {
                            out.push(
                                Problem::error(f, format!("{at}.{list}[{k}]"), format!("`{id}` is always required, so no answer can add it"))
                                    .hint(format!("set requirement = \"conditional\" on material `{id}`, or remove it from add_materials")),
                            );
                        }
                    }
                }
            }
        }
    }
    for (i, m) in item.materials.iter().enumerate() {
        if m.requirement == Requirement::Conditional && !added.contains(m.id.as_str()) {
            out.push(
                Problem::error(
                    f,
                    format!("materials[{i}].requirement"),
                    format!("`{}` is conditional but no situation asks for it", m.name),
                )
                .hint(format!(
                    "add \"{}\" to the add_materials of the answer that needs it",
                    m.id
                )),
            );
        }
    }
}

fn visits(f: &str, item: &Item, out: &mut Vec<Problem>) {
    if item.visits > 2 {
        out.push(
            Problem::error(f, "visits", format!("{} visits to the hall", item.visits))
                .hint("visits is 0 (fully online), 1 (最多跑一次) or 2"),
        );
    }
    let url = item.online_url.trim();
    if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
        out.push(
            Problem::error(f, "online_url", format!("`{url}` is not a web address"))
                .hint("write a full address starting with https://"),
        );
    }
    if item.visits == 0 && item.online_url.trim().is_empty() {
        out.push(
            Problem::error(f, "online_url", "visits = 0 but there is no online link")
                .hint("an item done without visiting the hall needs online_url"),
        );
    }
}

/// 六公开: content, procedure, legal basis, materials, limit and fees.
fn six_disclosures(f: &str, item: &Item, out: &mut Vec<Problem>) {
    if item.legal_basis.is_empty() {
        out.push(
            Problem::error(f, "legal_basis", "no legal basis (设定依据)")
                .hint("add [[legal_basis]] with law and article"),
        );
    }
    if item.steps.is_empty() {
        out.push(
            Problem::warning(f, "steps", "no process steps (办理流程)")
                .hint("add [[steps]] with name and description"),
        );
    }
    if item.materials.is_empty() {
        out.push(
            Problem::warning(f, "materials", "no materials listed")
                .hint("if none are needed, say so in the summary"),
        );
    }
}

fn dates(f: &str, item: &Item, today: NaiveDate, out: &mut Vec<Problem>) {
    if let (Some(from), Some(until)) = (item.effective_from, item.effective_until)
        && from > until
    {
        out.push(Problem::error(
            f,
            "effective_until",
            format!("the item stops ({until}) before it starts ({from})"),
        ));
    }
    if item.last_reviewed > today {
        out.push(Problem::error(
            f,
            "last_reviewed",
            format!("{} is in the future", item.last_reviewed),
        ));
    }
}

fn check_links(ctx: &Context, f: &str, links: &[(String, usize)], out: &mut Vec<Problem>) {
    for (link, line) in links {
        let l = link.trim();
        if l.is_empty()
            || l.starts_with('#')
            || l.contains("://")
            || l.starts_with("mailto:")
            || l.starts_with("tel:")
        {
            continue;
        }
        let problem = if let Some(path) = l.strip_prefix('/') {
            if ctx.page_exists(path) {
                continue;
            }
            Problem::error(f, "", format!("broken link `{l}`: no such page")).hint(format!(
                "link to an existing page, e.g. /{}",
                urls::item("ITEM-CODE")
            ))
        } else {
            Problem::error(f, "", format!("relative link `{l}`"))
                .hint("write internal links as site paths starting with `/`, e.g. /guides/open-a-restaurant/")
        };
        out.push(problem.at(*line, 1));
    }
}

fn check_guide(ctx: &Context, guide: &Sourced<Page<GuideMeta>>, out: &mut Vec<Problem>) {
    let (f, meta) = (guide.file.as_str(), &guide.value.meta);
    for (i, t) in meta.themes.iter().enumerate() {
        if !ctx.themes.contains(t.as_str()) {
            out.push(
                Problem::error(f, format!("themes[{i}]"), format!("unknown theme `{t}`")).hint(
                    did_you_mean(t, ctx.themes.iter().copied(), "themes in themes.toml"),
                ),
            );
        }
    }
    for (i, code) in meta.items.iter().enumerate() {
        if !ctx.codes.contains(code.as_str()) {
            out.push(
                Problem::error(
                    f,
                    format!("items[{i}]"),
                    format!("unknown item code `{code}`"),
                )
                .hint(did_you_mean(code, ctx.codes.iter().copied(), "items")),
            );
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

fn check_disclosure(
    ctx: &Context,
    doc: &Sourced<Page<DisclosureMeta>>,
    today: NaiveDate,
    out: &mut Vec<Problem>,
) {
    let (f, meta) = (doc.file.as_str(), &doc.value.meta);
    let top = doc.value.slug.split('/').next().unwrap_or("");
    if !doc.value.slug.contains('/') || RESERVED_DISCLOSURE_PATHS.contains(&top) {
        out.push(
            Problem::error(f, "", format!("`{}` cannot hold documents", top))
                .hint("put documents in a folder named after their category, e.g. disclosures/normative/my-doc.md")
                .at(1, 1),
        );
    }
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
    if top != meta.category
        && doc.value.slug.contains('/')
        && !RESERVED_DISCLOSURE_PATHS.contains(&top)
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
    if !ctx.categories.contains(meta.category.as_str()) {
        out.push(
            Problem::error(
                f,
                "category",
                format!("unknown category `{}`", meta.category),
            )
            .hint(did_you_mean(
                &meta.category,
                ctx.categories.iter().copied(),
                "disclosure_categories in site.toml",
            )),
        );
    }
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
    for (field, list) in [
        ("amended_by", &meta.amended_by),
        ("replaced_by", &meta.replaced_by),
        ("supersedes", &meta.supersedes),
    ] {
        for (i, slug) in list.iter().enumerate() {
            if !ctx.disclosures.contains(slug.as_str()) {
                out.push(
                    Problem::error(
                        f,
                        format!("{field}[{i}]"),
                        format!("unknown document `{slug}`"),
                    )
                    .hint(did_you_mean(
                        slug,
                        ctx.disclosures.iter().copied(),
                        "documents (their path under disclosures/ without .md)",
                    )),
                );
            }
        }
    }
    check_links(ctx, f, &doc.value.links, out);
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

    #[test]
    fn catch_all_names() {
        assert!(is_catch_all("其他材料"));
        assert!(is_catch_all("相关材料。"));
        assert!(is_catch_all("营业执照等材料"));
        assert!(!is_catch_all("其他股东身份证明"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("public-securty", ["public-security", "tax"]),
            Some("public-security")
        );
        assert_eq!(suggest("xyz", ["public-security", "tax"]), None);
    }
}
