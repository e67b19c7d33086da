//! `portal`: check the catalog, build the static site, serve it, make demo data.

use anyhow::Result;
use clap::{Parser, Subcommand};
use portal_build::{console, demo, load, relevance, site};
use std::path::PathBuf;
use std::process::ExitCode;

mod officer;
mod precheck;

#[derive(Parser)]
#[command(
    name = "portal",
    version,
    about = "Build and serve a government service centre's public portal.",
    long_about = "Build and serve a government service centre's public portal.\n\n\
        The catalog of service items, guides and disclosure documents lives in a content \
        folder (see docs/content.md). `portal check` finds every mistake in it, `portal build` \
        turns it into a static site, `portal serve` serves that site locally.",
    after_help = "Typical use:\n  portal check                 validate content/\n  \
        portal build                 write the site to dist/\n  \
        portal serve                 serve dist/ and the case API on http://127.0.0.1:8080\n  \
        portal serve --demo          the same, with sample cases and two receipts to try\n  \
        portal cases import cases.ndjson   bulk-import cases and events\n  \
        portal import 实施清单.xlsx   dry run: what the sheet would change (--apply writes)\n  \
        portal export --out list.xlsx    the catalog as an implementation list\n  \
        portal diff old/ content/    what changed between two content folders\n  \
        portal publish               record the change log (content/history/)\n  \
        portal demo --items 10000 --out /tmp/big   make a synthetic catalog"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate every content file and report all problems at once (exit 1 on any error).
    Check {
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Also fail on warnings.
        #[arg(long)]
        strict: bool,
        /// List every problem: each one that follows from another under it,
        /// and every repeat of a kind (by default a few of each are shown).
        #[arg(long)]
        all: bool,
        /// `text` for people; `json`: one JSON object a line per problem on
        /// stdout (file, line, column, field, message, help, severity,
        /// caused_by), for editors and CI annotations.
        #[arg(long, value_enum, default_value = "text")]
        format: CheckFormat,
    },
    /// Validate, then write the complete static site (replaced atomically).
    Build {
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Where to write the site; the old site stays until the new one is complete.
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// Folder of static assets copied verbatim into the site.
        #[arg(long, default_value = "public")]
        public: PathBuf,
        /// The browser app built by Trunk (`trunk build` writes target/site).
        /// Without it the site works fully, minus search as you type.
        #[arg(long)]
        app: Option<PathBuf>,
    },
    /// Read an implementation list (实施清单, .xlsx or .csv) into the content.
    ///
    /// A dry run by default: errors first, each naming its cell, then what
    /// would be added and changed, field by field, and what is absent from
    /// the sheet. Any error means nothing is written. --apply writes one
    /// TOML file per item (comments and key order kept) and runs the check.
    Import(officer::ImportArgs),
    /// Write the catalog as an implementation list, in the layout import reads.
    Export(officer::ExportArgs),
    /// Compare two content folders field by field, in the officer's words.
    Diff(officer::DiffArgs),
    /// Record what changed since the last publication in the public change log
    /// (content/history/; commit it). The build shows it on /updates/, item pages
    /// and the Atom feeds. See docs/publishing.md.
    Publish(officer::PublishArgs),
    /// Serve a built site locally.
    Serve {
        /// The built site.
        #[arg(long, default_value = "dist")]
        dist: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Case database: `sqlite://FILE` (created on first run) or `postgres://USER@HOST/DB`.
        /// Default: portal.sqlite in the current folder.
        #[arg(long, default_value = "sqlite://portal.sqlite")]
        db: String,
        /// Key for hashing receipt passwords and ingest tokens; created (mode 0600) on
        /// first run. Keep it out of the database and with the backups.
        #[arg(long, default_value = "portal-secret.key")]
        secret_file: PathBuf,
        /// The content folder whose calendar/*.toml gives holidays and make-up working days.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Seed sample cases in every state and print two receipts to try.
        #[arg(long)]
        demo: bool,
        /// Behind a reverse proxy: rate-limit and audit by the last X-Forwarded-For
        /// address instead of the proxy's. Never set it without a proxy.
        #[arg(long)]
        trust_proxy: bool,
        /// Case lookups allowed a minute per client address and per case number
        /// (0 = no limit). Raise it only for load tests (bench/cases.sh): the limit
        /// is what stops password guessing.
        #[arg(long, default_value_t = portal_server::state::DEFAULT_LOOKUPS_PER_MINUTE, value_name = "N")]
        lookups_per_minute: usize,
        /// Days the lookup audit log keeps its rows (older ones are deleted hourly).
        #[arg(long, default_value_t = portal_server::db::audit::DEFAULT_AUDIT_DAYS, value_name = "DAYS")]
        audit_days: u32,
        /// Open connections allowed in total; more are closed at once.
        #[arg(long, default_value_t = portal_server::listen::Limits::default().max_connections, value_name = "N")]
        max_connections: usize,
        /// Open connections allowed per client address (raise it behind a reverse proxy,
        /// where every connection comes from the proxy).
        #[arg(long, default_value_t = portal_server::listen::Limits::default().max_per_client, value_name = "N")]
        max_connections_per_client: usize,
        /// Send Strict-Transport-Security: only when every visitor arrives over TLS
        /// (usually the TLS proxy in front should send it instead; see docs/security.md).
        #[arg(long)]
        hsts: bool,
    },
    /// Case data: bulk import from the approval system.
    Cases {
        #[command(subcommand)]
        command: CasesCommand,
    },
    /// Create an ingest token for the approval system, scoped to departments (printed once).
    Token {
        /// The case database, as for `portal serve`.
        #[arg(long, default_value = "sqlite://portal.sqlite")]
        db: String,
        /// The secret key file, as for `portal serve`.
        #[arg(long, default_value = "portal-secret.key")]
        secret_file: PathBuf,
        /// Department codes whose cases the token may create and update.
        #[arg(long, value_delimiter = ',', required = true)]
        departments: Vec<String>,
        /// A note saying who holds the token.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Search a built site with the same engine the browser runs.
    ///
    /// Prints the top results, one a line, with department and limits; or
    /// the whole response as JSON (what the browser's worker gets).
    Search {
        /// The built site.
        #[arg(long, default_value = "dist")]
        dist: PathBuf,
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
        /// Restrict to a facet value, e.g. `dept:区公安分局` or `mode:即办件` (repeatable).
        #[arg(long = "filter", value_name = "KEY:VALUE")]
        filters: Vec<String>,
        /// How many results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Search as the search box suggests while you type (common words
        /// not looked for in long texts), not as the results page does.
        #[arg(long)]
        suggest: bool,
        /// What to search for, as a citizen would type it.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
    },
    /// Score the search against a relevance set: success@1, success@5, MRR.
    Relevance {
        /// The built site.
        #[arg(long, default_value = "dist")]
        dist: PathBuf,
        /// The queries and their expected items.
        #[arg(long, default_value = "tests/relevance.toml")]
        set: PathBuf,
        /// Print every query whose expected item is not first (its rank, or "miss"
        /// beyond the top 5).
        #[arg(long)]
        verbose: bool,
        /// Score the search box's suggestions instead of the results page.
        #[arg(long)]
        suggest: bool,
        /// Index this content folder (in a temporary folder) instead of
        /// reading a built site.
        #[arg(long, value_name = "DIR")]
        content: Option<PathBuf>,
        /// Drop every item's aliases after loading the content, as real
        /// implementation lists have none (implies --content, default `content`).
        #[arg(long)]
        no_aliases: bool,
        /// Index a names-only catalog (subjects expanded into items with their
        /// variants and enquiry items, e.g. tests/fixtures/names-only/subjects.toml),
        /// with the synonyms of --content (default `content`).
        #[arg(long, value_name = "FILE", conflicts_with = "no_aliases")]
        names: Option<PathBuf>,
    },
    /// Run an item's pre-check (办前自测): the verdict with its reasons and
    /// legal basis, the next questions and the tailored materials, as the
    /// item page gives them. Exit 2 when an answer could not be used.
    #[command(after_help = "Examples:\n  portal precheck --list\n  \
        portal precheck 330199-SW-0001 --answer entity=company --answer employees=120\n  \
        portal precheck 330199-SW-0001 --answer sectors=food --answer sectors=retail --json")]
    Precheck {
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// The item code (事项编码).
        #[arg(required_unless_present = "list")]
        code: Option<String>,
        /// An answer, keyed by question id: `employees=120`, `entity=company`,
        /// `premises=yes`; repeat for several answers to one question.
        #[arg(long = "answer", value_name = "ID=VALUE")]
        answers: Vec<String>,
        /// Print JSON (verdict, reasons, next_questions, materials, limit, due_date).
        #[arg(long)]
        json: bool,
        /// Print the codes of the items that have a pre-check, one a line.
        #[arg(long, conflicts_with = "code")]
        list: bool,
    },
    /// Write a deterministic synthetic catalog of N items for scale tests and benchmarks.
    Demo {
        /// Number of service items to generate.
        #[arg(long, default_value_t = 1000)]
        items: usize,
        /// Folder to write the content into (must be empty or absent).
        #[arg(long)]
        out: PathBuf,
        /// Seed for the generator; the same seed gives the same catalog.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum CasesCommand {
    /// Import cases and events from NDJSON or CSV (the fields of the ingest API;
    /// see the README, "Bulk import"). Each line is stored whole or not at all;
    /// lines already imported are skipped, so a file can be imported again after
    /// fixing the lines reported. Receipts of new cases go to a 0600 CSV file.
    Import {
        /// The file to import (`-` is not supported: errors name the file and line).
        file: PathBuf,
        /// `ndjson` (one JSON object a line) or `csv` (with a header line);
        /// default: from the file name (.csv is CSV, anything else NDJSON).
        #[arg(long, value_enum)]
        format: Option<ImportFormat>,
        /// The case database, as for `portal serve`.
        #[arg(long, default_value = "sqlite://portal.sqlite")]
        db: String,
        /// The secret key file, as for `portal serve`.
        #[arg(long, default_value = "portal-secret.key")]
        secret_file: PathBuf,
        /// Only these departments may be touched (repeat or separate with commas);
        /// lines for others are reported as errors. Default: all departments.
        #[arg(long = "department", value_name = "CODE")]
        departments: Vec<String>,
        /// Where to write the receipts (case number and query password) of new
        /// cases, as CSV readable only by you. Never overwritten. Default:
        /// FILE.receipts-YYYYMMDD-HHMMSS.csv beside the input.
        #[arg(long, value_name = "FILE")]
        receipts: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CheckFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ImportFormat {
    Ndjson,
    Csv,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Check {
            content,
            strict,
            all,
            format,
        } => check(&content, strict, all, format),
        Command::Build {
            content,
            out,
            public,
            app,
        } => {
            let ok = site::build_with_app(&content, &public, app.as_deref(), &out, today())?;
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Serve {
            dist,
            addr,
            db,
            secret_file,
            content,
            demo,
            trust_proxy,
            lookups_per_minute,
            audit_days,
            max_connections,
            max_connections_per_client,
            hsts,
        } => {
            let content = serve_content(&content, &dist);
            let limits = portal_server::listen::Limits {
                max_connections,
                max_per_client: max_connections_per_client,
                ..Default::default()
            };
            portal_server::serve_blocking(portal_server::Config {
                dist,
                addr,
                db_url: db,
                secret_file,
                calendar: content.calendar,
                demo,
                trust_proxy,
                lookups_per_minute,
                pages: content.pages,
                departments: content.departments,
                audit_days,
                limits,
                hsts,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Cases {
            command:
                CasesCommand::Import {
                    file,
                    format,
                    db,
                    secret_file,
                    departments,
                    receipts,
                },
        } => {
            use portal_server::import;
            let summary = import::run_blocking(import::ImportConfig {
                file,
                format: format.map(|f| match f {
                    ImportFormat::Ndjson => import::Format::Ndjson,
                    ImportFormat::Csv => import::Format::Csv,
                }),
                db_url: db,
                secret_file,
                departments,
                receipts,
            })?;
            Ok(if summary.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Token {
            db,
            secret_file,
            departments,
            label,
        } => {
            let token = portal_server::add_token_blocking(&db, &secret_file, &departments, &label)?;
            eprintln!(
                "Ingest token for {} (shown once; send it as `Authorization: Bearer …`):",
                departments.join(", ")
            );
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            dist,
            json,
            filters,
            limit,
            suggest,
            query,
        } => {
            let engine = portal_search::open_site(&dist).map_err(anyhow::Error::msg)?;
            let req = portal_search::Request {
                q: query.join(" "),
                filters,
                offset: 0,
                limit,
                facets: !suggest,
                suggest,
            };
            let resp = engine.search(&req)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&resp)?);
            } else {
                relevance::print(&resp);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Relevance {
            dist,
            set,
            verbose,
            suggest,
            content,
            no_aliases,
            names,
        } => {
            let default_content = || content.clone().unwrap_or_else(|| "content".into());
            let (_dir, engine) = if let Some(names) = &names {
                let (dir, engine) = relevance::open_names(names, &default_content())?;
                (Some(dir), engine)
            } else if content.is_some() || no_aliases {
                let (dir, engine) = relevance::open_content(&default_content(), no_aliases)?;
                (Some(dir), engine)
            } else {
                let engine = portal_search::open_site(&dist).map_err(anyhow::Error::msg)?;
                (None, engine)
            };
            let report = relevance::evaluate(&engine, &set, suggest)?;
            report.print(verbose);
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(args) => officer::import(args, today()),
        Command::Export(args) => officer::export(args),
        Command::Diff(args) => officer::diff(args),
        Command::Publish(args) => officer::publish(args, today()),
        Command::Precheck {
            content,
            code,
            answers,
            json,
            list,
        } => precheck::run(precheck::Args {
            content: &content,
            code: code.as_deref(),
            answers: &answers,
            json,
            list,
            today: today(),
        }),
        Command::Demo { items, out, seed } => {
            demo::write(&out, items, seed)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `portal check`: the problems on stderr (or as JSON lines on stdout);
/// exit 1 on an error, or on a warning with `strict`.
fn check(
    content: &std::path::Path,
    strict: bool,
    all: bool,
    format: CheckFormat,
) -> Result<ExitCode> {
    let loaded = load::check(content, today());
    let c = &loaded.catalog;
    eprintln!(
        "Checked {} items, {} departments, {} themes, {} guides and {} disclosure documents in {}.",
        c.items.len(),
        c.departments.len(),
        c.themes.len(),
        c.guides.len(),
        c.disclosures.len(),
        content.display()
    );
    let problems = &loaded.problems;
    let errors = problems.iter().filter(|p| p.is_error()).count();
    if format == CheckFormat::Json {
        let mut out = std::io::stdout().lock();
        console::report::write_json(&mut out, problems)?;
        console::report::write_summary(&mut std::io::stderr().lock(), problems)?;
    } else {
        let opts = console::Options {
            all,
            ..console::Options::default()
        };
        console::report_with(problems, opts);
    }
    let failed = errors > 0 || (strict && !problems.is_empty());
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// What `portal serve` takes from the content.
struct ServeContent {
    calendar: portal_core::Calendar,
    pages: Option<std::sync::Arc<portal_views::pages::Renderer>>,
    /// Code → name.
    departments: std::collections::BTreeMap<String, String>,
}

/// The calendar, the departments and the renderer of the pages the server
/// answers itself, from the content, read and located as `portal check`
/// reads them. Without valid settings the server still serves the site and
/// the API, minus those pages.
fn serve_content(content: &std::path::Path, dist: &std::path::Path) -> ServeContent {
    let settings = load::settings(content);
    console::report(&settings.problems);
    if settings.calendar_years == 0 {
        eprintln!(
            "warning: no holiday calendar in {}; counting Monday to Friday as working days",
            content.join("calendar").display()
        );
    }
    if settings.departments.is_empty() {
        eprintln!(
            "warning: no departments in {}; ingest accepts any department code and /stats/ shows the names it sends",
            content.join("departments.toml").display()
        );
    }
    let pages = match settings.site {
        Some(site) => {
            let renderer = portal_views::pages::Renderer::new(site).with_assets(dist);
            Some(std::sync::Arc::new(renderer))
        }
        None => {
            eprintln!(
                "warning: no valid site settings in {}; serving without the case-status form (/cases/), statistics (/stats/) and search (/search/) pages",
                content.display()
            );
            None
        }
    };
    ServeContent {
        calendar: settings.calendar,
        pages,
        departments: settings
            .departments
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect(),
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}
