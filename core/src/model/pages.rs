//! Markdown pages: guides (办事攻略) and disclosure documents (政府信息公开).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
