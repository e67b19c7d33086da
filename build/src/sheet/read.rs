//! Reads a workbook (.xlsx, .xls, .ods with calamine) or CSV files into
//! plain text grids, keeping where each cell was so errors can name it.

use super::columns::{self, MATERIALS_SHEET};
use anyhow::{Context, Result, bail};
use calamine::{Data, Reader};
use std::path::{Path, PathBuf};

/// One sheet as text.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The sheet's name; `None` for a CSV file.
    pub sheet: Option<String>,
    /// The file it came from, as shown in messages.
    pub file: String,
    pub rows: Vec<Vec<String>>,
    /// Row and column (0-based) of `rows[0][0]` in the sheet.
    pub origin: (usize, usize),
}

impl Table {
    /// `D17`: the cell at `rows[row][col]` as the spreadsheet names it.
    pub fn cell(&self, row: usize, col: usize) -> String {
        format!(
            "{}{}",
            columns::letters(self.origin.1 + col),
            self.origin.0 + row + 1
        )
    }

    pub fn get(&self, row: usize, col: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .map_or("", String::as_str)
    }
}

/// What was read: sheet 1, the optional materials sheet, and for CSV the
/// encoding that was detected.
#[derive(Debug)]
pub struct Workbook {
    pub items: Table,
    pub materials: Option<Table>,
    /// "UTF-8", "UTF-8 with BOM" or "GB18030"; `None` for a workbook.
    pub encoding: Option<&'static str>,
}

pub fn read(path: &Path) -> Result<Workbook> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    match ext.as_str() {
        "csv" | "txt" => read_csv_pair(path),
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(path),
        _ => bail!(
            "{}: not a spreadsheet: import reads .xlsx (also .xls, .ods) or .csv",
            path.display()
        ),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn read_workbook(path: &Path) -> Result<Workbook> {
    let mut book = calamine::open_workbook_auto(path)
        .with_context(|| format!("cannot open {} as a spreadsheet", path.display()))?;
    let names = book.sheet_names();
    let Some(first) = names.first().cloned() else {
        bail!("{}: the workbook has no sheets", path.display());
    };
    let materials = names
        .iter()
        .skip(1)
        .find(|n| columns::normalize(n) == MATERIALS_SHEET)
        .cloned();
    let mut table = |name: &str| -> Result<Table> {
        let range = book
            .worksheet_range(name)
            .with_context(|| format!("{}: cannot read the sheet {name}", path.display()))?;
        let origin = range
            .start()
            .map_or((0, 0), |(r, c)| (r as usize, c as usize));
        let rows = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect();
        Ok(Table {
            sheet: Some(name.to_string()),
            file: file_name(path),
            rows,
            origin,
        })
    };
    let items = table(&first)?;
    let materials = materials.map(|m| table(&m)).transpose()?;
    Ok(Workbook {
        items,
        materials,
        encoding: None,
    })
}

/// A cell as the officer sees it: 20, not 20.0.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(true) => "是".into(),
        Data::Bool(false) => "否".into(),
        // No column of the list holds a date; keep the serial number.
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Where the materials of `items.csv` live: `items-申请材料.csv` beside it.
pub fn materials_csv(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    path.with_file_name(format!("{stem}-{MATERIALS_SHEET}.csv"))
}

fn read_csv_pair(path: &Path) -> Result<Workbook> {
    let (items, encoding) = read_csv(path)?;
    let side = materials_csv(path);
    let materials = if side.is_file() {
        Some(read_csv(&side)?.0)
    } else {
        None
    };
    Ok(Workbook {
        items,
        materials,
        encoding: Some(encoding),
    })
}

/// A CSV file in UTF-8 (with or without BOM) or GB18030, which Excel
/// writes on Chinese Windows.
fn read_csv(path: &Path) -> Result<(Table, &'static str)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let (text, encoding) = decode(&bytes).with_context(|| {
        format!(
            "{}: the file is neither UTF-8 nor GB18030 text",
            path.display()
        )
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record =
            record.with_context(|| format!("{}: line {}: not CSV", path.display(), n + 1))?;
        rows.push(
            record
                .iter()
                .map(|c| undo_formula_guard(c).to_string())
                .collect(),
        );
    }
    let table = Table {
        sheet: None,
        file: file_name(path),
        rows,
        origin: (0, 0),
    };
    Ok((table, encoding))
}

/// The text and the encoding's name, or `None` if it is neither.
pub fn decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Some((String::from_utf8(rest.to_vec()).ok()?, "UTF-8 with BOM"));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some((text.to_string(), "UTF-8"));
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    (!had_errors).then(|| (text.into_owned(), "GB18030"))
}

/// The export's CSV cells start with `'` before a formula character
/// (`portal_core::spreadsheet`); reading them back drops it.
fn undo_formula_guard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}
