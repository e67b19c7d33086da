//! `portal cases import`: cases and events in bulk from NDJSON or CSV, with
//! the fields of the ingest API (see README, "Bulk import").
//!
//! Every line is its own transaction through the same code as the API (the
//! same checks, the state machine, idempotency by `event_id` for events and
//! by `case_ref` for cases): a line is either fully stored or not at all,
//! and a bad line does not stop the lines after it. Re-running a file
//! imports only what is not there yet, so after fixing the lines that were
//! reported, run the whole file again. The summary says how many lines were
//! imported, how many were already there and lists every error with file,
//! line and field.
//!
//! New cases get receipt passwords, which exist nowhere else: they are
//! written to a receipts CSV file created with mode 0600, never printed.

use crate::db::{ApplyError, Created, Db};
use crate::ingest::{self, CreateRequest, EventRequest, FieldError};
use crate::secrets::Secrets;
use anyhow::{Context, Result};
use portal_core::receipt::is_valid_case_number;
use serde_json::{Map, Value};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ndjson,
    Csv,
}

impl Format {
    /// `.csv` files are CSV, everything else NDJSON.
    pub fn guess(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
            _ => Format::Ndjson,
        }
    }
}

/// One problem, on one line of the input.
#[derive(Debug, Clone, PartialEq)]
pub struct LineError {
    pub line: u64,
    pub error: FieldError,
}

#[derive(Debug, Default)]
pub struct Summary {
    /// Lines read (blank lines not counted).
    pub lines: u64,
    pub cases_created: u64,
    pub events_applied: u64,
    /// Lines already imported before (same `case_ref` or `event_id`).
    pub duplicates: u64,
    pub errors: Vec<LineError>,
}

impl Summary {
    pub fn imported(&self) -> u64 {
        self.cases_created + self.events_applied
    }
}

/// A new case's receipt: what the window prints for the applicant.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub case_ref: String,
    pub case_number: String,
    pub password: String,
    pub department: String,
    pub item_name: String,
    pub received: String,
}

/// What a line did.
enum Outcome {
    Created(Receipt),
    Applied,
    Duplicate,
}

/// Who may be touched: `None` means every department.
pub struct Scope<'a>(pub Option<&'a [String]>);

