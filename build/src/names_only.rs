//! Names-only catalogs, structured as real implementation lists are: each
//! licence split into its variants (…新办, …变更, …延续, …补办, …注销) and
//! its enquiry items (…政策咨询, …查询, …投诉指引), with a code, a name, a
//! department and a type and nothing else.
//!
//! A catalog is written as subjects per department (`tests/fixtures/
//! names-only/subjects.toml`) and expanded here, deterministically:
//!
//! ```toml
//! [[department]]
//! code = "SC"
//! name = "县市场监督管理局"
//! items = [
//!   "食品经营许可：（新办） （变更） （延续） （注销） +政策咨询",
//!   "个体工商户：设立登记 变更登记 注销登记",
//!   "广告发布登记",
//! ]
//! ```
//!
//! A line with "：" is a subject: its stem, then each item's ending (an
//! ending starting with "+" is an enquiry item). Item codes say where the
//! item came from, so a relevance set can name them without looking:
//! `SC-001-XB` is the first subject's first application, `-BG` a change,
//! `-YX` a renewal, `-BF` a reissue, `-ZX` a cancellation, `-ZY` a policy
//! consultation, `-CX` an enquiry, `-TS` a complaint guide, `-QT` anything
//! else; a line without "：" is `SC-003`.

use crate::search_index::NamedItem;
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Subjects {
    department: Vec<Department>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Department {
    code: String,
    name: String,
    items: Vec<String>,
}

/// The endings' codes, by the words they hold (first match wins).
const ENDINGS: [(&[&str], &str); 8] = [
    (&["咨询"], "ZY"),
    (&["查询"], "CX"),
    (&["投诉", "举报"], "TS"),
    (
        &[
            "新办",
            "设立",
            "核发",
            "申领",
            "首次",
            "初次",
            "开业",
            "新申请",
        ],
        "XB",
    ),
    (&["变更", "更正"], "BG"),
    (&["延续", "换发", "换证", "延期", "换领"], "YX"),
    (&["补办", "补发", "补领", "补证", "遗失"], "BF"),
    (&["注销", "歇业", "撤销", "终止"], "ZX"),
];

/// Reads and expands the subjects file at `path`.
pub fn read(path: &Path) -> Result<Vec<NamedItem>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let subjects: Subjects =
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    expand(&subjects)
}

fn expand(subjects: &Subjects) -> Result<Vec<NamedItem>> {
    let mut out: Vec<NamedItem> = Vec::new();
    for dept in &subjects.department {
        for (n, line) in dept.items.iter().enumerate() {
            let base = format!("{}-{:03}", dept.code, n + 1);
            let item = |code: String, name: String, item_type: &str| NamedItem {
                code,
                name,
                department: dept.name.clone(),
                item_type: item_type.to_string(),
            };
            let Some((stem, endings)) = line.split_once('：') else {
                out.push(item(base, line.trim().to_string(), "公共服务"));
                continue;
            };
            let mut codes: Vec<String> = Vec::new();
            for ending in endings.split_whitespace() {
                let (ending, enquiry) = match ending.strip_prefix('+') {
                    Some(e) => (e, true),
                    None => (ending, false),
                };
                let kind = ENDINGS
                    .iter()
                    .find(|(words, _)| words.iter().any(|w| ending.contains(w)))
                    .map_or("QT", |(_, code)| code);
                let mut code = format!("{base}-{kind}");
                let mut k = 2;
                while codes.contains(&code) {
                    code = format!("{base}-{kind}{k}");
                    k += 1;
                }
                codes.push(code.clone());
                let item_type = if enquiry {
                    "公共服务"
                } else {
                    "行政许可"
                };
                out.push(item(code, format!("{stem}{ending}"), item_type));
            }
            if codes.is_empty() {
                bail!("{}: “{line}” has a stem and no endings", dept.code);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_expand_into_coded_items() {
        let subjects: Subjects = toml::from_str(
            r#"
            [[department]]
            code = "SC"
            name = "县市场监督管理局"
            items = ["食品经营许可：（新办） （变更） 注销 +政策咨询", "广告发布登记"]
            "#,
        )
        .unwrap();
        let items = expand(&subjects).unwrap();
        let got: Vec<(&str, &str)> = items
            .iter()
            .map(|i| (i.code.as_str(), i.name.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("SC-001-XB", "食品经营许可（新办）"),
                ("SC-001-BG", "食品经营许可（变更）"),
                ("SC-001-ZX", "食品经营许可注销"),
                ("SC-001-ZY", "食品经营许可政策咨询"),
                ("SC-002", "广告发布登记"),
            ]
        );
        assert_eq!(items[3].item_type, "公共服务");
        assert_eq!(items[0].department, "县市场监督管理局");
    }

    #[test]
    fn the_fixture_is_a_county_list_and_its_relevance_set_names_its_items() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/names-only");
        let items = read(&dir.join("subjects.toml")).unwrap();
        assert!(items.len() >= 1000, "{} items", items.len());
        let mut departments: Vec<&str> = items.iter().map(|i| i.department.as_str()).collect();
        departments.dedup();
        assert!(departments.len() >= 30, "{} departments", departments.len());
        let set: toml::Value =
            toml::from_str(&std::fs::read_to_string(dir.join("relevance.toml")).unwrap()).unwrap();
        let queries = set["query"].as_array().unwrap();
        assert!(queries.len() >= 150, "{} queries", queries.len());
        for q in queries {
            for code in q["expect"].as_array().unwrap() {
                let code = code.as_str().unwrap();
                assert!(
                    items.iter().any(|i| i.code == code),
                    "{}: no item {code}",
                    q["q"]
                );
            }
        }
    }
}
