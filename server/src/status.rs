//! What an applicant sees for a case: the timeline, the deadlines counted in
//! working days with the stopped-clock days added, and the supervision flag.
//! Also the per-case figures the statistics are built from.

use crate::db::{CaseRow, EventRow, from_text, parse_date};
use anyhow::Result;
use chrono::NaiveDate;
use portal_core::Calendar;
use portal_core::DayUnit;
use portal_core::case::{
    CaseState, CaseStatus, EventKind, Flag, Pause, TimelineEntry, due_date, flag,
};
use portal_core::model::Delivery;

/// The deadline figures of one case.
#[derive(Debug, Clone)]
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

pub fn event_label(kind: EventKind) -> &'static str {
    match kind {
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

/// Stretches when the clock stood still, from the events in order.
pub fn pauses(events: &[(EventKind, NaiveDate)]) -> Vec<Pause> {
    let mut out: Vec<Pause> = Vec::new();
    for (kind, at) in events {
        match kind {
            // A second stop while stopped extends nothing: the first still runs.
            EventKind::RequestCorrection | EventKind::StartSpecialProcedure
                if out.last().is_none_or(|p| p.to.is_some()) =>
            {
                out.push(Pause {
                    from: *at,
                    to: None,
                });
            }
            EventKind::Resume => {
                if let Some(p) = out.last_mut().filter(|p| p.to.is_none()) {
                    p.to = Some(*at);
                }
            }
            _ => {}
        }
    }
    out
}

fn stopped_days(cal: &Calendar, pauses: &[Pause], unit: DayUnit, today: NaiveDate) -> u32 {
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

pub fn deadlines(
    cal: &Calendar,
    case: &CaseRow,
    events: &[EventRow],
    today: NaiveDate,
) -> Result<Deadlines> {
    let state = case.state()?;
    let parsed: Vec<(EventKind, NaiveDate)> = events
        .iter()
        .map(|e| Ok((from_text(&e.kind)?, parse_date(&e.at)?)))
        .collect::<Result<_>>()?;
    let accepted = case.accepted.as_deref().map(parse_date).transpose()?;
    let decided = case.decided.as_deref().map(parse_date).transpose()?;
    let pauses = pauses(&parsed);
    // Pauses stop counting once the case is decided.
    let clock_day = decided.unwrap_or(today);
    let promised = case.promised_limit()?;
    let statutory = case.statutory_limit()?;
    let statutory_due = accepted.map(|a| due_date(cal, a, statutory, &pauses, clock_day));
    let promised_due = accepted.map(|a| due_date(cal, a, promised, &pauses, clock_day));
    let flag = match promised_due {
        Some(due) if state != CaseState::Refused => flag(cal, due, today, decided),
        _ => Flag::None,
    };
    // While the clock is stopped the deadline moves with each day, so a
    // yellow warning would only alarm; a case already late stays red.
    let flag = if state == CaseState::Paused && flag == Flag::Yellow {
        Flag::None
    } else {
        flag
    };
    Ok(Deadlines {
        state,
        accepted,
        decided,
        statutory_due,
        promised_due,
        days_stopped: stopped_days(cal, &pauses, promised.unit, clock_day),
        clock_stopped_now: state == CaseState::Paused,
        flag,
    })
}

pub fn case_status(
    cal: &Calendar,
    case: &CaseRow,
    events: &[EventRow],
    today: NaiveDate,
) -> Result<CaseStatus> {
    let d = deadlines(cal, case, events, today)?;
    let timeline = events
        .iter()
        .map(|e| {
            let kind: EventKind = from_text(&e.kind)?;
            Ok(TimelineEntry {
                date: parse_date(&e.at)?,
                event: kind,
                label: event_label(kind).into(),
                note: e.note.clone(),
            })
        })
        .collect::<Result<_>>()?;
    let statutory = case.statutory_limit()?;
    let promised = case.promised_limit()?;
    Ok(CaseStatus {
        case_number: case.case_number.clone(),
        item_code: case.item_code.clone(),
        item_name: case.item_name.clone(),
        department: case.department.clone(),
        department_name: case.department_name.clone(),
        received: parse_date(&case.received)?,
        accepted: d.accepted,
        state: d.state,
        state_label: d.state.label().into(),
        timeline,
        statutory_limit: statutory,
        statutory_limit_label: statutory.label(),
        promised_limit: promised,
        promised_limit_label: promised.label(),
        statutory_due: d.statutory_due,
        promised_due: d.promised_due,
        days_stopped: d.days_stopped,
        clock_stopped_now: d.clock_stopped_now,
        flag: d.flag,
        flag_label: d.flag.label().into(),
        delivery_label: delivery_label(&case.delivery_method),
        delivery_method: case.delivery_method.clone(),
        tracking_number: case.tracking_number.as_deref().map(mask),
    })
}

/// 窗口领取, 邮政快递…; a method the catalog does not know shows as stored.
fn delivery_label(method: &str) -> String {
    match method {
        "express" => Delivery::Post.label().to_owned(),
        m => from_text::<Delivery>(m).map_or_else(|_| m.to_owned(), |d| d.label().to_owned()),
    }
}

/// `SF1234567890` → `********7890`.
pub fn mask(tracking: &str) -> String {
    let chars: Vec<char> = tracking.chars().collect();
    let keep = chars.len().min(4);
    let hidden = chars.len() - keep;
    "*".repeat(hidden) + &chars[hidden..].iter().collect::<String>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_last_four() {
        assert_eq!(mask("SF1234567890"), "********7890");
        assert_eq!(mask("123"), "123");
    }

    #[test]
    fn pauses_pair_up() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let p = pauses(&[
            (EventKind::Accept, d("2025-03-03")),
            (EventKind::RequestCorrection, d("2025-03-05")),
            (EventKind::Resume, d("2025-03-10")),
            (EventKind::StartSpecialProcedure, d("2025-03-11")),
        ]);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].to, Some(d("2025-03-10")));
        assert_eq!(p[1].to, None);
    }
}