impl Scope<'_> {
    fn check(&self, department: &str, field: &str) -> Result<(), FieldError> {
        match self.0 {
            Some(allowed) if !allowed.iter().any(|d| d == department) => Err(FieldError::new(
                field,
                format!(
                    "department {department:?} is not among those this import may touch (--department {})",
                    allowed.join(",")
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// Imports every line of `input`. Receipts of new cases go to
/// `on_receipt`; `progress` hears the number of lines done now and then.
/// Fails only if the input cannot be read or the database fails; problems
/// with lines are in the summary.
pub async fn import<R: BufRead>(
    db: &Db,
    secrets: &Secrets,
    input: R,
    format: Format,
    scope: Scope<'_>,
    on_receipt: &mut dyn FnMut(&Receipt) -> Result<()>,
    progress: &mut dyn FnMut(u64),
) -> Result<Summary> {
    let mut summary = Summary::default();
    let mut handle = |summary: &mut Summary, line: u64, value: Result<Value, FieldError>| {
        summary.lines += 1;
        if summary.lines.is_multiple_of(500) {
            progress(summary.lines);
        }
        (line, value)
    };
    match format {
        Format::Ndjson => {
            for (i, text) in input.lines().enumerate() {
                let line = i as u64 + 1;
                let text = text.with_context(|| {
                    format!("line {line}: cannot read the input (is it UTF-8 text?)")
                })?;
                let text = text.trim_start_matches('\u{feff}').trim();
                if text.is_empty() {
                    continue;
                }
                let value = serde_json::from_str::<Value>(text).map_err(|e| {
                    FieldError::new("", format!("is not a JSON object on one line: {e}"))
                });
                let (line, value) = handle(&mut summary, line, value);
                run_line(db, secrets, &scope, line, value, &mut summary, on_receipt).await?;
            }
        }
        Format::Csv => {
            let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
            let headers: Vec<String> = reader
                .headers()
                .context("cannot read the CSV header line")?
                .iter()
                .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
                .collect();
            if !headers.iter().any(|h| h == "type") {
                anyhow::bail!(
                    "line 1: the CSV header has no `type` column (see the README, \"Bulk import\")"
                );
            }
            for record in reader.byte_records() {
                let (line, value) = match record {
                    Ok(r) => {
                        let line = r.position().map_or(0, |p| p.line());
                        (line, csv_value(&headers, &r))
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, |p| p.line());
                        (
                            line,
                            Err(FieldError::new(
                                "",
                                format!("is not a valid CSV record: {e}"),
                            )),
                        )
                    }
                };
                let (line, value) = handle(&mut summary, line, value);
                run_line(db, secrets, &scope, line, value, &mut summary, on_receipt).await?;
            }
        }
    }
    Ok(summary)
}

async fn run_line(
    db: &Db,
    secrets: &Secrets,
    scope: &Scope<'_>,
    line: u64,
    value: Result<Value, FieldError>,
    summary: &mut Summary,
    on_receipt: &mut dyn FnMut(&Receipt) -> Result<()>,
) -> Result<()> {
    let outcome = match value {
        Ok(v) => apply_line(db, secrets, scope, v).await.with_context(|| {
            format!("line {line}: the database failed; nothing after it was imported")
        })?,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(Outcome::Created(receipt)) => {
            summary.cases_created += 1;
            on_receipt(&receipt)?;
        }
        Ok(Outcome::Applied) => summary.events_applied += 1,
        Ok(Outcome::Duplicate) => summary.duplicates += 1,
        Err(error) => summary.errors.push(LineError { line, error }),
    }
    Ok(())
}

/// A CSV record as the JSON object the API would take: empty cells are
/// absent, `statutory_days` + `statutory_unit` become `statutory_limit`.
fn csv_value(headers: &[String], record: &csv::ByteRecord) -> Result<Value, FieldError> {
    let mut map = Map::new();
    for (name, cell) in headers.iter().zip(record.iter()) {
        let cell = std::str::from_utf8(cell)
            .map_err(|_| FieldError::new(name, "is not valid UTF-8 text (save the file as UTF-8)"))?
            .trim();
        if cell.is_empty() {
            continue;
        }
        let (limit, part) = match name.as_str() {
            "statutory_days" => ("statutory_limit", "days"),
            "statutory_unit" => ("statutory_limit", "unit"),
            "promised_days" => ("promised_limit", "days"),
            "promised_unit" => ("promised_limit", "unit"),
            _ => {
                map.insert(name.clone(), Value::String(cell.to_owned()));
                continue;
            }
        };
        let v = if part == "days" {
            let days: u64 = cell.parse().map_err(|_| {
                FieldError::new(name, format!("{cell:?} is not a whole number of days"))
            })?;
            Value::from(days)
        } else {
            Value::String(cell.to_owned())
        };
        map.entry(limit)
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .expect("an object")
            .insert(part.to_owned(), v);
    }
    Ok(Value::Object(map))
}

/// Takes a string field out of the object.
fn take_str(map: &mut Map<String, Value>, field: &str) -> Result<Option<String>, FieldError> {
    match map.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(FieldError::new(
            field,
            format!("should be text, not {other}"),
        )),
    }
}

async fn apply_line(
    db: &Db,
    secrets: &Secrets,
    scope: &Scope<'_>,
    value: Value,
) -> Result<Result<Outcome, FieldError>> {
    let Value::Object(mut map) = value else {
        return Ok(Err(FieldError::new("", "should be a JSON object {…}")));
    };
    let kind = match take_str(&mut map, "type") {
        Ok(k) => k,
        Err(e) => return Ok(Err(e)),
    };
    match kind.as_deref() {
        Some("case") => import_case(db, secrets, scope, map).await,
        Some("event") => import_event(db, scope, map).await,
        Some(other) => Ok(Err(FieldError::new(
            "type",
            format!("{other:?} is neither \"case\" nor \"event\""),
        ))),
        None => Ok(Err(FieldError::new(
            "type",
            "is required: \"case\" to open a case, \"event\" to add an event",
        ))),
    }
}

macro_rules! line_try {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        }
    };
}

async fn import_case(
    db: &Db,
    secrets: &Secrets,
    scope: &Scope<'_>,
    map: Map<String, Value>,
) -> Result<Result<Outcome, FieldError>> {
    let req: CreateRequest = line_try!(ingest::from_value(Value::Object(map)));
    if req.case_ref.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Ok(Err(FieldError::new(
            "case_ref",
            "is required for import: the approval system's own reference for the case, \
             so that running the import again does not open the case twice",
        )));
    }
    let new = line_try!(req.validate(&import_window()));
    line_try!(scope.check(&new.department, "department"));
    match db.create_case(secrets, &new).await? {
        Created::New(case, password) => Ok(Ok(Outcome::Created(Receipt {
            case_ref: new.case_ref.clone().unwrap_or_default(),
            case_number: case.case_number,
            password,
            department: case.department,
            item_name: case.item_name,
            received: case.received,
        }))),
        Created::Existing(case) if new.same_as(&case) => Ok(Ok(Outcome::Duplicate)),
        Created::Existing(case) => Ok(Err(FieldError::new(
            "case_ref",
            format!(
                "is already used by a different case ({}, item {}, department {}, received {})",
                case.case_number, case.item_code, case.department, case.received
            ),
        ))),
    }
}

