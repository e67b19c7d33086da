//! The minijinja environment every template renders in: the same escaping,
//! whitespace rules and strictness natively and in the browser.

use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior, Value};

pub use minijinja::Error;

/// The parts the browser app renders as well as the pages.
const PARTS: &[(&str, &str)] = &[
    (
        "parts/cards.html",
        include_str!("../templates/parts/cards.html"),
    ),
    (
        "parts/case_result.html",
        include_str!("../templates/parts/case_result.html"),
    ),
    (
        "parts/precheck.html",
        include_str!("../templates/parts/precheck.html"),
    ),
    (
        "parts/search_results.html",
        include_str!("../templates/parts/search_results.html"),
    ),
    (
        "parts/suggestions.html",
        include_str!("../templates/parts/suggestions.html"),
    ),
];

/// An environment with every template this build carries: the parts, and
/// with the `pages` feature the site's pages. Printing, iterating over or
/// filtering a view field the data lacks is an error, not a blank; only an
/// `{% if %}` may ask whether an optional one is there.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_formatter(readable_html_escape);
    for (name, source) in PARTS {
        env.add_template(name, source)
            .expect("templates are checked by the tests");
    }
    #[cfg(feature = "pages")]
    crate::pages::add_templates(&mut env);
    env
}

/// Escapes `& < > " '` in HTML and XML but, unlike minijinja's default,
/// leaves `/` alone so URLs in pages and the sitemap stay readable.
fn readable_html_escape(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    if !matches!(state.auto_escape(), AutoEscape::Html)
        || value.is_safe()
        || value.is_undefined()
        || value.is_none()
    {
        return minijinja::escape_formatter(out, state, value);
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
        .map_err(|e| Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
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

    #[test]
    fn a_field_the_data_lacks_is_an_error_not_a_blank() {
        let mut env = super::environment();
        env.add_template("t.html", "{{ item.nmae }}").unwrap();
        let err = env
            .get_template("t.html")
            .unwrap()
            .render(context! { item => context! { name => "x" } })
            .unwrap_err();
        assert_eq!(err.kind(), minijinja::ErrorKind::UndefinedError);
    }
}
