//! What an applicant is told about a case: the timeline in words, the
//! deadlines counted in working days with the stopped-clock days added, the
//! supervision flag, how the result is delivered and a masked tracking
//! number. The server builds [`CaseRecord`]s from its rows; everything a
//! reader sees is decided here, once.

use super::lifecycle::{CaseState, EventKind};
use crate::calendar::Calendar;
use crate::model::{DayUnit, Delivery, Limit};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// A stretch of days when the clock was stopped, `to` exclusive; `None`
/// while it is still stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// Electronic supervision's warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    None,
    /// Near the promised deadline.
    Yellow,
    /// Past the promised deadline.
    Red,
}

impl Flag {
    pub fn label(self) -> &'static str {
        match self {
            Flag::None => "",
            Flag::Yellow => "临近承诺期限（黄牌预警）",
            Flag::Red => "已超过承诺期限（红牌警示）",
        }
    }
}

/// One stored event of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEvent {
    pub kind: EventKind,
    pub at: NaiveDate,
    pub note: String,
}

/// A stored case as the rules read it (the server maps its rows to this).
/// No applicant data.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRecord {
    pub case_number: String,
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub department_name: String,
    pub received: NaiveDate,
    pub accepted: Option<NaiveDate>,
    /// Approved, denied or refused on this day.
    pub decided: Option<NaiveDate>,
    pub state: CaseState,
    pub statutory_limit: Limit,
    pub promised_limit: Limit,
    pub delivery_method: String,
    /// As stored; only [`mask_tracking_number`] of it is ever shown.
    pub tracking_number: Option<String>,
    /// In the order they happened.
    pub events: Vec<CaseEvent>,
}

/// What an applicant sees for a case: the lookup API's answer, rendered by
/// the server's page without JavaScript and by the browser app with it.
/// Labels travel with the codes so both show the same words. Never a name,
/// ID number, phone or address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseStatus {
    pub case_number: String,
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub department_name: String,
    pub received: NaiveDate,
    pub accepted: Option<NaiveDate>,
    pub state: CaseState,
    pub state_label: String,
    pub timeline: Vec<TimelineEntry>,
    pub statutory_limit: Limit,
    pub statutory_limit_label: String,
    pub promised_limit: Limit,
    pub promised_limit_label: String,
    /// Due dates exist once the case is accepted.
    pub statutory_due: Option<NaiveDate>,
    pub promised_due: Option<NaiveDate>,
    /// Days the clock stood still (补正, special procedures), counted as the
    /// promised limit counts.
    pub days_stopped: u32,
    /// `days_stopped` in the promised limit's unit: "2 个工作日".
    pub days_stopped_label: String,
    pub clock_stopped_now: bool,
    pub flag: Flag,
    pub flag_label: String,
    pub delivery_method: String,
    pub delivery_label: String,
    /// Only the last four characters: enough to recognise the parcel.
    pub tracking_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub date: NaiveDate,
    pub event: EventKind,
    pub label: String,
    pub note: String,
}

/// The deadline figures of one case, for its status and the statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadlines {
    pub state: CaseState,
    pub accepted: Option<NaiveDate>,
    pub decided: Option<NaiveDate>,
    pub statutory_due: Option<NaiveDate>,
    pub promised_due: Option<NaiveDate>,
    pub days_stopped: u32,
    pub clock_stopped_now: bool,
    pub flag: Flag,
}

/// Working days before the deadline that turn the flag yellow.
pub const YELLOW_WORKING_DAYS: u32 = 2;

/// Stretches when the clock stood still, from the events in order.
pub fn pauses(events: &[CaseEvent]) -> Vec<Pause> {
    let mut out: Vec<Pause> = Vec::new();
    for e in events {
        if e.kind.stops_the_clock() {
            // A second stop while stopped extends nothing: the first still runs.
            if out.last().is_none_or(|p| p.to.is_some()) {
                out.push(Pause {
                    from: e.at,
                    to: None,
                });
            }
        } else if e.kind == EventKind::Resume
            && let Some(p) = out.last_mut().filter(|p| p.to.is_none())
        {
            p.to = Some(e.at);
        }
    }
    out
}

