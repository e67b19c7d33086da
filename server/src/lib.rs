//! The portal's server: serves the built site with the right headers and,
//! when configured with a database, the case-status API under `/api/v1/`.
//! Everything else stays static, so the same `dist/` also works from any web
//! server or CDN.
//!
//! Modules, and whom they import (never back):
//!
//! * adapters, HTTP in and out: [`api`] (JSON under `/api/v1/`: lookup,
//!   ingest, statistics) → client, lookup, state, stats, ingest, db;
//!   [`pages`] (the HTML `/search/`, `/cases/`, `/stats/`) → client,
//!   lookup, search, state, stats, and renders with `portal_views`;
//!   [`client`] (who is asking);
//! * services that know no HTTP: [`lookup`] (the case lookup with its
//!   limits and audit) → state; [`stats`] (the published figures and their
//!   cache) → db; [`search`] (a query string to results); [`ingest`]
//!   and [`import`] (what the approval system sends) → db; [`demo`] → db;
//! * [`state`] (what the routes share: [`AppState`], [`Cases`]) → db,
//!   ingest, secrets, ratelimit, search, stats;
//! * [`db`] → secrets; [`secrets`], [`ratelimit`];
//! * around all of it: [`listen`] (connections: timeouts and caps against
//!   slow clients) and [`http`] (what every request and response passes
//!   through: path tidying, security headers, cache policy).
//!
//! The case rules themselves (deadlines, flags, labels, masking) are
//! `portal_core::case`; the CSV cell policy is `portal_core::spreadsheet`.

pub mod api;
pub mod client;
pub mod db;
pub mod demo;
pub mod http;
pub mod import;
pub mod ingest;
pub mod listen;
pub mod lookup;
pub mod pages;
pub mod precheck;
pub mod ratelimit;
pub mod search;
pub mod secrets;
pub mod state;
pub mod stats;

pub use state::{AppState, Cases};

use anyhow::{Context, Result};
use axum::Router;
use portal_core::Calendar;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};

pub use http::CSP;

/// How `portal serve` runs.
pub struct Config {
    /// The built site.
    pub dist: PathBuf,
    pub addr: String,
    /// `sqlite://FILE` or `postgres://…`.
    pub db_url: String,
    /// The HMAC key for passwords and tokens; created on first run.
    pub secret_file: PathBuf,
    /// Working days, from `content/calendar/*.toml`.
    pub calendar: Calendar,
    /// Seed sample cases and print two receipts.
    pub demo: bool,
    /// Take the client address from X-Forwarded-For (behind a reverse proxy).
    pub trust_proxy: bool,
    /// Lookups a minute per client and per case number; 0 = no limit
    /// (load tests only).
    pub lookups_per_minute: usize,
    /// The site's pages for `/search/`, `/cases/` and `/stats/`.
    pub pages: Option<Arc<portal_views::pages::Renderer>>,
    /// The departments of `content/departments.toml`, code → name: the
    /// names the statistics show, and the codes ingest accepts (any code
    /// when empty).
    pub departments: BTreeMap<String, String>,
    /// Lookup audit rows older than this many days are deleted.
    pub audit_days: u32,
    /// Timeouts and connection caps against slow clients.
    pub limits: listen::Limits,
    /// Send `Strict-Transport-Security` (only behind TLS).
    pub hsts: bool,
}

/// The static site only.
pub fn app(dist: &Path) -> Router {
    app_with(dist, AppState::new())
}

/// The static site, plus the server-rendered pages when `state` has a page
/// renderer (`/search/`; `/cases/` and `/stats/` also need the case
/// database) and the case API when it has the database. Precompressed
/// files when present, the site's own 404 page (with status 404) for
/// anything missing.
pub fn app_with(dist: &Path, state: AppState) -> Router {
    let not_found = ServeFile::new(dist.join(portal_core::Route::NotFound.path()));
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true)
        .not_found_service(not_found.clone());
    let mut router = pages::router(&state, files.clone());
    if let Some(cases) = state.cases {
        router = router.nest("/api", api::router(cases));
    }
    http::wrap(router.fallback_service(files), not_found)
}

/// Opens the database and the secret key, seeds the demo if asked, and
/// serves until Ctrl-C.
pub fn serve_blocking(config: Config) -> Result<()> {
    let dist = &config.dist;
    if !dist.join("index.html").is_file() {
        anyhow::bail!(
            "{} holds no built site: run `portal build --out {}` first",
            dist.display(),
            dist.display()
        );
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let secrets = secrets::Secrets::load_or_create(&config.secret_file)?;
        let db = db::Db::connect(&config.db_url).await?;
        let mut cases = Cases::new(db.clone(), secrets.clone(), config.calendar.clone())
            .with_lookups_per_minute(config.lookups_per_minute)
            .with_departments(config.departments.clone());
        cases.trust_proxy = config.trust_proxy;
        tokio::spawn(db::audit::keep_tidy(db.clone(), config.audit_days));
        let today = cases.today();
        let app_state = AppState {
            cases: Some(cases),
            pages: config.pages.clone(),
            search: Some(Arc::new(search::SearchIndex::new(config.dist.clone()))),
            prechecks: Some(Arc::new(precheck::Prechecks::new(config.dist.clone()))),
        };
        if config.lookups_per_minute == 0 {
            eprintln!("warning: lookups are not rate-limited at all (--lookups-per-minute 0): only for load tests");
        } else if config.lookups_per_minute != state::DEFAULT_LOOKUPS_PER_MINUTE {
            eprintln!(
                "warning: {} lookups a minute per client and per number (default {}): raise it only for load tests",
                config.lookups_per_minute,
                state::DEFAULT_LOOKUPS_PER_MINUTE
            );
        }
        if config.demo {
            let seeded = demo::seed(&db, &secrets, today).await?;
            eprintln!(
                "Demo cases seeded. Try these receipts on the case-status page (/cases/) or the lookup API:"
            );
            for r in seeded
                .receipts
                .iter()
                .filter(|r| r.state != "submitted")
                .take(2)
            {
                eprintln!(
                    "  case number {}  password {}  ({})",
                    r.case_number, r.password, r.state
                );
            }
            eprintln!("Ingest token for the demo departments: {}", seeded.token);
        }
        let listener = tokio::net::TcpListener::bind(&config.addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.addr))?;
        eprintln!(
            "Serving {} on http://{} with cases in {} (Ctrl-C to stop)",
            dist.display(),
            listener.local_addr()?,
            db::redact(&config.db_url)
        );
        let mut app = app_with(dist, app_state);
        if config.hsts {
            app = http::with_hsts(app);
        }
        listen::serve(listener, app, config.limits, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        db.flush().await?;
        Ok(())
    })
}

/// Creates an ingest token for `departments` (`portal token`); prints
/// nothing, returns the token, which is shown once and stored only hashed.
pub fn add_token_blocking(
    db_url: &str,
    secret_file: &Path,
    departments: &[String],
    label: &str,
) -> Result<String> {
    if departments.iter().all(|d| d.trim().is_empty()) {
        anyhow::bail!("name at least one department the token may touch (--departments a,b)");
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let secrets = secrets::Secrets::load_or_create(secret_file)?;
        let db = db::Db::connect(db_url).await?;
        let depts: Vec<String> = departments
            .iter()
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty())
            .collect();
        db.add_token(&secrets, &depts, label).await
    })
}
