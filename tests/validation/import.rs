//! `portal import` and `portal export` (issue 13): the shipped template,
//! each error kind with its cell, comments kept by --apply, the export →
//! import round trip, GB18030 CSV.

use portal_build::load;
use portal_build::sheet::export::{self, SheetFormat, Sheets};
use portal_build::sheet::{self, Plan};
use portal_tests::{copy_fixture, demo_content, today};
use std::path::Path;

const ID_CARD: &str = "items/id-card.toml";

fn sheets_of(content: &Path) -> Sheets {
    export::sheets(&load::load(content).catalog)
}

/// Writes `sheets` as `name` in a fresh folder and plans its import.
fn plan_of(
    sheets: &Sheets,
    format: SheetFormat,
    name: &str,
    content: &Path,
) -> (tempfile::TempDir, Plan) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    export::write(sheets, format, &file).unwrap();
    let plan = sheet::plan(&file, content, today(), false).unwrap();
    (dir, plan)
}

/// The column of `header` in the first row.
fn col(rows: &[Vec<String>], header: &str) -> usize {
    rows[0].iter().position(|h| h == header).unwrap()
}

#[test]
fn export_then_import_changes_nothing() {
    let fixture = copy_fixture("valid");
    for content in [fixture.path(), demo_content().as_path()] {
        let sheets = sheets_of(content);
        for (format, name) in [
            (SheetFormat::Xlsx, "实施清单.xlsx"),
            (SheetFormat::Csv, "实施清单.csv"),
        ] {
            let (_dir, plan) = plan_of(&sheets, format, name, content);
            assert!(
                plan.errors.is_empty(),
                "{name}: {:?}",
                plan.errors.first().map(ToString::to_string)
            );
            assert!(
                plan.notes.is_empty(),
                "{name}: {:?}",
                plan.notes.first().map(ToString::to_string)
            );
            let first = plan.changes.first().map(|c| c.summary());
            assert!(
                plan.changes.is_empty(),
                "{name} in {}: {first:?}",
                content.display()
            );
            assert!(plan.is_noop());
            assert!(plan.missing.is_empty());
        }
    }
}

