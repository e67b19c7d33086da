//! The engine on a form written as officers write it: routing, each rule
//! kind, the verdict's finality, tailoring, and bad answers.

use super::*;
use crate::model::{Example, Item};

const ITEM: &str = r#"
code = "T-1"
name = "小型微利企业所得税优惠"
item_type = "行政确认"
audience = ["business"]
level = "district"
department = "tax"
handling = "promised"
promised_limit = { days = 5 }
statutory_limit = { days = 20 }
visits = 1
last_reviewed = 2026-01-01
conditions = ["依法办理税务登记。"]

[[materials]]
id = "form"
name = "优惠事项备案表"
originals = 1
[[materials]]
id = "proxy"
name = "授权委托书"
originals = 1
requirement = "conditional"
[[materials]]
id = "audit"
name = "审计报告"
copies = 1
requirement = "later"

[[situations]]
id = "entity"
question = "企业类型"
  [[situations.options]]
  id = "company"
  label = "居民企业"
  [[situations.options]]
  id = "branch"
  label = "非居民企业"
[[situations]]
id = "employees"
question = "从业人数"
kind = "number"
unit = "人"
min = 0
max = 100000
ask_if = "entity = company"
[[situations]]
id = "income"
question = "年应纳税所得额"
kind = "number"
unit = "万元"
min = 0
max = 1000000
ask_if = "entity = company"
[[situations]]
id = "sectors"
question = "行业"
kind = "several"
ask_if = "entity = company"
  [[situations.options]]
  id = "restricted"
  label = "国家限制和禁止行业"
  [[situations.options]]
  id = "retail"
  label = "零售"
  no_change = true
[[situations]]
id = "agent"
question = "是否委托他人办理？"
kind = "yes_no"
  [[situations.options]]
  id = "yes"
  label = "委托代理人"
  add_materials = ["proxy"]
  promised_limit = { days = 7 }
  fee = "代办不另收费"
  [[situations.options]]
  id = "no"
  label = "本人办理"
  remove_materials = ["audit"]

[[eligibility]]
id = "branch"
when = "entity = branch"
outcome = "ineligible"
reason = "非居民企业不适用小型微利企业优惠。"
basis = { law = "《企业所得税法》", article = "第二十八条" }
[[eligibility]]
id = "too-big"
when = "employees > 300 or income > 300 or sectors has restricted"
outcome = "ineligible"
reason = "超过小型微利企业标准。"
basis = { law = "《企业所得税法实施条例》", article = "第九十二条" }
[[eligibility]]
id = "edge"
when = "employees = 300"
outcome = "needs_review"
reason = "人数恰好在临界值，需核实季度平均值。"
basis = { law = "《企业所得税法实施条例》", article = "第九十二条" }
[[eligibility]]
id = "small"
when = "entity = company and employees <= 300 and income <= 300 and not (sectors has restricted)"
outcome = "eligible"
reason = "符合小型微利企业条件。"
basis = { law = "《企业所得税法》", article = "第二十八条" }

[[examples]]
answers = { entity = "company", employees = 120, income = 200, sectors = ["retail"], agent = true }
verdict = "eligible"
materials = ["form", "proxy", "audit"]
limit = { days = 7 }
"#;

fn item() -> Item {
    toml::from_str(ITEM).expect("the test item parses")
}

fn run(form: &Form, pairs: &[(&str, &str)]) -> Outcome {
    let engine = Engine::new(form).expect("predicates parse");
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let monday = NaiveDate::from_ymd_opt(2026, 9, 28).expect("date");
    engine.evaluate(&pairs, monday, &calendar())
}

/// 2026's National Day holiday (Oct 1–7) and its 调休 Saturday (Oct 10).
fn calendar() -> Calendar {
    let year: crate::model::CalendarYear = toml::from_str(
        r#"
        year = 2026
        holidays = [{ name = "国庆节", from = 2026-10-01, to = 2026-10-07 }]
        workdays = [{ date = 2026-10-10 }]
        "#,
    )
    .expect("calendar");
    Calendar::new(&[year])
}

fn ids(o: &Outcome) -> Vec<&str> {
    o.tailored.materials.iter().map(|m| m.id.as_str()).collect()
}

