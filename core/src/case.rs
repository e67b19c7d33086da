//! Cases (办件): the lifecycle an application goes through and the deadline
//! arithmetic electronic supervision (电子监察) applies to it. Pure functions,
//! shared by the server (which stores events) and the browser (which shows
//! the timeline).
//!
//! submitted → accepted | refused → under review ⇄ paused (补正, special
//! procedures: these days do not count) → approved | denied → result ready →
//! delivered.

use crate::calendar::Calendar;
use crate::model::{DayUnit, Limit};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Submitted,
    Accepted,
    Refused,
    UnderReview,
    /// Clock stopped: corrections requested (补正) or a special procedure.
    Paused,
    Approved,
    Denied,
    ResultReady,
    Delivered,
}

impl CaseState {
    pub fn label(self) -> &'static str {
        match self {
            CaseState::Submitted => "已申报",
            CaseState::Accepted => "已受理",
            CaseState::Refused => "不予受理",
            CaseState::UnderReview => "审查中",
            CaseState::Paused => "暂停计时（补正或特别程序）",
            CaseState::Approved => "已办结（准予）",
            CaseState::Denied => "已办结（不予批准）",
            CaseState::ResultReady => "已制证，待领取或寄送",
            CaseState::Delivered => "已送达",
        }
    }

    /// Decided: the deadline no longer runs.
    pub fn is_decided(self) -> bool {
        matches!(
            self,
            CaseState::Refused
                | CaseState::Approved
                | CaseState::Denied
                | CaseState::ResultReady
                | CaseState::Delivered
        )
    }
}

/// What the approval system reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Accept,
    Refuse,
    StartReview,
    /// 补正: the applicant must supply corrections; the clock stops.
    RequestCorrection,
    /// Hearing, expert review, public notice: the clock stops.
    StartSpecialProcedure,
    /// Corrections received or special procedure over: the clock runs again.
    Resume,
    Approve,
    Deny,
    MarkResultReady,
    Deliver,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionError {
    pub from: CaseState,
    pub event: EventKind,
}

impl std::fmt::Display for TransitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "a case that is {:?} cannot take the event {:?}",
            self.from, self.event
        )
    }
}

impl std::error::Error for TransitionError {}

/// The state after `event`, or why the event is impossible now.
pub fn transition(from: CaseState, event: EventKind) -> Result<CaseState, TransitionError> {
    use CaseState as S;
    use EventKind as E;
    let to = match (from, event) {
        (S::Submitted, E::Accept) => S::Accepted,
        (S::Submitted, E::Refuse) => S::Refused,
        (S::Accepted, E::StartReview) => S::UnderReview,
        (S::Accepted | S::UnderReview, E::RequestCorrection | E::StartSpecialProcedure) => {
            S::Paused
        }
        (S::Paused, E::Resume) => S::UnderReview,
        (S::Accepted | S::UnderReview, E::Approve) => S::Approved,
        (S::Accepted | S::UnderReview, E::Deny) => S::Denied,
        (S::Approved, E::MarkResultReady) => S::ResultReady,
        (S::Approved | S::ResultReady | S::Denied, E::Deliver) => S::Delivered,
        _ => return Err(TransitionError { from, event }),
    };
    Ok(to)
}

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

/// Working days before the deadline that turn the flag yellow.
pub const YELLOW_WORKING_DAYS: u32 = 2;

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
    let stopped: u32 = pauses
        .iter()
        .map(|p| {
            let end = p.to.unwrap_or(today).max(p.from);
            match limit.unit {
                DayUnit::Working => cal.working_days_between(p.from, end),
                DayUnit::Calendar => (end - p.from).num_days() as u32,
            }
        })
        .sum();
    let total = limit.days + stopped;
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

#[cfg(test)]
mod tests {
    use super::*;
    use CaseState as S;
    use EventKind as E;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn happy_path() {
        let mut s = S::Submitted;
        for e in [
            E::Accept,
            E::StartReview,
            E::RequestCorrection,
            E::Resume,
            E::Approve,
            E::MarkResultReady,
            E::Deliver,
        ] {
            s = transition(s, e).unwrap();
        }
        assert_eq!(s, S::Delivered);
    }

    #[test]
    fn impossible_transitions_are_refused() {
        assert!(transition(S::Submitted, E::Approve).is_err());
        assert!(transition(S::Refused, E::Accept).is_err());
        assert!(transition(S::Delivered, E::Deliver).is_err());
        assert!(transition(S::Paused, E::Approve).is_err());
        assert!(transition(S::Denied, E::MarkResultReady).is_err());
        let err = transition(S::Approved, E::Accept).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a case that is Approved cannot take the event Accept"
        );
    }

    #[test]
    fn every_state_has_a_defined_answer_for_every_event() {
        let states = [
            S::Submitted,
            S::Accepted,
            S::Refused,
            S::UnderReview,
            S::Paused,
            S::Approved,
            S::Denied,
            S::ResultReady,
            S::Delivered,
        ];
        let events = [
            E::Accept,
            E::Refuse,
            E::StartReview,
            E::RequestCorrection,
            E::StartSpecialProcedure,
            E::Resume,
            E::Approve,
            E::Deny,
            E::MarkResultReady,
            E::Deliver,
        ];
        let allowed: usize = states
            .iter()
            .map(|s| {
                events
                    .iter()
                    .filter(|e| transition(*s, **e).is_ok())
                    .count()
            })
            .sum();
        // submitted 2, accepted 5, under review 4, paused 1, approved 2,
        // result ready 1, denied 1; refused and delivered are final.
        assert_eq!(allowed, 16);
        for s in [S::Refused, S::Delivered] {
            assert!(
                events.iter().all(|e| transition(s, *e).is_err()),
                "{s:?} is final"
            );
        }
    }

    #[test]
    fn pauses_extend_the_deadline_in_working_days() {
        let cal = Calendar::default();
        let limit = Limit {
            days: 5,
            unit: DayUnit::Working,
        };
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
}
