//! Situations (情形): questions whose answers change materials, conditions,
//! limits or fees.

use super::did_you_mean;
use crate::model::*;
use crate::problem::Problem;
use std::collections::{HashMap, HashSet};

pub(super) fn situations(f: &str, item: &Item, out: &mut Vec<Problem>) {
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
