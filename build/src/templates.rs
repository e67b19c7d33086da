//! The page templates, compiled into the binary so `portal` runs anywhere.
//! All HTML lives in `build/templates/`; minijinja autoescapes it.

use minijinja::Environment;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("item.html", include_str!("../templates/item.html")),
    ("item_list.html", include_str!("../templates/item_list.html")),
    ("index_list.html", include_str!("../templates/index_list.html")),
    ("guide.html", include_str!("../templates/guide.html")),
    ("disclosures.html", include_str!("../templates/disclosures.html")),
    ("disclosure_list.html", include_str!("../templates/disclosure_list.html")),
    ("disclosure.html", include_str!("../templates/disclosure.html")),
    ("updates.html", include_str!("../templates/updates.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("sitemap.xml", include_str!("../templates/sitemap.xml")),
    ("sitemap_index.xml", include_str!("../templates/sitemap_index.xml")),
    ("robots.txt", include_str!("../templates/robots.txt")),
];

pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    for (name, source) in TEMPLATES {
        env.add_template(name, source).expect("templates are checked by the tests");
    }
    env
}