#[test]
fn questions_come_one_after_another_and_ask_if_hides_the_irrelevant() {
    let form = Form::of(&item());
    let start = run(&form, &[]);
    assert_eq!(start.verdict, Verdict::Incomplete);
    // entity and agent are asked; the company questions wait for entity.
    assert_eq!(start.next_questions, vec![0, 4]);
    let company = run(&form, &[("entity", "company")]);
    assert_eq!(company.next_questions, vec![1, 2, 3, 4]);
    let branch = run(&form, &[("entity", "branch"), ("employees", "10")]);
    assert_eq!(
        branch.next_questions,
        vec![4],
        "a skipped question is not asked"
    );
    assert_eq!(
        branch.answered.len(),
        1,
        "an answer to a skipped question is not used"
    );
}

#[test]
fn an_ineligible_rule_decides_at_once_an_eligible_one_waits() {
    let form = Form::of(&item());
    let branch = run(&form, &[("entity", "branch")]);
    assert_eq!(branch.verdict, Verdict::Ineligible);
    assert_eq!(branch.reasons[0].rule, "branch");
    assert_eq!(branch.reasons[0].basis, "《企业所得税法》第二十八条");
    assert_eq!(
        branch.reasons[0].answers,
        vec![("企业类型".into(), "非居民企业".into())]
    );
    // Small so far, but the sectors question could still disqualify.
    let partial = run(
        &form,
        &[
            ("entity", "company"),
            ("employees", "120"),
            ("income", "200"),
        ],
    );
    assert_eq!(partial.verdict, Verdict::Incomplete);
    let done = run(
        &form,
        &[
            ("entity", "company"),
            ("employees", "120"),
            ("income", "200"),
            ("sectors", "retail"),
        ],
    );
    assert_eq!(done.verdict, Verdict::Eligible);
    assert_eq!(done.reasons.len(), 1);
    let big = run(&form, &[("entity", "company"), ("employees", "301")]);
    assert_eq!(
        big.verdict,
        Verdict::Ineligible,
        "one disqualifier is enough"
    );
    let banned = run(
        &form,
        &[
            ("entity", "company"),
            ("sectors", "restricted"),
            ("sectors", "retail"),
        ],
    );
    assert_eq!(
        banned.verdict,
        Verdict::Ineligible,
        "several answers repeat the key"
    );
}

#[test]
fn review_outranks_eligible_and_an_uncovered_case_goes_to_the_window() {
    let form = Form::of(&item());
    let edge = run(
        &form,
        &[
            ("entity", "company"),
            ("employees", "300"),
            ("income", "1"),
            ("sectors", ""),
        ],
    );
    assert_eq!(edge.verdict, Verdict::NeedsReview);
    assert_eq!(
        edge.reasons
            .iter()
            .map(|r| r.rule.as_str())
            .collect::<Vec<_>>(),
        ["edge", "small"]
    );
    let mut no_rules = item();
    no_rules.eligibility.clear();
    let form = Form::of(&no_rules);
    let all = run(&form, &[("entity", "branch"), ("agent", "no")]);
    assert_eq!(all.verdict, Verdict::NeedsReview);
    assert!(all.reasons[0].text.contains("窗口"));
    assert_eq!(
        run(&form, &[("entity", "branch")]).verdict,
        Verdict::Incomplete
    );
}

#[test]
fn answers_tailor_materials_limit_due_date_and_fees() {
    let form = Form::of(&item());
    let start = run(&form, &[]);
    assert_eq!(
        ids(&start),
        ["form", "audit"],
        "conditional materials wait for their answer"
    );
    assert!(start.tailored.materials[1].later, "容缺后补 is marked");
    assert_eq!(
        start.tailored.limit,
        Some(Limit {
            days: 5,
            unit: Default::default()
        })
    );
    // Monday Sep 28 + 5 working days, over the National Day week and its
    // make-up Saturday: Sep 29, 30, Oct 8, 9, 10.
    assert_eq!(
        start.tailored.due_date,
        NaiveDate::from_ymd_opt(2026, 10, 10)
    );
    let agent = run(&form, &[("agent", "yes")]);
    assert_eq!(ids(&agent), ["form", "proxy", "audit"]);
    assert_eq!(agent.tailored.materials[1].because, ["委托代理人"]);
    assert_eq!(
        agent.tailored.limit.map(|l| l.days),
        Some(7),
        "the answer's limit applies"
    );
    assert_eq!(agent.tailored.fees.notes, ["代办不另收费"]);
    let own = run(&form, &[("agent", "no")]);
    assert_eq!(ids(&own), ["form"], "an answer removes a material");
    assert_eq!(own.tailored.conditions, ["依法办理税务登记。"]);
}

