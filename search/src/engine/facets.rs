//! Facets: the groups a result list is counted by, and `key:value`
//! filters.

use super::{FacetGroup, FacetValue};
use tantivy::collector::FacetCollector;
use tantivy::schema::Facet;

/// Facet groups: key (as in `?f=key:value`) and label.
pub const GROUPS: [(&str, &str); 6] = [
    ("kind", "类别"),
    ("dept", "部门"),
    ("audience", "服务对象"),
    ("type", "事项类型"),
    ("mode", "办理方式"),
    ("theme", "主题"),
];

pub(super) fn facet_collector() -> FacetCollector {
    let mut facets = FacetCollector::for_field("facets");
    for (key, _) in GROUPS {
        facets.add_facet(Facet::from_path([key]));
    }
    facets
}

/// Counts per group, most frequent first; the selected values marked.
pub(super) fn facet_groups(
    counts: &tantivy::collector::FacetCounts,
    selected: &[(String, Vec<String>)],
) -> Vec<FacetGroup> {
    GROUPS
        .iter()
        .filter_map(|(key, label)| {
            let mut values: Vec<FacetValue> = counts
                .get(Facet::from_path([*key]))
                .map(|(facet, count)| {
                    let value = facet
                        .to_path()
                        .last()
                        .copied()
                        .unwrap_or_default()
                        .to_string();
                    FacetValue {
                        selected: selected
                            .iter()
                            .any(|(k, vs)| k == key && vs.contains(&value)),
                        filter: format!("{key}:{value}"),
                        label: value,
                        count,
                    }
                })
                .collect();
            values.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
            (!values.is_empty()).then(|| FacetGroup {
                key: key.to_string(),
                label: label.to_string(),
                values,
            })
        })
        .collect()
}

/// `key:value` filters grouped by key, unknown keys dropped.
pub(super) fn parse_filters(filters: &[String]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for f in filters {
        let Some((key, value)) = f.split_once(':') else {
            continue;
        };
        if !GROUPS.iter().any(|(k, _)| *k == key) || value.is_empty() {
            continue;
        }
        match out.iter_mut().find(|(k, _)| k == key) {
            Some((_, values)) => values.push(value.to_string()),
            None => out.push((key.to_string(), vec![value.to_string()])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_group_by_key_and_drop_unknown_keys() {
        let f = [
            "dept:公安".into(),
            "dept:税务".into(),
            "nope:x".into(),
            "mode:".into(),
        ];
        assert_eq!(
            parse_filters(&f),
            vec![("dept".into(), vec!["公安".into(), "税务".into()])]
        );
    }
}
