//! The pre-check (办前自测): from an item's questions, rules and materials and
//! the answers given so far, which question comes next, the verdict with
//! every reason and its legal basis, and exactly what to bring.
//!
//! Pure functions over [`Form`], the part of an item the pre-check needs, so
//! the browser (which reads a `Form` embedded in the item page), the server
//! and the CLI give the same answers. Routing (which question next) is
//! [`Engine::states`]; policy (the verdict) is `verdict`; what it means for
//! the applicant is `tailor`. The checks `portal check` makes of the rules
//! are in `analysis`.

pub mod analysis;
pub mod answers;
pub mod expr;
mod tailor;
mod verdict;

pub use answers::{AnswerProblem, Value};
pub use tailor::{Fees, Tailored, TailoredMaterial};
pub use verdict::Reason;

use crate::Calendar;
use crate::model::{
    Fees as ItemFees, Handling, Item, LegalBasis, Limit, Material, QuestionKind, Rule, Situation,
    Verdict,
};
use chrono::NaiveDate;
use expr::{Expr, Op, Test, Tri};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the pre-check reads of an item. The build embeds it in the item
/// page as JSON for the browser.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Form {
    pub code: String,
    pub name: String,
    pub situations: Vec<Situation>,
    pub eligibility: Vec<Rule>,
    pub materials: Vec<Material>,
    pub conditions: Vec<String>,
    pub handling: Handling,
    pub promised_limit: Option<Limit>,
    pub statutory_limit: Option<Limit>,
    pub fees: Option<ItemFees>,
    pub online_url: String,
    pub legal_basis: Vec<LegalBasis>,
}

impl Form {
    pub fn of(item: &Item) -> Form {
        Form {
            code: item.code.clone(),
            name: item.name.clone(),
            situations: item.situations.clone(),
            eligibility: item.eligibility.clone(),
            materials: item.materials.clone(),
            conditions: item.conditions.clone(),
            handling: item.handling,
            promised_limit: item.promised_limit,
            statutory_limit: item.statutory_limit,
            fees: item.fees.clone(),
            online_url: item.online_url.clone(),
            legal_basis: item.legal_basis.clone(),
        }
    }

    /// Items with questions have a pre-check.
    pub fn has_precheck(item: &Item) -> bool {
        !item.situations.is_empty() || !item.eligibility.is_empty()
    }
}

/// Where a question stands for the answers given.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    Answered(Value),
    /// Asked, not answered yet.
    Open,
    /// Whether it is asked depends on an earlier answer not given yet.
    Undecided,
    /// Not asked: its `ask_if` does not hold.
    Skipped,
}

/// A form with its predicates parsed once.
#[derive(Debug, Clone)]
pub struct Engine<'f> {
    pub form: &'f Form,
    /// `ask_if` of each question (`None`: always asked).
    ask_if: Vec<Option<Expr>>,
    /// `when` of each rule.
    when: Vec<Expr>,
}

/// A predicate that does not parse, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// e.g. `situations[2].ask_if` or `eligibility[0].when`.
    pub field: String,
    pub error: expr::ParseError,
}

/// Everything the pre-check says for some answers.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    /// Questions asked and not answered, in order: the first is next.
    pub next_questions: Vec<usize>,
    /// Questions answered and asked, in order, with their answers.
    pub answered: Vec<(usize, Value)>,
    pub tailored: Tailored,
    /// Problems with the answers given (those answers are not used).
    pub problems: Vec<AnswerProblem>,
}

