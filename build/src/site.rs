//! `portal build`: checks the content, renders every page into a staging
//! folder and swaps it into place only when everything succeeded.

use crate::changelog::History;
use crate::output::{self, Staging};
use crate::updates::Log;
use crate::views::{self, Ctx};
use crate::{app_files, console, exports, load, search_index};
use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use minijinja::{Environment, Value, context};
use portal_core::Route;
use portal_core::model::*;
use portal_core::routes;
use portal_views::pages::{self, PageBase};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// What a build produced, for the closing summary and for tests.
#[derive(Debug, Default)]
pub struct Summary {
    pub pages: usize,
    pub items: usize,
    pub warnings: usize,
    pub seconds: f64,
}

/// Builds the site; returns false (writing nothing) if the content has errors.
pub fn build(content: &Path, public: &Path, out: &Path, today: NaiveDate) -> Result<bool> {
    build_with_app(content, public, None, out, today)
}

/// [`build`], plus the browser app Trunk built into `app` (search as you
/// type, live results, case status), when given.
pub fn build_with_app(
    content: &Path,
    public: &Path,
    app: Option<&Path>,
    out: &Path,
    today: NaiveDate,
) -> Result<bool> {
    let started = Instant::now();
    refuse_overlap(content, public, out)?;
    console::step(&format!("Checking {}", content.display()));
    let loaded = load::check(content, today);
    let errors = loaded.problems.iter().filter(|p| p.is_error()).count();
    // "… and N more like this" points to check: build takes no --all.
    let opts = console::Options {
        all_flag: "`portal check --all`",
        ..console::Options::default()
    };
    if errors > 0 {
        console::report_with(&loaded.problems, opts);
        eprintln!("Nothing was written: fix the errors above and build again.");
        return Ok(false);
    }
    console::list(&loaded.problems, opts);
    warn_unpublished(content, &loaded.catalog)?;
    let mut summary = render(&loaded.catalog, content, public, app, out, today)?;
    summary.warnings = loaded.problems.len();
    summary.seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "Built {} pages for {} items into {} in {:.1} s ({} warning(s)).",
        summary.pages,
        summary.items,
        out.display(),
        summary.seconds,
        summary.warnings
    );
    Ok(true)
}

/// Changes not yet recorded by `portal publish` are not in the change
/// log: say so, so that nobody wonders why.
fn warn_unpublished(content: &Path, catalog: &Catalog) -> Result<()> {
    let history = History::read(content)?;
    if history.snapshot.is_none() {
        eprintln!(
            "note: no change log yet ({} is absent); run `portal publish` to start one",
            content.join(crate::changelog::DIR).display()
        );
        return Ok(());
    }
    let pending = history.unpublished(catalog);
    if !pending.is_empty() {
        eprintln!(
            "note: {} item(s) or document(s) changed since the last `portal publish`; the change log will show them once published",
            pending.len()
        );
    }
    Ok(())
}

/// The output replaces its folder whole: it must not be, hold or sit
/// inside the content or the public assets.
fn refuse_overlap(content: &Path, public: &Path, out: &Path) -> Result<()> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let out = abs(out);
    for (what, dir) in [("content", content), ("public", public)] {
        let dir = abs(dir);
        if out.starts_with(&dir) || dir.starts_with(&out) {
            anyhow::bail!(
                "--out {} overlaps the {what} folder {}: choose a separate output folder",
                out.display(),
                dir.display()
            );
        }
    }
    Ok(())
}

