//! `content/calendar/YEAR.toml`: the working-day calendar as published.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// `content/calendar/YEAR.toml`: one year's public holidays and 调休.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CalendarYear {
    pub year: i32,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    /// Make-up working days (调休上班): weekends declared working days.
    #[serde(default)]
    pub workdays: Vec<Workday>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Holiday {
    pub name: String,
    #[serde(deserialize_with = "crate::dates::deserialize")]
    pub from: NaiveDate,
    #[serde(deserialize_with = "crate::dates::deserialize")]
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Workday {
    #[serde(deserialize_with = "crate::dates::deserialize")]
    pub date: NaiveDate,
    #[serde(default)]
    pub name: String,
}