impl<'f> Engine<'f> {
    pub fn new(form: &'f Form) -> Result<Engine<'f>, Vec<Broken>> {
        let mut broken = Vec::new();
        let mut parse = |field: String, src: &str| match expr::parse(src) {
            Ok(e) => Some(e),
            Err(error) => {
                broken.push(Broken { field, error });
                None
            }
        };
        let ask_if = (form.situations.iter().enumerate())
            .map(|(i, q)| match q.ask_if.trim() {
                "" => None,
                src => parse(format!("situations[{i}].ask_if"), src),
            })
            .collect();
        let when: Vec<Option<Expr>> = (form.eligibility.iter().enumerate())
            .map(|(i, r)| parse(format!("eligibility[{i}].when"), &r.when))
            .collect();
        if !broken.is_empty() {
            return Err(broken);
        }
        Ok(Engine {
            form,
            ask_if,
            when: when.into_iter().map(|w| w.expect("parsed")).collect(),
        })
    }

    pub fn ask_if(&self, question: usize) -> Option<&Expr> {
        self.ask_if[question].as_ref()
    }

    pub fn when(&self, rule: usize) -> &Expr {
        &self.when[rule]
    }

    pub fn question(&self, id: &str) -> Option<usize> {
        self.form.situations.iter().position(|q| q.id == id)
    }

    /// Each question's state, in order: an `ask_if` reads only the questions
    /// before it, so one pass settles them all.
    pub fn states(&self, answers: &BTreeMap<String, Value>) -> Vec<State> {
        let mut states: Vec<State> = Vec::with_capacity(self.form.situations.len());
        for (i, q) in self.form.situations.iter().enumerate() {
            let asked = match &self.ask_if[i] {
                None => Tri::True,
                Some(e) => e.eval(&mut |t| self.test(t, &states[..i])),
            };
            states.push(match (asked, answers.get(&q.id)) {
                (Tri::False, _) => State::Skipped,
                (Tri::Unknown, _) => State::Undecided,
                (Tri::True, Some(v)) => State::Answered(v.clone()),
                (Tri::True, None) => State::Open,
            });
        }
        states
    }

    /// One test against the states of the questions it can see.
    pub fn test(&self, t: &Test, states: &[State]) -> Tri {
        let Some(i) = self.question(&t.question).filter(|&i| i < states.len()) else {
            return Tri::False;
        };
        match &states[i] {
            State::Skipped => Tri::False,
            State::Open | State::Undecided => Tri::Unknown,
            State::Answered(v) => Tri::of(holds(&t.op, v)),
        }
    }

    /// The pre-check for raw answers (query pairs), as of `today`.
    pub fn evaluate(
        &self,
        pairs: &[(String, String)],
        today: NaiveDate,
        calendar: &Calendar,
    ) -> Outcome {
        let (answers, problems) = answers::read(&self.form.situations, pairs);
        self.evaluate_answers(&answers, problems, today, calendar)
    }

    pub fn evaluate_answers(
        &self,
        answers: &BTreeMap<String, Value>,
        problems: Vec<AnswerProblem>,
        today: NaiveDate,
        calendar: &Calendar,
    ) -> Outcome {
        let states = self.states(answers);
        let (verdict, reasons) = verdict::decide(self, &states);
        let answered = (states.iter().enumerate())
            .filter_map(|(i, s)| match s {
                State::Answered(v) => Some((i, v.clone())),
                _ => None,
            })
            .collect();
        let next_questions = (states.iter().enumerate())
            .filter(|(_, s)| **s == State::Open)
            .map(|(i, _)| i)
            .collect();
        Outcome {
            verdict,
            reasons,
            next_questions,
            answered,
            tailored: tailor::tailor(self.form, &states, today, calendar),
            problems,
        }
    }
}

/// Does an answer pass a test? A test of the wrong kind (which `portal
/// check` reports) is false.
fn holds(op: &Op, v: &Value) -> bool {
    match (op, v) {
        (Op::Compare(c, n), Value::Number(x)) => c.holds(*x, *n),
        (Op::Is(o), Value::Choice(x)) => x == o,
        (Op::IsNot(o), Value::Choice(x)) => x != o,
        (Op::In(os), Value::Choice(x)) => os.contains(x),
        (Op::Has(o), Value::Several(xs)) => xs.contains(o),
        (Op::In(os), Value::Several(xs)) => os.iter().any(|o| xs.contains(o)),
        (Op::Yes, Value::Yes(b)) => *b,
        (Op::Is(o), Value::Yes(b)) => yes_word(o) == Some(*b),
        (Op::IsNot(o), Value::Yes(b)) => yes_word(o) == Some(!*b),
        _ => false,
    }
}

/// `yes` / `no` (and `true` / `false`) in a predicate.
pub fn yes_word(s: &str) -> Option<bool> {
    match s {
        "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        _ => None,
    }
}

/// The option label of an answer, for people: "是", "120 人", "餐饮, 零售".
pub fn answer_label(q: &Situation, v: &Value) -> String {
    let label = |id: &str| {
        q.options
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| id.to_string(), |o| o.label.clone())
    };
    match v {
        Value::Choice(o) => label(o),
        Value::Several(os) if os.is_empty() => "都不是".into(),
        Value::Several(os) => (q.options.iter())
            .filter(|o| os.contains(&o.id))
            .map(|o| o.label.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        Value::Yes(b) => {
            let id = if *b { "yes" } else { "no" };
            match q.options.iter().find(|o| o.id == id) {
                Some(o) => o.label.clone(),
                None => if *b { "是" } else { "否" }.into(),
            }
        }
        Value::Number(n) => format!("{} {}", answers::format_number(*n), q.unit)
            .trim()
            .to_string(),
    }
}

/// True for a yes/no question: its options are implied when not written.
pub fn is_yes_no(q: &Situation) -> bool {
    q.kind == QuestionKind::YesNo
}

#[cfg(test)]
mod tests;
