//! Turns the checked catalog into search documents and writes the index.
//!
//! The heavy language work happens here, once, so the browser needs no
//! dictionary: pinyin spellings (with the `pinyin` crate), dictionary words
//! (with `jieba-rs`) and the synonyms officers keep in
//! `content/synonyms.toml`.

use crate::console;
use crate::views::{self, Ctx};
use aho_corasick::AhoCorasick;
use anyhow::{Context, Result};
use jieba_rs::Jieba;
use pinyin::ToPinyin;
use portal_core::analyzer::fold;
use portal_core::{GuideMeta, Handling, Item, Page, Route};
use portal_search::engine::Card;
use portal_search::writer::{self, IndexDoc, Written};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// `content/synonyms.toml`: what people type → the catalog's own words.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Synonyms {
    #[serde(default)]
    pub terms: BTreeMap<String, Vec<String>>,
}

impl Synonyms {
    pub fn load(content: &Path) -> Result<Synonyms> {
        let path = content.join("synonyms.toml");
        if !path.exists() {
            return Ok(Synonyms::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }
}

/// Finds, in a text, the official terms that colloquial words stand for,
/// and answers with those colloquial words.
struct SynonymMatcher {
    automaton: Option<AhoCorasick>,
    /// For each official term (pattern), the words that lead to it.
    words: Vec<Vec<String>>,
}

impl SynonymMatcher {
    fn new(s: &Synonyms) -> SynonymMatcher {
        let mut by_term: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (word, terms) in &s.terms {
            for t in terms {
                by_term.entry(fold(t)).or_default().push(word.clone());
            }
        }
        let patterns: Vec<&String> = by_term.keys().collect();
        SynonymMatcher {
            automaton: AhoCorasick::new(&patterns).ok(),
            words: by_term.values().cloned().collect(),
        }
    }

    fn words_for(&self, text: &str) -> Vec<String> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::new();
        for m in ac.find_overlapping_iter(&fold(text)) {
            for w in &self.words[m.pattern().as_usize()] {
                if !out.contains(w) {
                    out.push(w.clone());
                }
            }
        }
        out
    }
}

/// Spellings of a name: full pinyin and initials, each with its prefixes
/// at syllable boundaries ("ying yingye yingyezhi yingyezhizhao", "yy yyz
/// yyzz"), so typing pinyin finds results as it goes.
pub fn pinyin_spellings(text: &str) -> Vec<String> {
    let mut full = String::new();
    let mut initials = String::new();
    let mut out = Vec::new();
    for c in fold(text).chars() {
        if let Some(p) = c.to_pinyin() {
            // ü as keyboards type it: 律 is lv.
            full.push_str(&p.plain().replace('ü', "v"));
            initials.push_str(p.first_letter());
            out.push(full.clone());
            if initials.len() >= 2 {
                out.push(initials.clone());
            }
        } else if c.is_ascii_alphanumeric() {
            full.push(c);
            initials.push(c);
        }
    }
    if !full.is_empty() && out.last() != Some(&full) {
        out.push(full);
    }
    out.dedup();
    out
}

/// Spellings of the dictionary words inside a name ("驾驶" in
/// "机动车驾驶证申领"): each word's initials and full pinyin, so the
/// initials of a word in the middle of a long name find it too.
pub fn word_spellings(words: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words.split_whitespace() {
        let mut full = String::new();
        let mut initials = String::new();
        for c in w.chars() {
            if let Some(p) = c.to_pinyin() {
                full.push_str(&p.plain().replace('ü', "v"));
                initials.push_str(p.first_letter());
            }
        }
        for s in [initials, full] {
            if s.len() >= 2 && !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// What a name's words spell besides the whole name: each dictionary word,
/// each two neighbouring words ("离婚登记" in "内地居民离婚登记": lihundengji,
/// hhdj) and the colloquial terms that lead to the item (社保卡: shebaoka,
/// sbk), space-separated for [`word_spellings`].
fn spelt_words(jieba: &Jieba, name: &str, keys: &[String]) -> String {
    let mut out = vec![words(jieba, &[name])];
    let folded = fold(name);
    let cut: Vec<&str> = jieba
        .cut(&folded, false)
        .into_iter()
        .filter(|w| w.chars().all(portal_core::analyzer::is_han))
        .collect();
    out.extend(cut.windows(2).map(|w| w.concat()));
    out.extend(keys.iter().cloned());
    out.join(" ")
}

/// The pinyin field of a document named `names`, whose words (see
/// [`spelt_words`]) are `words`.
fn spellings(names: &[&str], words: &str) -> String {
    let mut out: Vec<String> = names.iter().flat_map(|n| pinyin_spellings(n)).collect();
    for s in word_spellings(words) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out.join(" ")
}

/// Writes the index of every item and guide into `site`.
pub fn write(ctx: &Ctx, content: &Path, site: &Path) -> Result<Written> {
    let synonyms = SynonymMatcher::new(&Synonyms::load(content)?);
    let jieba = Jieba::new();
    let catalog = ctx.catalog;
    let bar = console::progress(catalog.items.len() as u64, "search documents");
    let mut docs: Vec<IndexDoc> = catalog
        .items
        .par_iter()
        .map(|i| {
            bar.inc(1);
            item_doc(ctx, &i.value, &synonyms, &jieba)
        })
        .collect();
    bar.finish_and_clear();
    docs.extend(
        catalog
            .guides
            .iter()
            .map(|g| guide_doc(ctx, &g.value, &synonyms, &jieba)),
    );
    writer::write(&docs, site).map_err(|e| anyhow::anyhow!("cannot write the search index: {e}"))
}

/// An item as a real implementation list gives it: a code, a name, its
/// department and type, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedItem {
    pub code: String,
    pub name: String,
    pub department: String,
    pub item_type: String,
}

/// Writes the index of a names-only catalog into `site`.
pub fn write_names(items: &[NamedItem], synonyms: &Synonyms, site: &Path) -> Result<Written> {
    let synonyms = SynonymMatcher::new(synonyms);
    let jieba = Jieba::new();
    let docs: Vec<IndexDoc> = items
        .par_iter()
        .map(|i| named_doc(i, &synonyms, &jieba))
        .collect();
    writer::write(&docs, site).map_err(|e| anyhow::anyhow!("cannot write the search index: {e}"))
}

fn named_doc(item: &NamedItem, synonyms: &SynonymMatcher, jieba: &Jieba) -> IndexDoc {
    let terms = words(jieba, &[&item.name]);
    let syn = synonyms.words_for(&item.name);
    let pinyin = spellings(&[&item.name], &spelt_words(jieba, &item.name, &syn));
    IndexDoc {
        card: Card {
            kind: "item".into(),
            code: item.code.clone(),
            name: item.name.clone(),
            url: Route::Item(item.code.clone()).path(),
            department: item.department.clone(),
            item_type: item.item_type.clone(),
            ..Card::default()
        },
        keys: syn.iter().map(|w| fold(w)).collect(),
        synonyms: syn,
        pinyin,
        terms,
        facets: vec![
            ("kind".into(), "办事事项".into()),
            ("dept".into(), item.department.clone()),
            ("type".into(), item.item_type.clone()),
        ],
        ..IndexDoc::default()
    }
}

fn words(jieba: &Jieba, texts: &[&str]) -> String {
    let mut out: Vec<String> = Vec::new();
    for t in texts {
        for w in jieba.cut_for_search(&fold(t), true) {
            if w.chars().count() >= 2 && !out.iter().any(|o| o == w) {
                out.push(w.to_string());
            }
        }
    }
    out.join(" ")
}

fn item_doc(ctx: &Ctx, item: &Item, synonyms: &SynonymMatcher, jieba: &Jieba) -> IndexDoc {
    let row = views::item_row(ctx, item);
    let mut names: Vec<&str> = vec![&item.name];
    names.extend(item.aliases.iter().map(String::as_str));
    let terms = words(jieba, &names);
    let materials: Vec<&str> = item.materials.iter().map(|m| m.name.as_str()).collect();
    let materials_text = materials.join("、");
    let mut syn = synonyms.words_for(&names.join("，"));
    let keys = syn.iter().map(|w| fold(w)).collect();
    // Words whose official term appears only among the materials still
    // lead here, but weigh as materials do.
    let material_syn: Vec<String> = synonyms
        .words_for(&materials_text)
        .into_iter()
        .filter(|w| !syn.contains(w))
        .collect();
    syn.sort();
    // Words inside the name only: every alias that mentions 营业执照 would
    // otherwise answer yyzz.
    let pinyin = spellings(&names, &spelt_words(jieba, &item.name, &syn));
    let mut facets = vec![
        ("kind".to_string(), "办事事项".to_string()),
        ("dept".to_string(), row.department.clone()),
        ("type".to_string(), item.item_type.label().to_string()),
    ];
    facets.extend(
        item.audience
            .iter()
            .map(|a| ("audience".to_string(), a.label().to_string())),
    );
    if item.handling == Handling::Instant {
        facets.push(("mode".into(), "即办件".into()));
    }
    if item.visits == 0 {
        facets.push(("mode".into(), "零跑腿".into()));
    }
    if !item.online_url.is_empty() {
        facets.push(("mode".into(), "可网上办理".into()));
    }
    for t in &item.themes {
        if let Some(theme) = ctx.catalog.themes.iter().find(|x| &x.id == t) {
            facets.push(("theme".into(), theme.name.clone()));
        }
    }
    let mut body = vec![item.summary.clone()];
    body.extend(
        item.legal_basis
            .iter()
            .map(|l| format!("{} {}", l.law, l.article)),
    );
    body.extend(item.faq.iter().map(|f| f.question.clone()));
    let excerpt = format!("所需材料：{materials_text}。{}", item.conditions.join("；"));
    IndexDoc {
        card: Card {
            kind: "item".into(),
            code: item.code.clone(),
            name: item.name.clone(),
            url: Route::Item(item.code.clone()).path(),
            department: row.department,
            item_type: item.item_type.label().into(),
            limit: row.limit,
            visits: Some(item.visits),
            online: row.online,
            instant: item.handling == Handling::Instant,
        },
        aliases: item.aliases.clone(),
        synonyms: syn,
        keys,
        pinyin,
        terms,
        materials: format!("{materials_text} {}", material_syn.join(" ")),
        conditions: item.conditions.join("\n"),
        body: body.join("\n"),
        excerpt: excerpt.chars().take(400).collect(),
        facets,
    }
}

fn guide_doc(
    ctx: &Ctx,
    guide: &Page<GuideMeta>,
    synonyms: &SynonymMatcher,
    jieba: &Jieba,
) -> IndexDoc {
    let meta = &guide.meta;
    let terms = words(jieba, &[&meta.title]);
    let syn = synonyms.words_for(&meta.title);
    let pinyin = spellings(&[&meta.title], &spelt_words(jieba, &meta.title, &syn));
    let mut facets = vec![("kind".to_string(), "办事指南".to_string())];
    for t in &meta.themes {
        if let Some(theme) = ctx.catalog.themes.iter().find(|x| &x.id == t) {
            facets.push(("theme".into(), theme.name.clone()));
        }
    }
    IndexDoc {
        card: Card {
            kind: "guide".into(),
            code: guide.slug.clone(),
            name: meta.title.clone(),
            url: Route::Guide(guide.slug.clone()).path(),
            ..Card::default()
        },
        keys: syn.iter().map(|w| fold(w)).collect(),
        synonyms: syn,
        pinyin,
        terms,
        body: format!("{}\n{}", meta.summary, guide.body),
        excerpt: format!("{} {}", meta.summary, guide.body)
            .chars()
            .take(400)
            .collect(),
        facets,
        ..IndexDoc::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_has_full_spelling_initials_and_syllable_prefixes() {
        let p = pinyin_spellings("营业执照");
        for want in ["ying", "yingye", "yingyezhizhao", "yy", "yyzz"] {
            assert!(p.iter().any(|s| s == want), "{want} missing from {p:?}");
        }
    }

    #[test]
    fn initials_of_a_word_inside_a_name() {
        let jieba = Jieba::new();
        let name = "机动车驾驶证申领";
        let p = spellings(&[name], &spelt_words(&jieba, name, &[]));
        // 驾驶 in the middle: its initials, and its full spelling.
        for want in ["js", "jiashi", "jdc", "sl"] {
            assert!(p.split(' ').any(|s| s == want), "{want} missing from {p}");
        }
        // Not from the whole name's initials alone (jdcjszsl has no "js" prefix).
        assert!(!pinyin_spellings(name).iter().any(|s| s == "js"));
    }

    #[test]
    fn neighbouring_words_and_colloquial_terms_are_spelt() {
        let jieba = Jieba::new();
        let p = spellings(
            &["内地居民离婚登记"],
            &spelt_words(&jieba, "内地居民离婚登记", &["离婚证".into()]),
        );
        for want in ["lihundengji", "lhdj", "lihunzheng", "lhz"] {
            assert!(p.split(' ').any(|s| s == want), "{want} missing from {p}");
        }
    }

    #[test]
    fn u_umlaut_is_spelt_v() {
        assert!(
            pinyin_spellings("法律援助")
                .iter()
                .any(|s| s == "falvyuanzhu")
        );
    }

    #[test]
    fn pinyin_reads_traditional_too() {
        assert!(pinyin_spellings("營業執照").iter().any(|s| s == "yyzz"));
    }

    #[test]
    fn synonyms_find_colloquial_words_for_official_terms() {
        let mut s = Synonyms::default();
        s.terms.insert("驾照".into(), vec!["机动车驾驶证".into()]);
        s.terms.insert("医保".into(), vec!["医疗保障".into()]);
        let m = SynonymMatcher::new(&s);
        assert_eq!(m.words_for("機動車駕駛證補領"), vec!["驾照".to_string()]);
        assert!(m.words_for("护照").is_empty());
    }
}
