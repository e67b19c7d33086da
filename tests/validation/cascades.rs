//! One mistake, one message: something that fails to load still registers
//! its id, and every reference to it is folded under its error (never
//! "unknown", never a "did you mean" to another entity). One fixture per
//! kind of reference: item in guide, department in item, theme, material.

use crate::cases::{GUIDE, ID, SHOP};
use portal_build::console::{self, Options};
use portal_build::load;
use portal_core::{Cause, Problem};
use portal_tests::{copy_fixture, today};

/// The valid fixture with each `(file, find, replace)` applied.
fn broken(edits: &[(&str, &str, &str)]) -> (tempfile::TempDir, Vec<Problem>) {
    let dir = copy_fixture("valid");
    for (file, find, replace) in edits {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(find), "{file}: {find:?} not found");
        std::fs::write(&path, text.replacen(find, replace, 1)).unwrap();
    }
    let problems = load::check(dir.path(), today()).problems;
    (dir, problems)
}

/// Asserts that exactly one problem is not caused by another, in
/// `root_file` and saying `root_says`, and that `cascades` problems follow
/// from it, none of them "unknown" or with a suggestion. Returns the root.
fn one_root(problems: &[Problem], root_file: &str, root_says: &str, cascades: usize) -> Problem {
    let all = || format!("{problems:#?}");
    let roots: Vec<&Problem> = problems.iter().filter(|p| p.caused_by.is_none()).collect();
    assert_eq!(roots.len(), 1, "one root error: {}", all());
    let root = roots[0];
    assert_eq!(root.file, root_file, "{}", all());
    assert!(root.message.contains(root_says), "{}", all());
    let cause = Cause::of(root);
    let follow: Vec<&Problem> = problems.iter().filter(|p| p.caused_by.is_some()).collect();
    assert_eq!(follow.len(), cascades, "{}", all());
    for p in follow {
        assert_eq!(p.caused_by.as_ref(), Some(&cause), "{}", all());
        assert!(!p.hint.contains("did you mean"), "{p}");
        assert!(p.hint.contains(&cause.to_string()), "{p}");
    }
    root.clone()
}

/// What `portal check` prints for `problems`.
fn printed(problems: &[Problem]) -> String {
    let mut out = Vec::new();
    console::report::write_report(&mut out, problems, Options::default()).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn an_item_with_a_bad_date_is_one_error_with_the_guides_folded_under_it() {
    // A second item with a near code: the guide's reference must not be
    // sent there ("did you mean `TEST-SJ-0002`?").
    let dir = copy_fixture("valid");
    let shop = std::fs::read_to_string(dir.path().join(SHOP)).unwrap();
    std::fs::write(
        dir.path().join("items/shop-2.toml"),
        shop.replace("TEST-SJ-0001", "TEST-SJ-0002"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join(SHOP),
        shop.replace("last_reviewed = 2025-06-01", "last_reviewed = 2025-13-01"),
    )
    .unwrap();
    let problems = load::check(dir.path(), today()).problems;
    let root = one_root(&problems, SHOP, "invalid date", 2);
    assert!(root.hint.contains("YYYY-MM-DD, month 01–12"), "{root}");
    assert!(problems.iter().all(|p| !p.message.contains("unknown")));
    assert!(
        problems
            .iter()
            .any(|p| p.file == GUIDE && p.field == "items[0]"),
        "the guide's item list: {problems:#?}"
    );
    let text = printed(&problems);
    assert!(text.starts_with(&root.to_string()), "root first:\n{text}");
    assert!(
        text.contains("(2 more errors in files that refer to it; `--all` lists them)"),
        "{text}"
    );
    assert!(!text.contains(GUIDE), "cascades are folded:\n{text}");
}

#[test]
fn an_item_that_is_not_utf8_still_registers_its_code() {
    let dir = copy_fixture("valid");
    let path = dir.path().join(SHOP);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"notes = \"caf\xe9\"\n");
    std::fs::write(&path, bytes).unwrap();
    let problems = load::check(dir.path(), today()).problems;
    one_root(&problems, SHOP, "not UTF-8", 2);
}

#[test]
fn a_broken_department_is_reported_once_not_in_every_item() {
    // One entry with a type error: the other department still loads.
    let (_dir, problems) = broken(&[(
        "departments.toml",
        "name = \"测试区市场监督管理局\"",
        "name = 5",
    )]);
    let root = one_root(&problems, "departments.toml", "wrong type", 1);
    assert_eq!(root.field, "department[1].name");
    assert!(root.hint.contains("quotes"), "{root}");
    let p = problems.iter().find(|p| p.caused_by.is_some()).unwrap();
    assert_eq!((p.file.as_str(), p.field.as_str()), (SHOP, "department"));
    assert!(
        p.message
            .contains("the department `market-regulation` could not be loaded"),
        "{p}"
    );
    // A syntax error loses the whole file, but not the ids in it.
    let (_dir, problems) = broken(&[(
        "departments.toml",
        "name = \"测试区公安分局\"",
        "name = \"测试区公安分局",
    )]);
    one_root(&problems, "departments.toml", "TOML syntax error", 2);
}

#[test]
fn a_broken_theme_is_reported_once() {
    let (_dir, problems) = broken(&[(
        "themes.toml",
        "audience = \"business\"",
        "audience = \"companies\"",
    )]);
    one_root(
        &problems,
        "themes.toml",
        "`companies` is not allowed here",
        2,
    );
    for file in [SHOP, GUIDE] {
        assert!(
            problems
                .iter()
                .any(|p| p.file == file && p.message.contains("the theme `start-business`")),
            "{file}: {problems:#?}"
        );
    }
}

#[test]
fn a_broken_material_is_reported_once_and_the_others_are_still_checked() {
    let (_dir, problems) = broken(&[
        (
            ID,
            "id = \"old-card\"\nname = \"原居民身份证\"\nsource = \"agency\"\nissuer = \"公安机关\"\noriginals = 1",
            "id = \"old-card\"\nname = \"原居民身份证\"\nsource = \"agency\"\nissuer = \"公安机关\"\noriginals = \"one\"",
        ),
        // A rule problem in another material of the same item.
        (ID, "name = \"居民户口簿\"", "name = \"\""),
    ]);
    let roots: Vec<&Problem> = problems.iter().filter(|p| p.caused_by.is_none()).collect();
    assert_eq!(roots.len(), 2, "{problems:#?}");
    let root = roots
        .iter()
        .find(|p| p.field == "materials[1].originals")
        .expect("the broken material");
    assert!(root.hint.contains("whole number"), "{root}");
    assert!(
        roots.iter().any(|p| p.field == "materials[0].name"),
        "the other materials are still checked: {problems:#?}"
    );
    let follow: Vec<&Problem> = problems.iter().filter(|p| p.caused_by.is_some()).collect();
    assert_eq!(follow.len(), 2, "{problems:#?}");
    assert!(
        follow
            .iter()
            .all(|p| p.message.contains("the material `old-card`")
                && p.caused_by == Some(Cause::of(root)))
    );
}

#[test]
fn a_missing_departments_file_is_one_error() {
    let dir = copy_fixture("valid");
    std::fs::remove_file(dir.path().join("departments.toml")).unwrap();
    let problems = load::check(dir.path(), today()).problems;
    one_root(&problems, "departments.toml", "does not exist", 2);
}
