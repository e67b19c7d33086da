//! Where each page lives in the built site. One place, so links in
//! templates, Markdown checks, the sitemap and search results agree.

pub fn item(code: &str) -> String {
    format!("items/{code}/")
}

pub fn department(id: &str) -> String {
    format!("departments/{id}/")
}

pub fn theme(id: &str) -> String {
    format!("themes/{id}/")
}

pub fn guide(slug: &str) -> String {
    format!("guides/{slug}/")
}

pub fn disclosure(slug: &str) -> String {
    format!("disclosures/{slug}/")
}

pub fn file(path: &str) -> String {
    format!("files/{path}")
}
