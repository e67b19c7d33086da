//! One item against its older self, field by field.

use super::words::{self, join_labels, limit_change, quoted};
use super::{Aspect, FieldChange};
use crate::model::*;

/// Collects the sentences of one comparison.
struct Out(Vec<FieldChange>);

impl Out {
    fn push(&mut self, aspect: Aspect, text: String) {
        self.0.push(FieldChange { aspect, text });
    }
}

/// What changed from `old` to `new` (the same item code), in page order:
/// details, limits, visits and online handling, conditions, materials,
/// fees, legal basis. Empty when nothing an applicant sees changed.
pub fn diff_item(old: &Item, new: &Item) -> Vec<FieldChange> {
    let mut out = Out(Vec::new());
    details(&mut out, old, new);
    limits(&mut out, old, new);
    visits_online(&mut out, old, new);
    lists(
        &mut out,
        Aspect::Conditions,
        "办理条件",
        &old.conditions,
        &new.conditions,
    );
    materials(&mut out, &old.materials, &new.materials);
    fees(&mut out, old.fees.as_ref(), new.fees.as_ref());
    legal_basis(&mut out, &old.legal_basis, &new.legal_basis);
    guide_text(&mut out, old, new);
    out.0
}

fn details(out: &mut Out, old: &Item, new: &Item) {
    let d = Aspect::Details;
    if old.name != new.name {
        out.push(d, format!("事项名称「{}」改为「{}」", old.name, new.name));
    }
    if old.item_type != new.item_type {
        let (a, b) = (old.item_type.label(), new.item_type.label());
        out.push(d, format!("事项类型 {a} → {b}"));
    }
    if old.department != new.department {
        out.push(
            d,
            format!("实施主体 {} → {}", old.department, new.department),
        );
    }
    if old.audience != new.audience {
        let label = |a: &[Audience]| join_labels(a.iter().map(|x| x.label()));
        out.push(
            d,
            format!(
                "服务对象 {} → {}",
                label(&old.audience),
                label(&new.audience)
            ),
        );
    }
    for (what, a, b) in [
        ("咨询电话", &old.enquiry_phone, &new.enquiry_phone),
        ("监督投诉电话", &old.complaint_phone, &new.complaint_phone),
    ] {
        if a != b {
            out.push(d, words::text_change(what, a, b));
        }
    }
    let place = |w: &[Window]| -> Vec<String> {
        w.iter()
            .map(|w| format!("{} {} {}", w.name, w.address, w.hours))
            .collect()
    };
    if place(&old.windows) != place(&new.windows) {
        out.push(d, "办理地点或办理时间调整".into());
    }
}

fn limits(out: &mut Out, old: &Item, new: &Item) {
    let l = Aspect::Limits;
    if old.handling != new.handling {
        let (a, b) = (old.handling.label(), new.handling.label());
        out.push(l, format!("办件类型 {a} → {b}"));
    }
    for (what, a, b) in [
        ("法定时限", old.statutory_limit, new.statutory_limit),
        ("承诺时限", old.promised_limit, new.promised_limit),
    ] {
        if a != b {
            out.push(l, limit_change(what, a, b));
        }
    }
}

fn visits_online(out: &mut Out, old: &Item, new: &Item) {
    if old.visits != new.visits {
        let text = format!("到办事现场次数 {} → {} 次", old.visits, new.visits);
        out.push(Aspect::Visits, text);
    }
    let (a, b) = (&old.online_url, &new.online_url);
    let text = match (a.is_empty(), b.is_empty()) {
        _ if a == b => return,
        (true, false) => format!("开通网上办理（{b}）"),
        (false, true) => "不再提供网上办理".to_string(),
        _ => format!("网上办理地址改为 {b}"),
    };
    out.push(Aspect::Online, text);
}

/// Texts added and removed, each named.
fn lists(out: &mut Out, aspect: Aspect, what: &str, old: &[String], new: &[String]) {
    for c in new.iter().filter(|c| !old.contains(c)) {
        out.push(aspect, format!("新增{what}：{c}"));
    }
    for c in old.iter().filter(|c| !new.contains(c)) {
        out.push(aspect, format!("删除{what}：{c}"));
    }
}

/// Materials are the same material when their ids match, or, for ids that
/// only one side has, their names do (an import names materials by name).
fn materials(out: &mut Out, old: &[Material], new: &[Material]) {
    let m = Aspect::Materials;
    let find = |n: &Material| {
        old.iter()
            .find(|o| o.id == n.id)
            .or_else(|| old.iter().find(|o| o.name == n.name))
    };
    let mut matched = vec![false; old.len()];
    for n in new {
        match find(n) {
            Some(o) => {
                let at = old.iter().position(|x| std::ptr::eq(x, o)).unwrap_or(0);
                matched[at] = true;
                material(out, o, n);
            }
            None => out.push(m, format!("新增材料{}", quoted(&n.name))),
        }
    }
    for (o, _) in old.iter().zip(&matched).filter(|(_, seen)| !**seen) {
        out.push(m, format!("删除材料{}", quoted(&o.name)));
    }
}

