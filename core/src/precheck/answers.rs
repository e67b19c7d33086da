//! Answers as they arrive: query-string pairs keyed by question id, read
//! against the questions, with a plain message for each one that is wrong.

use crate::model::{QuestionKind, Situation};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One question's answer, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Choice(String),
    Several(BTreeSet<String>),
    Yes(bool),
    Number(f64),
}

/// An answer that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerProblem {
    /// The question id (or parameter name) it was given for.
    pub question: String,
    pub message: String,
}

/// More parameters than any questionnaire has are a mistake or an attack;
/// the rest are not read.
pub const MAX_PAIRS: usize = 200;
const MAX_VALUE_CHARS: usize = 100;
/// Parameters the page itself uses, not answers.
pub const RESERVED: [&str; 1] = ["edit"];

/// Reads `pairs` against `questions`: the answers that can be used, and a
/// problem for each one that cannot (unknown question or option, a number
/// that is not one or is out of range, too many parameters).
pub fn read(
    questions: &[Situation],
    pairs: &[(String, String)],
) -> (BTreeMap<String, Value>, Vec<AnswerProblem>) {
    let mut problems = Vec::new();
    if pairs.len() > MAX_PAIRS {
        problems.push(AnswerProblem {
            question: String::new(),
            message: format!(
                "收到 {} 个参数，超过上限 {MAX_PAIRS} 个，只读取了前 {MAX_PAIRS} 个。",
                pairs.len()
            ),
        });
    }
    let mut answers = BTreeMap::new();
    for (key, raw) in pairs.iter().take(MAX_PAIRS) {
        if RESERVED.contains(&key.as_str()) {
            continue;
        }
        let Some(q) = questions.iter().find(|q| q.id == *key) else {
            problems.push(AnswerProblem {
                question: shorten(key),
                message: format!("没有名为「{}」的问题，已忽略。", shorten(key)),
            });
            continue;
        };
        let raw = raw.trim();
        if raw.is_empty() {
            // A form's checkboxes send nothing when none is ticked, so a
            // several-choice question carries an empty marker: "none".
            if q.kind == QuestionKind::Several {
                answers
                    .entry(key.clone())
                    .or_insert_with(|| Value::Several(BTreeSet::new()));
            }
            continue;
        }
        match value(q, raw) {
            Ok(Value::Several(new)) => {
                if let Some(Value::Several(old)) = answers.get_mut(key) {
                    old.extend(new);
                } else {
                    answers.insert(key.clone(), Value::Several(new));
                }
            }
            Ok(v) => {
                answers.insert(key.clone(), v);
            }
            Err(message) => problems.push(AnswerProblem {
                question: key.clone(),
                message: format!("「{}」：{message}", q.question),
            }),
        }
    }
    (answers, problems)
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

fn value(q: &Situation, raw: &str) -> Result<Value, String> {
    if raw.chars().count() > MAX_VALUE_CHARS {
        return Err("回答过长，已忽略。".into());
    }
    match q.kind {
        QuestionKind::Choice => option(q, raw).map(Value::Choice),
        QuestionKind::Several => raw
            .split([',', '，'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| option(q, s))
            .collect::<Result<_, _>>()
            .map(Value::Several),
        QuestionKind::YesNo => yes_no(raw).map(Value::Yes),
        QuestionKind::Number => number(q, raw).map(Value::Number),
    }
}

fn option(q: &Situation, raw: &str) -> Result<String, String> {
    q.options
        .iter()
        .find(|o| o.id == raw)
        .map(|o| o.id.clone())
        .ok_or_else(|| format!("没有「{}」这个选项，请重新选择。", shorten(raw)))
}

fn yes_no(raw: &str) -> Result<bool, String> {
    match raw.to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" | "是" | "y" => Ok(true),
        "no" | "false" | "0" | "否" | "n" => Ok(false),
        _ => Err(format!(
            "请回答「是」或「否」，收到的是「{}」。",
            shorten(raw)
        )),
    }
}

/// A number as people type it: full-width digits, thousands separators.
fn number(q: &Situation, raw: &str) -> Result<f64, String> {
    let ascii: String = raw
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '_'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' => '-',
            c => c,
        })
        .collect();
    let n: f64 = ascii
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite())
        .ok_or_else(|| format!("「{}」不是数字，请填写阿拉伯数字。", shorten(raw)))?;
    let (min, max) = (q.min.unwrap_or(f64::MIN), q.max.unwrap_or(f64::MAX));
    if n < min || n > max {
        return Err(format!(
            "{} 超出可填范围（{} 至 {} {}）。",
            format_number(n),
            format_number(min),
            format_number(max),
            q.unit
        ));
    }
    Ok(n)
}

/// 120, not 120.0; 0.5 as is.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The query-string form of `answers`, in question order: what a link to
/// these answers carries.
pub fn to_pairs(
    questions: &[Situation],
    answers: &BTreeMap<String, Value>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for q in questions {
        match answers.get(&q.id) {
            Some(Value::Choice(o)) => out.push((q.id.clone(), o.clone())),
            Some(Value::Several(set)) if set.is_empty() => out.push((q.id.clone(), String::new())),
            Some(Value::Several(set)) => {
                // Option order, not alphabetical: links read like the form.
                for o in q.options.iter().filter(|o| set.contains(&o.id)) {
                    out.push((q.id.clone(), o.id.clone()));
                }
            }
            Some(Value::Yes(b)) => out.push((q.id.clone(), if *b { "yes" } else { "no" }.into())),
            Some(Value::Number(n)) => out.push((q.id.clone(), format_number(*n))),
            None => {}
        }
    }
    out
}
