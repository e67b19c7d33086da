//! What `portal check` proves of a pre-check, beyond each predicate parsing:
//! tests name known questions and options of the right kind, every question
//! can be reached, no answers fire an eligible and an ineligible rule
//! together, and each example gives what it says.
//!
//! Reachability and contradictions are decided by trying answers: each
//! question's domain is its options (or, for a number, its bounds and the
//! values either side of every constant it is compared with), over only the
//! questions the predicates involved read.

use super::expr::{Expr, Op, Test, Tri};
use super::{Engine, State, Value, answer_label, yes_word};
use crate::model::{QuestionKind, Situation, Verdict};
use std::collections::{BTreeMap, BTreeSet};

/// A test that names what does not exist or does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadTest {
    /// Where the predicate is, e.g. `eligibility[1].when`.
    pub field: String,
    pub message: String,
}

/// Checks each test of each predicate against the questions.
pub fn bad_tests(engine: &Engine) -> Vec<BadTest> {
    let form = engine.form;
    let mut out = Vec::new();
    for (i, q) in form.situations.iter().enumerate() {
        if let Some(e) = engine.ask_if(i) {
            let field = format!("situations[{i}].ask_if");
            for t in e.tests() {
                match engine.question(&t.question) {
                    Some(j) if j >= i => out.push(BadTest {
                        field: field.clone(),
                        message: format!(
                            "`ask_if` of `{}` reads `{}`, which is not asked before it",
                            q.id, t.question
                        ),
                    }),
                    _ => out.extend(check_test(engine, t, &field)),
                }
            }
        }
    }
    for (r, _) in form.eligibility.iter().enumerate() {
        let field = format!("eligibility[{r}].when");
        for t in engine.when(r).tests() {
            out.extend(check_test(engine, t, &field));
        }
    }
    out
}

fn check_test(engine: &Engine, t: &Test, field: &str) -> Option<BadTest> {
    let bad = |message: String| {
        Some(BadTest {
            field: field.to_string(),
            message,
        })
    };
    let Some(q) = engine
        .question(&t.question)
        .map(|i| &engine.form.situations[i])
    else {
        let ids: Vec<&str> = engine
            .form
            .situations
            .iter()
            .map(|q| q.id.as_str())
            .collect();
        return bad(format!(
            "unknown question `{}` (questions: {})",
            t.question,
            ids.join(", ")
        ));
    };
    let options = |values: &[&String]| -> Option<String> {
        let unknown: Vec<&str> = (values.iter())
            .filter(|v| !option_ids(q).iter().any(|o| o == **v))
            .map(|v| v.as_str())
            .collect();
        (!unknown.is_empty()).then(|| {
            format!(
                "`{}` has no option `{}` (options: {})",
                q.id,
                unknown.join("`, `"),
                option_ids(q).join(", ")
            )
        })
    };
    let kind = q.kind;
    let message = match (&t.op, kind) {
        (Op::Compare(..), QuestionKind::Number) => None,
        (Op::Compare(..), _) => Some(format!(
            "`{}` is not a number question; compare it with an option: {} = …",
            q.id, q.id
        )),
        (_, QuestionKind::Number) => Some(format!(
            "`{}` is a number question; compare it: {} <= …",
            q.id, q.id
        )),
        (Op::Yes, QuestionKind::YesNo) => None,
        (Op::Yes, _) => Some(format!(
            "`{}` is not a yes/no question; test an option: {} = …",
            q.id, q.id
        )),
        (Op::Is(v) | Op::IsNot(v), QuestionKind::YesNo) => yes_word(v)
            .is_none()
            .then(|| format!("`{}` is answered yes or no, not `{v}`", q.id)),
        (Op::Is(_) | Op::IsNot(_), QuestionKind::Several) => Some(format!(
            "`{}` takes several answers; test one with: {} has …",
            q.id, q.id
        )),
        (Op::Is(v) | Op::IsNot(v), _) => options(&[v]),
        (Op::In(vs), QuestionKind::Choice | QuestionKind::Several) => {
            options(&vs.iter().collect::<Vec<_>>())
        }
        (Op::Has(v), QuestionKind::Several) => options(&[v]),
        (Op::In(_) | Op::Has(_), _) => Some(format!(
            "`{}` takes one answer; test it with: {} = …",
            q.id, q.id
        )),
    };
    message.and_then(bad)
}

/// A choice question's option ids; `yes`, `no` for a yes/no question.
pub fn option_ids(q: &Situation) -> Vec<String> {
    match q.kind {
        QuestionKind::YesNo => vec!["yes".into(), "no".into()],
        _ => q.options.iter().map(|o| o.id.clone()).collect(),
    }
}

