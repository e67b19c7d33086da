//! Arbitrary text never panics the loader or the query analyzer: whatever
//! an officer's editor (or an attacker's pull request) writes, `portal
//! check` answers with problems; whatever people type into the search box,
//! the analyzer cuts it into bounded parts. Few cases each, so the run
//! stays short.

use portal_build::load::{self, Format};
use portal_core::model::{CalendarYear, DepartmentsFile, GuideMeta, Item};
use proptest::prelude::*;

/// Text that looks like TOML or YAML often enough to get past the syntax
/// check, with any character in between.
fn content_like() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop_oneof![
            Just("code = \"330199-GA-0001\"\n".to_owned()),
            Just("name = ".to_owned()),
            Just("[[materials]]\n".to_owned()),
            Just("statutory_limit = { days = ".to_owned()),
            Just("last_reviewed = 2025-13-01\n".to_owned()),
            Just("---\n".to_owned()),
            Just("+++\n".to_owned()),
            Just("- ".to_owned()),
            Just("\"".to_owned()),
            any::<String>(),
            "[0-9]{1,25}".prop_map(|s| s),
        ],
        0..24,
    );
    pieces.prop_map(|p| p.concat())
}

fn parse_all(text: &str) {
    for format in [Format::Toml, Format::Yaml] {
        let mut problems = load::Sink::default();
        let _ = load::parse::<Item>("items/x.toml", text, format, 0, &mut problems);
        let _ = load::parse::<DepartmentsFile>("departments.toml", text, format, 0, &mut problems);
        let _ = load::parse::<CalendarYear>("calendar/2025.toml", text, format, 0, &mut problems);
        let _ = load::parse::<GuideMeta>("guides/x.md", text, format, 3, &mut problems);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn the_parsers_never_panic(text in content_like()) {
        parse_all(&text);
    }

    #[test]
    fn a_content_folder_of_garbage_is_reported_not_fatal(item in content_like(), page in content_like()) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("items")).unwrap();
        std::fs::create_dir_all(root.join("guides")).unwrap();
        std::fs::write(root.join("items/x.toml"), &item).unwrap();
        std::fs::write(root.join("guides/x.md"), format!("+++\n{page}\n+++\n{page}")).unwrap();
        std::fs::write(root.join("departments.toml"), &page).unwrap();
        let loaded = load::check(root, portal_tests::today());
        prop_assert!(!loaded.problems.is_empty());
    }

    #[test]
    fn the_query_analyzer_takes_anything(query in any::<String>(), junk in "[%_*?\\\\()\\[\\]\"'~^:+-]{0,40}") {
        let text = format!("{query}{junk}{query}");
        let parts = portal_core::analyzer::query_parts(&text);
        prop_assert!(parts.len() <= portal_core::analyzer::MAX_QUERY_CHARS);
        let _ = portal_core::analyzer::tokens(&text);
        let _ = portal_core::analyzer::fold(&text);
    }
}
