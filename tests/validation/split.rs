//! Departments and themes split over `departments/*.toml` and
//! `themes/*.toml`: ids are unique across the files, and a duplicate names
//! both places.

use portal_build::load;
use portal_tests::{copy_fixture, today};

/// The `[[table]]` blocks of a list file.
fn blocks(text: &str, table: &str) -> Vec<String> {
    text.split(&format!("[[{table}]]"))
        .skip(1)
        .map(|b| format!("[[{table}]]{b}"))
        .collect()
}

/// The valid fixture with each list in a folder, one entry a file.
fn split() -> tempfile::TempDir {
    let dir = copy_fixture("valid");
    for (file, table, folder) in [
        ("departments.toml", "department", "departments"),
        ("themes.toml", "theme", "themes"),
    ] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        std::fs::remove_file(dir.path().join(file)).unwrap();
        let folder = dir.path().join(folder).join("county");
        std::fs::create_dir_all(&folder).unwrap();
        for (i, block) in blocks(&text, table).iter().enumerate() {
            std::fs::write(folder.join(format!("{i}.toml")), block).unwrap();
        }
    }
    dir
}

#[test]
fn split_lists_load_like_single_files() {
    let dir = split();
    let loaded = load::check(dir.path(), today());
    assert!(loaded.problems.is_empty(), "{:#?}", loaded.problems);
    assert_eq!(loaded.catalog.departments.len(), 2);
    assert_eq!(loaded.catalog.themes.len(), 2);
}

#[test]
fn a_department_defined_in_two_files_names_both_places() {
    let dir = split();
    let first = "departments/county/0.toml";
    let copy = std::fs::read_to_string(dir.path().join(first)).unwrap();
    let second = dir.path().join("departments/county/1.toml");
    let text = std::fs::read_to_string(&second).unwrap();
    std::fs::write(&second, format!("{text}\n{copy}")).unwrap();
    let problems = load::check(dir.path(), today()).problems;
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let p = &problems[0];
    assert_eq!(
        (p.file.as_str(), p.field.as_str(), p.line),
        ("departments/county/1.toml", "department[1].id", 6),
        "{p}"
    );
    assert!(
        p.message.contains(&format!(
            "the department id `public-security` is also defined in {first}:1"
        )),
        "{p}"
    );
}

#[test]
fn a_single_file_and_a_folder_together_share_one_list_of_ids() {
    let dir = copy_fixture("valid");
    std::fs::create_dir_all(dir.path().join("themes")).unwrap();
    std::fs::write(
        dir.path().join("themes/more.toml"),
        "[[theme]]\nid = \"household\"\nname = \"户籍\"\naudience = \"individual\"\n",
    )
    .unwrap();
    let problems = load::check(dir.path(), today()).problems;
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0]
            .message
            .contains("the theme id `household` is also defined in themes.toml:1"),
        "{}",
        problems[0]
    );
}
