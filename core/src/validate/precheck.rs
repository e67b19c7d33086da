//! The pre-check (办前自测): questions of the right shape, rules with a
//! reason and a basis, predicates that parse and name what exists, every
//! question reachable, no contradicting rules, and every officer's example
//! giving what it says.

use crate::model::*;
use crate::precheck::{Engine, Form, analysis};
use crate::problem::Problem;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The options (by question) some predicate tests, for the "changes
/// nothing" check of situations; `None` when a predicate does not parse
/// (then that check stands down, the parse error being the problem).
pub(super) type Tested = Option<BTreeMap<usize, BTreeSet<String>>>;

pub(super) fn precheck(f: &str, item: &Item, out: &mut Vec<Problem>) -> Tested {
    questions(f, item, out);
    rules(f, item, out);
    let form = Form::of(item);
    let engine = match Engine::new(&form) {
        Ok(engine) => engine,
        Err(broken) => {
            for b in broken {
                out.push(
                    Problem::error(f, b.field, format!("the predicate does not parse: {}", b.error))
                        .hint("write tests like `employees <= 300`, `entity = company`, `sectors has food`, joined by and / or / not"),
                );
            }
            return None;
        }
    };
    let bad = analysis::bad_tests(&engine);
    let sound = bad.is_empty();
    for b in bad {
        out.push(Problem::error(f, b.field, b.message));
    }
    if sound {
        for i in analysis::unreachable(&engine) {
            out.push(
                Problem::error(
                    f,
                    format!("situations[{i}].ask_if"),
                    format!(
                        "no answers reach the question `{}`: its ask_if never holds",
                        item.situations[i].id
                    ),
                )
                .hint("check the ask_if against the answers of the questions before it"),
            );
        }
        contradictions(f, &engine, out);
        examples(f, item, &engine, out);
    }
    Some(analysis::tested_options(&engine))
}

fn questions(f: &str, item: &Item, out: &mut Vec<Problem>) {
    for (i, q) in item.situations.iter().enumerate() {
        let at = |field: &str| format!("situations[{i}].{field}");
        match q.kind {
            QuestionKind::Number => {
                if q.unit.trim().is_empty() {
                    out.push(
                        Problem::error(
                            f,
                            at("unit"),
                            format!("the number question `{}` has no unit", q.id),
                        )
                        .hint(
                            "write the unit people answer in, e.g. unit = \"人\", \"万元\", \"m²\"",
                        ),
                    );
                }
                match (q.min, q.max) {
                    (Some(min), Some(max)) if min > max => out.push(Problem::error(
                        f,
                        at("min"),
                        format!("min ({min}) is greater than max ({max})"),
                    )),
                    (Some(_), Some(_)) => {}
                    _ => out.push(
                        Problem::error(
                            f,
                            at("max"),
                            format!("the number question `{}` needs bounds", q.id),
                        )
                        .hint(
                            "write min and max: the smallest and largest answers that make sense",
                        ),
                    ),
                }
                if !q.options.is_empty() {
                    out.push(Problem::error(
                        f,
                        at("options"),
                        "a number question has no options",
                    ));
                }
            }
            QuestionKind::YesNo => {
                let ids: HashSet<&str> = q.options.iter().map(|o| o.id.as_str()).collect();
                if !q.options.is_empty()
                    && (ids != HashSet::from(["yes", "no"]) || q.options.len() != 2)
                {
                    out.push(
                        Problem::error(
                            f,
                            at("options"),
                            format!(
                                "the yes/no question `{}` has other options than yes and no",
                                q.id
                            ),
                        )
                        .hint("give a yes/no question the options `yes` and `no`, or none"),
                    );
                }
            }
            QuestionKind::Choice | QuestionKind::Several => {}
        }
        if q.kind != QuestionKind::Number
            && (q.min.is_some() || q.max.is_some() || !q.unit.is_empty())
        {
            out.push(Problem::warning(
                f,
                at("unit"),
                "only number questions have a unit and bounds",
            ));
        }
    }
}

fn rules(f: &str, item: &Item, out: &mut Vec<Problem>) {
    let mut ids = HashSet::new();
    for (r, rule) in item.eligibility.iter().enumerate() {
        let at = |field: &str| format!("eligibility[{r}].{field}");
        if !ids.insert(rule.id.as_str()) {
            out.push(Problem::error(
                f,
                at("id"),
                format!("the rule id `{}` is used twice", rule.id),
            ));
        }
        if rule.outcome == Verdict::Incomplete {
            out.push(
                Problem::error(f, at("outcome"), "a rule cannot conclude `incomplete`")
                    .hint("use eligible, ineligible or needs_review"),
            );
        }
        if rule.reason.trim().is_empty() {
            out.push(
                Problem::error(
                    f,
                    at("reason"),
                    format!("the rule `{}` gives no reason", rule.id),
                )
                .hint("write the reason as the applicant should read it"),
            );
        }
        match &rule.basis {
            Some(b) if !b.law.trim().is_empty() && !b.article.trim().is_empty() => {}
            _ => out.push(
                Problem::error(
                    f,
                    at("basis"),
                    format!(
                        "the rule `{}` has no legal basis (law and article)",
                        rule.id
                    ),
                )
                .hint("write basis = { law = \"《…》\", article = \"第…条\" }"),
            ),
        }
    }
    if !item.eligibility.is_empty() && item.examples.is_empty() {
        out.push(
            Problem::warning(
                f,
                "eligibility",
                "the rules have no examples, so nothing proves them",
            )
            .hint("add [[examples]]: answers and the verdict they should give"),
        );
    }
}

fn contradictions(f: &str, engine: &Engine, out: &mut Vec<Problem>) {
    let rules = &engine.form.eligibility;
    for c in analysis::contradictions(engine) {
        out.push(
            Problem::error(
                f,
                format!("eligibility[{}].when", c.eligible),
                format!(
                    "the rules `{}` (eligible) and `{}` (ineligible) both hold when {}",
                    rules[c.eligible].id,
                    rules[c.ineligible].id,
                    c.answers.join(", ")
                ),
            )
            .hint("make the eligible rule exclude the ineligible case, e.g. with and not (…)"),
        );
    }
}

fn examples(f: &str, item: &Item, engine: &Engine, out: &mut Vec<Problem>) {
    for (k, example) in item.examples.iter().enumerate() {
        let name = match example.name.as_str() {
            "" => format!("example {}", k + 1),
            n => format!("example「{n}」"),
        };
        let (wrong, _) = analysis::example_mismatches(engine, example);
        for w in wrong {
            out.push(Problem::error(
                f,
                format!("examples[{k}]"),
                format!("{name} {w}"),
            ));
        }
    }
}