#[test]
fn the_shipped_template_imports_and_passes_the_check() {
    let content = tempfile::tempdir().unwrap();
    portal_tests::copy_dir(&demo_content(), content.path());
    let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/import-template.xlsx");
    // The demo content is dated as of the real today.
    let today = || chrono::Local::now().date_naive();
    let plan = sheet::plan(&template, content.path(), today(), false).unwrap();
    assert!(
        plan.errors.is_empty(),
        "{:?}",
        plan.errors.first().map(ToString::to_string)
    );
    assert_eq!(plan.rows, (1, 2));
    assert_eq!(plan.changes.len(), 1);
    assert_eq!(plan.changes[0].event, portal_core::diff::Event::Added);
    plan.apply(content.path(), today()).unwrap();
    let code = &plan.changes[0].id;
    let file = content
        .path()
        .join(format!("items/public-security/{code}.toml"));
    assert!(file.is_file(), "{}", file.display());
    let problems = load::check(content.path(), today()).problems;
    let errors: Vec<_> = problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// One broken cell: sheet (0 items, 1 materials), row, column header,
/// new text; the cell and the start of the message expected.
const BROKEN: &[(usize, usize, &str, &str, &str, &str)] = &[
    (
        0,
        1,
        "承诺办结时限",
        "十五",
        "H2",
        "\"十五\" is not a number of days",
    ),
    (
        0,
        1,
        "法定办结时限",
        "六十天左右",
        "G2",
        "\"六十天左右\" is not a number of days",
    ),
    (
        0,
        1,
        "事项类型",
        "许可",
        "C2",
        "\"许可\" is not a 事项类型: write one of 行政许可",
    ),
    (
        0,
        1,
        "实施主体",
        "某某局",
        "D2",
        "\"某某局\" is not a department",
    ),
    (
        0,
        1,
        "服务对象",
        "外星人",
        "E2",
        "\"外星人\" is not a 服务对象",
    ),
    (0, 1, "办件类型", "快办", "F2", "\"快办\" is not a 办件类型"),
    (
        0,
        1,
        "到办事现场次数",
        "5",
        "I2",
        "\"5\" is not a number of visits",
    ),
    (0, 1, "是否收费", "也许", "J2", "\"也许\" is not 是 or 否"),
    (
        0,
        1,
        "收费标准",
        "工本费二十元",
        "K2",
        "\"工本费二十元\" is not a fee",
    ),
    (0, 1, "事项名称", "", "A2", "empty: every item needs it"),
    (
        0,
        2,
        "事项编码",
        "330199-GA-0001",
        "B3",
        "330199-GA-0001 is also on row 2",
    ),
    (
        1,
        1,
        "原件份数",
        "一份",
        "E2",
        "\"一份\" is not a number of copies",
    ),
    (
        1,
        1,
        "是否必要",
        "看情况",
        "H2",
        "\"看情况\" is not a 是否必要",
    ),
    (1, 1, "来源渠道", "自己", "D2", "\"自己\" is not a 来源渠道"),
    (1, 1, "材料形式", "石刻", "G2", "\"石刻\" is not a 材料形式"),
    (
        1,
        1,
        "事项编码",
        "330199-GA-9999",
        "A2",
        "330199-GA-9999 is not an item of sheet 1",
    ),
];

#[test]
fn each_error_names_its_file_sheet_cell_and_column_and_nothing_is_planned() {
    let fixture = copy_fixture("valid");
    for &(sheet, row, header, text, cell, message) in BROKEN {
        let mut sheets = sheets_of(fixture.path());
        let rows = if sheet == 0 {
            &mut sheets.items
        } else {
            &mut sheets.materials
        };
        let c = col(rows, header);
        rows[row][c] = text.to_string();
        let (_dir, plan) = plan_of(&sheets, SheetFormat::Xlsx, "实施清单.xlsx", fixture.path());
        let sheet_name = if sheet == 0 { "事项" } else { "申请材料" };
        let expected = format!("实施清单.xlsx: {sheet_name} sheet, {cell} ({header}): {message}");
        let errors: Vec<String> = plan.errors.iter().map(ToString::to_string).collect();
        assert!(
            errors.iter().any(|e| e.starts_with(&expected)),
            "{header} = {text:?}: expected {expected:?}, got {errors:#?}"
        );
        assert!(
            plan.apply(fixture.path(), today()).is_err(),
            "{header}: an error blocks --apply"
        );
    }
}

#[test]
fn headers_match_flexibly_unknown_columns_are_noted_missing_ones_are_errors() {
    let fixture = copy_fixture("valid");
    let mut sheets = sheets_of(fixture.path());
    let c = col(&sheets.items, "法定办结时限");
    sheets.items[0][c] = " 法定时限\n（工作日）".into();
    let c = col(&sheets.items, "到办事现场次数");
    sheets.items[0][c] = "跑动次数".into();
    sheets.items[0].push("备注".into());
    // A title row above the header, as lists often have.
    let width = sheets.items[0].len();
    sheets.items.insert(0, vec![String::new(); width]);
    sheets.items[0][0] = "测试区政务服务事项实施清单".into();
    let (_dir, plan) = plan_of(&sheets, SheetFormat::Xlsx, "l.xlsx", fixture.path());
    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    let notes: Vec<String> = plan.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [format!(
            "l.xlsx: 事项 sheet, {}2 (备注): unknown column, ignored",
            letter(width - 1)
        )]
    );

    let mut sheets = sheets_of(fixture.path());
    let c = col(&sheets.items, "事项编码");
    sheets.items[0][c] = "编号说明".into();
    let (_dir, plan) = plan_of(&sheets, SheetFormat::Xlsx, "l.xlsx", fixture.path());
    assert!(
        plan.errors
            .iter()
            .any(|e| e.message.starts_with("no 事项编码 column")),
        "{:?}",
        plan.errors
    );
}

fn letter(col: usize) -> String {
    portal_build::sheet::columns::letters(col)
}

