//! One failing fixture per validation rule: each case breaks the valid
//! fixture in one place and asserts the message, the field and the line.

use portal_build::load;
use portal_core::{Problem, Severity};
use portal_tests::{copy_fixture, fixture, today};
use std::path::Path;

struct Case {
    name: &'static str,
    file: &'static str,
    find: &'static str,
    replace: &'static str,
    field: &'static str,
    message: &'static str,
    /// Where the problem must be reported: `Marker` is the line where
    /// `replace` ends up; `Line(n)` an explicit line.
    at: At,
}

enum At {
    Marker,
    Line(usize),
}

use At::*;

const ID: &str = "items/id-card.toml";
const SHOP: &str = "items/shop.toml";
const GUIDE: &str = "guides/start.md";
const NEW: &str = "disclosures/normative/new-rules.md";
const OLD: &str = "disclosures/normative/old-rules.md";

const CASES: &[Case] = &[
    Case {
        name: "unknown top-level key with suggestion",
        file: ID,
        find: "[[materials]]\nid = \"hukou\"",
        replace: "[[matrials]]\nid = \"hukou\"",
        field: "matrials",
        message: "unknown key `matrials`",
        at: Marker,
    },
    Case {
        name: "unknown key inside a material",
        file: ID,
        find: "legal_basis = \"《中华人民共和国居民身份证法》第八条\"",
        replace: "legal_basis = \"x\"\norignals = 2",
        field: "materials[0].orignals",
        message: "unknown key `orignals`",
        at: Line(39),
    },
    Case {
        name: "wrong type",
        file: ID,
        find: "visits = 1",
        replace: "visits = \"one\"",
        field: "visits",
        message: "wrong type",
        at: Marker,
    },
    Case {
        name: "unknown enum value",
        file: ID,
        find: "handling = \"promised\"",
        replace: "handling = \"later\"",
        field: "handling",
        message: "`later` is not allowed here",
        at: Marker,
    },
    Case {
        name: "missing required key",
        file: SHOP,
        find: "level = \"district\"\n",
        replace: "",
        field: "",
        message: "the required key `level` is missing",
        at: Line(1),
    },
    Case {
        name: "TOML syntax error",
        file: ID,
        find: "name = \"居民身份证换领、补领\"",
        replace: "name = \"居民身份证换领、补领",
        field: "",
        message: "TOML syntax error",
        at: Line(3),
    },
    Case {
        name: "duplicate item code",
        file: SHOP,
        find: "code = \"TEST-SJ-0001\"",
        replace: "code = \"330199-GA-0001\"",
        field: "code",
        message: "is also used by",
        at: Marker,
    },
    Case {
        name: "item code unusable in a URL",
        file: SHOP,
        find: "code = \"TEST-SJ-0001\"",
        replace: "code = \"TEST/../SJ 1\"",
        field: "code",
        message: "not a valid item code",
        at: Marker,
    },
    Case {
        name: "unknown department",
        file: SHOP,
        find: "department = \"market-regulation\"",
        replace: "department = \"market-regulaton\"",
        field: "department",
        message: "unknown department `market-regulaton`",
        at: Marker,
    },
    Case {
        name: "unknown theme",
        file: SHOP,
        find: "themes = [\"start-business\"]",
        replace: "themes = [\"start-busines\"]",
        field: "themes[0]",
        message: "unknown theme",
        at: Marker,
    },
    Case {
        name: "situation adds unknown material",
        file: ID,
        find: "  id = \"expired\"\n  label = \"有效期满或即将到期（到期前 3 个月内）\"\n  add_materials = [\"old-card\"]",
        replace: "  id = \"expired\"\n  label = \"有效期满或即将到期（到期前 3 个月内）\"\n  add_materials = [\"old-crad\"]",
        field: "situations[0].options[0].add_materials[0]",
        message: "unknown material `old-crad`",
        at: Line(88),
    },
    Case {
        name: "blank form file missing",
        file: ID,
        find: "blank_form = \"forms/id-card-application.txt\"",
        replace: "blank_form = \"forms/id-card-applicaton.txt\"",
        field: "materials[4].blank_form",
        message: "does not exist",
        at: Marker,
    },
    Case {
        name: "file path leaves the files folder",
        file: ID,
        find: "sample = \"samples/id-card-application-sample.txt\"",
        replace: "sample = \"../../../etc/passwd\"",
        field: "materials[4].sample",
        message: "leaves the files folder",
        at: Marker,
    },
    Case {
        name: "promised longer than statutory",
        file: ID,
        find: "promised_limit = { days = 20, unit = \"calendar\" }",
        replace: "promised_limit = { days = 90, unit = \"calendar\" }",
        field: "promised_limit",
        message: "longer than the statutory limit",
        at: Marker,
    },
    Case {
        name: "instant item with a limit",
        file: SHOP,
        find: "handling = \"instant\"",
        replace: "handling = \"instant\"\npromised_limit = { days = 3 }",
        field: "promised_limit",
        message: "instant item",
        at: Line(10),
    },
    Case {
        name: "promised item without a limit",
        file: ID,
        find: "promised_limit = { days = 20, unit = \"calendar\" }\n",
        replace: "",
        field: "promised_limit",
        message: "needs a promised limit",
        at: Line(1),
    },
    Case {
        name: "material without source",
        file: ID,
        find: "source = \"centre\"\n",
        replace: "",
        field: "materials[4].source",
        message: "has no source",
        at: Line(70),
    },
    Case {
        name: "catch-all material",
        file: SHOP,
        find: "name = \"经营者居民身份证\"",
        replace: "name = \"其他相关材料\"",
        field: "materials[0].name",
        message: "is a catch-all",
        at: Marker,
    },
    Case {
        name: "form without blank form",
        file: ID,
        find: "blank_form = \"forms/id-card-application.txt\"\n",
        replace: "",
        field: "materials[4].blank_form",
        message: "has no blank form",
        at: Line(70),
    },
    Case {
        name: "paper material without a count",
        file: SHOP,
        find: "originals = 1\n",
        replace: "",
        field: "materials[0].originals",
        message: "how many",
        at: Line(17),
    },
    Case {
        name: "missing enquiry phone",
        file: SHOP,
        find: "enquiry_phone = \"0571-0000 0003\"\n",
        replace: "",
        field: "enquiry_phone",
        message: "no enquiry phone",
        at: Line(1),
    },
    Case {
        name: "missing fee information",
        file: SHOP,
        find: "[fees]\ncharged = false\n",
        replace: "",
        field: "fees",
        message: "no fee information",
        at: Line(1),
    },
    Case {
        name: "charges without a fee",
        file: SHOP,
        find: "charged = false",
        replace: "charged = true",
        field: "fees.items",
        message: "lists no fee",
        at: Line(27),
    },
    Case {
        name: "missing legal basis",
        file: SHOP,
        find: "[[legal_basis]]\nlaw = \"《促进个体工商户发展条例》\"\narticle = \"第八条\"\n",
        replace: "",
        field: "legal_basis",
        message: "no legal basis",
        at: Line(1),
    },
    Case {
        name: "situation answer changes nothing",
        file: ID,
        find: "  no_change = true\n",
        replace: "",
        field: "situations[1].options[1]",
        message: "changes nothing",
        at: Line(107),
    },
    Case {
        name: "conditional material nobody asks for",
        file: ID,
        find: "  add_materials = [\"guardian-id\"]\n",
        replace: "",
        field: "materials[3].requirement",
        message: "no situation asks for it",
        at: Line(67),
    },
    Case {
        name: "too many visits",
        file: SHOP,
        find: "visits = 0",
        replace: "visits = 3",
        field: "visits",
        message: "3 visits",
        at: Marker,
    },
    Case {
        name: "online item without link",
        file: SHOP,
        find: "online_url = \"https://zwfw.test.example.gov.cn/online/shop\"\n",
        replace: "",
        field: "online_url",
        message: "no online link",
        at: Line(1),
    },
    Case {
        name: "effective dates reversed",
        file: SHOP,
        find: "last_reviewed = 2025-06-01",
        replace: "last_reviewed = 2025-06-01\neffective_from = 2025-05-01\neffective_until = 2024-01-01",
        field: "effective_until",
        message: "stops",
        at: Line(17),
    },
    Case {
        name: "reviewed in the future",
        file: SHOP,
        find: "last_reviewed = 2025-06-01",
        replace: "last_reviewed = 2030-01-01",
        field: "last_reviewed",
        message: "in the future",
        at: Marker,
    },
    Case {
        name: "malformed date",
        file: SHOP,
        find: "last_reviewed = 2025-06-01",
        replace: "last_reviewed = \"2025/06/01\"",
        field: "last_reviewed",
        message: "is not a date",
        at: Marker,
    },
    Case {
        name: "broken internal link",
        file: GUIDE,
        find: "/items/TEST-SJ-0001/",
        replace: "/items/TEST-SJ-9999/",
        field: "",
        message: "broken link `/items/TEST-SJ-9999/`",
        at: Line(8),
    },
    Case {
        name: "relative link",
        file: GUIDE,
        find: "(/themes/household/)",
        replace: "(../themes/household/)",
        field: "",
        message: "relative link",
        at: Line(8),
    },
    Case {
        name: "guide names unknown item",
        file: GUIDE,
        find: "items = [\"TEST-SJ-0001\"]",
        replace: "items = [\"TEST-SJ-0002\"]",
        field: "items[0]",
        message: "unknown item code",
        at: Marker,
    },
    Case {
        name: "unknown key in YAML front matter",
        file: OLD,
        find: "title: 关于",
        replace: "titel: 关于",
        field: "",
        message: "title",
        at: Line(2),
    },
    Case {
        name: "malformed document number",
        file: NEW,
        find: "测政办发〔2025〕3号",
        replace: "测政办发[2025]3号",
        field: "number",
        message: "malformed document number",
        at: Marker,
    },
    Case {
        name: "document number without 号",
        file: NEW,
        find: "测政办发〔2025〕3号",
        replace: "测政办发〔2025〕3",
        field: "number",
        message: "malformed document number",
        at: Marker,
    },
    Case {
        name: "repealed without date (YAML)",
        file: OLD,
        find: "repealed_on: 2025-03-05\n",
        replace: "",
        field: "repealed_on",
        message: "needs the date it was repealed",
        at: Line(2),
    },
    Case {
        name: "published before written",
        file: NEW,
        find: "published = 2025-03-05",
        replace: "published = 2025-02-05",
        field: "published",
        message: "before it was written",
        at: Marker,
    },
    Case {
        name: "unknown category",
        file: NEW,
        find: "category = \"normative\"",
        replace: "category = \"normativ\"",
        field: "category",
        message: "unknown category",
        at: Marker,
    },
    Case {
        name: "link to unknown document",
        file: NEW,
        find: "supersedes = [\"normative/old-rules\"]",
        replace: "supersedes = [\"normative/old-rule\"]",
        field: "supersedes[0]",
        message: "unknown document",
        at: Marker,
    },
    Case {
        name: "page without front matter",
        file: GUIDE,
        find: "+++\ntitle",
        replace: "title",
        field: "",
        message: "no front matter",
        at: Line(1),
    },
    Case {
        name: "bad department id",
        file: "departments.toml",
        find: "id = \"market-regulation\"",
        replace: "id = \"Market Regulation\"",
        field: "department[1].id",
        message: "not a valid id",
        at: Marker,
    },
    Case {
        name: "holiday ends before it starts",
        file: "calendar/2025.toml",
        find: "{ name = \"元旦\", from = 2025-01-01, to = 2025-01-01 }",
        replace: "{ name = \"元旦\", from = 2025-01-02, to = 2025-01-01 }",
        field: "holidays[0].to",
        message: "ends",
        at: Marker,
    },
    Case {
        name: "implausible time limit",
        file: ID,
        find: "statutory_limit = { days = 60, unit = \"calendar\" }",
        replace: "statutory_limit = { days = 4000000000, unit = \"calendar\" }",
        field: "statutory_limit.days",
        message: "not a plausible time limit",
        at: Marker,
    },
    Case {
        name: "situation limit longer than statutory",
        file: ID,
        find: "  fee = \"补领工本费 40 元\"",
        replace: "  fee = \"补领工本费 40 元\"\n  promised_limit = { days = 500, unit = \"calendar\" }",
        field: "situations[0].options[2].promised_limit",
        message: "longer than the statutory limit",
        at: Line(98),
    },
    Case {
        name: "answer adds an always-required material",
        file: ID,
        find: "  add_materials = [\"guardian-id\"]",
        replace: "  add_materials = [\"guardian-id\", \"hukou\"]",
        field: "situations[1].options[0].add_materials[1]",
        message: "always required",
        at: Marker,
    },
    Case {
        name: "online link that is not a web address",
        file: SHOP,
        find: "online_url = \"https://zwfw.test.example.gov.cn/online/shop\"",
        replace: "online_url = \"javascript:alert(1)\"",
        field: "online_url",
        message: "not a web address",
        at: Marker,
    },
    Case {
        name: "item code that is a path",
        file: SHOP,
        find: "code = \"TEST-SJ-0001\"",
        replace: "code = \"..\"",
        field: "code",
        message: "not a valid item code",
        at: Marker,
    },
    Case {
        name: "document outside its category folder",
        file: NEW,
        find: "category = \"normative\"",
        replace: "category = \"fiscal\"",
        field: "category",
        message: "is in the folder `normative`",
        at: Marker,
    },
    Case {
        name: "document number used twice",
        file: OLD,
        find: "number: 测政办发〔2021〕7号",
        replace: "number: 测政办发〔2025〕3号",
        field: "number",
        message: "also used by",
        at: Marker,
    },
    Case {
        name: "site base URL without scheme",
        file: "site.toml",
        find: "base_url = \"https://zwfw.test.example.gov.cn/\"",
        replace: "base_url = \"zwfw.test.example.gov.cn\"",
        field: "base_url",
        message: "must start with https://",
        at: Marker,
    },
];

