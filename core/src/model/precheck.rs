//! The pre-check's rules and examples (办前自测), as officers write them in
//! an item file: `[[eligibility]]` rules over the answers to the item's
//! `[[situations]]`, and `[[examples]]` that `portal check` runs.

use super::{LegalBasis, Limit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An eligibility rule: when `when` holds, the verdict is `outcome`, for
/// `reason`, on `basis`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    /// A predicate over answers, e.g.
    /// `employees > 300 or assets > 5000` (see `precheck::expr`).
    pub when: String,
    pub outcome: Verdict,
    /// Why, in words a citizen understands.
    #[serde(default)]
    pub reason: String,
    /// The law and article the rule comes from.
    #[serde(default)]
    pub basis: Option<LegalBasis>,
}

/// What the pre-check concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 符合.
    #[serde(alias = "符合")]
    Eligible,
    /// 不符合.
    #[serde(alias = "不符合")]
    Ineligible,
    /// 需窗口核实.
    #[serde(alias = "需窗口核实", alias = "review")]
    NeedsReview,
    /// Questions remain that could change the verdict (never written by
    /// rules; examples may expect it).
    #[serde(alias = "待回答")]
    Incomplete,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Eligible => "符合条件",
            Verdict::Ineligible => "不符合条件",
            Verdict::NeedsReview => "需窗口核实",
            Verdict::Incomplete => "尚需回答",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Eligible => "eligible",
            Verdict::Ineligible => "ineligible",
            Verdict::NeedsReview => "needs_review",
            Verdict::Incomplete => "incomplete",
        }
    }
}

/// An example officers write beside the rules: given these answers, expect
/// this verdict (and, when given, exactly these materials and this limit).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Example {
    #[serde(default)]
    pub name: String,
    /// Question id → answer: an option id, `true`/`false` (or `"yes"`/`"no"`),
    /// a number, or a list of option ids for a several-choice question.
    #[serde(default)]
    pub answers: BTreeMap<String, ExampleAnswer>,
    pub verdict: Verdict,
    /// The ids of the tailored materials, in any order.
    #[serde(default)]
    pub materials: Option<Vec<String>>,
    /// The promised limit that applies.
    #[serde(default)]
    pub limit: Option<Limit>,
}

/// One answer in an example, as TOML writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ExampleAnswer {
    Bool(bool),
    Number(f64),
    Text(String),
    List(Vec<String>),
}

impl ExampleAnswer {
    /// The values as they would arrive in a query string.
    pub fn to_query_values(&self) -> Vec<String> {
        match self {
            ExampleAnswer::Bool(true) => vec!["yes".into()],
            ExampleAnswer::Bool(false) => vec!["no".into()],
            ExampleAnswer::Number(n) => vec![n.to_string()],
            ExampleAnswer::Text(t) => vec![t.clone()],
            ExampleAnswer::List(l) => l.clone(),
        }
    }
}
