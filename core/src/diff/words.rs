//! The phrases of a diff, as an officer would write them.

use crate::model::{DayUnit, Fee, Limit};

/// 「name」.
pub fn quoted(name: &str) -> String {
    format!("「{name}」")
}

pub fn join_labels<'a>(labels: impl Iterator<Item = &'a str>) -> String {
    labels.collect::<Vec<_>>().join("、")
}

/// "承诺时限 20 → 10 个自然日" when the unit stays; each side in full
/// when it changes; "无" for no limit.
pub fn limit_change(what: &str, old: Option<Limit>, new: Option<Limit>) -> String {
    match (old, new) {
        (Some(a), Some(b)) if a.unit == b.unit => {
            let unit = match b.unit {
                DayUnit::Working => "个工作日",
                DayUnit::Calendar => "个自然日",
            };
            format!("{what} {} → {} {unit}", a.days, b.days)
        }
        (Some(a), Some(b)) => format!("{what} {} → {}", a.label(), b.label()),
        (None, Some(b)) => format!("{what}定为 {}", b.label()),
        (Some(a), None) => format!("{what} {} → 无", a.label()),
        (None, None) => String::new(),
    }
}

/// "咨询电话 a → b", or set / cleared.
pub fn text_change(what: &str, old: &str, new: &str) -> String {
    match (old.is_empty(), new.is_empty()) {
        (true, _) => format!("{what}定为 {new}"),
        (_, true) => format!("删除{what}"),
        _ => format!("{what} {old} → {new}"),
    }
}

/// "20 元/每证".
pub fn fee(f: &Fee) -> String {
    let amount = amount(f.amount);
    if f.unit.is_empty() {
        format!("{amount} 元")
    } else {
        format!("{amount} 元/{}", f.unit)
    }
}

/// Whole yuan without decimals, otherwise as written.
pub fn amount(a: f64) -> String {
    if a.fract() == 0.0 && a.abs() < 1e15 {
        format!("{}", a as i64)
    } else {
        format!("{a}")
    }
}
