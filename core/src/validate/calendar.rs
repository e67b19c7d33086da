//! `calendar/YEAR.toml`: holidays and make-up working days (调休).

use crate::model::*;
use crate::problem::Problem;
use chrono::Datelike;
use std::collections::HashMap;

pub(super) fn calendar(catalog: &Catalog, out: &mut Vec<Problem>) {
    let mut years = HashMap::new();
    for cal in &catalog.calendar {
        let (f, year) = (cal.file.as_str(), &cal.value);
        if let Some(first) = years.insert(year.year, f) {
            out.push(Problem::error(
                f,
                "year",
                format!("the year {} is already defined in {first}", year.year),
            ));
        }
        let stem = f.rsplit('/').next().unwrap_or(f).trim_end_matches(".toml");
        if stem != year.year.to_string() {
            out.push(
                Problem::error(
                    f,
                    "year",
                    format!("the file says year {} but is named {stem}", year.year),
                )
                .hint(format!(
                    "rename the file to {}.toml or fix the year",
                    year.year
                )),
            );
        }
        for (i, h) in year.holidays.iter().enumerate() {
            if h.from > h.to {
                out.push(Problem::error(
                    f,
                    format!("holidays[{i}].to"),
                    format!(
                        "the holiday `{}` ends ({}) before it starts ({})",
                        h.name, h.to, h.from
                    ),
                ));
            }
            if h.from.year() != year.year {
                out.push(Problem::error(
                    f,
                    format!("holidays[{i}].from"),
                    format!("{} is not in {}", h.from, year.year),
                ));
            }
        }
        for (i, w) in year.workdays.iter().enumerate() {
            if !matches!(
                w.date.weekday(),
                chrono::Weekday::Sat | chrono::Weekday::Sun
            ) {
                out.push(
                    Problem::warning(
                        f,
                        format!("workdays[{i}].date"),
                        format!(
                            "{} is a {:?}, already a working day",
                            w.date,
                            w.date.weekday()
                        ),
                    )
                    .hint("make-up working days (调休) are Saturdays or Sundays"),
                );
            }
            if year
                .holidays
                .iter()
                .any(|h| h.from <= w.date && w.date <= h.to)
            {
                out.push(Problem::error(
                    f,
                    format!("workdays[{i}].date"),
                    format!("{} is both a holiday and a make-up working day", w.date),
                ));
            }
        }
    }
}