/// Renders a checked catalog into `out`.
pub fn render(
    catalog: &Catalog,
    content: &Path,
    public: &Path,
    app: Option<&Path>,
    out: &Path,
    today: NaiveDate,
) -> Result<Summary> {
    let staging = Staging::new(out)?;
    let ctx = Ctx::new(catalog, today);
    let history = History::read(content)?;
    let log = Log::new(&ctx, &history.entries);
    console::step("Writing the search index");
    let search = search_index::write(&ctx, content, staging.path())?;
    let mut env = portal_views::environment();
    env.add_global("search_boot", ctx.url(&search.boot_path));
    if let Some(dir) = app {
        let files = app_files::copy(dir, staging.path())?;
        env.add_global("app", Value::from_serialize(files.urls(&ctx.root)));
    }
    let site = Site {
        env,
        ctx: &ctx,
        staging: &staging,
        pages: AtomicUsize::new(0),
    };
    if public.is_dir() {
        output::copy_tree(public, staging.path()).context("cannot copy the public assets")?;
    }
    let files = content.join("files");
    if files.is_dir() {
        output::copy_tree(&files, &staging.path().join("files"))
            .context("cannot copy content/files")?;
    }
    console::step("Rendering pages");
    site.items(&log)?;
    site.departments()?;
    site.themes()?;
    site.guides()?;
    site.disclosures()?;
    site.home()?;
    site.change_log(&log)?;
    site.search()?;
    site.not_found()?;
    site.cases()?;
    console::step("Writing open data, sitemap and robots.txt");
    exports::write_all(&ctx, &staging, &site.env)?;
    let pages = site.pages.load(Ordering::Relaxed);
    staging.commit()?;
    Ok(Summary {
        pages,
        items: catalog.items.len(),
        ..Summary::default()
    })
}

pub(crate) struct Site<'a> {
    pub(crate) env: Environment<'static>,
    pub(crate) ctx: &'a Ctx<'a>,
    pub(crate) staging: &'a Staging,
    pages: AtomicUsize,
}

