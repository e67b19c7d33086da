//! Files the loader must refuse or read in another format.

use crate::cases::SHOP;
use portal_build::load;
use portal_tests::{copy_fixture, today};

#[test]
fn huge_and_binary_files_are_refused_cleanly() {
    let dir = copy_fixture("valid");
    let huge = dir.path().join("items/huge.toml");
    std::fs::write(
        &huge,
        format!("name = \"{}\"\n", "x".repeat(5 * 1024 * 1024)),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("items/latin1.toml"),
        b"name = \"caf\xe9\"\n",
    )
    .unwrap();
    let problems = load::check(dir.path(), today()).problems;
    assert!(
        problems
            .iter()
            .any(|p| p.file == "items/huge.toml" && p.message.contains("too large")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.file == "items/latin1.toml"
            && p.message.contains("not UTF-8")
            && p.line == 1
            && p.column == 12),
        "{problems:#?}"
    );
}

#[test]
fn yaml_items_are_read_and_located() {
    let dir = copy_fixture("valid");
    std::fs::remove_file(dir.path().join(SHOP)).unwrap();
    let yaml = "code: TEST-SJ-0001\nname: 个体工商户设立登记\nitem_type: licence\naudience: [business]\nlevel: district\n\
        department: market-regulation\nhandling: instant\nvisits: 1\nenquiry_phone: '1'\ncomplaint_phone: '2'\nlast_reviewed: 2025-06-01\n\
        materials:\n  - id: a\n    name: 身份证\n    source: applicant\n    originals: 1\n  - id: b\n    name: 其他材料\n    source: applicant\n    originals: 1\n\
        steps:\n  - name: 申请\nfees:\n  charged: false\nlegal_basis:\n  - law: 条例\n    article: 第一条\n";
    std::fs::write(dir.path().join("items/shop.yaml"), yaml).unwrap();
    let problems = load::check(dir.path(), today()).problems;
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let p = &problems[0];
    assert_eq!(
        (p.file.as_str(), p.line, p.field.as_str()),
        ("items/shop.yaml", 18, "materials[1].name"),
        "{p}"
    );
}