/// Days the clock stood still up to `today` (for a pause still running),
/// counted in `unit`: working days or calendar days.
pub fn stopped_days(cal: &Calendar, pauses: &[Pause], unit: DayUnit, today: NaiveDate) -> u32 {
    pauses
        .iter()
        .map(|p| {
            let end = p.to.unwrap_or(today).max(p.from);
            match unit {
                DayUnit::Working => cal.working_days_between(p.from, end),
                DayUnit::Calendar => (end - p.from).num_days() as u32,
            }
        })
        .sum()
}

/// The deadline of `limit` counted from `accepted`, extended by the days the
/// clock was stopped. Stopped days count as the limit counts: working days
/// for working-day limits, calendar days otherwise.
pub fn due_date(
    cal: &Calendar,
    accepted: NaiveDate,
    limit: Limit,
    pauses: &[Pause],
    today: NaiveDate,
) -> NaiveDate {
    let total = limit.days + stopped_days(cal, pauses, limit.unit, today);
    match limit.unit {
        DayUnit::Working => cal.add_working_days(accepted, total),
        DayUnit::Calendar => cal.on_or_next_working_day(accepted + Duration::days(total as i64)),
    }
}

/// The flag for a case due on `due`, as of `today` (or of the day it was
/// decided: a case finished on time stays green).
pub fn flag(
    cal: &Calendar,
    due: NaiveDate,
    today: NaiveDate,
    decided_on: Option<NaiveDate>,
) -> Flag {
    let day = decided_on.unwrap_or(today);
    if day > due {
        Flag::Red
    } else if decided_on.is_none() && cal.working_days_between(day, due) <= YELLOW_WORKING_DAYS {
        Flag::Yellow
    } else {
        Flag::None
    }
}

/// The deadlines and the flag of `case` as of `today`.
pub fn deadlines(cal: &Calendar, case: &CaseRecord, today: NaiveDate) -> Deadlines {
    let state = case.state;
    let pauses = pauses(&case.events);
    // Pauses stop counting once the case is decided.
    let clock_day = case.decided.unwrap_or(today);
    let due = |limit: Limit| {
        case.accepted
            .map(|a| due_date(cal, a, limit, &pauses, clock_day))
    };
    let statutory_due = due(case.statutory_limit);
    let promised_due = due(case.promised_limit);
    let flag = match promised_due {
        Some(due) if state != CaseState::Refused => flag(cal, due, today, case.decided),
        _ => Flag::None,
    };
    // While the clock is stopped the deadline moves with each day, so a
    // yellow warning would only alarm; a case already late stays red.
    let flag = if state == CaseState::Paused && flag == Flag::Yellow {
        Flag::None
    } else {
        flag
    };
    Deadlines {
        state,
        accepted: case.accepted,
        decided: case.decided,
        statutory_due,
        promised_due,
        days_stopped: stopped_days(cal, &pauses, case.promised_limit.unit, clock_day),
        clock_stopped_now: state == CaseState::Paused,
        flag,
    }
}

/// What the applicant sees of `case` as of `today`.
pub fn case_status(cal: &Calendar, case: CaseRecord, today: NaiveDate) -> CaseStatus {
    let d = deadlines(cal, &case, today);
    let timeline = case
        .events
        .into_iter()
        .map(|e| TimelineEntry {
            date: e.at,
            event: e.kind,
            label: e.kind.label().into(),
            note: e.note,
        })
        .collect();
    CaseStatus {
        case_number: case.case_number,
        item_code: case.item_code,
        item_name: case.item_name,
        department: case.department,
        department_name: case.department_name,
        received: case.received,
        accepted: d.accepted,
        state: d.state,
        state_label: d.state.label().into(),
        timeline,
        statutory_limit: case.statutory_limit,
        statutory_limit_label: case.statutory_limit.label(),
        promised_limit: case.promised_limit,
        promised_limit_label: case.promised_limit.label(),
        statutory_due: d.statutory_due,
        promised_due: d.promised_due,
        days_stopped: d.days_stopped,
        days_stopped_label: Limit {
            days: d.days_stopped,
            unit: case.promised_limit.unit,
        }
        .label(),
        clock_stopped_now: d.clock_stopped_now,
        flag: d.flag,
        flag_label: d.flag.label().into(),
        delivery_label: delivery_label(&case.delivery_method),
        delivery_method: case.delivery_method,
        tracking_number: case.tracking_number.as_deref().map(mask_tracking_number),
    }
}