async fn import_event(
    db: &Db,
    scope: &Scope<'_>,
    mut map: Map<String, Value>,
) -> Result<Result<Outcome, FieldError>> {
    let case_ref = line_try!(take_str(&mut map, "case_ref"));
    let case_number = line_try!(take_str(&mut map, "case_number"));
    let req: EventRequest = line_try!(ingest::from_value(Value::Object(map)));
    let event = line_try!(req.validate(&import_window()));
    let case = match (case_ref, case_number) {
        (Some(r), None) => match db.find_case_by_ref(r.trim()).await? {
            Some(c) => c,
            None => {
                return Ok(Err(FieldError::new(
                    "case_ref",
                    format!("no case has the case_ref {r:?} (open it with a \"case\" line first)"),
                )));
            }
        },
        (None, Some(n)) => {
            let found = if is_valid_case_number(&n) {
                db.find_case(&n.trim().to_ascii_uppercase()).await?
            } else {
                None
            };
            match found {
                Some(c) => c,
                None => {
                    return Ok(Err(FieldError::new(
                        "case_number",
                        format!("no case has the number {n:?}"),
                    )));
                }
            }
        }
        (Some(_), Some(_)) => {
            return Ok(Err(FieldError::new(
                "case_ref",
                "give either case_ref or case_number, not both",
            )));
        }
        (None, None) => {
            return Ok(Err(FieldError::new(
                "case_ref",
                "is required: the case_ref (or case_number) of the case the event belongs to",
            )));
        }
    };
    line_try!(scope.check(&case.department, "case_ref"));
    match db.apply_event_replayed(&case, &event).await {
        Ok((_, true)) => Ok(Ok(Outcome::Duplicate)),
        Ok((_, false)) => Ok(Ok(Outcome::Applied)),
        Err(ApplyError::Conflict(m)) => Ok(Err(FieldError::new("kind", m))),
        Err(ApplyError::OutOfOrder(m)) => Ok(Err(FieldError::new("at", m))),
        Err(ApplyError::EventIdReused) => Ok(Err(FieldError::new(
            "event_id",
            "is already used for a different event (another case, kind or date)",
        ))),
        Err(ApplyError::Other(e)) => Err(e),
    }
}

/// The receipts of new cases, as CSV in a file only its owner can read.
/// Created on the first receipt, so a run that opens no case leaves none;
/// it never overwrites a file (earlier receipts exist nowhere else).
pub struct ReceiptsFile {
    path: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
    pub written: u64,
}

