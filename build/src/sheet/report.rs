//! What `portal import` prints: errors first (each naming its cell),
//! then the diff, then what is absent from the sheet.

use super::Plan;
use crate::console::changes;
use std::io::{self, Write};

/// Errors past this many are counted, not printed.
const MAX_ERRORS: usize = 100;

pub fn write(out: &mut impl Write, plan: &Plan) -> io::Result<()> {
    let encoding = plan
        .encoding
        .map(|e| format!(", read as {e}"))
        .unwrap_or_default();
    writeln!(
        out,
        "Read {}: {} item row(s), {} material row(s){encoding}.",
        plan.source, plan.rows.0, plan.rows.1
    )?;
    for e in plan.errors.iter().take(MAX_ERRORS) {
        writeln!(out, "error: {e}")?;
    }
    if plan.errors.len() > MAX_ERRORS {
        writeln!(out, "… and {} more errors", plan.errors.len() - MAX_ERRORS)?;
    }
    for n in &plan.notes {
        writeln!(out, "note: {n}")?;
    }
    if !plan.errors.is_empty() {
        writeln!(
            out,
            "{} error(s): nothing will be written. Fix the cells above and run the import again.",
            plan.errors.len()
        )?;
    }
    if plan.changes.is_empty() {
        writeln!(
            out,
            "No changes: the content already says what the sheet says."
        )?;
    } else {
        writeln!(out, "Changes:")?;
        changes::write(out, &plan.changes)?;
    }
    missing(out, plan)
}

fn missing(out: &mut impl Write, plan: &Plan) -> io::Result<()> {
    if plan.missing.is_empty() {
        return Ok(());
    }
    let what = if plan.delete_missing {
        "will be DELETED (--delete-missing)"
    } else {
        "are kept (pass --delete-missing to delete them)"
    };
    writeln!(
        out,
        "{} item(s) in the content are not in the sheet and {what}:",
        plan.missing.len()
    )?;
    for (code, file) in plan.missing.iter().take(20) {
        writeln!(out, "  {code} ({file})")?;
    }
    if plan.missing.len() > 20 {
        writeln!(out, "  … and {} more", plan.missing.len() - 20)?;
    }
    Ok(())
}

pub fn print(plan: &Plan) {
    let _ = write(&mut io::stderr().lock(), plan);
}