fn problems_after(case: &Case) -> (Vec<Problem>, String) {
    let dir = copy_fixture("valid");
    let path = dir.path().join(case.file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(case.find),
        "{}: fixture text not found: {:?}",
        case.name,
        case.find
    );
    let changed = text.replacen(case.find, case.replace, 1);
    std::fs::write(&path, &changed).unwrap();
    (load::check(dir.path(), today()).problems, changed)
}

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
    for case in CASES {
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

#[test]
fn build_never_overwrites_folders_it_did_not_build() {
    let dir = copy_fixture("valid");
    let public = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    let notes = tempfile::tempdir().unwrap();
    std::fs::write(notes.path().join("notes.txt"), "keep me").unwrap();
    let err = portal_build::site::build(dir.path(), &public, notes.path(), today()).unwrap_err();
    assert!(
        err.to_string().contains("is not a site built by portal"),
        "{err}"
    );
    assert!(notes.path().join("notes.txt").is_file());
    let err = portal_build::site::build(dir.path(), &public, dir.path(), today()).unwrap_err();
    assert!(
        err.to_string().contains("overlaps the content folder"),
        "{err}"
    );
    assert!(dir.path().join("site.toml").is_file());
}

#[test]
fn build_with_errors_leaves_the_old_site_untouched() {
    let dir = copy_fixture("valid");
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().join("dist");
    let public = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    assert!(portal_build::site::build(dir.path(), &public, &dist, today()).unwrap());
    let before = std::fs::read_to_string(dist.join("items/TEST-SJ-0001/index.html")).unwrap();
    let shop = dir.path().join(SHOP);
    let text = std::fs::read_to_string(&shop).unwrap();
    std::fs::write(
        &shop,
        text.replace(
            "name = \"个体工商户设立登记\"",
            "name = \"改名\"\nvisits = 9",
        ),
    )
    .unwrap();
    assert!(!portal_build::site::build(dir.path(), &public, &dist, today()).unwrap());
    assert_eq!(
        std::fs::read_to_string(dist.join("items/TEST-SJ-0001/index.html")).unwrap(),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        vec![std::ffi::OsString::from("dist")],
        "no staging folders are left behind"
    );
}