impl ReceiptsFile {
    pub fn new(path: &Path) -> Result<ReceiptsFile> {
        if path.exists() {
            anyhow::bail!(
                "{} already exists: receipts are never overwritten (they exist nowhere else); \
                 choose another --receipts file",
                path.display()
            );
        }
        Ok(ReceiptsFile {
            path: path.to_path_buf(),
            file: None,
            written: 0,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn write(&mut self, r: &Receipt) -> Result<()> {
        if self.file.is_none() {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let file = options.open(&self.path).with_context(|| {
                format!("cannot create the receipts file {}", self.path.display())
            })?;
            let mut w = std::io::BufWriter::new(file);
            // A BOM so that Excel reads the Chinese names right.
            w.write_all(
                "\u{feff}case_ref,case_number,password,department,item_name,received\r\n"
                    .as_bytes(),
            )?;
            self.file = Some(w);
        }
        let w = self.file.as_mut().expect("opened above");
        let fields = [
            &r.case_ref,
            &r.case_number,
            &r.password,
            &r.department,
            &r.item_name,
            &r.received,
        ];
        let line: Vec<String> = fields
            .iter()
            .map(|f| portal_core::spreadsheet::csv_field(f))
            .collect();
        w.write_all(line.join(",").as_bytes())?;
        w.write_all(b"\r\n")?;
        // Each receipt reaches the file before the next case is opened.
        w.flush()
            .with_context(|| format!("cannot write the receipts file {}", self.path.display()))?;
        self.written += 1;
        Ok(())
    }

    /// Flushes to disk.
    pub fn finish(&mut self) -> Result<()> {
        if let Some(w) = self.file.as_mut() {
            w.flush()?;
            w.get_ref().sync_all()?;
        }
        Ok(())
    }
}

/// `portal cases import`.
pub struct ImportConfig {
    pub file: PathBuf,
    pub format: Option<Format>,
    pub db_url: String,
    pub secret_file: PathBuf,
    /// Departments the import may touch; empty: all.
    pub departments: Vec<String>,
    /// Where receipts of new cases go; default beside the input.
    pub receipts: Option<PathBuf>,
}

/// Runs an import and prints progress and the summary to stderr. Returns
/// the summary; the caller exits 1 if it lists errors.
pub fn run_blocking(config: ImportConfig) -> Result<Summary> {
    let file = std::fs::File::open(&config.file)
        .with_context(|| format!("cannot open {}", config.file.display()))?;
    let format = config.format.unwrap_or_else(|| Format::guess(&config.file));
    let receipts_path = config.receipts.clone().unwrap_or_else(|| {
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let mut name = config.file.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".receipts-{stamp}.csv"));
        config.file.with_file_name(name)
    });
    let mut receipts = ReceiptsFile::new(&receipts_path)?;
    let name = config.file.display().to_string();
    let departments: Vec<String> = config
        .departments
        .iter()
        .flat_map(|d| d.split(','))
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty())
        .collect();
    let runtime = tokio::runtime::Runtime::new()?;
    let result = runtime.block_on(async {
        let secrets = Secrets::load_or_create(&config.secret_file)?;
        let db = Db::connect(&config.db_url).await?;
        eprintln!(
            "Importing {name} ({}) into {}{}",
            match format {
                Format::Ndjson => "NDJSON",
                Format::Csv => "CSV",
            },
            crate::db::redact(&config.db_url),
            if departments.is_empty() {
                String::new()
            } else {
                format!(", departments {}", departments.join(", "))
            }
        );
        let scope = Scope((!departments.is_empty()).then_some(departments.as_slice()));
        let mut on_receipt = |r: &Receipt| receipts.write(r);
        let mut progress = |n: u64| eprintln!("  … {n} lines");
        import(
            &db,
            &secrets,
            std::io::BufReader::new(file),
            format,
            scope,
            &mut on_receipt,
            &mut progress,
        )
        .await
    });
    receipts.finish()?;
    if receipts.written > 0 {
        eprintln!(
            "Wrote {} receipt(s) (case number and query password) to {} (readable only by you; \
             hand them to the applicants and keep the file safe — the passwords are stored nowhere else).",
            receipts.written,
            receipts.path().display()
        );
    }
    let summary = result?;
    for e in &summary.errors {
        eprintln!("error: {name}:{}: {}", e.line, e.error);
    }
    eprintln!("{}", summary_line(&summary));
    Ok(summary)
}

/// "Imported 3 (2 cases, 1 event), skipped 4 already imported, 1 error."
pub fn summary_line(s: &Summary) -> String {
    let errors = s.errors.len();
    format!(
        "Imported {} line(s) ({} case(s), {} event(s)), skipped {} already imported, {} error(s){}",
        s.imported(),
        s.cases_created,
        s.events_applied,
        s.duplicates,
        errors,
        if errors > 0 {
            " (listed above; each bad line was skipped whole — fix it and run the import again)."
        } else {
            "."
        }
    )
}

/// The dates a bulk import may carry: as for the API, by the local clock.
fn import_window() -> ingest::DateWindow {
    ingest::DateWindow::until_tomorrow(chrono::Local::now().date_naive())
}
