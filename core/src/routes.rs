//! The one route table: where each page lives in the built site. The
//! renderer, the sitemap, the link check and search results all format and
//! read paths here, so they cannot disagree.
//!
//! Paths are site-relative, without a leading `/`: `items/CODE/`. Folder
//! pages end in `/` (the build writes their `index.html`).

use crate::model::Catalog;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeSet, HashSet};

/// A page or file of the built site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    Home,
    Item(String),
    /// An item's pre-check with answers (办前自测), rendered by the server.
    ItemCheck(String),
    DepartmentIndex,
    Department(String),
    ThemeIndex,
    Theme(String),
    GuideIndex,
    Guide(String),
    DisclosureIndex,
    /// A document by slug (`category/name`).
    Disclosure(String),
    /// A category id from `site.toml`.
    DisclosureCategory(String),
    /// Documents published in a year.
    DisclosureYear(i32),
    /// Documents of an agency, by [`agency_slug`]; build with [`Route::agency`].
    DisclosureAgency(String),
    Updates,
    /// The change log of one department, by its id.
    UpdatesDepartment(String),
    /// The change log of one kind of change, by [`crate::diff::Aspect::slug`].
    UpdatesKind(String),
    /// The Atom feed of the whole change log.
    Feed,
    /// The Atom feed of one department's changes.
    DepartmentFeed(String),
    Search,
    /// The case-status form (built statically, answered by the server).
    Cases,
    /// Case statistics, rendered by the server only.
    Stats,
    /// A download under `content/files/`, by its path there.
    File(String),
    Data(DataFile),
    Sitemap,
    /// One file of a sitemap split past 50,000 URLs, from 1.
    SitemapPart(usize),
    Robots,
    NotFound,
}

/// The open-data exports under `data/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataFile {
    CatalogJson,
    ItemsCsv,
    MaterialsCsv,
}

impl DataFile {
    pub const ALL: [DataFile; 3] = [
        DataFile::CatalogJson,
        DataFile::ItemsCsv,
        DataFile::MaterialsCsv,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DataFile::CatalogJson => "catalog.json",
            DataFile::ItemsCsv => "items.csv",
            DataFile::MaterialsCsv => "materials.csv",
        }
    }
}

/// Folders under `disclosures/` that the build itself writes, so no
/// category or document may use them.
pub const RESERVED_DISCLOSURE_FOLDERS: [&str; 2] = ["years", "agencies"];

impl Route {
    /// The agency page of `agency` (a name as documents write it).
    pub fn agency(agency: &str) -> Route {
        Route::DisclosureAgency(agency_slug(agency))
    }

    /// Site-relative path, e.g. `items/CODE/`; `""` is the home page.
    pub fn path(&self) -> String {
        match self {
            Route::Home => String::new(),
            Route::Item(code) => format!("items/{code}/"),
            Route::ItemCheck(code) => format!("items/{code}/check/"),
            Route::DepartmentIndex => "departments/".into(),
            Route::Department(id) => format!("departments/{id}/"),
            Route::ThemeIndex => "themes/".into(),
            Route::Theme(id) => format!("themes/{id}/"),
            Route::GuideIndex => "guides/".into(),
            Route::Guide(slug) => format!("guides/{slug}/"),
            Route::DisclosureIndex => "disclosures/".into(),
            Route::Disclosure(slug) => format!("disclosures/{slug}/"),
            Route::DisclosureCategory(id) => format!("disclosures/{id}/"),
            Route::DisclosureYear(y) => format!("disclosures/years/{y}/"),
            Route::DisclosureAgency(slug) => format!("disclosures/agencies/{slug}/"),
            Route::Updates => "updates/".into(),
            Route::UpdatesDepartment(id) => format!("updates/departments/{id}/"),
            Route::UpdatesKind(kind) => format!("updates/kinds/{kind}/"),
            Route::Feed => "updates.xml".into(),
            Route::DepartmentFeed(id) => format!("updates/departments/{id}.xml"),
            Route::Search => "search/".into(),
            Route::Cases => "cases/".into(),
            Route::Stats => "stats/".into(),
            Route::File(path) => format!("files/{path}"),
            Route::Data(d) => format!("data/{}", d.name()),
            Route::Sitemap => "sitemap.xml".into(),
            Route::SitemapPart(n) => format!("sitemap-{n}.xml"),
            Route::Robots => "robots.txt".into(),
            Route::NotFound => "404.html".into(),
        }
    }