/// The options (by question index) that some predicate tests. A yes/no or
/// number question tested at all counts as handled throughout.
pub fn tested_options(engine: &Engine) -> BTreeMap<usize, BTreeSet<String>> {
    let mut out: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    let form = engine.form;
    let asks = (0..form.situations.len()).filter_map(|i| engine.ask_if(i));
    let whens = (0..form.eligibility.len()).map(|r| engine.when(r));
    for e in asks.chain(whens) {
        for t in e.tests() {
            let Some(i) = engine.question(&t.question) else {
                continue;
            };
            let set = out.entry(i).or_default();
            match &t.op {
                Op::Is(v) | Op::IsNot(v) | Op::Has(v)
                    if form.situations[i].kind != QuestionKind::YesNo =>
                {
                    set.insert(v.clone());
                }
                Op::In(vs) => set.extend(vs.iter().cloned()),
                _ => set.extend(
                    option_ids(&form.situations[i])
                        .into_iter()
                        .chain(["*".to_string()]),
                ),
            }
        }
    }
    out
}

/// Too many combinations to try means a predicate over many questions; the
/// check then tries none rather than take minutes.
const MAX_TRIES: usize = 20_000;

/// Values worth trying for each question.
fn domain(engine: &Engine, i: usize) -> Vec<Value> {
    let q = &engine.form.situations[i];
    match q.kind {
        QuestionKind::Choice => q
            .options
            .iter()
            .map(|o| Value::Choice(o.id.clone()))
            .collect(),
        QuestionKind::YesNo => vec![Value::Yes(true), Value::Yes(false)],
        QuestionKind::Several => subsets(q),
        QuestionKind::Number => numbers(engine, i).into_iter().map(Value::Number).collect(),
    }
}

fn subsets(q: &Situation) -> Vec<Value> {
    let ids: Vec<&String> = q.options.iter().map(|o| &o.id).collect();
    if ids.len() <= 6 {
        return (0..1u32 << ids.len())
            .map(|bits| {
                let set = (ids.iter().enumerate())
                    .filter(|(k, _)| bits & (1 << k) != 0)
                    .map(|(_, id)| (*id).clone())
                    .collect();
                Value::Several(set)
            })
            .collect();
    }
    // Many options: none, each alone, and all.
    let mut out = vec![Value::Several(BTreeSet::new())];
    out.extend(ids.iter().map(|id| Value::Several([(*id).clone()].into())));
    out.push(Value::Several(ids.into_iter().cloned().collect()));
    out
}

fn numbers(engine: &Engine, i: usize) -> Vec<f64> {
    let q = &engine.form.situations[i];
    let (min, max) = (q.min.unwrap_or(0.0), q.max.unwrap_or(1e9));
    let mut points = vec![min, max];
    let form = engine.form;
    let asks = (0..form.situations.len()).filter_map(|j| engine.ask_if(j));
    for e in asks.chain((0..form.eligibility.len()).map(|r| engine.when(r))) {
        for t in e.tests() {
            if let (true, Op::Compare(_, c)) = (t.question == q.id, &t.op) {
                let step = (c.abs() * 1e-6).max(1e-6);
                points.extend([*c - step, *c, *c + step]);
            }
        }
    }
    points.retain(|p| *p >= min && *p <= max);
    points.sort_by(f64::total_cmp);
    points.dedup();
    points
}

/// The questions `exprs` read, and the ones their `ask_if`s read, in order.
fn involved(engine: &Engine, exprs: &[&Expr]) -> Vec<usize> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<usize> = (exprs.iter())
        .flat_map(|e| e.tests())
        .filter_map(|t| engine.question(&t.question))
        .collect();
    while let Some(i) = todo.pop() {
        if seen.insert(i)
            && let Some(e) = engine.ask_if(i)
        {
            todo.extend(
                e.tests()
                    .iter()
                    .filter_map(|t| engine.question(&t.question)),
            );
        }
    }
    seen.into_iter().collect()
}

/// Calls `visit` with the states of each combination of answers to the
/// questions `exprs` involve (others unanswered), until it returns true.
/// Returns the answers that made it return true.
fn search(
    engine: &Engine,
    exprs: &[&Expr],
    mut visit: impl FnMut(&[State]) -> bool,
) -> Option<BTreeMap<String, Value>> {
    let questions = involved(engine, exprs);
    let domains: Vec<Vec<Value>> = questions.iter().map(|&i| domain(engine, i)).collect();
    let total = domains
        .iter()
        .try_fold(1usize, |n, d| n.checked_mul(d.len().max(1)))?;
    if total > MAX_TRIES || domains.iter().any(Vec::is_empty) {
        return None;
    }
    let mut answers = BTreeMap::new();
    for k in 0..total {
        let mut rest = k;
        answers.clear();
        for (&i, d) in questions.iter().zip(&domains) {
            answers.insert(
                engine.form.situations[i].id.clone(),
                d[rest % d.len()].clone(),
            );
            rest /= d.len();
        }
        if visit(&engine.states(&answers)) {
            return Some(answers);
        }
    }
    None
}

