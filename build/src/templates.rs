//! The page templates, compiled into the binary so `portal` runs anywhere.
//! All HTML lives in `build/templates/`; minijinja autoescapes it.

use minijinja::{AutoEscape, Environment, Output, State, Value, escape_formatter};

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("item.html", include_str!("../templates/item.html")),
    (
        "item_list.html",
        include_str!("../templates/item_list.html"),
    ),
    (
        "index_list.html",
        include_str!("../templates/index_list.html"),
    ),
    ("guide.html", include_str!("../templates/guide.html")),
    ("search.html", include_str!("../templates/search.html")),
    (
        "disclosures.html",
        include_str!("../templates/disclosures.html"),
    ),
    (
        "disclosure_list.html",
        include_str!("../templates/disclosure_list.html"),
    ),
    (
        "disclosure.html",
        include_str!("../templates/disclosure.html"),
    ),
    ("updates.html", include_str!("../templates/updates.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("cases.html", include_str!("../templates/cases.html")),
    ("stats.html", include_str!("../templates/stats.html")),
    ("sitemap.xml", include_str!("../templates/sitemap.xml")),
    (
        "sitemap_index.xml",
        include_str!("../templates/sitemap_index.xml"),
    ),
    ("robots.txt", include_str!("../templates/robots.txt")),
];

pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_formatter(readable_html_escape);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .expect("templates are checked by the tests");
    }
    env
}

/// Escapes `& < > " '` in HTML and XML but, unlike minijinja's default,
/// leaves `/` alone so URLs in pages and the sitemap stay readable.
fn readable_html_escape(
    out: &mut Output,
    state: &State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if !matches!(state.auto_escape(), AutoEscape::Html)
        || value.is_safe()
        || value.is_undefined()
        || value.is_none()
    {
        return escape_formatter(out, state, value);
    }
    let text = value.to_string();
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    out.write_str(&escaped)
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
}

#[cfg(test)]
mod tests {
    use minijinja::context;

    #[test]
    fn escapes_markup_but_keeps_slashes() {
        let mut env = super::environment();
        env.add_template("t.html", "{{ x }}|{{ y|safe }}").unwrap();
        let html = env
            .get_template("t.html")
            .unwrap()
            .render(context! { x => "<a href=\"/x\">'&'</a>", y => "<b>" })
            .unwrap();
        assert_eq!(
            html,
            "&lt;a href=&quot;/x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;|<b>"
        );
    }
}
