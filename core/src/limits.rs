//! The one home of the time-limit rules, for `portal check` (item files)
//! and the case API (cases the approval system sends): a limit is at most
//! [`MAX_LIMIT_DAYS`] long, and the promised limit (承诺时限) is never
//! longer than the statutory limit (法定时限). Callers word the findings.

use crate::calendar::Calendar;
use crate::case;
use crate::model::{DayUnit, Limit};
use chrono::NaiveDate;

/// Ten years: no real time limit is longer, and dates stay in range (a
/// runaway limit would make every deadline computation crawl).
pub const MAX_LIMIT_DAYS: u32 = 3650;

/// Which rule a limit breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitRule {
    /// More than [`MAX_LIMIT_DAYS`] days.
    TooLong,
    /// The promised limit is longer than the statutory one.
    PromiseLongerThanLaw,
}

/// A broken rule, on the field (`statutory_limit`, `promised_limit`) to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitProblem {
    pub field: &'static str,
    pub rule: LimitRule,
    /// The limit at fault (the promised one for [`LimitRule::PromiseLongerThanLaw`]).
    pub limit: Limit,
    /// The same in English, for callers without wording of their own.
    pub message: String,
}

/// Both rules for a pair of limits; the first problem found.
pub fn check(statutory: Limit, promised: Limit) -> Result<(), LimitProblem> {
    cap("statutory_limit", statutory)?;
    cap("promised_limit", promised)?;
    if !longer(promised, statutory) {
        return Ok(());
    }
    Err(LimitProblem {
        field: "promised_limit",
        rule: LimitRule::PromiseLongerThanLaw,
        limit: promised,
        message: format!(
            "the promised limit ({}) is longer than the statutory limit ({})",
            promised.label(),
            statutory.label()
        ),
    })
}

/// The cap: at most [`MAX_LIMIT_DAYS`] days.
pub fn plausible(limit: Limit) -> bool {
    limit.days <= MAX_LIMIT_DAYS
}

fn cap(field: &'static str, limit: Limit) -> Result<(), LimitProblem> {
    if plausible(limit) {
        return Ok(());
    }
    Err(LimitProblem {
        field,
        rule: LimitRule::TooLong,
        limit,
        message: format!(
            "{} days is not a plausible time limit (at most {MAX_LIMIT_DAYS})",
            limit.days
        ),
    })
}

/// The promise rule: may `promised` stand beside `statutory`?
pub fn within_law(promised: Limit, statutory: Limit) -> bool {
    !longer(promised, statutory)
}

/// Is `a` longer than `b`?
///
/// Counted in the same unit, both run from the same day of acceptance the
/// same way, so more days is longer on every calendar: compare days.
/// In different units no answer holds for every start day (holidays and
/// 调休 stretch or shrink a run of working days), so compare typical
/// lengths — five working days make a week — exactly, in fifths of a day
/// (working ×7, calendar ×5). The older `approx_calendar_days` rounded
/// working days down, which let a promise exceed the law by a fraction.
pub fn longer(a: Limit, b: Limit) -> bool {
    if a.unit == b.unit {
        return a.days > b.days;
    }
    fifths(a) > fifths(b)
}

fn fifths(l: Limit) -> u64 {
    let per_day = match l.unit {
        DayUnit::Working => 7,
        DayUnit::Calendar => 5,
    };
    u64::from(l.days) * per_day
}

/// The day `limit` ends if the application is accepted on `accepted` and
/// the clock never stops: [`case::due_date`] without pauses.
pub fn due_if_accepted(cal: &Calendar, accepted: NaiveDate, limit: Limit) -> NaiveDate {
    case::due_date(cal, accepted, limit, &[], accepted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn working(days: u32) -> Limit {
        Limit {
            days,
            unit: DayUnit::Working,
        }
    }

    fn calendar(days: u32) -> Limit {
        Limit {
            days,
            unit: DayUnit::Calendar,
        }
    }

    #[test]
    fn cap_is_inclusive() {
        assert!(plausible(working(MAX_LIMIT_DAYS)));
        assert!(!plausible(calendar(MAX_LIMIT_DAYS + 1)));
        let p = check(working(20), working(MAX_LIMIT_DAYS + 1)).unwrap_err();
        assert_eq!((p.field, p.rule), ("promised_limit", LimitRule::TooLong));
        assert_eq!(p.limit.days, MAX_LIMIT_DAYS + 1);
    }

    #[test]
    fn same_unit_compares_days() {
        assert!(!longer(working(20), working(20)));
        assert!(within_law(working(20), working(20)));
        assert!(longer(working(21), working(20)));
        assert!(longer(calendar(90), calendar(60)));
        // No overflow near u32::MAX.
        assert!(longer(working(u32::MAX), working(u32::MAX - 1)));
    }

    #[test]
    fn mixed_units_compare_weeks_exactly() {
        // 20 working days are four weeks.
        assert!(!longer(calendar(28), working(20)));
        assert!(longer(calendar(29), working(20)));
        assert!(!longer(working(20), calendar(28)));
        // 3 working days are 4.2 calendar days: longer than 4.
        assert!(longer(working(3), calendar(4)));
        assert!(!longer(working(3), calendar(5)));
    }

    #[test]
    fn check_reports_the_first_problem() {
        assert!(check(working(20), working(5)).is_ok());
        let p = check(working(4000), working(5)).unwrap_err();
        assert_eq!(p.field, "statutory_limit");
        let p = check(working(20), calendar(4000)).unwrap_err();
        assert_eq!((p.field, p.rule), ("promised_limit", LimitRule::TooLong));
        let p = check(calendar(30), calendar(60)).unwrap_err();
        assert_eq!(p.rule, LimitRule::PromiseLongerThanLaw);
        assert!(p.message.contains("longer than the statutory limit"));
    }

    #[test]
    fn due_if_accepted_counts_like_cases() {
        let cal = Calendar::new(&[]);
        let mon: NaiveDate = "2025-03-03".parse().unwrap();
        // Five working days from a Monday end the next Monday.
        assert_eq!(
            due_if_accepted(&cal, mon, working(5)).to_string(),
            "2025-03-10"
        );
        // Five calendar days end on Saturday, so on the next working day.
        assert_eq!(
            due_if_accepted(&cal, mon, calendar(5)).to_string(),
            "2025-03-10"
        );
    }
}
