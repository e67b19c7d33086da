//! The disclosure officer's commands: `import`, `export`, `diff`,
//! `publish`. Wiring only; the work is in `portal_build::sheet` and
//! `portal_build::changelog`.

use anyhow::{Result, bail};
use clap::Args;
use portal_build::console::{self, changes};
use portal_build::sheet::{self, export};
use portal_build::{changelog, load};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `portal import`.
#[derive(Args)]
pub struct ImportArgs {
    /// The implementation list: .xlsx (sheet 1 one row per item, optional
    /// sheet 申请材料) or .csv (UTF-8 with or without BOM, or GB18030; the
    /// materials in NAME-申请材料.csv beside it). Layout: docs/import.md.
    file: PathBuf,
    /// The content folder to compare with and write into.
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// Write the changes (one TOML file per item, comments and key order
    /// kept). Without it the import is a dry run that writes nothing.
    #[arg(long)]
    apply: bool,
    /// Delete the files of items that are not in the sheet (with --apply).
    #[arg(long)]
    delete_missing: bool,
}

pub fn import(args: ImportArgs, today: chrono::NaiveDate) -> Result<ExitCode> {
    console::step(&format!("Reading {}", args.file.display()));
    let plan = sheet::plan(&args.file, &args.content, today, args.delete_missing)?;
    sheet::report::print(&plan);
    if !plan.errors.is_empty() {
        return Ok(ExitCode::FAILURE);
    }
    if !args.apply {
        if !plan.is_noop() {
            eprintln!(
                "Dry run: nothing was written. Run again with --apply to write these changes."
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if plan.is_noop() {
        eprintln!("Nothing to write.");
        return Ok(ExitCode::SUCCESS);
    }
    let applied = plan.apply(&args.content, today)?;
    eprintln!(
        "Wrote {} file(s){} in {}.",
        applied.written.len(),
        if applied.deleted.is_empty() {
            String::new()
        } else {
            format!(", deleted {}", applied.deleted.len())
        },
        args.content.display()
    );
    after_apply(&args.content, today)
}

/// The import promises content that passes `portal check`, or says why not.
fn after_apply(content: &Path, today: chrono::NaiveDate) -> Result<ExitCode> {
    console::step("Checking the result as `portal check` does");
    let loaded = load::check(content, today);
    let errors = console::report(&loaded.problems);
    if errors == 0 {
        eprintln!(
            "`portal check` passes. Review with `git diff`, then `portal publish` to record the change log."
        );
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "The sheet was imported, but `portal check` finds the {errors} error(s) above: fix them in the files named (the sheet cannot say everything an item needs)."
        );
        Ok(ExitCode::FAILURE)
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Xlsx,
    Csv,
}

/// `portal export`.
#[derive(Args)]
pub struct ExportArgs {
    /// `xlsx` (two sheets: 事项 and 申请材料) or `csv` (FILE and FILE-申请材料.csv).
    #[arg(long, value_enum, default_value = "xlsx")]
    format: Format,
    /// The content folder.
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// Where to write the spreadsheet.
    #[arg(long)]
    out: PathBuf,
    /// Write the template instead (the headers and one example item of the
    /// demo district), as shipped in docs/import-template.xlsx.
    #[arg(long)]
    template: bool,
}

pub fn export(args: ExportArgs) -> Result<ExitCode> {
    let format = match args.format {
        Format::Xlsx => export::SheetFormat::Xlsx,
        Format::Csv => export::SheetFormat::Csv,
    };
    if args.template {
        export::write(&export::template(), format, &args.out)?;
        eprintln!("Wrote the template to {}.", args.out.display());
        return Ok(ExitCode::SUCCESS);
    }
    let loaded = load::load(&args.content);
    let errors = loaded.problems.iter().filter(|p| p.is_error()).count();
    if errors > 0 {
        console::report(&loaded.problems);
        bail!(
            "{errors} error(s) in {}: the export would leave out what fails to load; fix them first",
            args.content.display()
        );
    }
    let sheets = export::sheets(&loaded.catalog);
    let files = export::write(&sheets, format, &args.out)?;
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    eprintln!(
        "Exported {} items and {} materials to {}.",
        sheets.items.len() - 1,
        sheets.materials.len() - 1,
        names.join(" and ")
    );
    Ok(ExitCode::SUCCESS)
}

/// `portal diff`.
#[derive(Args)]
pub struct DiffArgs {
    /// The older content folder.
    old: PathBuf,
    /// The newer content folder.
    new: PathBuf,
    /// One JSON array of changes on stdout (subject, id, name, department,
    /// event, changes: [{aspect, text}]).
    #[arg(long)]
    json: bool,
}

pub fn diff(args: DiffArgs) -> Result<ExitCode> {
    let load_side = |dir: &Path| -> Result<portal_core::Catalog> {
        let loaded = load::load(dir);
        let errors = loaded.problems.iter().filter(|p| p.is_error()).count();
        if errors > 0 {
            console::report(&loaded.problems);
            bail!(
                "{errors} error(s) in {}: what fails to load would show as removed; fix them first",
                dir.display()
            );
        }
        Ok(loaded.catalog)
    };
    let (old, new) = (load_side(&args.old)?, load_side(&args.new)?);
    let changes = portal_core::diff::diff(
        &portal_core::diff::Side::of(&old),
        &portal_core::diff::Side::of(&new),
    );
    if args.json {
        println!("{}", serde_json::to_string_pretty(&changes)?);
    } else {
        let mut out = std::io::stdout().lock();
        if changes.is_empty() {
            println!("No differences.");
        } else {
            changes::write(&mut out, &changes)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `portal publish`.
#[derive(Args)]
pub struct PublishArgs {
    /// The content folder (its history/ folder is written).
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// The publication date of the entries (default: today), YYYY-MM-DD.
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
}

pub fn publish(args: PublishArgs, today: chrono::NaiveDate) -> Result<ExitCode> {
    let date = args.date.unwrap_or(today);
    console::step(&format!(
        "Comparing {} with its last publication",
        args.content.display()
    ));
    let published = changelog::publish(&args.content, date)?;
    let history = args.content.join(changelog::DIR);
    if published.first {
        eprintln!(
            "First publication on {date}: the change log starts here ({} document publication(s) recorded). Commit {}.",
            published.entries.len(),
            history.display()
        );
    } else if published.entries.is_empty() {
        eprintln!("Nothing changed since the last publication; the snapshot date is now {date}.");
    } else {
        let changes: Vec<_> = published.entries.iter().map(|e| e.change.clone()).collect();
        changes::print(&changes);
        eprintln!(
            "Recorded {} change-log entries dated {date}. Commit {} and build.",
            changes.len(),
            history.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
