//! Situations (情形): questions whose answers change materials, conditions,
//! limits or fees.

use super::precheck::{Tested, precheck};
use super::{Context, did_you_mean};
use crate::model::*;
use crate::problem::Problem;
use std::collections::{HashMap, HashSet};

pub(super) fn situations(ctx: &Context, f: &str, item: &Item, out: &mut Vec<Problem>) {
    let tested = precheck(f, item, out);
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
        let chooses = matches!(sit.kind, QuestionKind::Choice | QuestionKind::Several);
        if chooses && sit.options.len() < 2 {
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
            if !opt.is_handled() && !is_tested(&tested, s, &opt.id) {
                out.push(
                    Problem::error(f, at.clone(), format!("the answer `{}` changes nothing", opt.label))
                        .hint("list what it changes (add_materials, remove_materials, conditions, promised_limit, fee), test it in a rule or ask_if, or write no_change = true"),
                );
            }
            let refs = Refs {
                f,
                materials: &materials,
                at: &at,
            };
            for id in refs.check(ctx, "add_materials", &opt.add_materials, out) {
                added.insert(id);
            }
            refs.check(ctx, "remove_materials", &opt.remove_materials, out);
        }
        let implied = matches!(sit.kind, QuestionKind::Number | QuestionKind::YesNo)
            && sit.options.is_empty();
        if implied && !is_tested(&tested, s, "*") {
            out.push(
                Problem::error(
                    f,
                    format!("situations[{s}]"),
                    format!("nothing uses the answer to `{}`", sit.id),
                )
                .hint("test it in an eligibility rule or an ask_if, or remove the question"),
            );
        }
    }
    conditional_materials(ctx, f, item, &added, out);
}

/// Does a rule or an ask_if test this option (`*`: the question at all)?
/// When a predicate does not parse, assume so: its error is the problem.
fn is_tested(tested: &Tested, question: usize, option: &str) -> bool {
    tested.as_ref().is_none_or(|t| {
        t.get(&question)
            .is_some_and(|o| o.contains(option) || o.contains("*"))
    })
}

/// The material ids an answer lists, checked against the item's materials.
struct Refs<'a, 'm> {
    f: &'a str,
    materials: &'a HashMap<&'m str, &'m Material>,
    /// The answer's field path, e.g. `situations[0].options[1]`.
    at: &'a str,
}

impl<'m> Refs<'_, 'm> {
    /// Reports unknown ids in `ids` (the answer's `list`) and returns the
    /// known ones, loaded. A material that failed to load is reported once,
    /// where it is: its references are folded under that error.
    fn check<'i>(
        &self,
        ctx: &Context,
        list: &str,
        ids: &'i [String],
        out: &mut Vec<Problem>,
    ) -> Vec<&'i str> {
        let mut found = Vec::new();
        for (k, id) in ids.iter().enumerate() {
            let field = format!("{}.{list}[{k}]", self.at);
            if let Some(p) = ctx.broken.material(self.f, id, &field) {
                out.push(p);
                continue;
            }
            let Some(m) = self.materials.get(id.as_str()) else {
                out.push(
                    Problem::error(self.f, field, format!("unknown material `{id}`")).hint(
                        did_you_mean(id, self.materials.keys().copied(), "materials of this item"),
                    ),
                );
                continue;
            };
            found.push(id.as_str());
            if list == "add_materials" && m.requirement == Requirement::Required {
                out.push(
                    Problem::error(self.f, field, format!("`{id}` is always required, so no answer can add it"))
                        .hint(format!("set requirement = \"conditional\" on material `{id}`, or remove it from add_materials")),
                );
            }
        }
        found
    }
}

/// Every conditional material is added by some answer.
fn conditional_materials(
    ctx: &Context,
    f: &str,
    item: &Item,
    added: &HashSet<&str>,
    out: &mut Vec<Problem>,
) {
    for (i, m) in item.materials.iter().enumerate() {
        if ctx.broken.material_slot(f, i) {
            continue;
        }
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
