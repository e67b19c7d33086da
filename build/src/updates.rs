//! The change log's pages: `/updates/` with its department and kind
//! filters (static pages, so they work without JavaScript), the Atom
//! feeds, and the entries each item page shows under "变更记录".

use crate::site::Site;
use crate::views::{Ctx, Link};
use anyhow::Result;
use minijinja::context;
use portal_core::Route;
use portal_core::diff::{Aspect, Entry, Subject};
use serde::Serialize;
use std::collections::HashMap;

/// Entries past this many are left off `/updates/` and the feeds (the
/// filter pages list their own in full).
pub const RECENT: usize = 300;
pub const FEED_ENTRIES: usize = 100;

/// One entry as pages and feeds show it.
#[derive(Serialize, Clone)]
pub struct EntryView {
    /// Unique in the log and stable: its place in the append-only file.
    pub anchor: String,
    pub date: String,
    pub name: String,
    /// The item's or document's page; the log's own anchor when the item
    /// was withdrawn and its page is gone.
    pub url: String,
    pub absolute_url: String,
    pub event: &'static str,
    pub department: Option<Link>,
    pub changes: Vec<ChangeView>,
    /// The labels of the kinds of change, each once.
    pub kinds: Vec<&'static str>,
    pub summary: String,
    /// `tag:` URI of the Atom entry.
    pub atom_id: String,
}

#[derive(Serialize, Clone)]
pub struct ChangeView {
    pub kind: &'static str,
    pub text: String,
}

/// The whole log, newest first, ready to filter.
pub struct Log<'e> {
    pub entries: Vec<(&'e Entry, EntryView)>,
}