#[test]
fn apply_keeps_comments_and_key_order_and_touches_only_what_changed() {
    let fixture = copy_fixture("valid");
    let path = fixture.path().join(ID_CARD);
    let original = std::fs::read_to_string(&path).unwrap();
    let commented = original
        .replace(
            "promised_limit = { days = 20, unit = \"calendar\" }",
            "promised_limit = { days = 20, unit = \"calendar\" }   # 承诺时限：比法定时限短 40 天",
        )
        .replace("visits = 1\n", "# 跑动次数按 2025 年清单\nvisits = 1\n");
    std::fs::write(&path, &commented).unwrap();
    let mut sheets = sheets_of(fixture.path());
    let r = sheets
        .items
        .iter()
        .position(|r| r.contains(&"330199-GA-0001".to_string()))
        .unwrap();
    let c = col(&sheets.items, "承诺办结时限");
    sheets.items[r][c] = "10个自然日".into();
    let m = col(&sheets.materials, "是否必要");
    let photo = sheets
        .materials
        .iter()
        .position(|r| r.contains(&"数码相片采集回执".to_string()))
        .unwrap();
    sheets.materials[photo][m] = "容缺后补".into();
    let mut added = sheets.materials[photo].clone();
    added[col(&sheets.materials, "材料名称")] = "临时身份证明".into();
    sheets.materials.insert(photo + 1, added);
    let (_dir, plan) = plan_of(&sheets, SheetFormat::Xlsx, "l.xlsx", fixture.path());
    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
    assert_eq!(
        plan.changes[0].summary(),
        "居民身份证换领、补领：承诺时限 20 → 10 个自然日；材料「数码相片采集回执」：必要 → 可容缺后补；新增材料「临时身份证明」"
    );
    plan.apply(fixture.path(), today()).unwrap();
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.contains(
            "promised_limit = { days = 10, unit = \"calendar\" }   # 承诺时限：比法定时限短 40 天"
        ),
        "{after}"
    );
    assert!(after.contains("# 跑动次数按 2025 年清单\nvisits = 1\n"));
    assert!(after.starts_with("# 居民身份证换领、补领 —— 一个完整的办事指南示例"));
    assert!(after.contains("last_reviewed = 2025-11-20"));
    // Every other line is as it was, in its order: only the three edited
    // lines go (the new material's lines are added).
    let diff = similar::TextDiff::from_lines(commented.as_str(), after.as_str());
    let removed: Vec<&str> = diff
        .iter_all_changes()
        .filter(|c| c.tag() == similar::ChangeTag::Delete)
        .map(|c| c.value().trim_end())
        .collect();
    assert_eq!(
        removed,
        [
            "promised_limit = { days = 20, unit = \"calendar\" }   # 承诺时限：比法定时限短 40 天",
            "last_reviewed = 2025-11-03",
            "requirement = \"required\"",
        ],
        "{after}"
    );
    assert!(
        after.contains("id = \"m1\"\nname = \"临时身份证明\""),
        "{after}"
    );
    let problems = load::check(fixture.path(), today()).problems;
    assert!(problems.iter().all(|p| !p.is_error()), "{problems:?}");
}

#[test]
fn gb18030_csv_is_detected_and_read() {
    let fixture = copy_fixture("valid");
    let mut sheets = sheets_of(fixture.path());
    let r = sheets
        .items
        .iter()
        .position(|r| r.contains(&"330199-GA-0001".to_string()))
        .unwrap();
    let c = col(&sheets.items, "事项名称");
    sheets.items[r][c] = "居民身份证换领".into();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("清单.csv");
    export::write(&sheets, SheetFormat::Csv, &file).unwrap();
    for f in [file.clone(), sheet::read::materials_csv(&file)] {
        let text = std::fs::read_to_string(&f).unwrap();
        let (bytes, _, bad) = encoding_rs::GB18030.encode(text.trim_start_matches('\u{FEFF}'));
        assert!(!bad);
        std::fs::write(&f, &bytes).unwrap();
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "the file is no longer UTF-8"
        );
    }
    let plan = sheet::plan(&file, fixture.path(), today(), false).unwrap();
    assert_eq!(plan.encoding, Some("GB18030"));
    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
    let summaries: Vec<String> = plan.changes.iter().map(|c| c.summary()).collect();
    assert_eq!(
        summaries,
        ["居民身份证换领：事项名称「居民身份证换领、补领」改为「居民身份证换领」"]
    );
}

#[test]
fn absent_items_are_kept_unless_delete_missing() {
    let fixture = copy_fixture("valid");
    let mut sheets = sheets_of(fixture.path());
    sheets
        .items
        .retain(|r| !r.contains(&"TEST-SJ-0001".to_string()));
    sheets
        .materials
        .retain(|r| !r.contains(&"TEST-SJ-0001".to_string()));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("l.xlsx");
    export::write(&sheets, SheetFormat::Xlsx, &file).unwrap();
    let keep = sheet::plan(&file, fixture.path(), today(), false).unwrap();
    assert_eq!(keep.missing.len(), 1);
    assert!(keep.changes.is_empty() && keep.is_noop());
    let delete = sheet::plan(&file, fixture.path(), today(), true).unwrap();
    assert_eq!(delete.changes.len(), 1);
    assert_eq!(delete.changes[0].event, portal_core::diff::Event::Withdrawn);
    let shop = fixture.path().join(&delete.missing[0].1);
    assert!(shop.is_file());
    delete.apply(fixture.path(), today()).unwrap();
    assert!(!shop.exists());
}