fn material(out: &mut Out, o: &Material, n: &Material) {
    let m = Aspect::Materials;
    let name = quoted(&n.name);
    if o.name != n.name {
        out.push(m, format!("材料{}更名为{name}", quoted(&o.name)));
    }
    if o.requirement != n.requirement {
        let (a, b) = (o.requirement.label(), n.requirement.label());
        out.push(m, format!("材料{name}：{a} → {b}"));
    }
    if o.originals != n.originals {
        let text = format!("材料{name}：原件 {} → {} 份", o.originals, n.originals);
        out.push(m, text);
    }
    if o.copies != n.copies {
        let text = format!("材料{name}：复印件 {} → {} 份", o.copies, n.copies);
        out.push(m, text);
    }
    if o.source != n.source {
        let label = |s: Option<Source>| s.map_or("未注明", |s| s.label());
        let text = format!("材料{name}：来源 {} → {}", label(o.source), label(n.source));
        out.push(m, text);
    }
    if o.medium != n.medium {
        let (a, b) = (o.medium.label(), n.medium.label());
        out.push(m, format!("材料{name}：材料形式 {a} → {b}"));
    }
    if o.notes != n.notes {
        out.push(m, format!("材料{name}：填报须知修改"));
    }
    if o.blank_form != n.blank_form {
        out.push(m, format!("材料{name}：空白表格更新"));
    }
}

fn fees(out: &mut Out, old: Option<&Fees>, new: Option<&Fees>) {
    let f = Aspect::Fees;
    let charged = |x: Option<&Fees>| x.is_some_and(|x| x.charged);
    match (charged(old), charged(new)) {
        (true, false) => out.push(f, "改为不收费".into()),
        (false, true) => out.push(f, "改为收费".into()),
        _ => {}
    }
    let items = |x: Option<&Fees>| x.map(|x| x.items.clone()).unwrap_or_default();
    let (old_items, new_items) = (items(old), items(new));
    for n in &new_items {
        match old_items.iter().find(|o| o.name == n.name) {
            None => out.push(
                f,
                format!("新增收费项目{}：{}", quoted(&n.name), words::fee(n)),
            ),
            Some(o) if o.amount != n.amount || o.unit != n.unit => {
                let text = format!(
                    "收费项目{}：{} → {}",
                    quoted(&n.name),
                    words::fee(o),
                    words::fee(n)
                );
                out.push(f, text);
            }
            Some(o) if o.basis != n.basis => {
                out.push(f, format!("收费项目{}：收费依据修改", quoted(&n.name)));
            }
            Some(_) => {}
        }
    }
    for o in old_items
        .iter()
        .filter(|o| !new_items.iter().any(|n| n.name == o.name))
    {
        out.push(f, format!("取消收费项目{}", quoted(&o.name)));
    }
    let waivers = |x: Option<&Fees>| x.map(|x| x.waivers.clone()).unwrap_or_default();
    lists(out, f, "减免", &waivers(old), &waivers(new));
}

fn legal_basis(out: &mut Out, old: &[LegalBasis], new: &[LegalBasis]) {
    let b = Aspect::LegalBasis;
    let cite = |x: &LegalBasis| format!("{}{}", x.law, x.article);
    for n in new {
        match old.iter().find(|o| cite(o) == cite(n)) {
            None => out.push(b, format!("新增设定依据{}", cite(n))),
            Some(o) if o.text != n.text => {
                out.push(b, format!("设定依据{}条文修改", cite(n)));
            }
            Some(_) => {}
        }
    }
    for o in old
        .iter()
        .filter(|o| !new.iter().any(|n| cite(n) == cite(o)))
    {
        out.push(b, format!("删除设定依据{}", cite(o)));
    }
}

/// The guide's free text: said in one phrase each, not quoted whole.
fn guide_text(out: &mut Out, old: &Item, new: &Item) {
    let d = Aspect::Details;
    if old.summary != new.summary {
        out.push(d, "事项内容说明修改".into());
    }
    let steps = |s: &[Step]| -> Vec<String> {
        s.iter()
            .map(|s| {
                format!(
                    "{}|{}|{}|{}|{:?}",
                    s.name, s.description, s.actor, s.counts_toward_limit, s.limit
                )
            })
            .collect()
    };
    if steps(&old.steps) != steps(&new.steps) {
        out.push(d, "办理流程调整".into());
    }
    let faq = |f: &[Faq]| -> Vec<String> {
        f.iter()
            .map(|f| format!("{}|{}", f.question, f.answer))
            .collect()
    };
    if faq(&old.faq) != faq(&new.faq) {
        out.push(d, "常见问题更新".into());
    }
}
