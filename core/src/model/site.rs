//! `site.toml`, the departments and the themes: who runs the portal,
//! the implementing agencies and the life-event themes.

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

/// `content/departments.toml` and each `content/departments/**/*.toml`:
/// `[[department]]` tables.
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

/// `content/themes.toml` and each `content/themes/**/*.toml`: `[[theme]]`
/// tables (主题分类, life events).
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
