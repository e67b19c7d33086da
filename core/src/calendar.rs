//! Working days (工作日): weekends and public holidays do not count, official
//! make-up working days (调休) do. Years without a published schedule fall
//! back to plain Monday–Friday.

use crate::model::CalendarYear;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::collections::{BTreeSet, HashSet};

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    holidays: HashSet<NaiveDate>,
    workdays: HashSet<NaiveDate>,
    years: BTreeSet<i32>,
    /// Holidays that fall on Monday to Friday (and are not make-up days):
    /// the weekdays that do not count.
    weekdays_off: BTreeSet<NaiveDate>,
    /// Make-up working days on a Saturday or Sunday: the weekend days that do.
    weekends_on: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn new(years: &[CalendarYear]) -> Calendar {
        let mut cal = Calendar::default();
        for year in years {
            cal.years.insert(year.year);
            for h in &year.holidays {
                let mut day = h.from;
                while day <= h.to {
                    cal.holidays.insert(day);
                    day += Duration::days(1);
                }
            }
            cal.workdays.extend(year.workdays.iter().map(|w| w.date));
        }
        cal.weekdays_off = (cal.holidays.iter())
            .filter(|d| !is_weekend(**d) && !cal.workdays.contains(d))
            .copied()
            .collect();
        cal.weekends_on = cal
            .workdays
            .iter()
            .filter(|d| is_weekend(**d))
            .copied()
            .collect();
        cal
    }

    /// Whether the calendar knows the official schedule of `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        if self.holidays.contains(&day) {
            return false;
        }
        !is_weekend(day)
    }

    /// The day a limit of `n` working days ends when counting starts the day
    /// after `start` (the day of acceptance does not count).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day += Duration::days(1);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The first working day on or after `day`: a period counted in calendar
    /// days that ends on a holiday ends on the next working day instead.
    pub fn on_or_next_working_day(&self, mut day: NaiveDate) -> NaiveDate {
        while !self.is_working_day(day) {
            day += Duration::days(1);
        }
        day
    }

    /// Working days after `from` up to and including `to` (0 if `to <= from`).
    /// Counted by arithmetic on weeks plus the calendar's exceptions in the
    /// range, not day by day: a span of centuries (a hostile or mistyped
    /// date) costs no more than a span of a week.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        if to <= from {
            return 0;
        }
        let (first, last) = (from + Duration::days(1), to);
        let weekdays = weekdays_through(last) - weekdays_through(first - Duration::days(1));
        let off = self.weekdays_off.range(first..=last).count() as i64;
        let on = self.weekends_on.range(first..=last).count() as i64;
        u32::try_from(weekdays - off + on).unwrap_or(u32::MAX)
    }
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Monday-to-Friday days from a fixed Monday up to and including `day`
/// (negative before it); differences of two give the weekdays between.
fn weekdays_through(day: NaiveDate) -> i64 {
    // 0001-01-01 was a Monday (proleptic Gregorian).
    let days = i64::from(day.num_days_from_ce()); // 1 for 0001-01-01
    let (weeks, rest) = (days.div_euclid(7), days.rem_euclid(7));
    weeks * 5 + rest.min(5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Holiday, Workday};
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// 2025's Spring Festival and National Day, with their make-up days.
    fn calendar() -> Calendar {
        Calendar::new(&[CalendarYear {
            year: 2025,
            holidays: vec![
                Holiday {
                    name: "春节".into(),
                    from: d(2025, 1, 28),
                    to: d(2025, 2, 4),
                },
                Holiday {
                    name: "国庆节".into(),
                    from: d(2025, 10, 1),
                    to: d(2025, 10, 8),
                },
            ],
            workdays: vec![
                Workday {
                    date: d(2025, 1, 26),
                    name: String::new(),
                },
                Workday {
                    date: d(2025, 2, 8),
                    name: String::new(),
                },
                Workday {
                    date: d(2025, 9, 28),
                    name: String::new(),
                },
            ],
        }])
    }

    /// The rule itself, one day at a time.
    fn counted_day_by_day(cal: &Calendar, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut day = from;
        let mut n = 0;
        while day < to {
            day += Duration::days(1);
            n += u32::from(cal.is_working_day(day));
        }
        n
    }

    #[test]
    fn counts_weeks_holidays_and_make_up_days() {
        let cal = calendar();
        // After Mon 2025-01-20 up to Mon 2025-02-10: 15 weekdays, less the
        // 6 festival weekdays (28–31 Jan, 3–4 Feb), plus the Sunday and the
        // Saturday worked (26 Jan, 8 Feb).
        assert_eq!(cal.working_days_between(d(2025, 1, 20), d(2025, 2, 10)), 11);
        assert_eq!(cal.working_days_between(d(2025, 3, 7), d(2025, 3, 10)), 1);
        assert_eq!(cal.working_days_between(d(2025, 3, 10), d(2025, 3, 7)), 0);
        // Centuries cost nothing and stay exact.
        let (a, b) = (d(2000, 1, 1), d(9999, 12, 30));
        assert_eq!(
            cal.working_days_between(a, b),
            counted_day_by_day(&cal, a, b)
        );
    }

    proptest! {
        #[test]
        fn arithmetic_count_equals_the_day_by_day_rule(start in 0i64..1200, len in 0i64..800) {
            let cal = calendar();
            let from = d(2024, 1, 1) + Duration::days(start);
            let to = from + Duration::days(len);
            prop_assert_eq!(cal.working_days_between(from, to), counted_day_by_day(&cal, from, to));
        }
    }
}