/// How long an applicant who tried too often is told to wait: whole
/// minutes, rounded up, at least one.
pub fn retry_minutes(seconds: u64) -> u64 {
    seconds.div_ceil(60).max(1)
}

/// 窗口领取, 快递送达…: the catalog's words for a delivery method (its codes
/// and aliases, and the approval systems' `express`); a method the catalog
/// does not know shows as stored.
pub fn delivery_label(method: &str) -> String {
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, StrDeserializer};
    if method == "express" {
        return Delivery::Post.label().to_owned();
    }
    let de: StrDeserializer<'_, Error> = method.into_deserializer();
    Delivery::deserialize(de).map_or_else(|_| method.to_owned(), |d| d.label().to_owned())
}

/// The last four characters behind a fixed `****`, whatever the length:
/// `SF1234567890` → `****7890`, so the mask does not tell the number's
/// length either. Four characters or fewer show as they are.
pub fn mask_tracking_number(tracking: &str) -> String {
    let chars: Vec<char> = tracking.chars().collect();
    if chars.len() <= 4 {
        return tracking.to_owned();
    }
    "****".to_owned() + &chars[chars.len() - 4..].iter().collect::<String>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseState as S;
    use EventKind as E;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ev(kind: EventKind, at: &str) -> CaseEvent {
        CaseEvent {
            kind,
            at: d(at),
            note: String::new(),
        }
    }

    const FIVE_WORKING: Limit = Limit {
        days: 5,
        unit: DayUnit::Working,
    };

    /// Accepted Mon 2025-03-03, promised 5 working days, statutory 20.
    fn record(state: CaseState, events: Vec<CaseEvent>) -> CaseRecord {
        CaseRecord {
            case_number: "2025000000000001X".into(),
            item_code: "ga-001".into(),
            item_name: "居民身份证换领".into(),
            department: "dept-a".into(),
            department_name: "区公安分局".into(),
            received: d("2025-03-03"),
            accepted: Some(d("2025-03-03")),
            decided: None,
            state,
            statutory_limit: Limit {
                days: 20,
                unit: DayUnit::Working,
            },
            promised_limit: FIVE_WORKING,
            delivery_method: "express".into(),
            tracking_number: None,
            events,
        }
    }

    #[test]
    fn pauses_pair_up() {
        let p = pauses(&[
            ev(E::Accept, "2025-03-03"),
            ev(E::RequestCorrection, "2025-03-05"),
            ev(E::Resume, "2025-03-10"),
            ev(E::StartSpecialProcedure, "2025-03-11"),
        ]);
        assert_eq!(
            p,
            [
                Pause {
                    from: d("2025-03-05"),
                    to: Some(d("2025-03-10"))
                },
                Pause {
                    from: d("2025-03-11"),
                    to: None
                }
            ]
        );
    }

    #[test]
    fn a_second_stop_while_stopped_extends_nothing() {
        let p = pauses(&[
            ev(E::RequestCorrection, "2025-03-05"),
            ev(E::StartSpecialProcedure, "2025-03-06"),
            ev(E::Resume, "2025-03-10"),
            // A resume without a pause changes nothing.
            ev(E::Resume, "2025-03-11"),
        ]);
        assert_eq!(
            p,
            [Pause {
                from: d("2025-03-05"),
                to: Some(d("2025-03-10"))
            }]
        );
        assert!(pauses(&[ev(E::Resume, "2025-03-05")]).is_empty());
    }

    #[test]
    fn stopped_days_count_as_the_limit_counts() {
        let cal = Calendar::default();
        // Wed 5th to Mon 10th: 3 working days (6th, 7th, 10th), 5 calendar days.
        let p = [Pause {
            from: d("2025-03-05"),
            to: Some(d("2025-03-10")),
        }];
        assert_eq!(stopped_days(&cal, &p, DayUnit::Working, d("2025-03-20")), 3);
        assert_eq!(
            stopped_days(&cal, &p, DayUnit::Calendar, d("2025-03-20")),
            5
        );
        // Still stopped: counted up to today.
        let open = [Pause {
            from: d("2025-03-05"),
            to: None,
        }];
        assert_eq!(
            stopped_days(&cal, &open, DayUnit::Working, d("2025-03-07")),
            2
        );
    }

    #[test]
    fn pauses_extend_the_deadline_in_working_days() {
        let cal = Calendar::default();
        let limit = FIVE_WORKING;
        // Accepted Mon 2025-03-03: due Mon 10th.
        assert_eq!(
            due_date(&cal, d("2025-03-03"), limit, &[], d("2025-03-04")),
            d("2025-03-10")
        );
        // Clock stopped Wed 5th to Mon 10th: 3 working days (6th, 7th, 10th).
        let pause = Pause {
            from: d("2025-03-05"),
            to: Some(d("2025-03-10")),
        };
        assert_eq!(
            due_date(&cal, d("2025-03-03"), limit, &[pause], d("2025-03-12")),
            d("2025-03-13")
        );
        // Still stopped: the deadline moves with today.
        let open = Pause {
            from: d("2025-03-05"),
            to: None,
        };
        assert_eq!(
            due_date(&cal, d("2025-03-03"), limit, &[open], d("2025-03-06")),
            d("2025-03-11")
        );
    }

    #[test]
    fn flags() {
        let cal = Calendar::default();
        let due = d("2025-03-14");
        assert_eq!(flag(&cal, due, d("2025-03-10"), None), Flag::None);
        assert_eq!(flag(&cal, due, d("2025-03-12"), None), Flag::Yellow);
        assert_eq!(flag(&cal, due, d("2025-03-14"), None), Flag::Yellow);
        assert_eq!(flag(&cal, due, d("2025-03-17"), None), Flag::Red);
        assert_eq!(
            flag(&cal, due, d("2025-03-20"), Some(d("2025-03-13"))),
            Flag::None
        );
        assert_eq!(
            flag(&cal, due, d("2025-03-20"), Some(d("2025-03-17"))),
            Flag::Red
        );
    }

    #[test]
    fn no_yellow_flag_while_paused_but_red_stays() {
        let cal = Calendar::default();
        // Under review, due Mon 10th: yellow on Fri 7th.
        let running = record(
            S::UnderReview,
            vec![
                ev(E::Accept, "2025-03-03"),
                ev(E::StartReview, "2025-03-03"),
            ],
        );
        assert_eq!(
            deadlines(&cal, &running, d("2025-03-07")).flag,
            Flag::Yellow
        );
        // Paused on Thu 6th: the deadline moves with each day, no warning.
        let mut paused = running.clone();
        paused.state = S::Paused;
        paused.events.push(ev(E::RequestCorrection, "2025-03-06"));
        let dl = deadlines(&cal, &paused, d("2025-03-07"));
        assert_eq!(dl.flag, Flag::None);
        assert!(dl.clock_stopped_now);
        assert_eq!(dl.days_stopped, 1);
        assert_eq!(dl.promised_due, Some(d("2025-03-11")));
        // Paused only after the deadline passed: still late, still red.
        let mut late = running.clone();
        late.state = S::Paused;
        late.events.push(ev(E::RequestCorrection, "2025-03-12"));
        assert_eq!(deadlines(&cal, &late, d("2025-03-13")).flag, Flag::Red);
    }

    #[test]
    fn deadlines_stop_counting_once_decided_and_refused_cases_have_no_flag() {
        let cal = Calendar::default();
        let mut case = record(
            S::Approved,
            vec![
                ev(E::Accept, "2025-03-03"),
                ev(E::RequestCorrection, "2025-03-05"),
                ev(E::Approve, "2025-03-07"),
            ],
        );
        case.decided = Some(d("2025-03-07"));
        let dl = deadlines(&cal, &case, d("2025-04-30"));
        // Stopped 6th and 7th only: the decision ends the pause's count.
        assert_eq!(dl.days_stopped, 2);
        assert_eq!(dl.promised_due, Some(d("2025-03-12")));
        assert_eq!(dl.flag, Flag::None);
        assert!(!dl.clock_stopped_now);
        let mut refused = record(S::Refused, vec![ev(E::Refuse, "2025-03-03")]);
        refused.accepted = None;
        refused.decided = Some(d("2025-03-03"));
        let dl = deadlines(&cal, &refused, d("2025-04-30"));
        assert_eq!((dl.promised_due, dl.flag), (None, Flag::None));
    }

    #[test]
    fn retry_minutes_round_up_to_at_least_one() {
        assert_eq!(retry_minutes(0), 1);
        assert_eq!(retry_minutes(59), 1);
        assert_eq!(retry_minutes(60), 1);
        assert_eq!(retry_minutes(61), 2);
        assert_eq!(retry_minutes(150), 3);
    }

    #[test]
    fn masks_all_but_the_last_four_characters() {
        assert_eq!(mask_tracking_number("SF1234567890"), "****7890");
        assert_eq!(mask_tracking_number("SF12345678901234"), "****1234");
        assert_eq!(mask_tracking_number("12345"), "****2345");
        assert_eq!(mask_tracking_number("1234"), "1234");
        assert_eq!(mask_tracking_number("123"), "123");
        assert_eq!(mask_tracking_number(""), "");
        // Characters, not bytes: a multi-byte number is never cut mid-character.
        assert_eq!(mask_tracking_number("顺丰速运单号四五六七"), "****四五六七");
        assert_eq!(mask_tracking_number("邮政ＥＭＳ１"), "****ＥＭＳ１");
    }

    #[test]
    fn delivery_labels() {
        assert_eq!(delivery_label("express"), "快递送达");
        assert_eq!(delivery_label("post"), "快递送达");
        assert_eq!(delivery_label("window"), "窗口领取");
        assert_eq!(delivery_label("electronic"), "电子送达");
        // The catalog's Chinese aliases.
        assert_eq!(delivery_label("邮政快递"), "快递送达");
        assert_eq!(delivery_label("网上下载"), "电子送达");
        // Unknown: as stored.
        assert_eq!(delivery_label("drone"), "drone");
        assert_eq!(delivery_label(""), "");
    }

    #[test]
    fn the_status_carries_labels_and_a_masked_tracking_number() {
        let cal = Calendar::default();
        let mut case = record(
            S::Delivered,
            vec![
                ev(E::Accept, "2025-03-03"),
                ev(E::Approve, "2025-03-06"),
                ev(E::Deliver, "2025-03-07"),
            ],
        );
        case.decided = Some(d("2025-03-06"));
        case.tracking_number = Some("SF1234567890".into());
        let s = case_status(&cal, case, d("2025-03-20"));
        assert_eq!(s.state_label, "已送达");
        assert_eq!(s.timeline.len(), 3);
        assert_eq!(s.timeline[1].label, "办结：准予");
        assert_eq!(s.promised_due, Some(d("2025-03-10")));
        assert_eq!(s.promised_limit_label, FIVE_WORKING.label());
        assert_eq!((s.flag, s.flag_label.as_str()), (Flag::None, ""));
        assert_eq!(s.delivery_label, "快递送达");
        assert_eq!(s.tracking_number.as_deref(), Some("****7890"));
    }
}
