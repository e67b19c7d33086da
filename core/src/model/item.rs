//! One file under `content/items/`: a service item (办事指南), its time
//! limits, steps, fees and contacts. Materials and situations are in
//! `material`.

use super::{Audience, Example, Material, Rule, Situation};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 事项类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    #[serde(alias = "行政许可")]
    Licence,
    #[serde(alias = "行政给付")]
    Payment,
    #[serde(alias = "行政确认")]
    Confirmation,
    #[serde(alias = "行政裁决")]
    Adjudication,
    #[serde(alias = "行政奖励")]
    Award,
    #[serde(alias = "行政备案")]
    Filing,
    #[serde(alias = "行政征收")]
    Levy,
    #[serde(alias = "其他行政权力")]
    OtherPower,
    #[serde(alias = "公共服务")]
    PublicService,
}

impl ItemType {
    pub const ALL: [ItemType; 9] = [
        ItemType::Licence,
        ItemType::Payment,
        ItemType::Confirmation,
        ItemType::Adjudication,
        ItemType::Award,
        ItemType::Filing,
        ItemType::Levy,
        ItemType::OtherPower,
        ItemType::PublicService,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ItemType::Licence => "行政许可",
            ItemType::Payment => "行政给付",
            ItemType::Confirmation => "行政确认",
            ItemType::Adjudication => "行政裁决",
            ItemType::Award => "行政奖励",
            ItemType::Filing => "行政备案",
            ItemType::Levy => "行政征收",
            ItemType::OtherPower => "其他行政权力",
            ItemType::PublicService => "公共服务",
        }
    }
}

/// 行使层级.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    #[serde(alias = "国家级")]
    National,
    #[serde(alias = "省级")]
    Province,
    #[serde(alias = "市级")]
    City,
    #[serde(alias = "县级", alias = "区级")]
    District,
    #[serde(alias = "乡级", alias = "镇级", alias = "街道")]
    Town,
    #[serde(alias = "村级", alias = "社区")]
    Village,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::National => "国家级",
            Level::Province => "省级",
            Level::City => "市级",
            Level::District => "县（区）级",
            Level::Town => "乡镇（街道）级",
            Level::Village => "村（社区）级",
        }
    }
}

/// 办件类型: decided on the spot or within a promised limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Handling {
    #[serde(alias = "即办件")]
    Instant,
    #[serde(alias = "承诺件")]
    Promised,
}

impl Handling {
    pub fn label(self) -> &'static str {
        match self {
            Handling::Instant => "即办件",
            Handling::Promised => "承诺件",
        }
    }
}

/// How a time limit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayUnit {
    #[default]
    #[serde(alias = "工作日")]
    Working,
    #[serde(alias = "自然日")]
    Calendar,
}

/// A time limit: `{ days = 20 }` (working days) or `{ days = 30, unit = "calendar" }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    pub days: u32,
    #[serde(default)]
    pub unit: DayUnit,
}

impl Limit {
    pub fn label(&self) -> String {
        match self.unit {
            DayUnit::Working => format!("{} 个工作日", self.days),
            DayUnit::Calendar => format!("{} 个自然日", self.days),
        }
    }
}

/// One file under `content/items/`: a service item and its guide.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item {
    /// Stable item code (事项编码).
    pub code: String,
    pub name: String,
    /// Words people use for this item; weigh heavily in search.
    #[serde(default)]
    pub aliases: Vec<String>,
    pub item_type: ItemType,
    pub audience: Vec<Audience>,
    pub level: Level,
    /// Id of the implementing department.
    pub department: String,
    /// Other departments taking part (并联审批).
    #[serde(default)]
    pub co_departments: Vec<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    pub handling: Handling,
    #[serde(default)]
    pub statutory_limit: Option<Limit>,
    #[serde(default)]
    pub promised_limit: Option<Limit>,
    /// What the item is about (事项内容), Markdown.
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub conditions: Vec<String>,
    #[serde(default)]
    pub materials: Vec<Material>,
    #[serde(default)]
    pub situations: Vec<Situation>,
    /// The pre-check's eligibility rules over the situations' answers.
    #[serde(default)]
    pub eligibility: Vec<Rule>,
    /// Officers' examples of the pre-check, run by `portal check`.
    #[serde(default)]
    pub examples: Vec<Example>,
    #[serde(default)]
    pub steps: Vec<Step>,
    pub fees: Option<Fees>,
    #[serde(default)]
    pub legal_basis: Vec<LegalBasis>,
    #[serde(default)]
    pub result: Option<ItemResult>,
    #[serde(default)]
    pub delivery: Vec<Delivery>,
    /// Where to apply online (网上办理).
    #[serde(default)]
    pub online_url: String,
    /// Visits to the hall needed (到办事现场次数): 0, 1 or 2.
    pub visits: u8,
    /// Appointments possible (预约).
    #[serde(default)]
    pub appointment: bool,
    #[serde(default)]
    pub windows: Vec<Window>,
    /// Defaults to the department's enquiry phone.
    #[serde(default)]
    pub enquiry_phone: String,
    /// Defaults to the department's complaints phone.
    #[serde(default)]
    pub complaint_phone: String,
    #[serde(default)]
    pub faq: Vec<Faq>,
    #[serde(default, deserialize_with = "crate::dates::option::deserialize")]
    pub effective_from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::dates::option::deserialize")]
    pub effective_until: Option<NaiveDate>,
    #[serde(deserialize_with = "crate::dates::deserialize")]
    pub last_reviewed: NaiveDate,
}

/// 办理流程 step.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Step {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Who does it, e.g. "窗口受理人员".
    #[serde(default)]
    pub actor: String,
    /// Does the time of this step count against the limit? Hearings, expert
    /// review and public notice usually do not.
    #[serde(default = "yes")]
    pub counts_toward_limit: bool,
    #[serde(default)]
    pub limit: Option<Limit>,
}

fn yes() -> bool {
    true
}

/// 收费.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fees {
    /// Whether the item charges at all (是否收费).
    pub charged: bool,
    #[serde(default)]
    pub items: Vec<Fee>,
    /// Who pays nothing or less (减免).
    #[serde(default)]
    pub waivers: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fee {
    pub name: String,
    /// Amount in yuan.
    pub amount: f64,
    /// e.g. "每证", "每件".
    #[serde(default)]
    pub unit: String,
    /// Legal basis of the charge (收费依据).
    pub basis: String,
}

/// 设定依据.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LegalBasis {
    pub law: String,
    #[serde(default)]
    pub article: String,
    #[serde(default)]
    pub text: String,
}

/// 办理结果.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemResult {
    pub name: String,
    #[serde(default)]
    pub kind: String,
    /// Sample of the result (结果样本): a path under `content/files/` or URL.
    #[serde(default)]
    pub sample: String,
}

/// 送达方式.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    #[serde(alias = "窗口领取")]
    Window,
    #[serde(alias = "邮政快递", alias = "快递")]
    Post,
    #[serde(alias = "电子证照", alias = "网上下载")]
    Electronic,
}

impl Delivery {
    pub fn label(self) -> &'static str {
        match self {
            Delivery::Window => "窗口领取",
            Delivery::Post => "快递送达",
            Delivery::Electronic => "电子送达",
        }
    }
}

/// 办理地点.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Window {
    pub name: String,
    pub address: String,
    pub hours: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Faq {
    pub question: String,
    pub answer: String,
}
