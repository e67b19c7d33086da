//! Markdown to safe HTML. Officers may paste HTML from other systems; it is
//! sanitised (no scripts, styles, event handlers or `javascript:` links).

use pulldown_cmark::{Event, Options, Parser, Tag, html};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
}

/// Renders Markdown; site paths (`/items/…`) are put under `root`, the path
/// the site is served from.
pub fn to_html(markdown: &str, root: &str) -> String {
    let parser = Parser::new_ext(markdown, options()).map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: rebase(&dest_url, root).into(),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: rebase(&dest_url, root).into(),
            title,
            id,
        }),
        other => other,
    });
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    sanitise(&raw)
}

fn rebase(url: &str, root: &str) -> String {
    match url.strip_prefix('/') {
        Some(path) if !url.starts_with("//") => format!("{root}{path}"),
        _ => url.to_string(),
    }
}

/// Keeps structure and tables, drops anything that could run code.
pub fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto", "tel"].into())
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// Link and image targets with their 1-based line (`first_line` is the line
/// of the first body line in the file).
pub fn links(markdown: &str, first_line: usize) -> Vec<(String, usize)> {
    Parser::new_ext(markdown, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let line = first_line + markdown[..range.start].matches('\n').count();
                Some((dest_url.to_string(), line))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_scripts_and_handlers() {
        let html = to_html(
            "hi <script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))",
            "/",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn rebases_site_paths() {
        let html = to_html(
            "[a](/items/X/) [b](https://e.org/x) [c](//evil.org)",
            "/portal/",
        );
        assert!(html.contains("href=\"/portal/items/X/\""), "{html}");
        assert!(html.contains("href=\"https://e.org/x\""));
    }

    #[test]
    fn finds_links_with_lines() {
        let links = links("a\n\n[x](/items/A/)\n\n![i](/files/p.png)", 5);
        assert_eq!(
            links,
            vec![
                ("/items/A/".to_string(), 7),
                ("/files/p.png".to_string(), 9)
            ]
        );
    }

    #[test]
    fn tables_survive() {
        assert!(to_html("|a|b|\n|-|-|\n|1|2|", "/").contains("<table>"));
    }
}
