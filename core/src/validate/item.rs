//! One service item: codes, references, time limits, contacts, fees,
//! visits, the six disclosures (六公开) and dates. Materials and
//! situations have modules of their own.

use super::{Context, DEPARTMENTS, THEMES, materials, situations};
use crate::limits;
use crate::model::*;
use crate::problem::Problem;
use chrono::NaiveDate;
use std::collections::HashMap;

pub(super) fn item_codes(catalog: &Catalog, out: &mut Vec<Problem>) {
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

pub(super) fn check_item(
    ctx: &Context,
    f: &str,
    item: &Item,
    today: NaiveDate,
    out: &mut Vec<Problem>,
) {
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
    item_limits(f, item, out);
    contacts(ctx, f, item, out);
    fees(f, item, out);
    materials::materials(ctx, f, item, out);
    situations::situations(ctx, f, item, out);
    visits(f, item, out);
    six_disclosures(f, item, out);
    dates(f, item, today, out);
}

fn references(ctx: &Context, f: &str, item: &Item, out: &mut Vec<Problem>) {
    let departments = std::iter::once(("department".to_string(), &item.department)).chain(
        item.co_departments
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("co_departments[{i}]"), d)),
    );
    for (field, d) in departments {
        if !ctx.departments.contains_key(d.as_str()) {
            let known = ctx.departments.keys().copied();
            out.push(ctx.unknown(Kind::Department, d, (f, field), known, DEPARTMENTS));
        }
    }
    for (i, t) in item.themes.iter().enumerate() {
        if !ctx.themes.contains(t.as_str()) {
            let field = format!("themes[{i}]");
            let known = ctx.themes.iter().copied();
            out.push(ctx.unknown(Kind::Theme, t, (f, field), known, THEMES));
        }
    }
}

fn limit_in_range(f: &str, field: &str, limit: Option<Limit>, out: &mut Vec<Problem>) {
    if let Some(l) = limit.filter(|l| !limits::plausible(*l)) {
        out.push(
            Problem::error(
                f,
                format!("{field}.days"),
                format!("{} days is not a plausible time limit", l.days),
            )
            .hint(format!(
                "time limits are at most {} days",
                limits::MAX_LIMIT_DAYS
            )),
        );
    }
}

fn item_limits(f: &str, item: &Item, out: &mut Vec<Problem>) {
    limit_in_range(f, "statutory_limit", item.statutory_limit, out);
    limit_in_range(f, "promised_limit", item.promised_limit, out);
    situation_limits(f, item, out);
    handling_limits(f, item, out);
    if let (Some(p), Some(s)) = (item.promised_limit, item.statutory_limit)
        && !limits::within_law(p, s)
    {
        out.push(
            longer_than_law(f, "promised_limit".into(), p, s).hint(
                "the promised limit (承诺时限) may not exceed the statutory limit (法定时限)",
            ),
        );
    }
}

fn longer_than_law(f: &str, field: String, p: Limit, s: Limit) -> Problem {
    Problem::error(
        f,
        field,
        format!(
            "the promised limit ({}) is longer than the statutory limit ({})",
            p.label(),
            s.label()
        ),
    )
}

/// A situation's own promised limit obeys the same rules as the item's.
fn situation_limits(f: &str, item: &Item, out: &mut Vec<Problem>) {
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
            if let Some(s) = item.statutory_limit.filter(|s| !limits::within_law(p, *s)) {
                out.push(longer_than_law(f, field, p, s));
            }
        }
    }
}

/// 即办件 have no promised limit; 承诺件 need one of at least a day.
fn handling_limits(f: &str, item: &Item, out: &mut Vec<Problem>) {
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
}

fn contacts(ctx: &Context, f: &str, item: &Item, out: &mut Vec<Problem>) {
    // An unknown or broken department is reported once, not as missing
    // phones too.
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
            Problem::error(f, "enquiry_phone", "no enquiry phone (咨询电话)").hint(
                "add enquiry_phone here or on the department (departments.toml or departments/)",
            ),
        );
    }
    if !complaint {
        out.push(
            Problem::error(f, "complaint_phone", "no complaints phone (监督投诉电话)").hint(
                "add complaint_phone here or on the department (departments.toml or departments/)",
            ),
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
