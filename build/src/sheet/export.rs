//! `portal export`: the catalog in the layout `portal import` reads, so
//! exporting and importing again changes nothing.

use super::columns::{Column, ITEM_COLUMNS, ITEMS_SHEET, MATERIAL_COLUMNS, MATERIALS_SHEET};
use super::read::materials_csv;
use super::values::{fee_text, legal_basis_text, window_cells};
use crate::output;
use anyhow::{Context, Result};
use portal_core::model::*;
use portal_core::spreadsheet::csv_field;
use rust_xlsxwriter::{Format, Workbook};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    Xlsx,
    Csv,
}

/// The two sheets as text: headers, then one row per item / material.
pub struct Sheets {
    pub items: Vec<Vec<String>>,
    pub materials: Vec<Vec<String>>,
}

/// The shipped template (docs/import-template.xlsx): the headers and one
/// example item of the demo district with two materials.
pub fn template() -> Sheets {
    let item = [
        "临时居民身份证申领",
        "330199-GA-0901",
        "行政确认",
        "云溪区公安分局",
        "自然人",
        "承诺件",
        "3个工作日",
        "3个工作日",
        "1",
        "是",
        "临时居民身份证工本费：10 元/每证",
        "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）",
        "《中华人民共和国居民身份证法》第十四条",
        "区政务服务中心公安户政窗口：临江市云溪区云溪大道 288 号市民服务中心 1 楼",
        "周一至周五 9:00–12:00，13:30–17:00",
        "0571-8888 0101",
        "12345",
        "",
        "县（区）级",
    ];
    let materials = [
        [
            "330199-GA-0901",
            "临时居民身份证申领",
            "居民户口簿",
            "政府部门核发",
            "1",
            "0",
            "纸质",
            "必要",
            "核验后当场退还。",
            "",
        ],
        [
            "330199-GA-0901",
            "临时居民身份证申领",
            "数码相片采集回执",
            "其他机构出具",
            "1",
            "0",
            "纸质或电子",
            "必要",
            "近 6 个月内白底免冠彩色照片。",
            "",
        ],
    ];
    let text = |r: &[&str]| r.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    Sheets {
        items: vec![
            ITEM_COLUMNS.iter().map(|c| c.1.to_string()).collect(),
            text(&item),
        ],
        materials: std::iter::once(MATERIAL_COLUMNS.iter().map(|c| c.1.to_string()).collect())
            .chain(materials.iter().map(|r| text(r)))
            .collect(),
    }
}

/// The catalog's items in code order, as rows of both sheets.
pub fn sheets(catalog: &Catalog) -> Sheets {
    let names = department_names(catalog);
    let mut items: Vec<&Item> = catalog.items.iter().map(|i| &i.value).collect();
    items.sort_by(|a, b| a.code.cmp(&b.code));
    let mut out = Sheets {
        items: vec![ITEM_COLUMNS.iter().map(|c| c.1.to_string()).collect()],
        materials: vec![MATERIAL_COLUMNS.iter().map(|c| c.1.to_string()).collect()],
    };
    for item in items {
        let dept = names
            .get(item.department.as_str())
            .map_or(item.department.as_str(), |n| n);
        out.items.push(
            ITEM_COLUMNS
                .iter()
                .map(|c| item_cell(item, dept, c.0))
                .collect(),
        );
        for m in &item.materials {
            out.materials.push(
                MATERIAL_COLUMNS
                    .iter()
                    .map(|c| material_cell(item, m, c.0))
                    .collect(),
            );
        }
    }
    out
}

/// Department id → the name the sheet shows; the id when two share a name.
fn department_names(catalog: &Catalog) -> HashMap<&str, &str> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for d in &catalog.departments {
        *count.entry(d.name.as_str()).or_default() += 1;
    }
    catalog
        .departments
        .iter()
        .filter(|d| count[d.name.as_str()] == 1)
        .map(|d| (d.id.as_str(), d.name.as_str()))
        .collect()
}

