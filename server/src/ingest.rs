//! What the approval system sends, checked once for everyone: the JSON
//! bodies of `POST /api/v1/cases` and `POST /api/v1/cases/{number}/events`,
//! and the lines of `portal cases import`, which carry the same fields.
//! A problem names the field it is about, so the API can answer it and the
//! importer can report it with file and line.

use crate::db::{NewCase, NewEvent};
use chrono::NaiveDate;
use portal_core::Limit;
use portal_core::case::EventKind;
use portal_core::limits::{self, LimitRule, MAX_LIMIT_DAYS};
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub const EVENT_ID_REUSED: &str = "此事件编号已用于内容不同的另一事件；重发时请保持内容完全一致。\
    This event_id was already used for an event with other content; a retry must repeat the event exactly.";

/// A problem with one field of a request (or with the request as a whole,
/// when `field` is empty).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    /// Well-formed, but a value the portal cannot take (a date outside the
    /// window, an unknown department): the API answers 422, not 400.
    pub unprocessable: bool,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_owned(),
            message: message.into(),
            unprocessable: false,
        }
    }

    fn unprocessable(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            unprocessable: true,
            ..FieldError::new(field, message)
        }
    }
}

/// No case the portal shows began before this.
pub const EARLIEST_DATE: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();

/// The dates the approval system may send. A date decades off is a typo or
/// an attack: it would freeze the case (events must come in date order) and
/// make every deadline computation span it.
#[derive(Debug, Clone, Copy)]
pub struct DateWindow {
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
}

impl DateWindow {
    /// From [`EARLIEST_DATE`] to a day after `today`.
    pub fn until_tomorrow(today: NaiveDate) -> DateWindow {
        DateWindow {
            earliest: EARLIEST_DATE,
            latest: today + chrono::Duration::days(1),
        }
    }

    pub fn check(&self, field: &str, date: NaiveDate) -> Result<(), FieldError> {
        if date < self.earliest || date > self.latest {
            return Err(FieldError::unprocessable(
                field,
                format!(
                    "日期 {date} 超出可接受范围（{} 至 {}）。The date {date} is outside the accepted range {} to {}.",
                    self.earliest, self.latest, self.earliest, self.latest
                ),
            ));
        }
        Ok(())
    }
}

/// Refuses a department code the content does not define (`departments`
/// empty: any code), so ingest can never put an unknown name on `/stats/`.
pub fn check_department(
    departments: &std::collections::BTreeMap<String, String>,
    code: &str,
) -> Result<(), FieldError> {
    if departments.is_empty() || departments.contains_key(code) {
        return Ok(());
    }
    Err(FieldError::unprocessable(
        "department",
        format!(
            "部门代码“{code}”不在 departments.toml 中。The department code {code:?} is not in departments.toml."
        ),
    ))
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "`{}`: {}", self.field, self.message)
        }
    }
}

/// Opens a case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    /// The approval system's own reference for the case; optional for the
    /// API, required by the importer. A second request with the same
    /// reference finds the first case instead of opening another.
    #[serde(default)]
    pub case_ref: Option<String>,
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    #[serde(default)]
    pub department_name: Option<String>,
    pub received: NaiveDate,
    pub statutory_limit: Limit,
    pub promised_limit: Limit,
    pub delivery_method: String,
}

/// Appends an event to a case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventRequest {
    pub event_id: String,
    pub kind: EventKind,
    pub at: NaiveDate,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub tracking_number: Option<String>,
}

/// Parses `value` as `T`, naming the field at fault.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        // "missing field `x`" and "unknown field `x`" are about the object
        // itself: name the field they mention.
        let field = match (path.as_str(), between_backticks(&inner)) {
            ("." | "", Some(name)) => name.to_owned(),
            ("." | "", None) => String::new(),
            (p, _) => p.to_owned(),
        };
        FieldError::new(&field, plain(&inner))
    })
}

