//! The site's pages: their templates and the context every page shares.
//! `portal build` renders them all; `portal serve` renders the few pages
//! that answer a request (the case form's answer, statistics, search
//! without JavaScript) with the same templates, so they look the same.

use crate::env::{Error, environment};
use minijinja::{Environment, Value, context};
use portal_core::model::Site;
use serde::{Deserialize, Serialize};
use std::path::Path;

const PAGES: &[(&str, &str)] = &[
    ("404.html", include_str!("../templates/404.html")),
    ("base.html", include_str!("../templates/base.html")),
    ("cases.html", include_str!("../templates/cases.html")),
    (
        "disclosure.html",
        include_str!("../templates/disclosure.html"),
    ),
    (
        "disclosure_list.html",
        include_str!("../templates/disclosure_list.html"),
    ),
    (
        "disclosures.html",
        include_str!("../templates/disclosures.html"),
    ),
    ("guide.html", include_str!("../templates/guide.html")),
    ("home.html", include_str!("../templates/home.html")),
    (
        "index_list.html",
        include_str!("../templates/index_list.html"),
    ),
    ("item.html", include_str!("../templates/item.html")),
    (
        "item_changes.html",
        include_str!("../templates/item_changes.html"),
    ),
    (
        "item_list.html",
        include_str!("../templates/item_list.html"),
    ),
    ("macros.html", include_str!("../templates/macros.html")),
    ("precheck.html", include_str!("../templates/precheck.html")),
    ("robots.txt", include_str!("../templates/robots.txt")),
    ("search.html", include_str!("../templates/search.html")),
    ("sitemap.xml", include_str!("../templates/sitemap.xml")),
    (
        "sitemap_index.xml",
        include_str!("../templates/sitemap_index.xml"),
    ),
    ("stats.html", include_str!("../templates/stats.html")),
    ("updates.html", include_str!("../templates/updates.html")),
    ("updates.xml", include_str!("../templates/updates.xml")),
];

pub(crate) fn add_templates(env: &mut Environment<'static>) {
    for (name, source) in PAGES {
        env.add_template(name, source)
            .expect("templates are checked by the tests");
    }
    // Set by the build when the site has them; none otherwise.
    env.add_global("search_boot", Value::from(()));
    env.add_global("app", Value::from(()));
}

/// Where the browser app lives in the site.
pub const APP_DIR: &str = "app/h";
/// Names the app's files, for pages the server renders.
pub const APP_INFO: &str = "app/app.json";

/// File names of the browser app's parts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppFiles {
    pub js: String,
    pub wasm: String,
    pub worker: String,
}

impl AppFiles {
    /// Site-absolute URLs for the pages' `data-*` attributes.
    pub fn urls(&self, root: &str) -> AppFiles {
        let url = |f: &str| format!("{root}{APP_DIR}/{f}");
        AppFiles {
            js: url(&self.js),
            wasm: url(&self.wasm),
            worker: url(&self.worker),
        }
    }
}

/// The path part of the base URL, always ending in `/`: what every
/// site-relative link starts with.
pub fn root_path(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

/// What every page's template gets besides its own data.
#[derive(Debug, Serialize)]
pub struct PageBase<'a> {
    pub site: &'a Site,
    pub root: &'a str,
    /// `YYYY-MM-DD`: the day the page was made.
    pub today: String,
    pub title: &'a str,
    /// Under the root, e.g. `items/CODE/`.
    pub path: &'a str,
    pub canonical: String,
    pub lang: &'a str,
    /// What the header's search box shows (the query on the results page).
    pub query: &'a str,
}

impl<'a> PageBase<'a> {
    pub fn new(
        site: &'a Site,
        root: &'a str,
        today: impl ToString,
        title: &'a str,
        path: &'a str,
    ) -> PageBase<'a> {
        PageBase {
            site,
            root,
            today: today.to_string(),
            title,
            path,
            canonical: format!("{}{path}", site.base_url),
            lang: site.languages.first().map_or("zh-CN", String::as_str),
            query: "",
        }
    }
}

/// Renders `template` with the shared context and the page's own `data`
/// (a map merged in; its keys must not repeat the shared ones).
pub fn render(
    env: &Environment,
    template: &str,
    base: &PageBase,
    data: impl Serialize,
) -> Result<String, Error> {
    let data = Value::from_serialize(data);
    env.get_template(template)?
        .render(context! { ..Value::from_serialize(base), ..data })
}

/// The pages `portal serve` renders itself, for a built site in `dist`.
pub struct Renderer {
    env: Environment<'static>,
    site: Site,
    root: String,
}

impl Renderer {
    pub fn new(site: Site) -> Renderer {
        Renderer {
            env: environment(),
            root: root_path(&site.base_url),
            site,
        }
    }

