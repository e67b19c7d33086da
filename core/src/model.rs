//! The catalog as officers write it: site settings, departments, themes,
//! service items (办事指南), guides and disclosure documents.
//!
//! Field names are English; enumerated values accept the English word or the
//! Chinese term officers already use (e.g. `item_type = "行政许可"`).
//! Unknown keys are reported by the loader, not rejected by serde, so one
//! file can report all of its problems at once.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// `content/site.toml`: who runs the portal.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Site {
    /// Name of the centre, e.g. "江宁区政务服务中心".
    pub name: String,
    /// Region the catalog covers, e.g. "某某市江宁区".
    pub region: String,
    /// Administrative division code of the region, e.g. "320115".
    #[serde(default)]
    pub region_code: String,
    /// Public address of the site, e.g. "https://zwfw.example.gov.cn/".
    pub base_url: String,
    /// Languages of the content, first one is the page `lang`.
    #[serde(default = "default_languages")]
    pub languages: Vec<String>,
    #[serde(default)]
    pub description: String,
    pub contact: Contact,
    /// Categories of disclosure documents (政府信息公开目录).
    #[serde(default)]
    pub disclosure_categories: Vec<Category>,
}

fn default_languages() -> Vec<String> {
    vec!["zh-CN".into()]
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Contact {
    pub address: String,
    /// Enquiry phone of the centre (咨询电话).
    pub phone: String,
    /// Complaints phone (监督投诉电话).
    pub complaint_phone: String,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Category {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// `content/departments.toml`: `[[department]]` tables.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DepartmentsFile {
    #[serde(default)]
    pub department: Vec<Department>,
}

/// An implementing agency (实施主体).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Department {
    /// Short stable id used in URLs and item files, e.g. "public-security".
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Staffs a window in the hall (进驻).
    #[serde(default)]
    pub stationed: bool,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub hours: String,
    /// Default enquiry phone for the department's items.
    #[serde(default)]
    pub enquiry_phone: String,
    /// Default complaints phone for the department's items.
    #[serde(default)]
    pub complaint_phone: String,
    #[serde(default)]
    pub website: String,
}

/// `content/themes.toml`: `[[theme]]` tables (主题分类, life events).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ThemesFile {
    #[serde(default)]
    pub theme: Vec<Theme>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Theme {
    pub id: String,
    pub name: String,
    pub audience: Audience,
    #[serde(default)]
    pub description: String,
}

/// 服务对象.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    #[serde(alias = "自然人", alias = "个人")]
    Individual,
    #[serde(alias = "法人", alias = "企业")]
    Business,
}

impl Audience {
    pub fn label(self) -> &'static str {
        match self {
            Audience::Individual => "个人",
            Audience::Business => "法人",
        }
    }
}

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
    /// Rough length in calendar days, to compare limits counted differently
    /// (five working days make a week).
    pub fn approx_calendar_days(&self) -> u32 {
        match self.unit {
            DayUnit::Working => self.days.saturating_mul(7) / 5,
            DayUnit::Calendar => self.days,
        }
    }

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
#[derive(Debug, Clone, Serialize, Deserialize)]
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

/// 情形: a question whose answer changes materials, conditions, limits, fees.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Situation {
    pub id: String,
    pub question: String,
    pub options: Vec<SituationOption>,
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

/// Front matter of `content/guides/*.md`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GuideMeta {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub themes: Vec<String>,
    /// Codes of the items the guide walks through.
    #[serde(default)]
    pub items: Vec<String>,
    #[serde(deserialize_with = "crate::dates::deserialize")]
    pub updated: NaiveDate,
}

/// 有效性.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    #[serde(alias = "有效", alias = "现行有效")]
    InForce,
    #[serde(alias = "已修改", alias = "已修订")]
    Amended,
    #[serde(alias = "已废止", alias = "失效")]
    Repealed,
}

impl Validity {
    pub fn label(self) -> &'static str {
        match self {
            Validity::InForce => "现行有效",
            Validity::Amended => "已修改",
            Validity::Repealed => "已废止",
        }
    }
}

/// Front matter of `content/disclosures/**/*.md`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DisclosureMeta {
    pub title: String,
    /// 文号, e.g. 平政办发〔2017〕12号. Empty for documents without one.
    #[serde(default)]
    pub number: String,
    /// 发文机关.
    pub agency: String,
    /// 成文日期.
    #[serde(deserialize_with = "crate::dates::deserialize")]
    pub written: NaiveDate,
    /// 发布日期.
    #[serde(deserialize_with = "crate::dates::deserialize")]
    pub published: NaiveDate,
    /// Id of a category from `site.toml`.
    pub category: String,
    /// 主题分类, free text e.g. "营商环境".
    #[serde(default)]
    pub topic: String,
    pub validity: Validity,
    /// 废止日期: required when repealed.
    #[serde(default, deserialize_with = "crate::dates::option::deserialize")]
    pub repealed_on: Option<NaiveDate>,
    /// Slugs (paths under `content/disclosures/` without `.md`) of the
    /// documents that amend or replace this one.
    #[serde(default)]
    pub amended_by: Vec<String>,
    #[serde(default)]
    pub replaced_by: Vec<String>,
    /// Documents this one amends or repeals.
    #[serde(default)]
    pub supersedes: Vec<String>,
}

/// A value and the content file it came from (relative path).
#[derive(Debug, Clone, Serialize)]
pub struct Sourced<T> {
    pub file: String,
    #[serde(flatten)]
    pub value: T,
}

/// A Markdown page: front matter, body and the links found in the body.
#[derive(Debug, Clone, Serialize)]
pub struct Page<M> {
    pub meta: M,
    /// Path under its folder without `.md`, e.g. `notices/2025-fees`.
    pub slug: String,
    pub body: String,
    /// Links in the body with their line in the file.
    #[serde(skip)]
    pub links: Vec<(String, usize)>,
}

/// Everything under `content/`, loaded but not yet checked across files.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub site: Site,
    pub departments: Vec<Department>,
    pub themes: Vec<Theme>,
    pub items: Vec<Sourced<Item>>,
    pub guides: Vec<Sourced<Page<GuideMeta>>>,
    pub disclosures: Vec<Sourced<Page<DisclosureMeta>>>,
    pub calendar: Vec<Sourced<CalendarYear>>,
    /// Downloadable files under `content/files/`, relative to it.
    pub files: std::collections::BTreeSet<String>,
}
