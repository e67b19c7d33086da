//! The lifecycle of a case: its states, the events the approval system
//! reports, and which event may follow which.
//!
//! submitted → accepted | refused → under review ⇄ paused (补正, special
//! procedures: these days do not count) → approved | denied → result ready →
//! delivered.

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

impl EventKind {
    /// The timeline's words for the event.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Accept => "受理",
            EventKind::Refuse => "不予受理",
            EventKind::StartReview => "开始审查",
            EventKind::RequestCorrection => "通知补正（暂停计时）",
            EventKind::StartSpecialProcedure => "特别程序（听证、专家评审、公示等，暂停计时）",
            EventKind::Resume => "恢复计时",
            EventKind::Approve => "办结：准予",
            EventKind::Deny => "办结：不予许可",
            EventKind::MarkResultReady => "已制证",
            EventKind::Deliver => "已送达或领取",
        }
    }

    /// The events that stop the clock (补正, special procedures).
    pub fn stops_the_clock(self) -> bool {
        matches!(
            self,
            EventKind::RequestCorrection | EventKind::StartSpecialProcedure
        )
    }

    /// The events that decide a case (its decision date): approval,
    /// denial, or refusal to accept it.
    pub fn decides(self) -> bool {
        matches!(
            self,
            EventKind::Approve | EventKind::Deny | EventKind::Refuse
        )
    }
}

/// Every event kind, in the order of the lifecycle.
pub const ALL_EVENT_KINDS: [EventKind; 10] = [
    EventKind::Accept,
    EventKind::Refuse,
    EventKind::StartReview,
    EventKind::RequestCorrection,
    EventKind::StartSpecialProcedure,
    EventKind::Resume,
    EventKind::Approve,
    EventKind::Deny,
    EventKind::MarkResultReady,
    EventKind::Deliver,
];

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

#[cfg(test)]
mod tests {
    use super::*;
    use CaseState as S;
    use EventKind as E;

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
        let events = ALL_EVENT_KINDS;
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
    fn every_event_has_a_label() {
        let labels: std::collections::HashSet<_> =
            ALL_EVENT_KINDS.iter().map(|e| e.label()).collect();
        assert_eq!(labels.len(), ALL_EVENT_KINDS.len(), "all different");
        assert!(labels.iter().all(|l| !l.is_empty()));
        assert_eq!(E::Accept.label(), "受理");
        assert_eq!(E::RequestCorrection.label(), "通知补正（暂停计时）");
        assert_eq!(E::Deliver.label(), "已送达或领取");
        assert!(E::StartSpecialProcedure.label().contains("暂停计时"));
    }
}
