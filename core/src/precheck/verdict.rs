//! The verdict: which rules fire on the answers, and whether an answer still
//! to come could change what they say.

use super::{Engine, State, answer_label};
use crate::model::{LegalBasis, Verdict};
use crate::precheck::expr::Tri;
use serde::Serialize;

/// One reason for the verdict: a rule that fired, the answers it read, and
/// its legal basis (the trace of why).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub rule: String,
    pub outcome: Verdict,
    pub text: String,
    /// "《…》第…条".
    pub basis: String,
    /// The answers the rule read: (question, answer), in question order.
    pub answers: Vec<(String, String)>,
}

/// Stronger outcomes first: one ineligible rule outweighs any number of
/// eligible ones.
const STRENGTH: [Verdict; 3] = [Verdict::Ineligible, Verdict::NeedsReview, Verdict::Eligible];

pub(super) fn decide(engine: &Engine, states: &[State]) -> (Verdict, Vec<Reason>) {
    let rules = &engine.form.eligibility;
    let truth: Vec<Tri> = (0..rules.len())
        .map(|r| engine.when(r).eval(&mut |t| engine.test(t, states)))
        .collect();
    let mut reasons: Vec<Reason> = Vec::new();
    for outcome in STRENGTH {
        for (r, rule) in rules.iter().enumerate() {
            if rule.outcome == outcome && truth[r] == Tri::True {
                reasons.push(reason(engine, r, states));
            }
        }
    }
    let mut verdict = None;
    for outcome in STRENGTH {
        let of = |t: Tri| (rules.iter().zip(&truth)).any(|(r, x)| r.outcome == outcome && *x == t);
        if of(Tri::True) {
            verdict = Some(outcome);
            break;
        }
        if of(Tri::Unknown) {
            // A later answer could still fire this stronger rule.
            verdict = Some(Verdict::Incomplete);
            break;
        }
    }
    let pending = states
        .iter()
        .any(|s| matches!(s, State::Open | State::Undecided));
    let verdict = match verdict {
        Some(v) => v,
        None if pending => Verdict::Incomplete,
        None => {
            reasons.push(uncovered(engine));
            Verdict::NeedsReview
        }
    };
    (verdict, reasons)
}

fn reason(engine: &Engine, r: usize, states: &[State]) -> Reason {
    let rule = &engine.form.eligibility[r];
    let mut read: Vec<usize> = (engine.when(r).tests().iter())
        .filter_map(|t| engine.question(&t.question))
        .collect();
    read.sort_unstable();
    read.dedup();
    let answers = read
        .into_iter()
        .filter_map(|i| match &states[i] {
            State::Answered(v) => {
                let q = &engine.form.situations[i];
                Some((q.question.clone(), answer_label(q, v)))
            }
            _ => None,
        })
        .collect();
    Reason {
        rule: rule.id.clone(),
        outcome: rule.outcome,
        text: rule.reason.clone(),
        basis: rule.basis.as_ref().map(basis_label).unwrap_or_default(),
        answers,
    }
}

/// Every question answered and no rule fired: the window decides, on the
/// item's own conditions.
fn uncovered(engine: &Engine) -> Reason {
    let form = engine.form;
    let text = if form.eligibility.is_empty() {
        "本事项没有可自动判断的条件，请对照受理条件自查，窗口受理时核实。"
    } else {
        "您的情况不在可自动判断的范围内，请携带材料到窗口核实，或先电话咨询。"
    };
    Reason {
        rule: String::new(),
        outcome: Verdict::NeedsReview,
        text: text.into(),
        basis: form
            .legal_basis
            .first()
            .map(basis_label)
            .unwrap_or_default(),
        answers: Vec::new(),
    }
}

pub fn basis_label(b: &LegalBasis) -> String {
    format!("{}{}", b.law, b.article)
}
