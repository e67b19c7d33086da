//! Every rule reports its file, line, field and message; all at once.

use crate::cases::*;
use crate::precheck_cases::PRECHECK_CASES;
use crate::problems_after;
use portal_build::load;
use portal_core::Severity;
use portal_tests::{copy_fixture, fixture, today};

fn marker_line(text: &str, marker: &str) -> usize {
    let first = marker.lines().next().unwrap_or(marker);
    let offset = text.find(first).expect("marker in text");
    text[..offset].matches('\n').count() + 1
}

#[test]
fn the_valid_fixture_has_no_problems() {
    let problems = load::check(&fixture("valid"), today()).problems;
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_rule_reports_file_line_field_and_message() {
    let mut failures = Vec::new();
    for case in CASES.iter().chain(PRECHECK_CASES) {
        let (problems, changed) = problems_after(case);
        let line = match case.at {
            Marker => marker_line(&changed, case.replace),
            Line(n) => n,
        };
        let found = problems.iter().any(|p| {
            p.severity == Severity::Error
                && p.file == case.file
                && p.line == line
                && p.column >= 1
                && p.field == case.field
                && (p.message.contains(case.message) || p.hint.contains(case.message))
        });
        if !found {
            failures.push(format!(
                "{}: expected {}:{line} `{}` {:?}, got:\n{}",
                case.name,
                case.file,
                case.field,
                case.message,
                problems
                    .iter()
                    .map(|p| format!("    {p} [field {:?}]", p.field))
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn suggestions_name_the_right_key_and_id() {
    let (problems, _) = problems_after(&CASES[0]);
    assert!(
        problems
            .iter()
            .any(|p| p.hint == "did you mean `materials`?"),
        "{problems:#?}"
    );
    let (problems, _) = problems_after(
        CASES
            .iter()
            .find(|c| c.name == "unknown department")
            .unwrap(),
    );
    assert!(
        problems
            .iter()
            .any(|p| p.hint == "did you mean `market-regulation`?"),
        "{problems:#?}"
    );
}

#[test]
fn all_problems_are_reported_at_once() {
    let dir = copy_fixture("valid");
    for (file, find, replace) in [
        (
            SHOP,
            "department = \"market-regulation\"",
            "department = \"nowhere\"",
        ),
        (ID, "visits = 1", "visits = 7"),
        (NEW, "category = \"normative\"", "category = \"x\""),
    ] {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replacen(find, replace, 1);
        std::fs::write(&path, text).unwrap();
    }
    let problems = load::check(dir.path(), today()).problems;
    for file in [SHOP, ID, NEW] {
        assert!(
            problems.iter().any(|p| p.file == file),
            "no problem reported for {file}: {problems:#?}"
        );
    }
}
