//! `portal check --format json`: one object per problem, with the cause it
//! follows from.

use crate::cases::{GUIDE, SHOP};
use portal_build::console::report;
use portal_build::load;
use portal_tests::{copy_fixture, today};

#[test]
fn every_problem_is_one_json_line_with_its_cause() {
    let dir = copy_fixture("valid");
    let path = dir.path().join(SHOP);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("visits = 0", "visits = \"none\"")).unwrap();
    let problems = load::check(dir.path(), today()).problems;
    let mut out = Vec::new();
    report::write_json(&mut out, &problems).unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), problems.len());
    let root = lines
        .iter()
        .find(|l| l["file"] == SHOP)
        .expect("the item's error");
    let keys: Vec<&str> = root
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    for key in [
        "file",
        "line",
        "column",
        "field",
        "message",
        "help",
        "severity",
        "caused_by",
    ] {
        assert!(keys.contains(&key), "{key} missing: {root}");
    }
    assert_eq!(root["field"], "visits");
    assert_eq!(root["severity"], "error");
    assert_eq!(root["line"], 11);
    assert!(root["caused_by"].is_null());
    assert!(
        root["help"].as_str().unwrap().contains("whole number"),
        "{root}"
    );
    let guide = lines
        .iter()
        .find(|l| l["file"] == GUIDE && l["field"] == "items[0]")
        .expect("the guide's reference");
    assert_eq!(
        guide["caused_by"],
        serde_json::json!({"file": SHOP, "line": 11, "column": 10})
    );
}
