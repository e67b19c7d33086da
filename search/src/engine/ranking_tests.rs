//! Ranking rules for catalogs with names and nothing else (issue 15), each
//! on a small index written in the order that would lose without the rule:
//! ties between documents are otherwise broken by the order they came in.

use crate::engine::{Card, RELAXED, Request, Response};
use crate::writer::{IndexDoc, write};

fn doc(code: &str, name: &str) -> IndexDoc {
    IndexDoc {
        card: Card {
            kind: "item".into(),
            code: code.into(),
            name: name.into(),
            url: format!("items/{code}/"),
            ..Card::default()
        },
        facets: vec![("kind".into(), "办事事项".into())],
        ..IndexDoc::default()
    }
}

/// Unrelated items, so terms have document frequencies like a catalog's.
fn others() -> Vec<IndexDoc> {
    (0..30)
        .map(|i| doc(&format!("O{i}"), &format!("其他事项第{i}号办理")))
        .collect()
}

struct Site {
    _dir: tempfile::TempDir,
    engine: crate::Engine,
}

fn site(docs: Vec<IndexDoc>) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let mut all = docs;
    all.extend(others());
    write(&all, dir.path()).unwrap();
    let engine = crate::open_site(dir.path()).unwrap();
    Site { _dir: dir, engine }
}

impl Site {
    fn ask(&self, q: &str) -> Response {
        self.engine
            .search(&Request {
                q: q.into(),
                ..Request::default()
            })
            .unwrap()
    }

    fn codes(&self, q: &str) -> Vec<String> {
        self.ask(q).hits.into_iter().map(|h| h.card.code).collect()
    }
}

#[test]
fn the_primary_item_first_unless_the_query_names_an_action() {
    let s = site(vec![
        doc("ZX", "药品经营许可证注销"),
        doc("BG", "药品经营许可证变更"),
        doc("BF", "药品经营许可证补发"),
        doc("XB", "药品经营许可证核发（新办）"),
    ]);
    assert_eq!(s.codes("药品经营许可证")[0], "XB");
    assert_eq!(s.codes("药品经营许可证 注销")[0], "ZX");
    assert_eq!(s.codes("药品经营许可证变更")[0], "BG");
    // As people say it: lost means a reissue.
    assert_eq!(s.codes("药品经营许可证丢了")[0], "BF");
}

#[test]
fn enquiries_after_the_service_unless_asked_for() {
    let s = site(vec![
        doc("ZY", "食品经营许可政策咨询"),
        doc("CX", "食品经营许可办理进度查询"),
        doc("XB", "食品经营许可（新办）"),
    ]);
    assert_eq!(s.codes("食品经营许可")[0], "XB");
    assert_eq!(s.codes("食品经营许可 咨询")[0], "ZY");
    assert_eq!(s.codes("食品经营许可查询")[0], "CX");
}

#[test]
fn less_left_over_wins() {
    let s = site(vec![
        doc("FZ", "个体工商户分支机构设立登记"),
        doc("GT", "个体工商户设立登记"),
    ]);
    // Spaced, so neither name holds the query as one phrase.
    assert_eq!(s.codes("个体工商户 设立")[0], "GT");
    assert_eq!(s.codes("个体工商户 登记")[0], "GT");
}

#[test]
fn a_colloquial_term_that_is_the_whole_query_scores_like_the_name() {
    // 开药店 stands for 药品零售 (the build finds that in the name and
    // gives the item the colloquial word, whole and as bigrams).
    let mut retail = doc("YD", "药品零售企业经营许可");
    retail.synonyms = vec!["开药店".into()];
    retail.keys = vec!["开药店".into()];
    let s = site(vec![
        // A name holding a bigram of the query literally.
        doc("LS", "药店连锁总部质量负责人备案"),
        retail,
    ]);
    assert_eq!(s.codes("开药店")[0], "YD");
    // Inside a longer query too.
    assert_eq!(s.codes("开药店需要什么手续")[0], "YD");
}

#[test]
fn a_page_is_never_empty_while_a_name_shares_a_character() {
    let s = site(vec![doc("YY", "营业执照补办"), doc("JZ", "居住证申领")]);
    // No bigram of 执业照 is in any name; its characters are.
    let r = s.ask("执业照");
    assert!(!r.hits.is_empty(), "relaxed to characters in names");
    assert_eq!(r.hits[0].card.code, "YY");
    assert_eq!(r.note, RELAXED);
    // Most of the query matches: no note.
    let r = s.ask("营业执照补办");
    assert_eq!(r.hits[0].card.code, "YY");
    assert!(r.note.is_empty());
    // Only a small part matches: close results, said so.
    let r = s.ask("营业执照年度审核验证");
    assert_eq!(r.hits[0].card.code, "YY");
    assert_eq!(r.note, RELAXED);
    // Nothing shares anything: empty, and no note.
    let r = s.ask("黄河");
    assert!(r.hits.is_empty() && r.note.is_empty());
}