impl<'e> Log<'e> {
    /// `entries` oldest first, as in `changes.ndjson`.
    pub fn new(ctx: &Ctx, entries: &'e [Entry]) -> Log<'e> {
        let mut out: Vec<_> = entries
            .iter()
            .enumerate()
            .map(|(n, e)| (e, view(ctx, n, e)))
            .collect();
        // Newest first; among the same day, the later line first.
        out.reverse();
        out.sort_by_key(|e| std::cmp::Reverse(e.0.date));
        Log { entries: out }
    }

    pub fn filter(&self, keep: impl Fn(&Entry) -> bool) -> Vec<EntryView> {
        self.entries
            .iter()
            .filter(|(e, _)| keep(e))
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Each item's entries, newest first, for its page.
    pub fn by_item(&self) -> HashMap<&'e str, Vec<EntryView>> {
        let mut out: HashMap<&str, Vec<EntryView>> = HashMap::new();
        for (e, v) in &self.entries {
            if e.change.subject == Subject::Item {
                out.entry(e.change.id.as_str()).or_default().push(v.clone());
            }
        }
        out
    }
}

fn view(ctx: &Ctx, n: usize, e: &Entry) -> EntryView {
    let c = &e.change;
    let anchor = format!("c{}", n + 1);
    let route = match c.subject {
        Subject::Item => Route::Item(c.id.clone()),
        Subject::Disclosure => Route::Disclosure(c.id.clone()),
    };
    let exists = match c.subject {
        Subject::Item => ctx.has_item(&c.id),
        Subject::Disclosure => ctx.has_doc(&c.id),
    };
    let path = if exists {
        route.path()
    } else {
        format!("{}#{anchor}", Route::Updates.path())
    };
    let department = match c.subject {
        Subject::Item => Some(Link {
            name: ctx.department_name(&c.department).to_string(),
            url: ctx.link(&Route::UpdatesDepartment(c.department.clone())),
        }),
        Subject::Disclosure => None,
    };
    EntryView {
        atom_id: atom_id(&ctx.catalog.site.base_url, e, &anchor),
        anchor,
        date: e.date.to_string(),
        name: c.name.clone(),
        url: ctx.url(&path),
        absolute_url: ctx.absolute(&path),
        event: c.event.label(),
        department,
        changes: c
            .changes
            .iter()
            .map(|f| ChangeView {
                kind: f.aspect.label(),
                text: f.text.clone(),
            })
            .collect(),
        kinds: c.aspects().into_iter().map(Aspect::label).collect(),
        summary: c.summary(),
    }
}

/// `tag:HOST,DATE:updates/N` (RFC 4151): permanent and unique whatever
/// the item is later called or wherever the site moves within its host.
fn atom_id(base_url: &str, e: &Entry, anchor: &str) -> String {
    let host = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or("localhost");
    format!("tag:{host},{}:updates/{anchor}", e.date)
}

impl Site<'_> {
    /// `/updates/`, its filter pages and the feeds.
    pub(crate) fn change_log(&self, log: &Log) -> Result<()> {
        let ctx = self.ctx;
        let departments: Vec<_> = ctx
            .catalog
            .departments
            .iter()
            .map(|d| {
                let keep =
                    |e: &Entry| e.change.subject == Subject::Item && e.change.department == d.id;
                (d, log.filter(keep))
            })
            .collect();
        let kinds: Vec<_> = Aspect::ALL
            .iter()
            .map(|a| {
                (
                    *a,
                    log.filter(|e| e.change.changes.iter().any(|c| c.aspect == *a)),
                )
            })
            .collect();
        let dept_links: Vec<_> = departments
            .iter()
            .filter(|(_, e)| !e.is_empty())
            .map(|(d, e)| context! { name => &d.name, url => ctx.link(&Route::UpdatesDepartment(d.id.clone())), count => e.len() })
            .collect();
        let kind_links: Vec<_> = kinds
            .iter()
            .map(|(a, e)| context! { name => a.label(), url => ctx.link(&Route::UpdatesKind(a.slug().into())), count => e.len() })
            .collect();
        let filters = context! { departments => dept_links, kinds => kind_links, all_url => ctx.link(&Route::Updates) };
        let all = log.filter(|_| true);
        let shown: Vec<_> = all.iter().take(RECENT).cloned().collect();
        self.page(
            "updates.html",
            &Route::Updates.path(),
            "变更记录",
            context! { heading => "变更记录", entries => shown, total => all.len(), filters => filters.clone(), feed_url => ctx.link(&Route::Feed) },
        )?;
        self.feed(
            &Route::Feed,
            &format!("{}：变更记录", ctx.catalog.site.name),
            &Route::Updates,
            &all,
        )?;
        for (d, entries) in &departments {
            let heading = format!("{}的变更记录", d.name);
            let feed = Route::DepartmentFeed(d.id.clone());
            let page = Route::UpdatesDepartment(d.id.clone());
            self.page(
                "updates.html",
                &page.path(),
                &heading,
                context! { heading => &heading, entries => entries, total => entries.len(), filters => filters.clone(), feed_url => ctx.link(&feed) },
            )?;
            self.feed(
                &feed,
                &format!("{}：{heading}", ctx.catalog.site.name),
                &page,
                entries,
            )?;
        }
        for (a, entries) in &kinds {
            let heading = format!("变更记录：{}", a.label());
            self.page(
                "updates.html",
                &Route::UpdatesKind(a.slug().into()).path(),
                &heading,
                context! { heading => &heading, entries => entries, total => entries.len(), filters => filters.clone(), feed_url => ctx.link(&Route::Feed) },
            )?;
        }
        Ok(())
    }

    /// An Atom feed (RFC 4287) of the newest [`FEED_ENTRIES`] entries.
    fn feed(&self, route: &Route, title: &str, page: &Route, entries: &[EntryView]) -> Result<()> {
        let ctx = self.ctx;
        let entries = &entries[..entries.len().min(FEED_ENTRIES)];
        // A feed's date is its newest entry's, so unchanged feeds stay byte-identical.
        let updated = entries
            .first()
            .map_or(ctx.today.to_string(), |e| e.date.clone());
        let feed = context! {
            title => title,
            id => ctx.absolute_route(route),
            self_url => ctx.absolute_route(route),
            html_url => ctx.absolute_route(page),
            updated => updated,
            author => &ctx.catalog.site.name,
            lang => ctx.catalog.site.languages.first().map_or("zh-CN", String::as_str),
        };
        let xml = self
            .env
            .get_template("updates.xml")?
            .render(context! { feed => feed, entries => entries })?;
        self.staging.write(&route.path(), xml.as_bytes())
    }
}
