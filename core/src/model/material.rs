//! The materials (申请材料) an item asks for and the situations (情形) that
//! change them.

use super::Limit;
use serde::{Deserialize, Serialize};

/// 材料来源.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// 申请人自备.
    #[serde(alias = "申请人自备", alias = "申请人")]
    Applicant,
    /// 政府部门核发 (name the issuer).
    #[serde(alias = "政府部门核发", alias = "部门核发")]
    Agency,
    /// 中心/窗口提供 (forms filled at the window).
    #[serde(alias = "窗口提供", alias = "中心提供")]
    Centre,
    /// 其他机构出具 (banks, hospitals, notaries).
    #[serde(alias = "其他机构出具", alias = "中介机构")]
    Institution,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Applicant => "申请人自备",
            Source::Agency => "政府部门核发",
            Source::Centre => "窗口提供",
            Source::Institution => "其他机构出具",
        }
    }
}

/// 材料形式.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    #[default]
    #[serde(alias = "纸质")]
    Paper,
    #[serde(alias = "电子")]
    Electronic,
    #[serde(alias = "纸质或电子")]
    Either,
}

impl Medium {
    pub fn label(self) -> &'static str {
        match self {
            Medium::Paper => "纸质",
            Medium::Electronic => "电子",
            Medium::Either => "纸质或电子",
        }
    }
}

/// Whether a material is always needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    #[default]
    #[serde(alias = "必要")]
    Required,
    /// Only in some situations: a situation option must add it.
    #[serde(alias = "情形必要", alias = "非必要")]
    Conditional,
    /// May be supplied after acceptance (容缺后补).
    #[serde(alias = "容缺后补")]
    Later,
}

impl Requirement {
    pub fn label(self) -> &'static str {
        match self {
            Requirement::Required => "必要",
            Requirement::Conditional => "视情形提供",
            Requirement::Later => "可容缺后补",
        }
    }
}

/// 申请材料.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Material {
    /// Short id, unique within the item, used by situations.
    pub id: String,
    pub name: String,
    pub source: Option<Source>,
    /// Who issues it, when `source` is an agency or institution.
    #[serde(default)]
    pub issuer: String,
    /// Originals to show or hand in (原件份数).
    #[serde(default)]
    pub originals: u32,
    /// Copies to hand in (复印件份数).
    #[serde(default)]
    pub copies: u32,
    #[serde(default)]
    pub medium: Medium,
    #[serde(default)]
    pub requirement: Requirement,
    /// A form the applicant fills in; must then have a `blank_form`.
    #[serde(default)]
    pub form: bool,
    /// Blank form to download: a path under `content/files/` or a URL.
    #[serde(default)]
    pub blank_form: String,
    /// Filled sample (示例样表).
    #[serde(default)]
    pub sample: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub legal_basis: String,
}

impl Material {
    /// A form by flag or by name (申请表, 登记表 …): needs a blank form.
    pub fn is_form(&self) -> bool {
        const FORM_WORDS: [&str; 6] = ["申请表", "登记表", "申报表", "审批表", "申请书", "备案表"];
        self.form || FORM_WORDS.iter().any(|w| self.name.contains(w))
    }
}

/// 情形: a question of the pre-check (办前自测). Its answer changes materials,
/// conditions, limits or fees (through its options) and feeds the
/// eligibility rules (`[[eligibility]]`, in `precheck`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Situation {
    pub id: String,
    pub question: String,
    #[serde(default)]
    pub kind: QuestionKind,
    /// The answers of a choice question; optional for yes/no (then `yes`
    /// and `no`), none for a number.
    #[serde(default)]
    pub options: Vec<SituationOption>,
    /// A number question's unit, e.g. "人", "万元", "m²".
    #[serde(default)]
    pub unit: String,
    /// A number question's bounds (inclusive).
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// Shown under the question.
    #[serde(default)]
    pub help: String,
    /// Asked only when this predicate over earlier answers holds, e.g.
    /// `entity = "company"`; empty means always.
    #[serde(default)]
    pub ask_if: String,
}

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// One of the options (单选).
    #[default]
    #[serde(alias = "single", alias = "单选")]
    Choice,
    /// Any number of the options (多选).
    #[serde(alias = "multiple", alias = "多选")]
    Several,
    /// 是 / 否.
    #[serde(alias = "yes-no", alias = "是否")]
    YesNo,
    /// A number with a unit and bounds (数值).
    #[serde(alias = "数值")]
    Number,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SituationOption {
    pub id: String,
    pub label: String,
    /// Ids of conditional materials this answer adds.
    #[serde(default)]
    pub add_materials: Vec<String>,
    /// Ids of materials this answer makes unnecessary.
    #[serde(default)]
    pub remove_materials: Vec<String>,
    /// Extra conditions in this situation.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// A different promised limit in this situation.
    #[serde(default)]
    pub promised_limit: Option<Limit>,
    /// A note on fees in this situation, e.g. "免收工本费".
    #[serde(default)]
    pub fee: String,
    /// Says explicitly that this answer changes nothing.
    #[serde(default)]
    pub no_change: bool,
}

impl SituationOption {
    /// True when the answer changes something (or says it changes nothing).
    pub fn is_handled(&self) -> bool {
        self.no_change
            || !self.add_materials.is_empty()
            || !self.remove_materials.is_empty()
            || !self.conditions.is_empty()
            || self.promised_limit.is_some()
            || !self.fee.is_empty()
    }
}
