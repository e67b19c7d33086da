//! A catalog with 100,000 errors prints a page, not a flood: a few of
//! each kind, "… and N more like this", and counts by kind. The catalog is
//! generated into a temporary folder (1,000 items with 50 materials each,
//! every material missing its source and its count).

use crate::cases::SHOP;
use portal_build::console::{self, Options};
use portal_build::load;
use portal_tests::{copy_fixture, today};
use std::fmt::Write;

const ITEMS: usize = 1000;
const MATERIALS: usize = 50;

fn item(shop: &str, n: usize) -> String {
    let mut text = shop
        .replace("TEST-SJ-0001", &format!("TEST-SJ-{n:05}"))
        .replace(
            "department = \"market-regulation\"",
            "department = \"market-regulaton\"",
        );
    for m in 0..MATERIALS {
        write!(text, "\n[[materials]]\nid = \"m{m}\"\nname = \"材料{m}\"\n").unwrap();
    }
    text
}

#[test]
fn a_hundred_thousand_errors_print_under_200_lines() {
    let dir = copy_fixture("valid");
    let shop = std::fs::read_to_string(dir.path().join(SHOP)).unwrap();
    for n in 0..ITEMS {
        let path = dir.path().join(format!("items/many/{n:04}.toml"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, item(&shop, n)).unwrap();
    }
    let problems = load::check(dir.path(), today()).problems;
    let errors = problems.iter().filter(|p| p.is_error()).count();
    assert!(errors >= 100_000, "{errors} errors");
    let mut out = Vec::new();
    console::report::write_report(&mut out, &problems, Options::default()).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines = text.lines().count();
    assert!(lines < 200, "{lines} lines:\n{text}");
    assert!(
        text.contains("… and 49,990 more like this (`--all` lists every one)"),
        "{text}"
    );
    assert!(
        text.contains("50,000 × the material `…` has no source"),
        "{text}"
    );
    assert!(text.contains("1,000 × unknown department `…`"), "{text}");
    // The suggestion is still made for each (asked once, remembered).
    assert!(
        problems
            .iter()
            .filter(|p| p.message.starts_with("unknown department"))
            .all(|p| p.hint == "did you mean `market-regulation`?")
    );
}