    /// The route of a site path (leading `/`, `index.html`, `?query` and
    /// `#fragment` allowed), whether or not the catalog has it.
    pub fn parse(path: &str) -> Option<Route> {
        let path = path.split(['#', '?']).next().unwrap_or("");
        let path = path.strip_prefix('/').unwrap_or(path);
        // File names are taken verbatim: `index.html` may be a download.
        if let Some(file) = path.strip_prefix("files/") {
            return (!file.is_empty()).then(|| Route::File(file.to_string()));
        }
        let page = path.strip_suffix("index.html").unwrap_or(path);
        let page = page.trim_end_matches('/');
        let (section, rest) = page.split_once('/').unwrap_or((page, ""));
        let arg = || (!rest.is_empty()).then(|| rest.to_string());
        let route = match (section, rest) {
            ("", "") => Route::Home,
            ("items", _) => match rest.strip_suffix("/check") {
                Some(code) if !code.contains('/') => Route::ItemCheck(code.to_string()),
                _ => Route::Item(arg()?),
            },
            ("departments", "") => Route::DepartmentIndex,
            ("departments", _) => Route::Department(arg()?),
            ("themes", "") => Route::ThemeIndex,
            ("themes", _) => Route::Theme(arg()?),
            ("guides", "") => Route::GuideIndex,
            ("guides", _) => Route::Guide(arg()?),
            ("disclosures", _) => disclosure_route(rest)?,
            ("updates", _) => updates_route(rest)?,
            ("updates.xml", "") => Route::Feed,
            ("search", "") => Route::Search,
            ("cases", "") => Route::Cases,
            ("stats", "") => Route::Stats,
            ("data", _) => Route::Data(*DataFile::ALL.iter().find(|d| d.name() == rest)?),
            ("sitemap.xml", "") => Route::Sitemap,
            ("robots.txt", "") => Route::Robots,
            ("404.html", "") => Route::NotFound,
            (part, "") if part.starts_with("sitemap-") => sitemap_part(part)?,
            _ => return None,
        };
        Some(route)
    }

    /// Listed in the sitemap: the content pages, not the tools, files or
    /// machine-readable exports.
    pub fn in_sitemap(&self) -> bool {
        !matches!(
            self,
            Route::Search
                | Route::Feed
                | Route::DepartmentFeed(_)
                | Route::ItemCheck(_)
                | Route::Cases
                | Route::Stats
                | Route::File(_)
                | Route::Data(_)
                | Route::Sitemap
                | Route::SitemapPart(_)
                | Route::Robots
                | Route::NotFound
        )
    }
}

/// `sitemap-N.xml`, N from 1 without leading zeros.
fn sitemap_part(name: &str) -> Option<Route> {
    let n = name.strip_prefix("sitemap-")?.strip_suffix(".xml")?;
    let part: usize = n.parse().ok().filter(|p| *p > 0)?;
    (part.to_string() == n).then_some(Route::SitemapPart(part))
}

/// `rest` is what follows `updates/`. Department ids have no `.`, so
/// `ID.xml` is always a feed.
fn updates_route(rest: &str) -> Option<Route> {
    if rest.is_empty() {
        return Some(Route::Updates);
    }
    let (top, below) = rest.split_once('/')?;
    if below.is_empty() || below.contains('/') {
        return None;
    }
    Some(match (top, below.strip_suffix(".xml")) {
        ("departments", Some(id)) => Route::DepartmentFeed(id.to_string()),
        ("departments", None) => Route::UpdatesDepartment(below.to_string()),
        ("kinds", None) => Route::UpdatesKind(below.to_string()),
        _ => return None,
    })
}

/// `rest` is what follows `disclosures/`.
fn disclosure_route(rest: &str) -> Option<Route> {
    if rest.is_empty() {
        return Some(Route::DisclosureIndex);
    }
    let (top, below) = rest.split_once('/').unwrap_or((rest, ""));
    Some(match top {
        "years" => Route::DisclosureYear(below.parse().ok()?),
        "agencies" if !below.is_empty() && !below.contains('/') => {
            Route::DisclosureAgency(below.to_string())
        }
        "agencies" => return None,
        // Documents live in a category folder, so a slug has a `/`.
        _ if below.is_empty() => Route::DisclosureCategory(rest.to_string()),
        _ => Route::Disclosure(rest.to_string()),
    })
}

/// A stable ASCII folder name for an agency (names are Chinese): the low
/// 32 bits of its 64-bit FNV-1a hash in hex. FNV, unlike std's hasher, is
/// the same across builds and platforms, so agency URLs never move.
pub fn agency_slug(agency: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in agency.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{:08x}", h as u32)
}

/// Years with published documents, newest first.
pub fn disclosure_years(catalog: &Catalog) -> Vec<i32> {
    let years: BTreeSet<i32> = catalog
        .disclosures
        .iter()
        .map(|d| d.value.meta.published.year())
        .collect();
    years.into_iter().rev().collect()
}

