//! What the answers mean for the applicant (一次告知): exactly the materials
//! to bring, the conditions, the limit and its due date, and the fees.

use super::{Form, State, Value};
use crate::Calendar;
use crate::case::due_date;
use crate::model::{
    DayUnit, Fee, Handling, Limit, Material, Medium, Requirement, SituationOption, Source,
};
use chrono::NaiveDate;
use serde::Serialize;

/// The applicant's list.
#[derive(Debug, Clone, Serialize)]
pub struct Tailored {
    pub materials: Vec<TailoredMaterial>,
    pub conditions: Vec<String>,
    /// The promised limit that applies (the statutory one when the item
    /// promises none); `None` for an item decided on the spot.
    pub limit: Option<Limit>,
    /// When accepted `today`, decided by this day (working days with
    /// holidays and 调休).
    pub due_date: Option<NaiveDate>,
    pub instant: bool,
    pub fees: Fees,
}

#[derive(Debug, Clone, Serialize)]
pub struct TailoredMaterial {
    pub id: String,
    pub name: String,
    pub source: Option<Source>,
    pub issuer: String,
    pub originals: u32,
    pub copies: u32,
    pub medium: Medium,
    /// May follow after acceptance (容缺后补).
    pub later: bool,
    pub notes: String,
    /// A blank form to download, when the material is one.
    pub blank_form: String,
    /// The answers that added it ("因为：委托他人办理").
    pub because: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fees {
    pub charged: bool,
    pub items: Vec<Fee>,
    /// Notes the answers add, e.g. "补领工本费 40 元".
    pub notes: Vec<String>,
    pub waivers: Vec<String>,
}

pub(super) fn tailor(
    form: &Form,
    states: &[State],
    today: NaiveDate,
    calendar: &Calendar,
) -> Tailored {
    let chosen = chosen_options(form, states);
    let mut materials: Vec<TailoredMaterial> = (form.materials.iter())
        .filter(|m| m.requirement != Requirement::Conditional)
        .map(|m| TailoredMaterial::of(m, m.requirement == Requirement::Later, Vec::new()))
        .collect();
    for o in &chosen {
        for id in &o.add_materials {
            add(form, &mut materials, id, &o.label);
        }
    }
    let removed = |id: &String| chosen.iter().any(|o| o.remove_materials.contains(id));
    materials.retain(|m| !removed(&m.id));
    // The item's order, whatever order the answers added them in.
    materials.sort_by_key(|m| form.materials.iter().position(|x| x.id == m.id));

    let mut conditions = form.conditions.clone();
    conditions.extend(chosen.iter().flat_map(|o| o.conditions.iter().cloned()));
    let instant = form.handling == Handling::Instant;
    let overrides = chosen.iter().filter_map(|o| o.promised_limit);
    let limit = match overrides.max_by_key(|l| approximate_days(*l)) {
        Some(l) => Some(l),
        None if instant => None,
        None => form.promised_limit.or(form.statutory_limit),
    };
    let due_date = limit
        .filter(|l| l.days > 0)
        .map(|l| due_date(calendar, today, l, &[], today));
    let fees = form.fees.as_ref();
    Tailored {
        materials,
        conditions,
        limit,
        due_date,
        instant: instant && limit.is_none(),
        fees: Fees {
            charged: fees.is_some_and(|f| f.charged),
            items: fees.map(|f| f.items.clone()).unwrap_or_default(),
            notes: chosen
                .iter()
                .filter(|o| !o.fee.is_empty())
                .map(|o| o.fee.clone())
                .collect(),
            waivers: fees.map(|f| f.waivers.clone()).unwrap_or_default(),
        },
    }
}

/// The options the answers chose, in question order.
fn chosen_options<'f>(form: &'f Form, states: &[State]) -> Vec<&'f SituationOption> {
    let mut out = Vec::new();
    for (q, state) in form.situations.iter().zip(states) {
        let State::Answered(v) = state else { continue };
        let picked = |id: &str| q.options.iter().find(|o| o.id == id);
        match v {
            Value::Choice(o) => out.extend(picked(o)),
            Value::Several(os) => out.extend(q.options.iter().filter(|o| os.contains(&o.id))),
            Value::Yes(b) => out.extend(picked(if *b { "yes" } else { "no" })),
            Value::Number(_) => {}
        }
    }
    out
}

fn add(form: &Form, materials: &mut Vec<TailoredMaterial>, id: &str, because: &str) {
    if let Some(m) = materials.iter_mut().find(|m| m.id == id) {
        if !m.because.iter().any(|b| b == because) && m.because.len() < 8 {
            m.because.push(because.to_string());
        }
        return;
    }
    let Some(m) = form.materials.iter().find(|m| m.id == id) else {
        return;
    };
    materials.push(TailoredMaterial::of(m, false, vec![because.to_string()]));
}

impl TailoredMaterial {
    fn of(m: &Material, later: bool, because: Vec<String>) -> Self {
        TailoredMaterial {
            id: m.id.clone(),
            name: m.name.clone(),
            source: m.source,
            issuer: m.issuer.clone(),
            originals: m.originals,
            copies: m.copies,
            medium: m.medium,
            later,
            notes: m.notes.clone(),
            blank_form: m.blank_form.clone(),
            because,
        }
    }
}

/// Working and calendar days on one scale, to pick the longest limit.
fn approximate_days(l: Limit) -> u32 {
    match l.unit {
        DayUnit::Working => l.days * 7 / 5,
        DayUnit::Calendar => l.days,
    }
}
