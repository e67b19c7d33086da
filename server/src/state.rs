//! What the handlers share, in one place: [`Cases`] (the case database and
//! everything the lookup, ingest and statistics services need with it) and
//! [`AppState`] (the site's page renderer, its search index, and the case
//! side when a database is configured).

use crate::db::Db;
use crate::ratelimit::RateLimiter;
use crate::search::SearchIndex;
use crate::secrets::Secrets;
use crate::stats::{DepartmentStats, StatsCache};
use chrono::NaiveDate;
use portal_core::Calendar;
use portal_views::pages::Renderer;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

pub type Today = Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// Lookups a minute per client address and failed ones per case number.
pub const DEFAULT_LOOKUPS_PER_MINUTE: usize = 10;

/// The case side: the database, the key of passwords and tokens, the
/// calendar deadlines count in, the lookup limits, the statistics cache.
#[derive(Clone)]
pub struct Cases {
    pub db: Db,
    pub secrets: Secrets,
    pub calendar: Arc<Calendar>,
    /// The date deadlines are measured against; fixed in tests.
    pub today: Today,
    pub per_client: Arc<RateLimiter>,
    pub per_case: Arc<RateLimiter>,
    /// Behind a reverse proxy every request comes from the proxy; then the
    /// client is the last address the proxy appended to X-Forwarded-For.
    /// Off by default: without a proxy the header is the client's to forge.
    pub trust_proxy: bool,
    pub stats: Arc<StatsCache>,
    /// Refusals by a limit that already got their audit row this minute
    /// (per client and outcome); later ones are only counted.
    pub refusals_logged: Arc<RateLimiter>,
    /// `content/departments.toml`, code → name: the names the statistics
    /// show and the codes ingest accepts. Empty: any code, shown as sent.
    pub departments: Arc<BTreeMap<String, String>>,
    /// Dates the approval system may send: none before `earliest_date`,
    /// none more than `days_ahead` after the server's clock (the wall
    /// clock, not `today`, which tests fix to measure deadlines).
    pub earliest_date: NaiveDate,
    pub days_ahead: u32,
}

impl Cases {
    /// Default limits: 10 lookups a minute per client address and per case number.
    pub fn new(db: Db, secrets: Secrets, calendar: Calendar) -> Cases {
        let limiter = || {
            Arc::new(RateLimiter::new(
                DEFAULT_LOOKUPS_PER_MINUTE,
                Duration::from_secs(60),
            ))
        };
        Cases {
            db,
            secrets,
            calendar: Arc::new(calendar),
            today: Arc::new(|| chrono::Local::now().date_naive()),
            per_client: limiter(),
            per_case: limiter(),
            trust_proxy: false,
            stats: Default::default(),
            refusals_logged: Arc::new(RateLimiter::new(1, Duration::from_secs(60))),
            departments: Default::default(),
            earliest_date: crate::ingest::EARLIEST_DATE,
            days_ahead: 1,
        }
    }

    /// The departments of the content (code → name).
    pub fn with_departments(mut self, departments: BTreeMap<String, String>) -> Cases {
        self.departments = Arc::new(departments);
        self
    }

    /// The dates ingest accepts now.
    pub fn date_window(&self) -> crate::ingest::DateWindow {
        let now = chrono::Local::now().date_naive();
        crate::ingest::DateWindow {
            earliest: self.earliest_date,
            latest: now + chrono::Duration::days(i64::from(self.days_ahead)),
        }
    }

    /// Other lookup limits (per client and per case number, a minute);
    /// 0 switches them off. Only for load tests: the limits are what stops
    /// password guessing.
    pub fn with_lookups_per_minute(mut self, per_minute: usize) -> Cases {
        let limiter = || {
            Arc::new(if per_minute == 0 {
                RateLimiter::unlimited()
            } else {
                RateLimiter::new(per_minute, Duration::from_secs(60))
            })
        };
        self.per_client = limiter();
        self.per_case = limiter();
        self
    }

    pub fn with_today(mut self, today: NaiveDate) -> Cases {
        self.today = Arc::new(move || today);
        self
    }

    pub fn today(&self) -> NaiveDate {
        (self.today)()
    }

    /// The published figures, computed at most every
    /// [`STATS_TTL`](crate::stats::STATS_TTL).
    pub async fn department_stats(&self) -> anyhow::Result<Arc<Vec<DepartmentStats>>> {
        let (cal, names) = (self.calendar.clone(), self.departments.clone());
        self.stats.get(&self.db, cal, names, self.today()).await
    }
}

/// Everything the routes share. The static site needs none of it; the HTML
/// pages need `pages`; the case API, `/cases/` and `/stats/` need `cases`.
#[derive(Clone, Default)]
pub struct AppState {
    /// Without a case database: no `/api/`, no `/cases/` answers, no `/stats/`.
    pub cases: Option<Cases>,
    /// The site's templates for the server-rendered pages (`/search/`,
    /// `/cases/`, `/stats/`); without them those are the static files.
    pub pages: Option<Arc<Renderer>>,
    /// The site's search index, for `/search/` without JavaScript.
    pub search: Option<Arc<SearchIndex>>,
    /// The items' pre-checks, for `/items/CODE/check/` without JavaScript.
    pub prechecks: Option<Arc<crate::precheck::Prechecks>>,
}

impl AppState {
    /// The static site only.
    pub fn new() -> AppState {
        AppState::default()
    }

    pub fn with_cases(mut self, cases: Cases) -> AppState {
        self.cases = Some(cases);
        self
    }

    pub fn with_pages(mut self, pages: Arc<Renderer>) -> AppState {
        self.pages = Some(pages);
        self
    }

    pub fn with_search(mut self, index: SearchIndex) -> AppState {
        self.search = Some(Arc::new(index));
        self
    }

    pub fn with_prechecks(mut self, prechecks: crate::precheck::Prechecks) -> AppState {
        self.prechecks = Some(Arc::new(prechecks));
        self
    }
}