/// Questions that no answers can reach: their `ask_if` never holds.
pub fn unreachable(engine: &Engine) -> Vec<usize> {
    (0..engine.form.situations.len())
        .filter(|&i| {
            let Some(e) = engine.ask_if(i) else {
                return false;
            };
            let tried = involved(engine, &[e]);
            let reached = search(engine, &[e], |states| {
                !matches!(states[i], State::Skipped | State::Undecided)
            });
            // Too many combinations to try: give it the benefit of the doubt.
            reached.is_none() && within_limit(engine, &tried)
        })
        .collect()
}

fn within_limit(engine: &Engine, questions: &[usize]) -> bool {
    (questions.iter())
        .try_fold(1usize, |n, &i| {
            n.checked_mul(domain(engine, i).len().max(1))
        })
        .is_some_and(|n| n <= MAX_TRIES)
}

/// An eligible and an ineligible rule that fire together, with the answers
/// that show it (as "question = answer" for people).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contradiction {
    pub eligible: usize,
    pub ineligible: usize,
    pub answers: Vec<String>,
}

pub fn contradictions(engine: &Engine) -> Vec<Contradiction> {
    let rules = &engine.form.eligibility;
    let of = |v: Verdict| (0..rules.len()).filter(move |&r| rules[r].outcome == v);
    let mut out = Vec::new();
    for e in of(Verdict::Eligible) {
        for i in of(Verdict::Ineligible) {
            let (we, wi) = (engine.when(e), engine.when(i));
            let both = |states: &[State]| {
                let truth = |x: &Expr| x.eval(&mut |t| engine.test(t, states));
                truth(we) == Tri::True && truth(wi) == Tri::True
            };
            if let Some(answers) = search(engine, &[we, wi], both) {
                out.push(Contradiction {
                    eligible: e,
                    ineligible: i,
                    answers: describe(engine, &answers),
                });
            }
        }
    }
    out
}

fn describe(engine: &Engine, answers: &BTreeMap<String, Value>) -> Vec<String> {
    (engine.form.situations.iter())
        .filter_map(|q| {
            answers
                .get(&q.id)
                .map(|v| format!("{} = {}", q.id, answer_label(q, v)))
        })
        .collect()
}

/// What an example got wrong: each mismatch in words.
pub fn example_mismatches(
    engine: &Engine,
    example: &crate::model::Example,
) -> (Vec<String>, super::Outcome) {
    let pairs: Vec<(String, String)> = (example.answers.iter())
        .flat_map(|(k, v)| v.to_query_values().into_iter().map(move |x| (k.clone(), x)))
        .collect();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("a valid date");
    let outcome = engine.evaluate(&pairs, day, &crate::Calendar::new(&[]));
    let mut wrong: Vec<String> = outcome.problems.iter().map(|p| p.message.clone()).collect();
    if outcome.verdict != example.verdict {
        let why: Vec<&str> = outcome
            .reasons
            .iter()
            .map(|r| r.rule.as_str())
            .filter(|r| !r.is_empty())
            .collect();
        wrong.push(format!(
            "expects the verdict `{}`, the rules give `{}`{}",
            example.verdict.as_str(),
            outcome.verdict.as_str(),
            match why.is_empty() {
                true => String::new(),
                false => format!(" (rules fired: {})", why.join(", ")),
            }
        ));
    }
    if let Some(expected) = &example.materials {
        let got: BTreeSet<&str> = outcome
            .tailored
            .materials
            .iter()
            .map(|m| m.id.as_str())
            .collect();
        let want: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
        let missing: Vec<&str> = want.difference(&got).copied().collect();
        let extra: Vec<&str> = got.difference(&want).copied().collect();
        if !missing.is_empty() {
            wrong.push(format!(
                "expects the materials `{}`, which the answers do not ask for",
                missing.join("`, `")
            ));
        }
        if !extra.is_empty() {
            wrong.push(format!(
                "does not list the materials `{}`, which the answers ask for",
                extra.join("`, `")
            ));
        }
    }
    if let Some(limit) = example.limit
        && outcome.tailored.limit != Some(limit)
    {
        wrong.push(format!(
            "expects the limit {}, the answers give {}",
            limit.label(),
            outcome
                .tailored
                .limit
                .map_or("none (decided on the spot)".into(), |l| l.label())
        ));
    }
    (wrong, outcome)
}
