//! A row applied to the item it describes: the columns the sheet has
//! replace those fields, everything else the officer wrote in the TOML
//! file (aliases, steps, situations, FAQ …) stays.

use super::rows::{CellError, ItemRow, MaterialRow, Row};
use portal_core::model::*;

/// The departments by id and by name, for the 实施主体 column.
pub struct Departments<'a>(pub &'a [Entry<Department>]);

impl Departments<'_> {
    fn resolve(&self, cell: &str) -> Result<String, String> {
        let found = self.0.iter().find(|d| d.id == cell || d.name == cell);
        found.map(|d| d.id.clone()).ok_or_else(|| {
            let names: Vec<&str> = self.0.iter().take(3).map(|d| d.name.as_str()).collect();
            format!(
                "{cell:?} is not a department: write its name or id as in departments.toml, e.g. {}",
                names.join("、")
            )
        })
    }
}

/// The item `row` describes: `old` with the row's columns applied, or a
/// new item (which then needs every column a new item cannot do without).
pub fn item(
    row: &ItemRow,
    materials: Option<&[MaterialRow]>,
    old: Option<&Item>,
    departments: &Departments,
    at: &Row,
    today: chrono::NaiveDate,
    errors: &mut Vec<CellError>,
) -> Option<Item> {
    use super::columns::Column as C;
    let before = errors.len();
    let department = row.department.as_deref().and_then(|d| {
        departments
            .resolve(d)
            .map_err(|m| errors.push(at.error(C::Department, m)))
            .ok()
    });
    let mut item = match old {
        Some(old) => old.clone(),
        None => new_item(row, department.clone(), at, today, errors)?,
    };
    set(&mut item.name, row.name.clone());
    set(&mut item.item_type, row.item_type);
    set(&mut item.department, department);
    set(&mut item.audience, row.audience.clone());
    set(&mut item.handling, row.handling);
    set(&mut item.statutory_limit, row.statutory);
    set(&mut item.promised_limit, row.promised);
    set(&mut item.visits, row.visits);
    set(&mut item.level, row.level);
    set(&mut item.enquiry_phone, row.enquiry.clone());
    set(&mut item.complaint_phone, row.complaint.clone());
    set(&mut item.online_url, row.online.clone());
    if let Some(basis) = &row.legal_basis {
        item.legal_basis = keep_texts(basis, &item.legal_basis);
    }
    if let Some(windows) = &row.windows {
        item.windows = windows.clone();
    }
    fees(&mut item, row, at, errors);
    if let Some(ms) = materials {
        item.materials = merge_materials(ms, &item.materials);
    }
    (errors.len() == before).then_some(item)
}

fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *field = v;
    }
}

fn new_item(
    row: &ItemRow,
    department: Option<String>,
    at: &Row,
    today: chrono::NaiveDate,
    errors: &mut Vec<CellError>,
) -> Option<Item> {
    use super::columns::Column as C;
    let before = errors.len();
    // A column that is there but unreadable has its error already.
    let mut need = |col: C, name: &str, present: bool| {
        if !present && !at.has(col) {
            let msg = format!(
                "{} is not in the catalog yet: a new item needs a {name} column",
                row.code
            );
            errors.push(at.error(C::Code, msg));
        }
    };
    need(C::ItemType, "事项类型", row.item_type.is_some());
    need(C::Department, "实施主体", department.is_some());
    need(C::Audience, "服务对象", row.audience.is_some());
    need(C::Handling, "办件类型", row.handling.is_some());
    need(C::Visits, "到办事现场次数", row.visits.is_some());
    if errors.len() > before {
        return None;
    }
    Some(Item {
        code: row.code.clone(),
        name: row.name.clone().unwrap_or_default(),
        aliases: vec![],
        item_type: row.item_type?,
        audience: row.audience.clone()?,
        level: row.level.unwrap_or(Level::District),
        department: department?,
        co_departments: vec![],
        themes: vec![],
        handling: row.handling?,
        statutory_limit: None,
        promised_limit: None,
        summary: String::new(),
        conditions: vec![],
        materials: vec![],
        situations: vec![],
        eligibility: vec![],
        examples: vec![],
        steps: vec![],
        fees: None,
        legal_basis: vec![],
        result: None,
        delivery: vec![],
        online_url: String::new(),
        visits: row.visits?,
        appointment: false,
        windows: vec![],
        enquiry_phone: String::new(),
        complaint_phone: String::new(),
        faq: vec![],
        effective_from: None,
        effective_until: None,
        last_reviewed: today,
    })
}

/// 是否收费 and 收费标准; a fee keeps its 收费依据 when its name stays.
fn fees(item: &mut Item, row: &ItemRow, at: &Row, errors: &mut Vec<CellError>) {
    use super::columns::Column as C;
    if row.charged.is_none() && row.fees.is_none() {
        return;
    }
    let old = item.fees.clone();
    let charged = row
        .charged
        .unwrap_or_else(|| old.as_ref().is_some_and(|f| f.charged));
    let items = match &row.fees {
        Some(items) => items
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let kept = old.iter().flat_map(|o| &o.items).find(|o| o.name == f.name);
                let kept = kept.map(|b| b.basis.clone()).unwrap_or_default();
                let basis = match &row.fee_basis {
                    Some(lines) => lines.get(i).cloned().unwrap_or_default(),
                    None => kept,
                };
                Fee { basis, ..f.clone() }
            })
            .collect(),
        None => old.as_ref().map(|f| f.items.clone()).unwrap_or_default(),
    };
    if !charged && !items.is_empty() && row.fees.is_some() {
        errors.push(at.error(
            C::FeeStandard,
            "是否收费 says 否 but fees are listed: clear them or write 是".into(),
        ));
        return;
    }
    let waivers = old.as_ref().map(|f| f.waivers.clone()).unwrap_or_default();
    let unchanged_none = old.is_none() && !charged && items.is_empty();
    if !unchanged_none {
        item.fees = Some(Fees {
            charged,
            items,
            waivers,
        });
    }
}

/// The sheet's citations, each keeping the quoted text it had.
fn keep_texts(new: &[LegalBasis], old: &[LegalBasis]) -> Vec<LegalBasis> {
    new.iter()
        .map(|n| {
            let same = old
                .iter()
                .find(|o| o.law == n.law && o.article == n.article);
            LegalBasis {
                text: same.map(|o| o.text.clone()).unwrap_or_default(),
                ..n.clone()
            }
        })
        .collect()
}

/// The sheet's materials in its order; one whose name the item already
/// has keeps its id, issuer, sample and legal basis.
fn merge_materials(rows: &[MaterialRow], old: &[Material]) -> Vec<Material> {
    let mut used: Vec<String> = old.iter().map(|m| m.id.clone()).collect();
    rows.iter()
        .map(|r| {
            let mut m = match old.iter().find(|o| o.name == r.name) {
                Some(o) => o.clone(),
                None => Material {
                    id: fresh_id(&mut used),
                    name: r.name.clone(),
                    ..Material::default()
                },
            };
            set(&mut m.source, r.source);
            set(&mut m.originals, r.originals);
            set(&mut m.copies, r.copies);
            set(&mut m.medium, r.medium);
            set(&mut m.requirement, r.requirement);
            set(&mut m.notes, r.notes.clone());
            set(&mut m.blank_form, r.blank_form.clone());
            m
        })
        .collect()
}

/// `m1`, `m2` …: the first not yet used in the item.
fn fresh_id(used: &mut Vec<String>) -> String {
    let id = (1..)
        .map(|n| format!("m{n}"))
        .find(|id| !used.contains(id))
        .unwrap_or_default();
    used.push(id.clone());
    id
}
