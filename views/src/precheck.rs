//! The pre-check part (办前自测) as the item page, the server's
//! `/items/CODE/check/` page and the wasm app all show it: the answers so
//! far (each with a link to change it), the one question asked now, and the
//! result. One view model, one template (`parts/precheck.html`).

use chrono::Datelike;
use portal_core::precheck::{Engine, Form, Outcome, Value, answer_label, answers};
use portal_core::{Calendar, CalendarYear, QuestionKind, Verdict};
use serde::{Deserialize, Serialize};

/// What the item page embeds for the app: the form and the calendar its due
/// dates count on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PrecheckData {
    pub form: Form,
    pub calendar: Vec<CalendarYear>,
}

/// Where the part's links and form go.
pub struct Links<'a> {
    /// The page the part is on; links to answers go here (the item page
    /// with JavaScript, the check page without).
    pub base: &'a str,
    /// The server's check page, where the form submits without JavaScript.
    pub action: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrecheckView {
    pub action: String,
    pub answered: Vec<AnsweredView>,
    pub question: Option<QuestionView>,
    /// The other answers, carried by the question's form.
    pub hidden: Vec<(String, String)>,
    pub step: usize,
    pub problems: Vec<String>,
    pub verdict: &'static str,
    pub verdict_label: &'static str,
    /// Open questions, when the verdict waits for them.
    pub remaining: usize,
    pub reasons: Vec<ReasonView>,
    pub materials: Vec<MaterialView>,
    pub material_count: usize,
    pub conditions: Vec<String>,
    pub limit: String,
    pub due_date: String,
    pub fees: String,
    pub fee_notes: Vec<String>,
    pub online_url: String,
    pub share_href: String,
    pub restart_href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnsweredView {
    pub id: String,
    pub question: String,
    pub answer: String,
    pub change_href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionView {
    pub id: String,
    pub text: String,
    pub help: String,
    pub kind: &'static str,
    pub options: Vec<OptionView>,
    pub unit: String,
    pub min: String,
    pub max: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OptionView {
    pub id: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReasonView {
    pub outcome: &'static str,
    pub text: String,
    pub basis: String,
    pub answers: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaterialView {
    pub name: String,
    pub counts: String,
    pub medium: &'static str,
    pub note: String,
}

/// The query string for `pairs`, `?` included (empty for none).
pub fn query(pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let mut s = form_urlencoded::Serializer::for_suffix(String::from("?"), 1);
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// The pairs of a query string (with or without its `?`).
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(q.trim_start_matches('?').as_bytes())
        .take(answers::MAX_PAIRS + 1000)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Runs the engine on `pairs` and makes the part's view. `edit` (the
/// `edit` parameter) asks an answered question again.
pub fn view(
    engine: &Engine,
    pairs: &[(String, String)],
    today: chrono::NaiveDate,
    calendar: &Calendar,
    links: &Links,
) -> PrecheckView {
    let outcome = engine.evaluate(pairs, today, calendar);
    let edit = pairs
        .iter()
        .find(|(k, _)| k == "edit")
        .map(|(_, v)| v.as_str());
    build(engine.form, &outcome, edit, links)
}

fn build(form: &Form, o: &Outcome, edit: Option<&str>, links: &Links) -> PrecheckView {
    let given: std::collections::BTreeMap<String, Value> = o
        .answered
        .iter()
        .map(|(i, v)| (form.situations[*i].id.clone(), v.clone()))
        .collect();
    let all = answers::to_pairs(&form.situations, &given);
    let asked = edit
        .and_then(|id| {
            o.answered
                .iter()
                .find(|(i, _)| form.situations[*i].id == id)
                .map(|(i, _)| *i)
        })
        .or_else(|| o.next_questions.first().copied());
    let hidden: Vec<(String, String)> = match asked {
        Some(i) => all
            .iter()
            .filter(|(k, _)| *k != form.situations[i].id)
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    let answered = (o.answered.iter())
        .map(|(i, v)| {
            let q = &form.situations[*i];
            let mut with_edit = all.clone();
            with_edit.push(("edit".into(), q.id.clone()));
            AnsweredView {
                id: q.id.clone(),
                question: q.question.clone(),
                answer: answer_label(q, v),
                change_href: format!("{}{}#precheck", links.base, query(&with_edit)),
            }
        })
        .collect();
    let t = &o.tailored;
    let verdict = o.verdict;
    PrecheckView {
        action: links.action.to_string(),
        answered,
        question: asked.map(|i| question(form, i, given.get(&form.situations[i].id))),
        hidden,
        step: o.answered.len() + 1,
        problems: o.problems.iter().map(|p| p.message.clone()).collect(),
        verdict: verdict.as_str(),
        verdict_label: verdict.label(),
        remaining: if verdict == Verdict::Incomplete {
            o.next_questions.len()
        } else {
            0
        },
        reasons: o.reasons.iter().map(reason).collect(),
        material_count: t.materials.len(),
        materials: t.materials.iter().map(material).collect(),
        conditions: t.conditions.clone(),
        limit: match t.limit {
            Some(l) => format!("承诺 {}", l.label()),
            None => "即办（当场办结）".into(),
        },
        due_date: t
            .due_date
            // Not `format`: chrono's formatter would weigh on the wasm app.
            .map(|d| format!("{}年{}月{}日", d.year(), d.month(), d.day()))
            .unwrap_or_default(),
        fees: fees(t),
        fee_notes: t.fees.notes.clone(),
        online_url: form.online_url.clone(),
        share_href: format!("{}{}#precheck", links.base, query(&all)),
        restart_href: format!("{}#precheck", links.base),
    }
}

fn question(form: &Form, i: usize, current: Option<&Value>) -> QuestionView {
    let q = &form.situations[i];
    let checked = |id: &str| match current {
        Some(Value::Choice(c)) => c == id,
        Some(Value::Several(s)) => s.contains(id),
        Some(Value::Yes(b)) => (id == "yes") == *b,
        _ => false,
    };
    let options: Vec<(String, String)> = match (q.kind, q.options.is_empty()) {
        (QuestionKind::YesNo, true) => {
            vec![("yes".into(), "是".into()), ("no".into(), "否".into())]
        }
        _ => q
            .options
            .iter()
            .map(|o| (o.id.clone(), o.label.clone()))
            .collect(),
    };
    let bound = |b: Option<f64>| b.map(answers::format_number).unwrap_or_default();
    QuestionView {
        id: q.id.clone(),
        text: q.question.clone(),
        help: q.help.clone(),
        kind: match q.kind {
            QuestionKind::Choice => "choice",
            QuestionKind::Several => "several",
            QuestionKind::YesNo => "yes_no",
            QuestionKind::Number => "number",
        },
        options: options
            .into_iter()
            .map(|(id, label)| OptionView {
                checked: checked(&id),
                id,
                label,
            })
            .collect(),
        unit: q.unit.clone(),
        min: bound(q.min),
        max: bound(q.max),
        value: match current {
            Some(Value::Number(n)) => answers::format_number(*n),
            _ => String::new(),
        },
    }
}

fn reason(r: &portal_core::precheck::Reason) -> ReasonView {
    ReasonView {
        outcome: r.outcome.as_str(),
        text: r.text.clone(),
        basis: r.basis.clone(),
        answers: (r.answers.iter())
            .map(|(q, a)| format!("{q}{}{a}", if q.ends_with(['？', '?']) { "" } else { "：" }))
            .collect::<Vec<_>>()
            .join("；"),
    }
}

fn material(m: &portal_core::precheck::TailoredMaterial) -> MaterialView {
    let mut counts = Vec::new();
    if m.originals > 0 {
        counts.push(format!("原件 {} 份", m.originals));
    }
    if m.copies > 0 {
        counts.push(format!("复印件 {} 份", m.copies));
    }
    let mut note = Vec::new();
    if m.later {
        note.push("可容缺后补".to_string());
    }
    if !m.because.is_empty() {
        note.push(format!("因为：{}", m.because.join("、")));
    }
    MaterialView {
        name: m.name.clone(),
        counts: counts.join("，"),
        medium: m.medium.label(),
        note: note.join("；"),
    }
}

fn fees(t: &portal_core::precheck::Tailored) -> String {
    if !t.fees.charged {
        return "不收费".into();
    }
    (t.fees.items.iter())
        .map(|f| {
            format!(
                "{} {} 元{}",
                f.name,
                answers::format_number(f.amount),
                f.unit
            )
        })
        .collect::<Vec<_>>()
        .join("；")
}
