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
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
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
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day += Duration::days(1);
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }
}
