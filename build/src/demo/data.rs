//! The tables the demo catalog is made of, read from `data.toml`.

use portal_core::model::{Audience, Site};
use serde::Deserialize;
use std::sync::LazyLock;

/// `data.toml`, parsed once.
pub(super) static DATA: LazyLock<Data> = LazyLock::new(|| {
    toml::from_str(include_str!("data.toml")).expect("build/src/demo/data.toml is valid")
});

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Data {
    /// County names; past the end they repeat with a suffix.
    pub counties: Vec<String>,
    /// Appended to item names.
    pub qualifiers: Vec<String>,
    /// Every item's steps.
    pub steps: Vec<String>,
    /// `site.toml`.
    pub site: Site,
    /// Department kinds: one department of each per county.
    pub kind: Vec<Kind>,
}

/// A department kind: id, name suffix, code, what it handles, the
/// documents its items ask for and the law it applies.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Kind {
    pub id: String,
    pub name: String,
    pub code: String,
    pub objects: Vec<String>,
    pub actions: Vec<String>,
    pub materials: Vec<String>,
    pub law: String,
    pub audience: Audience,
    pub theme: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_are_complete() {
        let data = &*DATA;
        assert_eq!(data.counties.len(), 20);
        assert_eq!(data.qualifiers.len(), 9);
        assert_eq!(data.kind.len(), 19);
        for k in &data.kind {
            // Items pick from these, and always take the first two materials.
            assert!(!k.objects.is_empty() && !k.actions.is_empty(), "{}", k.id);
            assert!(k.materials.len() >= 2, "{}", k.id);
        }
    }
}
