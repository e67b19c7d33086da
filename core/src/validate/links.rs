//! Links in Markdown bodies: internal links are site paths to pages the
//! build writes.

use super::Context;
use crate::model::Kind;
use crate::problem::Problem;
use crate::routes::Route;

pub(super) fn check_links(
    ctx: &Context,
    f: &str,
    links: &[(String, usize)],
    out: &mut Vec<Problem>,
) {
    for (link, line) in links {
        let l = link.trim();
        if l.is_empty()
            || l.starts_with('#')
            || l.contains("://")
            || l.starts_with("mailto:")
            || l.starts_with("tel:")
        {
            continue;
        }
        let problem = if let Some(path) = l.strip_prefix('/') {
            if ctx.routes.has_path(path) {
                continue;
            }
            if let Some(p) = broken_target(ctx, f, l, path) {
                out.push(p.at(*line, 1));
                continue;
            }
            Problem::error(f, "", format!("broken link `{l}`: no such page")).hint(format!(
                "link to an existing page, e.g. /{}",
                Route::Item("ITEM-CODE".into()).path()
            ))
        } else {
            Problem::error(f, "", format!("relative link `{l}`"))
                .hint("write internal links as site paths starting with `/`, e.g. /guides/open-a-restaurant/")
        };
        out.push(problem.at(*line, 1));
    }
}

/// A link to a page that is missing only because what it shows failed to
/// load: reported under that error.
fn broken_target(ctx: &Context, f: &str, link: &str, path: &str) -> Option<Problem> {
    let (kind, id) = match Route::parse(path)? {
        Route::Item(code) => (Kind::Item, code),
        Route::Department(id) => (Kind::Department, id),
        Route::Theme(id) => (Kind::Theme, id),
        Route::Guide(slug) => (Kind::Guide, slug),
        Route::Disclosure(slug) => (Kind::Disclosure, slug),
        _ => return None,
    };
    ctx.broken.link(kind, &id, f, link)
}