fn between_backticks(s: &str) -> Option<&str> {
    let start = s.find('`')? + 1;
    let len = s[start..].find('`')?;
    Some(&s[start..start + len])
}

/// serde's wording, made a little plainer for people.
fn plain(message: &str) -> String {
    if message.starts_with("missing field") {
        "is required but missing".to_owned()
    } else if let Some(rest) = message.strip_prefix("unknown field `") {
        let expected = rest.split_once(", expected ").map(|x| x.1).unwrap_or("");
        format!("is not a known field (known fields: {expected})")
    } else if message.starts_with("unknown variant") {
        message.replacen("unknown variant", "unknown value", 1)
    } else if [
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
        "input is out of range",
        "input is not enough",
        "no possible date",
    ]
    .iter()
    .any(|m| message.contains(m))
    {
        // chrono's words for a bad date.
        "is not a valid date of the form YYYY-MM-DD".to_owned()
    } else {
        message.to_owned()
    }
}

fn check_len(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.trim().is_empty() || value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!(
                "字段 {field} 为空或过长。The field {field} is empty or longer than {max} characters."
            ),
        ));
    }
    check_text(field, value, false)
}

/// Control characters and bidirectional overrides (U+202E turns
/// "txt.exe" into "exe.txt" on screen) have no place in what the public
/// reads; a note may keep its line breaks and tabs.
fn check_text(field: &str, value: &str, multiline: bool) -> Result<(), FieldError> {
    let bad = value.chars().find(|&c| {
        let layout = multiline && matches!(c, '\n' | '\t');
        (c.is_control() && !layout)
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    });
    match bad {
        Some(c) => Err(FieldError::new(
            field,
            format!(
                "字段 {field} 含有不可见的控制字符 U+{:04X}。The field {field} contains the control character U+{:04X}.",
                c as u32, c as u32
            ),
        )),
        None => Ok(()),
    }
}

impl CreateRequest {
    /// Checks lengths, text, the date and the limits; the department scope
    /// is the caller's.
    pub fn validate(self, dates: &DateWindow) -> Result<NewCase, FieldError> {
        for (field, value, max) in [
            ("item_code", &self.item_code, 64),
            ("item_name", &self.item_name, 200),
            ("department", &self.department, 64),
            ("delivery_method", &self.delivery_method, 64),
        ] {
            check_len(field, value, max)?;
        }
        if let Some(r) = &self.case_ref {
            check_len("case_ref", r, 100)?;
        }
        if let Some(n) = &self.department_name {
            check_len("department_name", n, 200)?;
        }
        dates.check("received", self.received)?;
        // The core's limit rules, worded for the approval system in both languages.
        limits::check(self.statutory_limit, self.promised_limit).map_err(|p| {
            let message = match p.rule {
                LimitRule::TooLong => format!(
                    "时限不能超过 {MAX_LIMIT_DAYS} 天。The limit cannot be longer than {MAX_LIMIT_DAYS} days (got {}).",
                    p.limit.days
                ),
                LimitRule::PromiseLongerThanLaw => "承诺时限不能长于法定时限。The promised limit cannot be longer than the statutory limit.".into(),
            };
            FieldError::new(p.field, message)
        })?;
        Ok(NewCase {
            case_ref: self.case_ref.map(|r| r.trim().to_owned()),
            item_code: self.item_code,
            item_name: self.item_name,
            department_name: self
                .department_name
                .unwrap_or_else(|| self.department.clone()),
            department: self.department,
            received: self.received,
            statutory_limit: self.statutory_limit,
            promised_limit: self.promised_limit,
            delivery_method: self.delivery_method,
        })
    }
}