impl Site<'_> {
    /// Renders `template` to `path` (a folder URL gets `index.html`).
    pub(crate) fn page(&self, template: &str, path: &str, title: &str, extra: Value) -> Result<()> {
        let ctx = self.ctx;
        let base = PageBase::new(&ctx.catalog.site, &ctx.root, ctx.today, title, path);
        let html = pages::render(&self.env, template, &base, extra)
            .with_context(|| format!("cannot render {path} with {template}"))?;
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_string()
        };
        self.staging.write(&file, html.as_bytes())?;
        self.pages.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn items(&self, log: &Log) -> Result<()> {
        let items = &self.ctx.catalog.items;
        let changes = log.by_item();
        let none = Vec::new();
        let bar = console::progress(items.len() as u64, "items");
        items.par_iter().try_for_each(|item| {
            let view = views::item_view(self.ctx, &item.value);
            let path = Route::Item(item.value.code.clone()).path();
            let precheck = crate::precheck::part(self.ctx, &item.value);
            if let Some(p) = &precheck {
                self.staging
                    .write(&format!("{path}precheck.json"), p.data.as_bytes())?;
            }
            bar.inc(1);
            self.page(
                "item.html",
                &path,
                &item.value.name,
                context! { item => view, precheck, changes => changes.get(item.value.code.as_str()).unwrap_or(&none) },
            )
        })?;
        bar.finish_and_clear();
        Ok(())
    }

    fn rows<'b>(&self, items: impl Iterator<Item = &'b Item>) -> Vec<views::ItemRow> {
        let mut rows: Vec<_> = items.map(|i| views::item_row(self.ctx, i)).collect();
        rows.sort_by(|a, b| a.code.cmp(&b.code));
        rows
    }

    fn departments(&self) -> Result<()> {
        let mut by_dept: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
        for item in &self.ctx.catalog.items {
            by_dept
                .entry(item.value.department.as_str())
                .or_default()
                .push(&item.value);
        }
        let mut entries = Vec::new();
        for d in &self.ctx.catalog.departments {
            let items = by_dept.get(d.id.as_str()).cloned().unwrap_or_default();
            entries.push(context! { name => &d.name, url => self.ctx.link(&Route::Department(d.id.clone())), count => items.len(), description => &d.description });
            let rows = self.rows(items.into_iter());
            self.page(
                "item_list.html",
                &Route::Department(d.id.clone()).path(),
                &d.name,
                context! { heading => &d.name, department => d, rows => rows },
            )?;
        }
        self.page(
            "index_list.html",
            &Route::DepartmentIndex.path(),
            "办事部门",
            context! { heading => "办事部门", entries => entries },
        )
    }

    fn themes(&self) -> Result<()> {
        let mut entries = Vec::new();
        for t in &self.ctx.catalog.themes {
            let items = self
                .ctx
                .catalog
                .items
                .iter()
                .map(|i| &i.value)
                .filter(|i| i.themes.contains(&t.id));
            let rows = self.rows(items);
            let guides: Vec<_> = self
                .ctx
                .catalog
                .guides
                .iter()
                .filter(|g| g.value.meta.themes.contains(&t.id))
                .map(|g| views::guide_view(self.ctx, &g.value, false))
                .collect();
            entries.push(context! { name => &t.name, url => self.ctx.link(&Route::Theme(t.id.clone())), count => rows.len(), description => &t.description, audience => t.audience.label() });
            self.page(
                "item_list.html",
                &Route::Theme(t.id.clone()).path(),
                &t.name,
                context! { heading => &t.name, theme => t, rows => rows, guides => guides },
            )?;
        }
        self.page(
            "index_list.html",
            &Route::ThemeIndex.path(),
            "主题服务",
            context! { heading => "主题服务", entries => entries },
        )
    }

    fn guides(&self) -> Result<()> {
        let mut entries = Vec::new();
        for g in &self.ctx.catalog.guides {
            let view = views::guide_view(self.ctx, &g.value, true);
            entries.push(context! { name => &view.title, url => &view.url, description => &view.summary, updated => view.updated.to_string() });
            self.page(
                "guide.html",
                &Route::Guide(g.value.slug.clone()).path(),
                &view.title.clone(),
                context! { guide => view },
            )?;
        }
        self.page(
            "index_list.html",
            &Route::GuideIndex.path(),
            "办事攻略",
            context! { heading => "办事攻略", entries => entries },
        )
    }

    fn disclosures(&self) -> Result<()> {
        let ctx = self.ctx;
        let mut docs: Vec<&Page<DisclosureMeta>> =
            ctx.catalog.disclosures.iter().map(|d| &d.value).collect();
        docs.sort_by(|a, b| {
            b.meta
                .published
                .cmp(&a.meta.published)
                .then(a.slug.cmp(&b.slug))
        });
        for doc in &docs {
            let view = views::doc_view(ctx, doc, true);
            self.page(
                "disclosure.html",
                &Route::Disclosure(doc.slug.clone()).path(),
                &view.title.clone(),
                context! { doc => view },
            )?;
        }
        let list = |filter: &dyn Fn(&Page<DisclosureMeta>) -> bool| -> Vec<views::DocView> {
            docs.iter()
                .filter(|d| filter(d))
                .map(|d| views::doc_view(ctx, d, false))
                .collect()
        };
        let mut categories = Vec::new();
        for c in &ctx.catalog.site.disclosure_categories {
            let rows = list(&|d| d.meta.category == c.id);
            let path = Route::DisclosureCategory(c.id.clone()).path();
            categories.push(context! { name => &c.name, url => ctx.url(&path), count => rows.len(), description => &c.description });
            self.page(
                "disclosure_list.html",
                &path,
                &c.name,
                context! { heading => &c.name, description => &c.description, docs => rows },
            )?;
        }
        let mut year_links = Vec::new();
        for y in routes::disclosure_years(ctx.catalog) {
            let rows = list(&|d| d.meta.published.year() == y);
            let title = format!("{y} 年发布的文件");
            let path = Route::DisclosureYear(y).path();
            year_links.push(
                context! { name => y.to_string(), url => ctx.url(&path), count => rows.len() },
            );
            self.page(
                "disclosure_list.html",
                &path,
                &title.clone(),
                context! { heading => title, docs => rows },
            )?;
        }
        let mut agency_links = Vec::new();
        for agency in routes::disclosure_agencies(ctx.catalog) {
            let path = Route::agency(agency).path();
            let rows = list(&|d| d.meta.agency == agency);
            agency_links
                .push(context! { name => agency, url => ctx.url(&path), count => rows.len() });
            self.page(
                "disclosure_list.html",
                &path,
                agency,
                context! { heading => agency, docs => rows },
            )?;
        }
        let recent = list(&|_| true);
        self.page(
            "disclosures.html",
            &Route::DisclosureIndex.path(),
            "政府信息公开",
            context! { categories => categories, years => year_links, agencies => agency_links, docs => recent },
        )
    }

    fn latest(&self, limit: usize) -> Vec<Value> {
        let ctx = self.ctx;
        let mut updates: Vec<(NaiveDate, Value)> = ctx
            .catalog
            .items
            .iter()
            .map(|i| (i.value.last_reviewed, context! { kind => "办事指南更新", name => &i.value.name, url => ctx.link(&Route::Item(i.value.code.clone())), date => i.value.last_reviewed.to_string() }))
            .chain(ctx.catalog.disclosures.iter().map(|d| (d.value.meta.published, context! { kind => "公开文件发布", name => &d.value.meta.title, url => ctx.link(&Route::Disclosure(d.value.slug.clone())), date => d.value.meta.published.to_string() })))
            .chain(ctx.catalog.guides.iter().map(|g| (g.value.meta.updated, context! { kind => "办事攻略更新", name => &g.value.meta.title, url => ctx.link(&Route::Guide(g.value.slug.clone())), date => g.value.meta.updated.to_string() })))
            .collect();
        // Newest first; ties keep catalog order so builds are reproducible.
        updates.sort_by_key(|u| std::cmp::Reverse(u.0));
        updates.truncate(limit);
        updates.into_iter().map(|(_, v)| v).collect()
    }

    fn home(&self) -> Result<()> {
        let ctx = self.ctx;
        let items = &ctx.catalog.items;
        let count = |f: &dyn Fn(&Item) -> bool| items.iter().filter(|i| f(&i.value)).count();
        let stats = context! {
            items => items.len(),
            departments => ctx.catalog.departments.iter().filter(|d| d.stationed).count(),
            online => count(&|i| i.visits == 0),
            at_most_once => count(&|i| i.visits <= 1),
            instant => count(&|i| i.handling == Handling::Instant),
        };
        let themes = |audience: Audience| -> Vec<Value> {
            ctx.catalog
                .themes
                .iter()
                .filter(|t| t.audience == audience)
                .map(|t| context! { name => &t.name, url => ctx.link(&Route::Theme(t.id.clone())) })
                .collect()
        };
        let departments: Vec<Value> = ctx
            .catalog
            .departments
            .iter()
            .map(
                |d| context! { name => &d.name, url => ctx.link(&Route::Department(d.id.clone())) },
            )
            .collect();
        let guides: Vec<_> = ctx
            .catalog
            .guides
            .iter()
            .map(|g| views::guide_view(ctx, &g.value, false))
            .collect();
        self.page(
            "home.html",
            &Route::Home.path(),
            &ctx.catalog.site.name,
            context! {
                stats => stats,
                individual_themes => themes(Audience::Individual),
                business_themes => themes(Audience::Business),
                departments => departments,
                guides => guides,
                updates => self.latest(12),
            },
        )
    }

    /// The results page: empty here; the app fills it in the browser, the
    /// server renders it for `?q=` without JavaScript.
    fn search(&self) -> Result<()> {
        let results: Option<portal_search::Response> = None;
        self.page(
            "search.html",
            &Route::Search.path(),
            "搜索",
            context! { results },
        )
    }

    fn not_found(&self) -> Result<()> {
        self.page(
            "404.html",
            &Route::NotFound.path(),
            "页面不存在",
            context! {},
        )
    }

    /// The case-status form; the server answers it with the same template.
    fn cases(&self) -> Result<()> {
        let lookup = portal_views::CaseLookup::default();
        self.page(
            "cases.html",
            &Route::Cases.path(),
            "办件查询",
            context! { lookup },
        )
    }
}
