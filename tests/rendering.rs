//! The built site: snapshots of rendered pages, sanitised Markdown, JSON-LD,
//! open-data exports and the sitemap, all from the `valid` fixture.

use portal_tests::{fixture, today};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Builds the fixture once for all tests in this file.
fn site() -> &'static Path {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, dist) = SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("dist");
        let public = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
        assert!(portal_build::site::build(&fixture("valid"), &public, &dist, today()).unwrap());
        (dir, dist)
    });
    dist
}

fn page(path: &str) -> String {
    std::fs::read_to_string(site().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `<main>` element: the part of a page a snapshot should pin down.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.find("</main>").expect("page closes <main>") + "</main>".len();
    &html[start..end]
}

#[test]
fn item_page_snapshot() {
    insta::assert_snapshot!(
        "item_id_card",
        main_of(&page("items/330199-GA-0001/index.html"))
    );
}

#[test]
fn disclosure_page_snapshot() {
    insta::assert_snapshot!(
        "disclosure_repealed",
        main_of(&page("disclosures/normative/old-rules/index.html"))
    );
}

#[test]
fn home_page_snapshot() {
    insta::assert_snapshot!("home", page("index.html"));
}

#[test]
fn every_page_is_accessible_by_construction() {
    for entry in walk(site()) {
        if entry.extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(&entry).unwrap();
            let name = entry.display();
            assert!(html.starts_with("<!doctype html>"), "{name}");
            assert!(html.contains("<html lang=\"zh-CN\">"), "{name}: lang");
            assert!(
                html.contains("class=\"skip-link\" href=\"#main\""),
                "{name}: skip link"
            );
            assert!(html.contains("<main id=\"main\""), "{name}: main landmark");
            assert_eq!(html.matches("<h1").count(), 1, "{name}: one h1");
            assert_eq!(
                html.matches("<table").count(),
                html.matches("<caption").count(),
                "{name}: every table has a caption"
            );
            assert!(!html.contains("<script>"), "{name}: no inline script");
        }
    }
}

#[test]
fn item_page_has_materials_limits_due_date_and_json_ld() {
    let html = page("items/330199-GA-0001/index.html");
    assert!(html.contains("<table class=\"materials\">"));
    assert_eq!(html.matches("<tr id=\"material-").count(), 5);
    assert!(html.contains("居民身份证申领登记表"));
    assert!(html.contains("href=\"/files/forms/id-card-application.txt\""));
    assert!(html.contains("承诺办结时限</dt><dd>20 个自然日"));
    // 20 calendar days after 2025-11-20.
    assert!(html.contains("承诺最迟于 2025-12-10 办结"), "due date");
    let start = html.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let end = start + html[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(ld["@type"], "GovernmentService");
    assert_eq!(ld["provider"]["name"], "测试区公安分局");
    assert_eq!(
        ld["url"],
        "https://zwfw.test.example.gov.cn/items/330199-GA-0001/"
    );
}

#[test]
fn instant_items_are_done_on_the_spot() {
    let html = page("items/TEST-SJ-0001/index.html");
    assert!(html.contains("当场办结"));
    assert!(!html.contains("承诺最迟"));
}

#[test]
fn markdown_html_is_sanitised() {
    let html = page("guides/start/index.html");
    assert!(
        !html.contains("alert(\"x\")"),
        "script from Markdown must be removed"
    );
    assert!(html.contains("<a href=\"/items/TEST-SJ-0001/\""));
}

#[test]
fn repealed_documents_link_to_their_replacement() {
    let html = page("disclosures/normative/old-rules/index.html");
    assert!(html.contains("本文件已废止"));
    assert!(html.contains("href=\"/disclosures/normative/new-rules/\""));
    let catalog = page("disclosures/index.html");
    assert!(catalog.contains("测试区人民政府办公室"));
    assert!(site().join("disclosures/years/2021/index.html").is_file());
}

#[test]
fn open_data_exports() {
    let items = std::fs::read(site().join("data/items.csv")).unwrap();
    assert!(
        items.starts_with(b"\xEF\xBB\xBF\xE4\xBA\x8B\xE9\xA1\xB9\xE7\xBC\x96\xE7\xA0\x81"),
        "BOM then 事项编码"
    );
    let items = String::from_utf8(items).unwrap();
    assert_eq!(items.lines().count(), 3, "header + 2 items");
    let materials =
        String::from_utf8(std::fs::read(site().join("data/materials.csv")).unwrap()).unwrap();
    assert_eq!(materials.lines().count(), 1 + 5 + 1);
    let catalog: serde_json::Value = serde_json::from_str(&page("data/catalog.json")).unwrap();
    assert_eq!(catalog["items"].as_array().unwrap().len(), 2);
    assert_eq!(catalog["items"][0]["materials"][0]["name"], "居民户口簿");
}

#[test]
fn sitemap_and_robots() {
    let sitemap = page("sitemap.xml");
    assert!(sitemap.contains("<loc>https://zwfw.test.example.gov.cn/items/TEST-SJ-0001/</loc><lastmod>2025-06-01</lastmod>"));
    assert!(page("robots.txt").contains("Sitemap: https://zwfw.test.example.gov.cn/sitemap.xml"));
    assert!(site().join("404.html").is_file());
    assert!(
        site().join("assets/style.css").is_file(),
        "public/ is copied"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
