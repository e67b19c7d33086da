//! The public change log (issue 13): `portal publish` records what changed,
//! the build shows it on /updates/, on item pages and in valid Atom feeds,
//! and a build from a clean copy of the content shows the same.

use chrono::NaiveDate;
use portal_build::changelog;
use portal_tests::{copy_dir, copy_fixture, today};
use std::path::Path;

const ID_CARD: &str = "items/id-card.toml";
const ITEM_URL: &str = "https://zwfw.test.example.gov.cn/items/330199-GA-0001/";

fn day(d: &str) -> NaiveDate {
    d.parse().unwrap()
}

fn build(content: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let public = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    assert!(
        portal_build::site::build(content, &public, &out.path().join("dist"), today()).unwrap()
    );
    out
}

fn read(out: &tempfile::TempDir, path: &str) -> String {
    std::fs::read_to_string(out.path().join("dist").join(path)).unwrap()
}

fn without_search_index(html: String) -> String {
    match html.split_once(" data-search=\"") {
        Some((head, rest)) => format!("{head}{}", rest.split_once('"').map_or("", |r| r.1)),
        None => html,
    }
}

fn edit(content: &Path, file: &str, from: &str, to: &str) {
    let path = content.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file}: {from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The fixture published once (the baseline), then edited: a material
/// added, the promised limit cut, a document amended; published again.
fn published_twice() -> tempfile::TempDir {
    let content = copy_fixture("valid");
    let first = changelog::publish(content.path(), day("2025-11-05")).unwrap();
    assert!(first.first);
    let c = content.path();
    edit(
        c,
        ID_CARD,
        "promised_limit = { days = 20, unit = \"calendar\" }",
        "promised_limit = { days = 10, unit = \"calendar\" }",
    );
    edit(
        c,
        ID_CARD,
        "[[situations]]",
        "[[materials]]\nid = \"temp-proof\"\nname = \"临时身份证明申请表\"\nsource = \"centre\"\noriginals = 1\nrequirement = \"later\"\nform = true\nblank_form = \"forms/id-card-application.txt\"\n\n[[situations]]",
    );
    edit(
        c,
        "disclosures/normative/new-rules.md",
        "validity = \"in_force\"",
        "validity = \"amended\"",
    );
    let second = changelog::publish(c, day("2025-11-15")).unwrap();
    assert!(!second.first);
    let summaries: Vec<String> = second.entries.iter().map(|e| e.change.summary()).collect();
    assert_eq!(
        summaries,
        [
            "居民身份证换领、补领：承诺时限 20 → 10 个自然日；新增材料「临时身份证明申请表」",
            "关于优化营商环境的若干措施：有效性 现行有效 → 已修改",
        ],
        "{summaries:#?}"
    );
    content
}

#[test]
fn the_feeds_are_valid_atom_and_name_the_changed_material() {
    let content = published_twice();
    let out = build(content.path());
    let xml = read(&out, "updates.xml");
    let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert!(feed.title.unwrap().content.contains("变更记录"));
    let entry = feed
        .entries
        .iter()
        .find(|e| e.links.iter().any(|l| l.href == ITEM_URL))
        .unwrap_or_else(|| panic!("no entry links the item:\n{xml}"));
    let body = entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .unwrap_or_default();
    assert!(body.contains("新增材料「临时身份证明申请表」"), "{body}");
    assert!(body.contains("承诺时限 20 → 10 个自然日"), "{body}");
    let midnight_in_china =
        chrono::DateTime::parse_from_rfc3339("2025-11-15T00:00:00+08:00").unwrap();
    assert_eq!(entry.updated.unwrap(), midnight_in_china);
    assert!(
        entry
            .id
            .starts_with("tag:zwfw.test.example.gov.cn,2025-11-15:"),
        "{}",
        entry.id
    );
    let ids: std::collections::HashSet<_> = feed.entries.iter().map(|e| &e.id).collect();
    assert_eq!(ids.len(), feed.entries.len(), "entry ids are unique");
    // The department's own feed has the item, not the document.
    let dept = read(&out, "updates/departments/public-security.xml");
    let dept = feed_rs::parser::parse(dept.as_bytes()).unwrap();
    assert_eq!(dept.entries.len(), 1);
    assert!(
        dept.entries[0]
            .summary
            .as_ref()
            .unwrap()
            .content
            .contains("临时身份证明申请表")
    );
    let other = read(&out, "updates/departments/market-regulation.xml");
    assert!(
        feed_rs::parser::parse(other.as_bytes())
            .unwrap()
            .entries
            .is_empty()
    );
}

#[test]
fn updates_pages_and_item_pages_show_the_changes() {
    let content = published_twice();
    let out = build(content.path());
    let updates = read(&out, "updates/index.html");
    assert!(
        updates.contains("新增材料「临时身份证明申请表」"),
        "{updates}"
    );
    assert!(updates.contains("文件修改"));
    assert!(updates.contains("href=\"/updates.xml\""));
    // The filters are plain links to static pages.
    assert!(updates.contains("href=\"/updates/kinds/materials/\""));
    assert!(updates.contains("href=\"/updates/departments/public-security/\""));
    let materials = read(&out, "updates/kinds/materials/index.html");
    assert!(materials.contains("临时身份证明申请表"));
    assert!(!materials.contains("有效性 现行有效 → 已修改"));
    let fees = read(&out, "updates/kinds/fees/index.html");
    assert!(fees.contains("暂无变更记录"));
    let dept = read(&out, "updates/departments/public-security/index.html");
    assert!(dept.contains("承诺时限 20 → 10 个自然日"));
    let item = read(&out, "items/330199-GA-0001/index.html");
    assert!(item.contains("变更记录"), "{item}");
    assert!(item.contains("<time datetime=\"2025-11-15\">2025-11-15</time>"));
    assert!(item.contains("新增材料「临时身份证明申请表」"));
    let shop = read(&out, "items/TEST-SJ-0001/index.html");
    assert!(shop.contains("本事项未发生变更"));
}

#[test]
fn the_log_survives_a_build_from_a_clean_copy_of_the_content() {
    let content = published_twice();
    let first = build(content.path());
    let clean = tempfile::tempdir().unwrap();
    copy_dir(content.path(), clean.path());
    let second = build(clean.path());
    for page in [
        "updates.xml",
        "updates/index.html",
        "updates/departments/public-security.xml",
    ] {
        // The search index's name is not the log's business.
        let page_of = |out| without_search_index(read(out, page));
        assert_eq!(page_of(&first), page_of(&second), "{page}");
    }
    // Publishing unchanged content adds nothing; an earlier date is refused.
    let again = changelog::publish(content.path(), day("2025-11-16")).unwrap();
    assert!(again.entries.is_empty());
    let err = changelog::publish(content.path(), day("2025-11-10")).unwrap_err();
    assert!(
        err.to_string().contains("before the last publication"),
        "{err}"
    );
}

#[test]
fn the_first_publication_records_documents_on_their_own_dates() {
    let content = copy_fixture("valid");
    let first = changelog::publish(content.path(), day("2025-11-05")).unwrap();
    let entries: Vec<(String, String)> = first
        .entries
        .iter()
        .map(|e| (e.date.to_string(), e.change.id.clone()))
        .collect();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries.iter().all(|(_, id)| id.starts_with("normative/")));
    assert!(
        first
            .entries
            .iter()
            .all(|e| e.change.event == portal_core::diff::Event::Published)
    );
    assert_eq!(entries[0].0, "2021-02-03");
}