/// Agencies that issued documents, in name order.
pub fn disclosure_agencies(catalog: &Catalog) -> Vec<&str> {
    let names: BTreeSet<&str> = catalog
        .disclosures
        .iter()
        .map(|d| d.value.meta.agency.as_str())
        .collect();
    names.into_iter().collect()
}

/// Every HTML page the build renders for `catalog`, with the day its
/// content last changed when one is known. The sitemap is this list,
/// filtered by [`Route::in_sitemap`].
pub fn pages(catalog: &Catalog) -> Vec<(Route, Option<NaiveDate>)> {
    let fixed = [
        Route::Home,
        Route::DepartmentIndex,
        Route::ThemeIndex,
        Route::GuideIndex,
        Route::DisclosureIndex,
        Route::Updates,
        Route::Search,
        Route::Cases,
        Route::NotFound,
    ];
    let mut out: Vec<_> = fixed.into_iter().map(|r| (r, None)).collect();
    let c = catalog;
    out.extend(c.items.iter().map(|i| {
        let route = Route::Item(i.value.code.clone());
        (route, Some(i.value.last_reviewed))
    }));
    out.extend(
        c.departments
            .iter()
            .map(|d| (Route::Department(d.id.clone()), None)),
    );
    out.extend(c.themes.iter().map(|t| (Route::Theme(t.id.clone()), None)));
    out.extend(c.guides.iter().map(|g| {
        let route = Route::Guide(g.value.slug.clone());
        (route, Some(g.value.meta.updated))
    }));
    out.extend(c.disclosures.iter().map(|d| {
        let route = Route::Disclosure(d.value.slug.clone());
        (route, Some(d.value.meta.published))
    }));
    out.extend(disclosure_lists(c).into_iter().map(|r| (r, None)));
    out.extend(update_lists(c).into_iter().map(|r| (r, None)));
    out
}

/// The change log's filter pages: one per department and one per kind of
/// change, whether or not the log has entries for it yet, so links to
/// them never break.
fn update_lists(catalog: &Catalog) -> Vec<Route> {
    let departments = catalog.departments.iter();
    let mut out: Vec<Route> = departments
        .map(|d| Route::UpdatesDepartment(d.id.clone()))
        .collect();
    let kinds = crate::diff::Aspect::ALL.iter();
    out.extend(kinds.map(|a| Route::UpdatesKind(a.slug().to_string())));
    out
}

/// The Atom feeds: the whole log and one per department.
pub fn feeds(catalog: &Catalog) -> Vec<Route> {
    let departments = catalog.departments.iter();
    let mut out = vec![Route::Feed];
    out.extend(departments.map(|d| Route::DepartmentFeed(d.id.clone())));
    out
}

/// The disclosure category, year and agency list pages.
fn disclosure_lists(catalog: &Catalog) -> Vec<Route> {
    let categories = catalog.site.disclosure_categories.iter();
    let mut out: Vec<Route> = categories
        .map(|c| Route::DisclosureCategory(c.id.clone()))
        .collect();
    out.extend(
        disclosure_years(catalog)
            .into_iter()
            .map(Route::DisclosureYear),
    );
    out.extend(disclosure_agencies(catalog).into_iter().map(Route::agency));
    out
}

/// Everything the build writes for `catalog`: its pages, the downloads,
/// the open data, the sitemap and robots.txt.
pub fn all(catalog: &Catalog) -> Vec<Route> {
    let mut out: Vec<Route> = pages(catalog).into_iter().map(|(r, _)| r).collect();
    out.extend(catalog.files.iter().map(|f| Route::File(f.clone())));
    out.extend(DataFile::ALL.map(Route::Data));
    out.extend(feeds(catalog));
    out.extend([Route::Sitemap, Route::Robots]);
    out
}

/// The routes of one catalog, for asking "does the site have this page?"
/// many times (the link check).
pub struct RouteSet(HashSet<Route>);

impl RouteSet {
    pub fn new(catalog: &Catalog) -> RouteSet {
        RouteSet(all(catalog).into_iter().collect())
    }

    pub fn contains(&self, route: &Route) -> bool {
        self.0.contains(route)
    }