fn item_cell(item: &Item, dept: &str, col: Column) -> String {
    use Column::*;
    let lines = |v: Vec<String>| v.join("\n");
    match col {
        Name => item.name.clone(),
        Code => item.code.clone(),
        ItemType => item.item_type.label().into(),
        Department => dept.into(),
        Audience => item
            .audience
            .iter()
            .map(|a| a.label())
            .collect::<Vec<_>>()
            .join("、"),
        Handling => item.handling.label().into(),
        Statutory => item.statutory_limit.map(|l| l.label()).unwrap_or_default(),
        Promised => match (item.promised_limit, item.handling) {
            (Some(l), _) => l.label(),
            (None, portal_core::model::Handling::Instant) => "即办".into(),
            (None, _) => String::new(),
        },
        Visits => item.visits.to_string(),
        Charged => (if item.fees.as_ref().is_some_and(|f| f.charged) {
            "是"
        } else {
            "否"
        })
        .into(),
        FeeStandard => lines(
            item.fees
                .iter()
                .flat_map(|f| &f.items)
                .map(fee_text)
                .collect(),
        ),
        FeeBasis => lines(
            item.fees
                .iter()
                .flat_map(|f| &f.items)
                .map(|f| f.basis.clone())
                .collect(),
        ),
        LegalBasis => lines(item.legal_basis.iter().map(legal_basis_text).collect()),
        Place => window_cells(&item.windows).0,
        Hours => window_cells(&item.windows).1,
        Enquiry => item.enquiry_phone.clone(),
        Complaint => item.complaint_phone.clone(),
        Online => item.online_url.clone(),
        Level => item.level.label().into(),
        _ => String::new(),
    }
}

fn material_cell(item: &Item, m: &Material, col: Column) -> String {
    use Column::*;
    match col {
        Code => item.code.clone(),
        Name => item.name.clone(),
        MaterialName => m.name.clone(),
        Source => m.source.map(|s| s.label().to_string()).unwrap_or_default(),
        Originals => m.originals.to_string(),
        Copies => m.copies.to_string(),
        Medium => m.medium.label().into(),
        Requirement => m.requirement.label().into(),
        Notes => m.notes.clone(),
        BlankForm => m.blank_form.clone(),
        _ => String::new(),
    }
}

/// Writes `sheets` to `out`; CSV writes the materials beside it
/// (`NAME-申请材料.csv`). Returns the files written.
pub fn write(sheets: &Sheets, format: SheetFormat, out: &Path) -> Result<Vec<PathBuf>> {
    match format {
        SheetFormat::Xlsx => {
            write_xlsx(sheets, out)?;
            Ok(vec![out.to_path_buf()])
        }
        SheetFormat::Csv => {
            let side = materials_csv(out);
            output::write_atomic(out, csv(&sheets.items).as_bytes())?;
            output::write_atomic(&side, csv(&sheets.materials).as_bytes())?;
            Ok(vec![out.to_path_buf(), side])
        }
    }
}

/// UTF-8 with a BOM, so Excel on Chinese Windows opens it as UTF-8; each
/// cell through the project's formula-injection policy.
fn csv(rows: &[Vec<String>]) -> String {
    let mut text = String::from("\u{FEFF}");
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| csv_field(c)).collect();
        text.push_str(&cells.join(","));
        text.push_str("\r\n");
    }
    text
}

fn write_xlsx(sheets: &Sheets, out: &Path) -> Result<()> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for (name, rows) in [
        (ITEMS_SHEET, &sheets.items),
        (MATERIALS_SHEET, &sheets.materials),
    ] {
        let sheet = book.add_worksheet();
        sheet.set_name(name)?;
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let format = if r == 0 { &bold } else { &wrap };
                // Strings, never formulas: a cell starting with `=` stays text.
                sheet.write_string_with_format(r as u32, c as u16, cell, format)?;
            }
        }
        for c in 0..rows.first().map_or(0, Vec::len) {
            sheet.set_column_width(c as u16, 16)?;
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    let bytes = book.save_to_buffer()?;
    output::write_atomic(out, &bytes).with_context(|| format!("cannot write {}", out.display()))
}