impl EventRequest {
    pub fn validate(self, dates: &DateWindow) -> Result<NewEvent, FieldError> {
        check_len("event_id", &self.event_id, 100)?;
        if self.note.chars().count() > 2000 {
            return Err(FieldError::new(
                "note",
                "备注过长。The note is longer than 2000 characters.",
            ));
        }
        check_text("note", &self.note, true)?;
        dates.check("at", self.at)?;
        if let Some(t) = &self.tracking_number {
            check_len("tracking_number", t, 64)?;
        }
        Ok(NewEvent {
            event_id: self.event_id,
            kind: self.kind,
            at: self.at,
            note: self.note,
            tracking_number: self.tracking_number,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_name_the_field() {
        let e = from_value::<EventRequest>(
            json!({"event_id": "x", "kind": "drop", "at": "2025-01-01"}),
        )
        .unwrap_err();
        assert_eq!(e.field, "kind");
        assert!(e.message.contains("unknown value"), "{e}");
        let e = from_value::<EventRequest>(
            json!({"event_id": "x", "kind": "accept", "at": "2025-13-01"}),
        )
        .unwrap_err();
        assert_eq!(e.field, "at");
        let e =
            from_value::<EventRequest>(json!({"kind": "accept", "at": "2025-01-01"})).unwrap_err();
        assert_eq!(e.field, "event_id");
        assert_eq!(e.message, "is required but missing");
        let e = from_value::<EventRequest>(
            json!({"event_id": "x", "kind": "accept", "at": "2025-01-01", "colour": 1}),
        )
        .unwrap_err();
        assert_eq!(e.field, "colour");
        let e = from_value::<CreateRequest>(json!({
            "item_code": "a", "item_name": "b", "department": "d", "received": "2025-01-01",
            "statutory_limit": {"days": "ten"}, "promised_limit": {"days": 1}, "delivery_method": "x"
        }))
        .unwrap_err();
        assert_eq!(e.field, "statutory_limit.days");
    }

    fn window() -> DateWindow {
        DateWindow::until_tomorrow(NaiveDate::from_ymd_opt(2025, 3, 20).unwrap())
    }

    #[test]
    fn dates_outside_the_window_name_the_field() {
        let e = window()
            .check("at", NaiveDate::from_ymd_opt(9999, 12, 30).unwrap())
            .unwrap_err();
        assert_eq!(e.field, "at");
        assert!(e.unprocessable);
        assert!(e.message.contains("2000-01-01") && e.message.contains("2025-03-21"));
        assert!(
            window()
                .check("at", NaiveDate::from_ymd_opt(2025, 3, 21).unwrap())
                .is_ok()
        );
        assert!(
            window()
                .check("at", NaiveDate::from_ymd_opt(1999, 12, 31).unwrap())
                .is_err()
        );
    }

    use proptest::prelude::*;

    /// A create or event body with these values, or any JSON at all.
    fn body() -> impl Strategy<Value = serde_json::Value> {
        let text = prop_oneof![any::<String>(), "[\\PC\u{202e}\u{0}\n]{0,30}"];
        let date = prop_oneof![
            "[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}",
            Just("2025-03-03".to_owned()),
            any::<String>()
        ];
        (text.clone(), text, date, any::<i64>(), any::<bool>()).prop_map(
            |(name, note, date, days, event)| {
                if event {
                    json!({"event_id": name, "kind": "accept", "at": date, "note": note})
                } else {
                    json!({
                        "item_code": "x", "item_name": name, "department": note,
                        "received": date, "statutory_limit": {"days": days},
                        "promised_limit": {"days": days / 2, "unit": "working"},
                        "delivery_method": "window",
                    })
                }
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn ingest_bodies_never_panic(value in body(), raw in any::<Vec<u8>>()) {
            for v in [value, serde_json::from_slice(&raw).unwrap_or_default()] {
                if let Ok(r) = from_value::<CreateRequest>(v.clone()) {
                    let _ = r.validate(&window());
                }
                if let Ok(r) = from_value::<EventRequest>(v) {
                    let _ = r.validate(&window());
                }
            }
        }
    }
}
