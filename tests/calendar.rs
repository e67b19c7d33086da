//! Working-day arithmetic against the real 2025 and 2026 State Council
//! holiday schedules shipped in `content/calendar/`, including 调休.

use chrono::NaiveDate;
use portal_core::{Calendar, CalendarYear};

fn calendar() -> Calendar {
    let years: Vec<CalendarYear> = ["2025", "2026"]
        .iter()
        .map(|y| {
            let path = portal_tests::demo_content().join(format!("calendar/{y}.toml"));
            toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
        })
        .collect();
    Calendar::new(&years)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn make_up_working_days_count() {
    let cal = calendar();
    // Sunday 2025-01-26 and Saturday 2025-02-08 were working days (春节调休).
    assert!(cal.is_working_day(d("2025-01-26")));
    assert!(cal.is_working_day(d("2025-02-08")));
    assert!(cal.is_working_day(d("2026-02-14")));
    assert!(cal.is_working_day(d("2026-10-10")));
    // An ordinary weekend is not.
    assert!(!cal.is_working_day(d("2025-03-08")));
}

#[test]
fn holidays_do_not_count() {
    let cal = calendar();
    for day in [
        "2025-01-01",
        "2025-01-28",
        "2025-02-03",
        "2025-05-05",
        "2025-10-08",
        "2026-01-02",
        "2026-02-23",
        "2026-06-19",
        "2026-10-07",
    ] {
        assert!(!cal.is_working_day(d(day)), "{day} is a holiday");
    }
}

#[test]
fn adding_working_days_across_spring_festival_2025() {
    let cal = calendar();
    // Accepted Friday 2025-01-24: Sunday 26th is a make-up day, then Monday 27th,
    // then the holiday runs to 4 February.
    assert_eq!(cal.add_working_days(d("2025-01-24"), 1), d("2025-01-26"));
    assert_eq!(cal.add_working_days(d("2025-01-24"), 2), d("2025-01-27"));
    assert_eq!(cal.add_working_days(d("2025-01-24"), 3), d("2025-02-05"));
    assert_eq!(cal.add_working_days(d("2025-01-24"), 5), d("2025-02-07"));
    assert_eq!(cal.add_working_days(d("2025-01-24"), 6), d("2025-02-08"));
}

#[test]
fn adding_working_days_across_national_day_2025() {
    let cal = calendar();
    assert_eq!(cal.add_working_days(d("2025-09-26"), 1), d("2025-09-28"));
    assert_eq!(cal.add_working_days(d("2025-09-30"), 1), d("2025-10-09"));
    assert_eq!(cal.add_working_days(d("2025-09-30"), 3), d("2025-10-11"));
    assert_eq!(cal.add_working_days(d("2025-09-30"), 4), d("2025-10-13"));
}

#[test]
fn twenty_working_days_over_spring_festival_2026() {
    let cal = calendar();
    // Accepted Mon 2026-02-02: 9 working days to Fri 13th, Sat 14th is a
    // make-up day, holiday 15–23, and Sat 28th is a make-up day again.
    assert_eq!(cal.add_working_days(d("2026-02-02"), 9), d("2026-02-13"));
    assert_eq!(cal.add_working_days(d("2026-02-02"), 10), d("2026-02-14"));
    assert_eq!(cal.add_working_days(d("2026-02-02"), 11), d("2026-02-24"));
    assert_eq!(cal.add_working_days(d("2026-02-02"), 15), d("2026-02-28"));
    assert_eq!(cal.add_working_days(d("2026-02-02"), 20), d("2026-03-06"));
}

#[test]
fn ordinary_weeks_and_counting_between() {
    let cal = calendar();
    assert_eq!(cal.add_working_days(d("2025-03-07"), 5), d("2025-03-14"));
    assert_eq!(cal.add_working_days(d("2025-03-07"), 0), d("2025-03-07"));
    assert_eq!(
        cal.working_days_between(d("2025-09-30"), d("2025-10-13")),
        4
    );
    assert_eq!(
        cal.working_days_between(d("2025-10-13"), d("2025-09-30")),
        0
    );
}

#[test]
fn years_without_a_schedule_fall_back_to_weekdays() {
    let cal = calendar();
    assert!(cal.covers(2026));
    assert!(!cal.covers(2027));
    assert_eq!(cal.add_working_days(d("2026-12-31"), 1), d("2027-01-01"));
    assert_eq!(cal.add_working_days(d("2027-01-01"), 1), d("2027-01-04"));
}
