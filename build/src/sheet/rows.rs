//! Sheet rows → what each row says about an item or a material, with an
//! error naming the cell for every value that cannot be read.

use super::columns::{self, Column, ITEM_COLUMNS, MATERIAL_COLUMNS};
use super::read::Table;
use super::values::{self, Parsed};
use portal_core::model::*;
use std::collections::HashMap;
use std::fmt;

/// A problem with one cell (or a whole column, or the header row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub file: String,
    /// `None` for CSV.
    pub sheet: Option<String>,
    /// `D17`.
    pub cell: String,
    /// The header as written, or the standard name.
    pub column: String,
    pub message: String,
}

impl fmt::Display for CellError {
    /// `实施清单.xlsx: 事项 sheet, D17 (承诺办结时限): "十五" is not a number of days`.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: ", self.file)?;
        if let Some(sheet) = &self.sheet {
            write!(f, "{sheet} sheet, ")?;
        }
        write!(f, "{}", self.cell)?;
        if !self.column.is_empty() {
            write!(f, " ({})", self.column)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Where each known column is, and the header row.
pub struct Header {
    pub row: usize,
    cols: HashMap<Column, (usize, String)>,
}

/// Finds the header row (the first of the first ten rows naming at least
/// two known columns: lists often have a title row above it). Unknown
/// headers go to `notes`.
pub fn header(
    table: &Table,
    defs: &[(Column, &'static str, &[&str])],
    required: &[Column],
    errors: &mut Vec<CellError>,
    notes: &mut Vec<CellError>,
) -> Option<Header> {
    let known = |row: &Vec<String>| {
        row.iter()
            .filter(|h| columns::find(defs, h).is_some())
            .count()
    };
    let Some(row) = table.rows.iter().take(10).position(|r| known(r) >= 2) else {
        errors.push(table_error(table, 0, 0, "", format!(
            "no header row: the first rows name none of the standard columns ({} …); see docs/import.md",
            defs.iter().take(4).map(|d| d.1).collect::<Vec<_>>().join("、")
        )));
        return None;
    };
    let mut cols = HashMap::new();
    for (c, text) in table.rows[row].iter().enumerate() {
        match columns::find(defs, text) {
            Some((col, _)) if cols.contains_key(&col) => errors.push(table_error(
                table,
                row,
                c,
                text,
                "the same column twice: keep one".into(),
            )),
            Some((col, _)) => {
                cols.insert(col, (c, text.trim().to_string()));
            }
            None if text.trim().is_empty() => {}
            None => notes.push(table_error(
                table,
                row,
                c,
                text.trim(),
                "unknown column, ignored".into(),
            )),
        }
    }
    for col in required.iter().filter(|c| !cols.contains_key(c)) {
        let name = defs.iter().find(|d| d.0 == *col).map_or("", |d| d.1);
        errors.push(table_error(
            table,
            row,
            0,
            "",
            format!("no {name} column: add it to the header row"),
        ));
    }
    Some(Header { row, cols })
}

fn table_error(table: &Table, row: usize, col: usize, column: &str, message: String) -> CellError {
    CellError {
        file: table.file.clone(),
        sheet: table.sheet.clone(),
        cell: table.cell(row, col),
        column: column.to_string(),
        message,
    }
}

/// One data row being read.
pub struct Row<'a> {
    pub table: &'a Table,
    pub header: &'a Header,
    pub row: usize,
}

impl Row<'_> {
    /// The cell of `col`, or `None` when the sheet has no such column.
    pub fn text(&self, col: Column) -> Option<&str> {
        let (c, _) = self.header.cols.get(&col)?;
        Some(self.table.get(self.row, *c).trim())
    }

    pub fn has(&self, col: Column) -> bool {
        self.header.cols.contains_key(&col)
    }

    pub fn error(&self, col: Column, message: String) -> CellError {
        let (c, name) = self.header.cols.get(&col).cloned().unwrap_or_default();
        table_error(self.table, self.row, c, &name, message)
    }

    /// Parses `col` when the sheet has it; a failure becomes an error.
    pub fn parse<T>(
        &self,
        col: Column,
        f: impl Fn(&str) -> Parsed<T>,
        errors: &mut Vec<CellError>,
    ) -> Option<T> {
        let text = self.text(col)?;
        f(text).map_err(|m| errors.push(self.error(col, m))).ok()
    }

    fn unit_hint(&self, col: Column) -> DayUnit {
        self.header
            .cols
            .get(&col)
            .map_or(DayUnit::Working, |(_, h)| columns::unit_hint(h))
    }

    fn is_empty(&self) -> bool {
        self.table
            .rows
            .get(self.row)
            .is_none_or(|r| r.iter().all(|c| c.trim().is_empty()))
    }
}

/// What one row of sheet 1 says. `None`: the sheet has no such column
/// (the item keeps what it has) or the cell could not be read (an error).
#[derive(Debug, Default, Clone)]
pub struct ItemRow {
    /// Row index in the table, for later errors.
    pub row: usize,
    pub code: String,
    pub name: Option<String>,
    pub item_type: Option<ItemType>,
    /// The department cell as written; resolved to an id by the merge.
    pub department: Option<String>,
    pub audience: Option<Vec<Audience>>,
    pub handling: Option<Handling>,
    pub statutory: Option<Option<Limit>>,
    pub promised: Option<Option<Limit>>,
    pub visits: Option<u8>,
    pub charged: Option<bool>,
    pub fees: Option<Vec<Fee>>,
    /// 收费依据, line by line with the fees.
    pub fee_basis: Option<Vec<String>>,
    pub legal_basis: Option<Vec<LegalBasis>>,
    pub windows: Option<Vec<Window>>,
    pub enquiry: Option<String>,
    pub complaint: Option<String>,
    pub online: Option<String>,
    pub level: Option<Level>,
}

/// Every data row of sheet 1 (blank rows skipped).
pub fn items(
    table: &Table,
    errors: &mut Vec<CellError>,
    notes: &mut Vec<CellError>,
) -> Vec<ItemRow> {
    let Some(header) = header(
        table,
        ITEM_COLUMNS,
        &[Column::Code, Column::Name],
        errors,
        notes,
    ) else {
        return Vec::new();
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for r in header.row + 1..table.rows.len() {
        let row = Row {
            table,
            header: &header,
            row: r,
        };
        if row.is_empty() {
            continue;
        }
        let Some(parsed) = item_row(&row, errors) else {
            continue;
        };
        if let Some(first) = seen.insert(parsed.code.clone(), r) {
            let msg = format!(
                "{} is also on row {}: one row per item",
                parsed.code,
                table.origin.0 + first + 1
            );
            errors.push(row.error(Column::Code, msg));
            continue;
        }
        out.push(parsed);
    }
    out
}

fn required_text(row: &Row, col: Column, errors: &mut Vec<CellError>) -> Option<String> {
    let text = row.text(col)?;
    if text.is_empty() {
        errors.push(row.error(col, "empty: every item needs it".into()));
        return None;
    }
    Some(text.to_string())
}

fn item_row(row: &Row, errors: &mut Vec<CellError>) -> Option<ItemRow> {
    use Column::*;
    let code = required_text(row, Code, errors)?;
    let e = errors;
    let plain = |col| row.text(col).map(str::to_string);
    let windows = row
        .text(Place)
        .map(|p| values::windows(p, row.text(Hours).unwrap_or("")));
    Some(ItemRow {
        row: row.row,
        code,
        name: required_text(row, Name, e),
        item_type: row.parse(ItemType, values::item_type, e),
        department: required_text(row, Department, e),
        audience: row.parse(Audience, values::audience, e),
        handling: row.parse(Handling, values::handling, e),
        statutory: row.parse(Statutory, |v| values::limit(v, row.unit_hint(Statutory)), e),
        promised: row.parse(Promised, |v| values::limit(v, row.unit_hint(Promised)), e),
        visits: row.parse(Visits, values::visits, e),
        charged: row.parse(Charged, values::yes_no, e),
        fees: row.parse(FeeStandard, values::fees, e),
        fee_basis: row
            .text(FeeBasis)
            .map(|b| b.split('\n').map(|l| l.trim().to_string()).collect()),
        legal_basis: row.text(LegalBasis).map(values::legal_basis),
        windows,
        enquiry: plain(Enquiry),
        complaint: plain(Complaint),
        online: plain(Online),
        level: row
            .text(Level)
            .filter(|v| !v.is_empty())
            .and_then(|_| row.parse(Level, values::level, e)),
    })
}

/// What one row of sheet 申请材料 says.
#[derive(Debug, Default, Clone)]
pub struct MaterialRow {
    pub name: String,
    pub source: Option<Option<Source>>,
    pub originals: Option<u32>,
    pub copies: Option<u32>,
    pub medium: Option<Medium>,
    pub requirement: Option<Requirement>,
    pub notes: Option<String>,
    pub blank_form: Option<String>,
}

/// The material rows by item code, in sheet order; a code that sheet 1
/// does not list is an error.
pub fn materials(
    table: &Table,
    codes: &std::collections::HashSet<&str>,
    errors: &mut Vec<CellError>,
    notes: &mut Vec<CellError>,
) -> HashMap<String, Vec<MaterialRow>> {
    use Column::*;
    let mut out: HashMap<String, Vec<MaterialRow>> = HashMap::new();
    let Some(header) = header(
        table,
        MATERIAL_COLUMNS,
        &[Code, MaterialName],
        errors,
        notes,
    ) else {
        return out;
    };
    for r in header.row + 1..table.rows.len() {
        let row = Row {
            table,
            header: &header,
            row: r,
        };
        if row.is_empty() {
            continue;
        }
        let (Some(code), Some(name)) = (
            required_text(&row, Code, errors),
            required_text(&row, MaterialName, errors),
        ) else {
            continue;
        };
        if !codes.contains(code.as_str()) {
            errors.push(row.error(
                Code,
                format!("{code} is not an item of sheet 1: add the item there or fix the code"),
            ));
            continue;
        }
        let e = &mut *errors;
        let m = MaterialRow {
            name,
            source: row.parse(Source, values::source, e),
            originals: row.parse(Originals, values::count, e),
            copies: row.parse(Copies, values::count, e),
            medium: row.parse(Medium, values::medium, e),
            requirement: row.parse(Requirement, values::requirement, e),
            notes: row.text(Notes).map(str::to_string),
            blank_form: row.text(BlankForm).map(str::to_string),
        };
        if out
            .get(&code)
            .is_some_and(|ms| ms.iter().any(|x| x.name == m.name))
        {
            errors.push(row.error(
                MaterialName,
                format!("{} is listed twice for {code}", m.name),
            ));
            continue;
        }
        out.entry(code).or_default().push(m);
    }
    out
}