    /// Does `path` (see [`Route::parse`]) lead to something the build writes?
    pub fn has_path(&self, path: &str) -> bool {
        Route::parse(path).is_some_and(|r| self.contains(&r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn every_variant() -> Vec<Route> {
        let mut all = vec![
            Route::Home,
            Route::Item("320115-GA-0001".into()),
            Route::DepartmentIndex,
            Route::Department("public-security".into()),
            Route::ThemeIndex,
            Route::Theme("household".into()),
            Route::GuideIndex,
            Route::Guide("open-a-restaurant".into()),
            Route::DisclosureIndex,
            Route::Disclosure("normative/2025-fees".into()),
            Route::DisclosureCategory("normative".into()),
            Route::DisclosureYear(2025),
            Route::agency("云溪区人民政府办公室"),
            Route::Updates,
            Route::UpdatesDepartment("public-security".into()),
            Route::UpdatesKind("legal-basis".into()),
            Route::Feed,
            Route::DepartmentFeed("public-security".into()),
            Route::Search,
            Route::Cases,
            Route::Stats,
            Route::File("forms/application.docx".into()),
            Route::File("forms/index.html".into()),
            Route::Sitemap,
            Route::SitemapPart(2),
            Route::Robots,
            Route::NotFound,
        ];
        all.extend(DataFile::ALL.map(Route::Data));
        all
    }

    #[test]
    fn parse_reads_back_every_path() {
        for route in every_variant() {
            assert_eq!(
                Route::parse(&route.path()),
                Some(route.clone()),
                "{route:?}"
            );
        }
    }

    #[test]
    fn parse_accepts_links_as_written() {
        let item = Some(Route::Item("A-1".into()));
        for link in [
            "/items/A-1/",
            "items/A-1",
            "/items/A-1/index.html",
            "/items/A-1/#fees",
        ] {
            assert_eq!(Route::parse(link), item, "{link}");
        }
        assert_eq!(Route::parse("/search/?q=身份证"), Some(Route::Search));
        assert_eq!(Route::parse("/index.html"), Some(Route::Home));
        assert_eq!(Route::parse("/items/"), None);
        assert_eq!(Route::parse("/disclosures/years/next/"), None);
        assert_eq!(Route::parse("/data/other.csv"), None);
        assert_eq!(Route::parse("/nowhere/"), None);
        assert_eq!(Route::parse("/updates/kinds/fees.xml"), None);
        assert_eq!(Route::parse("/updates/departments/"), None);
    }

    #[test]
    fn agency_slug_is_stable() {
        // The value of FNV-1a, fixed: changing it moves published URLs.
        assert_eq!(agency_slug("云溪区人民政府办公室"), "b9473ac4");
        assert_eq!(agency_slug("云溪区财政局"), "de686172");
        // The demo catalog's agency (`portal demo`).
        assert_eq!(agency_slug("临江省人民政府办公厅"), "cc62171d");
        assert_ne!(agency_slug("云溪区人民政府"), agency_slug("云溪区财政局"));
    }

    fn doc(slug: &str, agency: &str, published: &str) -> Sourced<Page<DisclosureMeta>> {
        let day: NaiveDate = published.parse().unwrap();
        let category = slug.split('/').next().unwrap().to_string();
        Sourced {
            file: format!("disclosures/{slug}.md"),
            value: Page {
                meta: DisclosureMeta {
                    title: slug.into(),
                    number: String::new(),
                    agency: agency.into(),
                    written: day,
                    published: day,
                    category,
                    topic: String::new(),
                    validity: Validity::InForce,
                    repealed_on: None,
                    amended_by: vec![],
                    replaced_by: vec![],
                    supersedes: vec![],
                },
                slug: slug.into(),
                body: String::new(),
                links: vec![],
            },
        }
    }

    fn catalog() -> Catalog {
        let mut c = Catalog::default();
        c.site.disclosure_categories.push(Category {
            id: "normative".into(),
            name: "规范性文件".into(),
            description: String::new(),
        });
        c.disclosures = vec![
            doc("normative/a", "区政府", "2024-05-01"),
            doc("normative/b", "区财政局", "2025-02-01"),
        ];
        c.files.insert("forms/a.docx".into());
        c
    }

    #[test]
    fn pages_hold_the_disclosure_lists() {
        let c = catalog();
        let routes: Vec<Route> = pages(&c).into_iter().map(|(r, _)| r).collect();
        for r in [
            Route::DisclosureCategory("normative".into()),
            Route::DisclosureYear(2024),
            Route::DisclosureYear(2025),
            Route::agency("区政府"),
            Route::agency("区财政局"),
            Route::Disclosure("normative/b".into()),
        ] {
            assert!(routes.contains(&r), "{r:?}");
        }
        assert_eq!(disclosure_years(&c), [2025, 2024]);
    }

    #[test]
    fn route_set_answers_paths() {
        let set = RouteSet::new(&catalog());
        assert!(set.has_path("/disclosures/years/2024/"));
        assert!(!set.has_path("/disclosures/years/2023/"));
        assert!(set.has_path(&format!("/disclosures/agencies/{}/", agency_slug("区政府"))));
        assert!(!set.has_path("/disclosures/agencies/00000000/"));
        assert!(set.has_path("/files/forms/a.docx"));
        assert!(!set.has_path("/files/forms/b.docx"));
        assert!(set.has_path("/data/items.csv"));
        assert!(set.has_path("/"));
        assert!(!set.has_path("/stats/"));
    }
}
