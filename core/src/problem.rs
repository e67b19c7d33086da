//! A problem found in the content, pointing at a file and a field.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Where the error another one follows from is: its file, line and column
/// (as the root problem itself reports them, so the two can be matched).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Cause {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Cause {
    /// The place of `p`, for the problems that follow from it.
    pub fn of(p: &Problem) -> Cause {
        Cause {
            file: p.file.clone(),
            line: p.line,
            column: p.column,
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        Ok(())
    }
}

/// One finding of `portal check`. `field` is a path such as
/// `materials[2].source`; the loader turns it into a line and column.
/// Serialized as `portal check --format json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// Path relative to the content directory, e.g. `items/gongan/id-card.toml`.
    pub file: String,
    pub field: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// How to fix it, in plain words.
    #[serde(rename = "help")]
    pub hint: String,
    /// The error this one follows from (a file that could not be loaded):
    /// fixing that one fixes or re-checks this one.
    pub caused_by: Option<Cause>,
}

impl Problem {
    pub fn error(file: &str, field: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            file: file.to_string(),
            field: field.into(),
            line: 0,
            column: 0,
            message: message.into(),
            hint: String::new(),
            caused_by: None,
        }
    }

    pub fn warning(file: &str, field: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(file, field, message)
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = hint.into();
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> Problem {
        self.line = line;
        self.column = column;
        self
    }

    /// Marks this problem as a consequence of the error at `cause`.
    pub fn because(mut self, cause: &Cause) -> Problem {
        self.caused_by = Some(cause.clone());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The kind of problem, for grouping and counting: the message with
    /// its particulars (`ids`, numbers, anything after a colon or semicolon) taken out,
    /// e.g. "unknown department `…`".
    pub fn kind(&self) -> String {
        kind_of(&self.message)
    }
}

/// See [`Problem::kind`]. Messages put the particulars in backticks, in
/// parentheses or after ": ", so those are what is generalised.
fn kind_of(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    let mut depth = 0u32;
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                if !quoted && depth == 0 {
                    out.push_str("`…`");
                }
                quoted = !quoted;
            }
            _ if quoted => {}
            '(' | '（' => depth += 1,
            ')' | '）' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            ':' | ';' if chars.peek() == Some(&' ') => break,
            c if c.is_ascii_digit() => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}: {}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.field.is_empty() {
            write!(f, ": `{}`", self.field)?;
        }
        write!(f, ": {}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  help: {}", self.hint)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_leave_out_the_particulars() {
        let kind = |m: &str| kind_of(m);
        assert_eq!(
            kind("unknown department `market-regulaton`"),
            "unknown department `…`"
        );
        assert_eq!(
            kind("TOML syntax error: invalid date, expected month between 01 and 12"),
            "TOML syntax error"
        );
        assert_eq!(
            kind("the file is too large (8.3 MB)"),
            "the file is too large"
        );
        assert_eq!(kind("7 visits to the hall"), "N visits to the hall");
        assert_eq!(
            kind("`x` is not allowed here; expected one of `a`, `b`"),
            "`…` is not allowed here"
        );
        assert_eq!(
            kind("`2025-13-01` is not a date: write it as YYYY-MM-DD"),
            "`…` is not a date"
        );
    }
}
