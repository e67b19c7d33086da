//! What changed between two versions of the catalog, field by field, in
//! the words officers use ("承诺时限 20 → 10 个自然日；新增材料「…」").
//!
//! One pure function, [`diff`], serves `portal diff`, the import's dry run
//! and the public change log, so the three can never describe the same
//! edit differently. [`item`] compares one item, [`words`] writes the
//! sentences.

mod disclosure;
mod item;
pub mod words;

use crate::model::{Catalog, DisclosureMeta, Item};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use item::diff_item;

/// What a change is about: the filters of `/updates/` and the groups of
/// a diff. The slug is the web address of its filter page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// A new or withdrawn item.
    Item,
    Materials,
    Limits,
    Fees,
    Conditions,
    LegalBasis,
    Visits,
    Online,
    /// Name, type, department, contacts, windows, steps, FAQ.
    Details,
    Disclosure,
}

impl Aspect {
    pub const ALL: [Aspect; 10] = [
        Aspect::Item,
        Aspect::Materials,
        Aspect::Limits,
        Aspect::Fees,
        Aspect::Conditions,
        Aspect::LegalBasis,
        Aspect::Visits,
        Aspect::Online,
        Aspect::Details,
        Aspect::Disclosure,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Aspect::Item => "事项新增与取消",
            Aspect::Materials => "申请材料",
            Aspect::Limits => "办理时限",
            Aspect::Fees => "收费",
            Aspect::Conditions => "办理条件",
            Aspect::LegalBasis => "设定依据",
            Aspect::Visits => "跑动次数",
            Aspect::Online => "网上办理",
            Aspect::Details => "其他信息",
            Aspect::Disclosure => "公开文件",
        }
    }

    /// Its part of a web address, e.g. `legal-basis`.
    pub fn slug(self) -> &'static str {
        match self {
            Aspect::Item => "items",
            Aspect::Materials => "materials",
            Aspect::Limits => "limits",
            Aspect::Fees => "fees",
            Aspect::Conditions => "conditions",
            Aspect::LegalBasis => "legal-basis",
            Aspect::Visits => "visits",
            Aspect::Online => "online",
            Aspect::Details => "details",
            Aspect::Disclosure => "disclosures",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Aspect> {
        Aspect::ALL.into_iter().find(|a| a.slug() == slug)
    }
}

/// One thing that changed, as a sentence: "新增材料「数码相片采集回执」".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub aspect: Aspect,
    pub text: String,
}

/// What happened to an item or a document as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Added,
    Changed,
    Withdrawn,
    /// A disclosure document appeared.
    Published,
    Amended,
    Repealed,
}

impl Event {
    pub fn label(self) -> &'static str {
        match self {
            Event::Added => "新增事项",
            Event::Changed => "事项变更",
            Event::Withdrawn => "取消事项",
            Event::Published => "文件发布",
            Event::Amended => "文件修改",
            Event::Repealed => "文件废止",
        }
    }
}

/// Whether a change is about a service item or a disclosure document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Item,
    Disclosure,
}

/// Everything that changed about one item or document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub subject: Subject,
    /// The item code, or the document's slug.
    pub id: String,
    /// The item's name or the document's title (the newer one).
    pub name: String,
    /// The department id of an item; the issuing agency of a document.
    pub department: String,
    pub event: Event,
    pub changes: Vec<FieldChange>,
}

impl Change {
    /// The officer's one-line summary: "居民身份证换领：承诺时限 20 → 10 个自然日；新增材料「…」".
    pub fn summary(&self) -> String {
        let texts: Vec<&str> = self.changes.iter().map(|c| c.text.as_str()).collect();
        format!("{}：{}", self.name, texts.join("；"))
    }

    /// The aspects this change touches, each once, in [`Aspect`] order.
    pub fn aspects(&self) -> Vec<Aspect> {
        let mut out: Vec<Aspect> = self.changes.iter().map(|c| c.aspect).collect();
        out.sort();
        out.dedup();
        out
    }
}

/// One dated entry of the public change log: what one publication
/// changed about one item or document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub date: NaiveDate,
    #[serde(flatten)]
    pub change: Change,
}

/// One side of a comparison: the items and documents of a catalog, or of
/// a published snapshot of one.
#[derive(Debug, Clone, Default)]
pub struct Side<'a> {
    pub items: Vec<&'a Item>,
    /// Slug and front matter of each document.
    pub disclosures: Vec<(&'a str, &'a DisclosureMeta)>,
}

impl<'a> Side<'a> {
    pub fn of(catalog: &'a Catalog) -> Side<'a> {
        Side {
            items: catalog.items.iter().map(|i| &i.value).collect(),
            disclosures: catalog
                .disclosures
                .iter()
                .map(|d| (d.value.slug.as_str(), &d.value.meta))
                .collect(),
        }
    }
}

/// Every item and document that differs between `old` and `new`: items
/// in code order, then documents in slug order. Equal sides give nothing.
pub fn diff(old: &Side, new: &Side) -> Vec<Change> {
    let mut out = items(&old.items, &new.items);
    out.extend(disclosure::diff_all(&old.disclosures, &new.disclosures));
    out
}

fn items(old: &[&Item], new: &[&Item]) -> Vec<Change> {
    let old: BTreeMap<&str, &Item> = old.iter().map(|i| (i.code.as_str(), *i)).collect();
    let new: BTreeMap<&str, &Item> = new.iter().map(|i| (i.code.as_str(), *i)).collect();
    let mut out = Vec::new();
    for (code, n) in &new {
        match old.get(code) {
            None => out.push(whole(n, Event::Added, "新增事项")),
            Some(o) => {
                let changes = diff_item(o, n);
                if !changes.is_empty() {
                    out.push(Change {
                        event: Event::Changed,
                        changes,
                        ..whole(n, Event::Changed, "")
                    });
                }
            }
        }
    }
    for (code, o) in &old {
        if !new.contains_key(code) {
            out.push(whole(o, Event::Withdrawn, "取消事项"));
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn whole(item: &Item, event: Event, text: &str) -> Change {
    Change {
        subject: Subject::Item,
        id: item.code.clone(),
        name: item.name.clone(),
        department: item.department.clone(),
        event,
        changes: vec![FieldChange {
            aspect: Aspect::Item,
            text: text.to_string(),
        }],
    }
}

#[cfg(test)]
mod tests;
