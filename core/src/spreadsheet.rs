//! The one cell policy for every CSV the project writes (the open-data
//! exports, the published statistics, import receipts): people open them in
//! Excel or WPS, which run a cell that starts with `=`, `+`, `-` or `@` as a
//! formula (CSV injection), and also one behind a leading TAB or CR.

use std::borrow::Cow;

/// The characters a spreadsheet may read as the start of a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` as text a spreadsheet shows and never runs: a leading apostrophe
/// (shown by no spreadsheet, kept by every one) before anything that could
/// start a formula. Quoting for the CSV syntax is the writer's job.
pub fn text_cell(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// One CSV field: [`text_cell`], then quoted when it holds a separator, a
/// quote or a line break.
pub fn csv_field(cell: &str) -> String {
    let s = text_cell(cell);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_wherever_they_could_start() {
        for hostile in [
            "=HYPERLINK(\"http://x\",\"点此\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1+1",
            "\r=1+1",
        ] {
            assert!(text_cell(hostile).starts_with('\''), "{hostile:?}");
        }
        assert_eq!(text_cell("区公安分局"), "区公安分局");
        assert_eq!(text_cell("a=b"), "a=b");
    }

    #[test]
    fn fields_are_quoted_when_needed() {
        assert_eq!(csv_field("区公安分局"), "区公安分局");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_field("\rx"), "\"'\rx\"");
    }
}