    /// Lets the pages load the search index and browser app of the site in
    /// `dist`, as the built pages do.
    pub fn with_assets(mut self, dist: &Path) -> Renderer {
        let read = |p: &str| std::fs::read(dist.join(p)).ok();
        if let Some(pointer) = read(portal_search::POINTER_FILE)
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            && let Some(boot) = pointer["boot"].as_str()
        {
            self.env
                .add_global("search_boot", format!("{}{boot}", self.root));
        }
        if let Some(app) = read(APP_INFO).and_then(|b| serde_json::from_slice::<AppFiles>(&b).ok())
        {
            self.env
                .add_global("app", Value::from_serialize(app.urls(&self.root)));
        }
        self
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    pub fn root(&self) -> &str {
        &self.root
    }

    /// The page at `path` from `template` with its `data`, as of `today`.
    pub fn page(
        &self,
        template: &str,
        path: &str,
        title: &str,
        query: &str,
        today: impl ToString,
        data: impl Serialize,
    ) -> Result<String, Error> {
        let mut base = PageBase::new(&self.site, &self.root, today, title, path);
        base.query = query;
        render(&self.env, template, &base, data)
    }
}

/// The statistics page (`stats.html`): per department and in total.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StatsPage {
    /// `YYYY-MM-DD`.
    pub as_of: String,
    pub departments: Vec<StatsRow>,
    pub received: u64,
    pub completed: u64,
    pub overdue_now: u64,
}

/// One department's figures; rates already in words (`95.0%`, `—`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct StatsRow {
    pub department: String,
    pub department_name: String,
    pub received: u64,
    pub refused: u64,
    pub completed: u64,
    pub completion_rate: String,
    pub on_time: u64,
    pub on_time_rate: String,
    pub early: u64,
    pub early_rate: String,
    pub overdue_now: u64,
    /// The three rates as bars of the page's chart (see [`rate_bars`]).
    pub bars: Vec<Bar>,
}

/// One bar of the statistics chart: an SVG `<rect>` in a 360-unit track.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bar {
    /// `completion`, `on_time` or `early`: the CSS class of its colour.
    pub kind: &'static str,
    pub label: &'static str,
    /// Length in SVG units (360 = 100 %), and where its figure is written.
    pub width: f64,
    pub text_x: f64,
    /// The rate in words, as the table shows it.
    pub text: String,
}

/// The track a bar of 100 % fills, in SVG units.
const BAR_TRACK: f64 = 360.0;

/// The completion, on-time and early rates as chart bars; a rate with no
/// cases to count (`None`) is an empty bar marked `—`.
pub fn rate_bars(completion: Option<f64>, on_time: Option<f64>, early: Option<f64>) -> Vec<Bar> {
    [
        ("completion", "办结率", completion),
        ("on_time", "按时办结率", on_time),
        ("early", "提前办结率", early),
    ]
    .into_iter()
    .map(|(kind, label, rate)| {
        let width = (rate.unwrap_or(0.0).clamp(0.0, 1.0) * BAR_TRACK * 10.0).round() / 10.0;
        Bar {
            kind,
            label,
            width,
            text_x: width + 6.0,
            text: percent(rate),
        }
    })
    .collect()
}

impl StatsPage {
    /// The page for `departments`, with the totals.
    pub fn new(as_of: impl ToString, departments: Vec<StatsRow>) -> StatsPage {
        let total = |f: fn(&StatsRow) -> u64| departments.iter().map(f).sum();
        StatsPage {
            as_of: as_of.to_string(),
            received: total(|d| d.received),
            completed: total(|d| d.completed),
            overdue_now: total(|d| d.overdue_now),
            departments,
        }
    }
}

/// A rate as the page shows it: one decimal, or a dash when nothing counts.
pub fn percent(rate: Option<f64>) -> String {
    rate.map(|x| format!("{:.1}%", x * 100.0))
        .unwrap_or_else(|| "—".into())
}

#[cfg(test)]
mod tests {
    use super::{percent, root_path};

    #[test]
    fn bars_are_as_long_as_their_rates() {
        let bars = super::rate_bars(Some(1.0), Some(0.5), None);
        let widths: Vec<f64> = bars.iter().map(|b| b.width).collect();
        assert_eq!(widths, [360.0, 180.0, 0.0]);
        assert_eq!(bars[1].text, "50.0%");
        assert_eq!(bars[2].text, "—");
        assert_eq!(bars[0].kind, "completion");
    }

    #[test]
    fn rates_in_words() {
        assert_eq!(percent(Some(0.95)), "95.0%");
        assert_eq!(percent(Some(1.0 / 3.0)), "33.3%");
        assert_eq!(percent(None), "—");
    }

    #[test]
    fn root_is_the_base_urls_path() {
        assert_eq!(root_path("https://example.gov.cn"), "/");
        assert_eq!(root_path("https://example.gov.cn/"), "/");
        assert_eq!(root_path("https://example.gov.cn/yx"), "/yx/");
        assert_eq!(root_path("https://example.gov.cn/a/b/"), "/a/b/");
    }
}