#[test]
fn bad_answers_are_named_and_ignored() {
    let form = Form::of(&item());
    let bad = run(
        &form,
        &[
            ("entity", "company"),
            ("employees", "three hundred"),
            ("income", "-5"),
            ("nope", "1"),
            ("sectors", "made-up"),
            ("agent", "maybe"),
        ],
    );
    let messages: Vec<&str> = bad.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages.len(), 5, "{messages:?}");
    assert!(messages[0].contains("不是数字"), "{messages:?}");
    assert!(
        messages[1].contains("超出可填范围（0 至 1000000 万元）"),
        "{messages:?}"
    );
    assert!(messages[2].contains("没有名为「nope」的问题"));
    assert!(messages[3].contains("没有「made-up」这个选项"));
    assert!(messages[4].contains("「是」或「否」"));
    assert_eq!(bad.answered.len(), 1, "only the good answer is used");
    let full_width = run(&form, &[("entity", "company"), ("employees", "１,２００")]);
    assert_eq!(
        full_width.verdict,
        Verdict::Ineligible,
        "1,200 typed in full width reads"
    );
    let flood: Vec<(String, String)> = (0..10_000).map(|k| (format!("q{k}"), "x".into())).collect();
    let engine = Engine::new(&form).expect("parses");
    let day = NaiveDate::from_ymd_opt(2026, 1, 5).expect("date");
    let out = engine.evaluate(&flood, day, &calendar());
    assert!(out.problems.len() <= answers::MAX_PAIRS + 1);
    assert!(out.problems[0].message.contains("超过上限"));
}

#[test]
fn a_link_carries_the_answers_back() {
    let form = Form::of(&item());
    let given = [
        ("entity", "company"),
        ("sectors", "retail"),
        ("sectors", "restricted"),
        ("employees", "12.5"),
    ];
    let pairs: Vec<(String, String)> = given
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (read, _) = answers::read(&form.situations, &pairs);
    let back = answers::to_pairs(&form.situations, &read);
    let (again, _) = answers::read(&form.situations, &back);
    assert_eq!(read, again);
    assert_eq!(
        back[1],
        ("employees".to_string(), "12.5".to_string()),
        "question order"
    );
    assert_eq!(back[2].1, "restricted", "option order");
}

#[test]
fn the_analysis_finds_contradictions_unreachable_questions_and_bad_tests() {
    let mut it = item();
    let engine_form = Form::of(&it);
    let engine = Engine::new(&engine_form).expect("parses");
    assert!(analysis::contradictions(&engine).is_empty());
    assert!(analysis::unreachable(&engine).is_empty());
    assert!(analysis::bad_tests(&engine).is_empty());
    it.eligibility[3].when = "entity = company and employees <= 301".into();
    it.situations[2].ask_if = "entity = company and entity = branch".into();
    it.eligibility[0].when = "entity = nobody or employees = big or agent has x or ghost".into();
    let form = Form::of(&it);
    let engine = Engine::new(&form).expect("parses");
    let found = analysis::contradictions(&engine);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].eligible, found[0].ineligible), (3, 1));
    assert!(
        found[0]
            .answers
            .iter()
            .any(|a| a.starts_with("employees = 300.")),
        "{found:?}"
    );
    assert_eq!(analysis::unreachable(&engine), [2]);
    let bad: Vec<String> = analysis::bad_tests(&engine)
        .into_iter()
        .map(|b| b.message)
        .collect();
    assert_eq!(bad.len(), 4, "{bad:?}");
    assert!(bad[0].contains("no option `nobody`"));
    assert!(bad[1].contains("number question"));
    assert!(
        bad[2].contains("takes one answer") || bad[2].contains("yes or no"),
        "{bad:?}"
    );
    assert!(bad[3].contains("unknown question `ghost`"));
}

#[test]
fn examples_are_run_and_their_mismatches_named() {
    let it = item();
    let form = Form::of(&it);
    let engine = Engine::new(&form).expect("parses");
    let (wrong, _) = analysis::example_mismatches(&engine, &it.examples[0]);
    assert!(wrong.is_empty(), "{wrong:?}");
    let mut off: Example = it.examples[0].clone();
    off.verdict = Verdict::Ineligible;
    off.materials = Some(vec!["form".into(), "ghost".into()]);
    off.limit = Some(Limit {
        days: 5,
        unit: Default::default(),
    });
    let (wrong, _) = analysis::example_mismatches(&engine, &off);
    assert_eq!(wrong.len(), 4, "{wrong:?}");
    assert!(wrong[0].contains("`ineligible`, the rules give `eligible` (rules fired: small)"));
    assert!(wrong[1].contains("`ghost`"));
    assert!(wrong[2].contains("`audit`, `proxy`"));
    assert!(wrong[3].contains("7 个工作日"));
}
