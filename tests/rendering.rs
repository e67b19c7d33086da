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
    // The index's name hashes its bytes, which hold random segment ids.
    let home = page("index.html");
    let dir = "search-index/h/";
    let home = match home.find(dir) {
        Some(at) => {
            let at = at + dir.len();
            format!("{}HASH{}", &home[..at], &home[at + 16..])
        }
        None => home,
    };
    insta::assert_snapshot!("home", home);
}

#[test]
fn every_page_is_accessible_by_construction() {
    for entry in walk(site()) {
        if entry.extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(&entry).unwrap();
            let name = entry.display();
            assert!(html.starts_with("<!doctype html>"), "{name}");
            assert!(html.contains("<html lang=\"zh-CN\""), "{name}: lang");
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
    assert_eq!(
        materials.lines().count(),
        1 + 5 + 2,
        "header + 5 + 2 materials"
    );
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

#[test]
fn case_status_form_page_works_without_javascript() {
    let html = page("cases/index.html");
    assert!(
        html.contains(
            r#"<form id="case-lookup" class="case-lookup" method="post" action="/cases/">"#
        ),
        "{html}"
    );
    assert!(html.contains(r#"<label for="case-number">办件编号</label>"#));
    assert!(html.contains(r#"<input id="case-number" name="case_number" type="text" value=""#));
    assert!(html.contains(r#"<label for="case-password">查询密码</label>"#));
    assert!(html.contains(r#"<input type="hidden" name="form" value="case-lookup">"#));
    assert!(html.contains(r#"<section id="case-result""#));
    assert!(html.contains(r#"<a href="/stats/">"#));
    assert!(!html.contains("role=\"alert\""), "no error before a lookup");
    // Every page links to it.
    assert!(page("index.html").contains(r#"<a href="/cases/">办件查询</a>"#));
}

/// A paused, overdue case with an unsafe note, as the lookup finds it.
fn sample_case() -> portal_core::case::CaseStatus {
    use portal_core::case::{CaseState, CaseStatus, EventKind, Flag, TimelineEntry};
    use portal_core::{DayUnit, Limit};
    let date = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let working = |days| Limit {
        days,
        unit: DayUnit::Working,
    };
    CaseStatus {
        case_number: "2025483920174655X".into(),
        item_code: "330199-GA-0001".into(),
        item_name: "居民身份证换领".into(),
        department: "ga".into(),
        department_name: "区公安分局".into(),
        received: date("2025-03-03"),
        accepted: Some(date("2025-03-03")),
        state: CaseState::Paused,
        state_label: "暂停计时（补正或特别程序）".into(),
        timeline: vec![
            TimelineEntry {
                date: date("2025-03-03"),
                event: EventKind::Accept,
                label: "受理".into(),
                note: "<script>x</script>".into(),
            },
            TimelineEntry {
                date: date("2025-03-05"),
                event: EventKind::RequestCorrection,
                label: "通知补正（暂停计时）".into(),
                note: String::new(),
            },
        ],
        statutory_limit: working(20),
        statutory_limit_label: "20 个工作日".into(),
        promised_limit: working(5),
        promised_limit_label: "5 个工作日".into(),
        statutory_due: Some(date("2025-04-01")),
        promised_due: Some(date("2025-03-12")),
        days_stopped: 2,
        days_stopped_label: "2 个工作日".into(),
        clock_stopped_now: true,
        flag: Flag::Red,
        flag_label: Flag::Red.label().into(),
        delivery_method: "express".into(),
        delivery_label: "快递送达".into(),
        tracking_number: Some("****7890".into()),
    }
}

#[test]
fn server_renders_case_and_stats_pages_with_the_site_template() {
    use portal_views::pages::{StatsPage, StatsRow, percent, rate_bars};
    use portal_views::{CaseLookup, LookupError, parts};
    let settings = portal_build::load::settings(&fixture("valid"));
    let site = settings.site.expect("the fixture has site settings");
    let contact = portal_views::Contact {
        phone: site.contact.phone.clone(),
        complaint_phone: site.contact.complaint_phone.clone(),
    };
    let pages = portal_views::pages::Renderer::new(site);
    let cases_page = |lookup: &CaseLookup| {
        pages
            .page(
                "cases.html",
                "cases/",
                "办件查询",
                "",
                today(),
                serde_json::json!({ "lookup": lookup }),
            )
            .unwrap()
    };
    let lookup = CaseLookup::typed(" 2025483920174655X ").found(sample_case());
    let html = cases_page(&lookup);
    assert!(html.starts_with("<!doctype html>"));
    assert_eq!(html.matches("<h1").count(), 1);
    for needle in [
        r#"value="2025483920174655X""#,
        r#"<h2 id="case-result-heading">居民身份证换领</h2>"#,
        r#"<p class="case-flag flag-red">已超过承诺期限（红牌警示）</p>"#,
        r#"<time class="due" datetime="2025-03-12">2025-03-12</time>"#,
        "2 个工作日",
        "目前暂停计时中",
        "****7890",
        r#"<li class="event-request_correction"><time datetime="2025-03-05">2025-03-05</time> 通知补正（暂停计时）</li>"#,
        "&lt;script&gt;",
    ] {
        assert!(html.contains(needle), "{needle} missing in\n{html}");
    }
    assert!(!html.contains("<script>x"), "notes are escaped");
    // The page holds exactly what the browser app renders for the answer.
    let part = parts::case_result(&lookup, &contact).unwrap();
    assert!(html.contains(&part), "the page embeds the part as is");
    let html = cases_page(&CaseLookup::default().rate_limited(150));
    assert!(html.contains("查询过于频繁，请 3 分钟后再试。"), "{html}");
    assert!(html.contains(r#"role="alert""#));
    let html = cases_page(&CaseLookup::default().failed(LookupError::NoMatch));
    assert!(html.contains("未找到匹配的办件"), "{html}");
    let html = pages
        .page(
            "stats.html",
            "stats/",
            "办件统计",
            "",
            today(),
            serde_json::json!({ "stats": StatsPage::new("2025-03-20", vec![StatsRow {
                department: "a".into(),
                department_name: "区公安分局".into(),
                received: 3,
                completed: 1,
                completion_rate: percent(Some(1.0 / 3.0)),
                on_time: 1,
                on_time_rate: percent(Some(1.0)),
                early_rate: percent(Some(0.0)),
                bars: rate_bars(Some(1.0 / 3.0), Some(1.0), Some(0.0)),
                ..Default::default()
            }]) }),
        )
        .unwrap();
    assert!(
        html.contains("<caption>各部门办件情况（截至 2025-03-20）</caption>"),
        "{html}"
    );
    assert!(
        html.contains(r#"<th scope="row">区公安分局</th><td>3</td>"#),
        "{html}"
    );
    assert!(html.contains(r#"href="/api/v1/stats.csv""#));
    // The chart: one bar per rate, as long as the rate, named for readers.
    assert!(html.contains(r#"role="img" aria-labelledby="rates-chart-title rates-chart-note""#));
    assert!(
        html.contains(r#"<rect class="bar-completion" x="0" y="0" width="120.0" height="15"><title>区公安分局 办结率 33.3%</title></rect>"#),
        "{html}"
    );
    assert!(html.contains(r#"<rect class="bar-on_time" x="0" y="19" width="360.0""#));
    assert!(html.contains(r#"<rect class="bar-early" x="0" y="38" width="0.0""#));
    assert!(!html.contains(r#"<a href="/cases/" aria-current="page">"#));
}

#[test]
fn sitemap_lists_the_disclosure_lists() {
    let sitemap = page("sitemap.xml");
    let agency = portal_core::Route::agency("测试区人民政府办公室").path();
    for path in [
        "disclosures/normative/".to_string(),
        "disclosures/years/2021/".to_string(),
        agency,
    ] {
        assert!(
            site().join(&path).join("index.html").is_file(),
            "{path} built"
        );
        let loc = format!("<loc>https://zwfw.test.example.gov.cn/{path}</loc>");
        assert!(sitemap.contains(&loc), "sitemap lists {path}");
    }
}
