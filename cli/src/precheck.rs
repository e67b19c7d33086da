//! `portal precheck`: the item page's pre-check (办前自测) on the command
//! line, with the engine the browser and the server use, for officers
//! trying their rules and for tests.

use anyhow::{Result, bail};
use portal_build::{console, load};
use portal_core::precheck::{Engine, Form, Outcome, analysis::option_ids, answers::format_number};
use portal_core::{Calendar, CalendarYear, Item, QuestionKind};
use serde_json::{Value as Json, json};
use std::path::Path;
use std::process::ExitCode;

pub struct Args<'a> {
    pub content: &'a Path,
    pub code: Option<&'a str>,
    pub answers: &'a [String],
    pub json: bool,
    pub list: bool,
    pub today: chrono::NaiveDate,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let loaded = load::load(args.content);
    let items = loaded.catalog.items.iter().map(|i| &i.value);
    if args.list {
        for item in items.filter(|i| Form::has_precheck(i)) {
            println!("{}", item.code);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(code) = args.code else {
        bail!("name an item code (see `portal precheck --list`)");
    };
    let Some(item) = loaded.catalog.items.iter().find(|i| i.value.code == code) else {
        console::report(&loaded.problems);
        bail!(
            "no item with the code `{code}` in {}",
            args.content.display()
        );
    };
    let mut pairs = Vec::new();
    for a in args.answers {
        let Some((id, value)) = a.split_once('=') else {
            bail!("write each answer as ID=VALUE, e.g. --answer employees=120 (got `{a}`)");
        };
        pairs.push((id.trim().to_string(), value.to_string()));
    }
    let form = Form::of(&item.value);
    let engine = Engine::new(&form).map_err(|broken| {
        let first = &broken[0];
        anyhow::anyhow!(
            "{}: `{}` does not parse: {} (run `portal check`)",
            item.file,
            first.field,
            first.error
        )
    })?;
    let years: Vec<CalendarYear> = loaded
        .catalog
        .calendar
        .iter()
        .map(|c| c.value.clone())
        .collect();
    let outcome = engine.evaluate(&pairs, args.today, &Calendar::new(&years));
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&to_json(&item.value, &outcome))?
        );
    } else {
        print_text(&item.value, &outcome);
    }
    Ok(if outcome.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn kind(k: QuestionKind) -> &'static str {
    match k {
        QuestionKind::Choice => "choice",
        QuestionKind::Several => "several",
        QuestionKind::YesNo => "yes_no",
        QuestionKind::Number => "number",
    }
}

/// The JSON of `--json`: the shape docs/content.md documents.
pub fn to_json(item: &Item, o: &Outcome) -> Json {
    let t = &o.tailored;
    json!({
        "code": item.code,
        "verdict": o.verdict.as_str(),
        "reasons": o.reasons.iter().map(|r| json!({
            "rule": r.rule, "outcome": r.outcome.as_str(), "text": r.text, "basis": r.basis,
            "answers": r.answers.iter().map(|(q, a)| json!({"question": q, "answer": a})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "next_questions": o.next_questions.iter().map(|&i| {
            let q = &item.situations[i];
            json!({
                "id": q.id, "question": q.question, "kind": kind(q.kind),
                "options": if q.kind == QuestionKind::Number { Json::Null } else { json!(option_ids(q)) },
                "unit": q.unit, "min": q.min, "max": q.max,
            })
        }).collect::<Vec<_>>(),
        "materials": t.materials.iter().map(|m| json!({
            "id": m.id, "name": m.name, "originals": m.originals, "copies": m.copies,
            "medium": m.medium, "later": m.later, "because": m.because,
        })).collect::<Vec<_>>(),
        "conditions": t.conditions,
        "limit": t.limit.map(|l| json!({"days": l.days, "unit": l.unit, "label": l.label()})),
        "due_date": t.due_date.map(|d| d.to_string()),
        "fees": { "charged": t.fees.charged, "notes": t.fees.notes,
                  "items": t.fees.items.iter().map(|f| json!({"name": f.name, "amount": f.amount, "unit": f.unit})).collect::<Vec<_>>() },
        "online_url": item.online_url,
        "problems": o.problems.iter().map(|p| &p.message).collect::<Vec<_>>(),
    })
}

fn print_text(item: &Item, o: &Outcome) {
    for p in &o.problems {
        eprintln!("warning: {}", p.message);
    }
    println!("{}（{}）", item.name, item.code);
    println!("结论：{}", o.verdict.label());
    for r in &o.reasons {
        println!("  · {}（依据：{}）", r.text, r.basis);
    }
    if let Some(&next) = o.next_questions.first() {
        let q = &item.situations[next];
        let range = match (q.min, q.max) {
            (Some(a), Some(b)) => {
                format!("，{} 至 {} {}", format_number(a), format_number(b), q.unit)
            }
            _ => String::new(),
        };
        println!("下一个问题：{}（--answer {}=…{range}）", q.question, q.id);
        for opt in option_ids(q) {
            println!("  {opt}");
        }
    }
    println!("需要提交的材料：");
    for m in &o.tailored.materials {
        let later = if m.later { "（可容缺后补）" } else { "" };
        println!(
            "  ☐ {}：原件 {} 份，复印件 {} 份{later}",
            m.name, m.originals, m.copies
        );
    }
    match (o.tailored.limit, o.tailored.due_date) {
        (Some(l), Some(d)) => println!("办理时限：{}，今天受理的 {d} 前办结", l.label()),
        (Some(l), None) => println!("办理时限：{}", l.label()),
        (None, _) => println!("办理时限：即办"),
    }
}
