use super::*;
use crate::model::*;

fn item() -> Item {
    serde_json::from_value(serde_json::json!({
        "code": "330199-GA-0001", "name": "居民身份证换领", "item_type": "confirmation",
        "audience": ["individual"], "level": "district", "department": "public-security",
        "handling": "promised", "statutory_limit": {"days": 60, "unit": "calendar"},
        "promised_limit": {"days": 20, "unit": "calendar"}, "visits": 1,
        "conditions": ["具有本区常住户口"], "last_reviewed": "2025-11-03",
        "materials": [
            {"id": "hukou", "name": "居民户口簿", "source": "agency", "originals": 1},
            {"id": "photo", "name": "近期免冠照片", "source": "applicant", "copies": 2}
        ],
        "fees": {"charged": true, "items": [{"name": "工本费", "amount": 20.0, "unit": "每证", "basis": "发改价格〔2003〕2322号"}]},
        "legal_basis": [{"law": "《中华人民共和国居民身份证法》", "article": "第十一条"}]
    }))
    .unwrap()
}

fn texts(old: &Item, new: &Item) -> Vec<(Aspect, String)> {
    diff_item(old, new)
        .into_iter()
        .map(|c| (c.aspect, c.text))
        .collect()
}

#[test]
fn the_same_item_has_no_changes() {
    assert!(diff_item(&item(), &item()).is_empty());
}

#[test]
fn limits_say_old_and_new_days_in_the_unit() {
    let mut new = item();
    new.promised_limit = Some(Limit {
        days: 10,
        unit: DayUnit::Calendar,
    });
    new.statutory_limit = Some(Limit {
        days: 30,
        unit: DayUnit::Working,
    });
    assert_eq!(
        texts(&item(), &new),
        [
            (
                Aspect::Limits,
                "法定时限 60 个自然日 → 30 个工作日".to_string()
            ),
            (Aspect::Limits, "承诺时限 20 → 10 个自然日".to_string()),
        ]
    );
    new.handling = Handling::Instant;
    new.promised_limit = None;
    let t = texts(&item(), &new);
    assert!(t.contains(&(Aspect::Limits, "办件类型 承诺件 → 即办件".into())));
    assert!(t.contains(&(Aspect::Limits, "承诺时限 20 个自然日 → 无".into())));
}

#[test]
fn materials_added_removed_and_requirement_changed_are_named() {
    let mut new = item();
    new.materials.remove(0);
    new.materials[0].requirement = Requirement::Conditional;
    new.materials[0].copies = 1;
    new.materials.push(Material {
        id: "receipt".into(),
        name: "数码相片采集回执".into(),
        ..Material::default()
    });
    assert_eq!(
        texts(&item(), &new),
        [
            (
                Aspect::Materials,
                "材料「近期免冠照片」：必要 → 视情形提供".to_string()
            ),
            (
                Aspect::Materials,
                "材料「近期免冠照片」：复印件 2 → 1 份".to_string()
            ),
            (
                Aspect::Materials,
                "新增材料「数码相片采集回执」".to_string()
            ),
            (Aspect::Materials, "删除材料「居民户口簿」".to_string()),
        ]
    );
}

#[test]
fn a_material_imported_under_a_new_id_is_matched_by_name() {
    let mut new = item();
    new.materials[1].id = "m2".into();
    assert!(diff_item(&item(), &new).is_empty());
}

#[test]
fn fees_conditions_basis_visits_and_online_handling() {
    let mut new = item();
    new.fees = Some(Fees {
        charged: false,
        items: vec![],
        waivers: vec![],
    });
    new.conditions.push("年满十六周岁".into());
    new.legal_basis[0].article = "第八条".into();
    new.visits = 0;
    new.online_url = "https://zwfw.example.gov.cn/id".into();
    assert_eq!(
        texts(&item(), &new),
        [
            (Aspect::Visits, "到办事现场次数 1 → 0 次".to_string()),
            (
                Aspect::Online,
                "开通网上办理（https://zwfw.example.gov.cn/id）".to_string()
            ),
            (Aspect::Conditions, "新增办理条件：年满十六周岁".to_string()),
            (Aspect::Fees, "改为不收费".to_string()),
            (Aspect::Fees, "取消收费项目「工本费」".to_string()),
            (
                Aspect::LegalBasis,
                "新增设定依据《中华人民共和国居民身份证法》第八条".to_string()
            ),
            (
                Aspect::LegalBasis,
                "删除设定依据《中华人民共和国居民身份证法》第十一条".to_string()
            ),
        ]
    );
    let mut cheaper = item();
    cheaper.fees.as_mut().unwrap().items[0].amount = 10.0;
    assert_eq!(
        texts(&item(), &cheaper),
        [(
            Aspect::Fees,
            "收费项目「工本费」：20 元/每证 → 10 元/每证".to_string()
        )]
    );
}

#[test]
fn details_name_type_and_phones() {
    let mut new = item();
    new.name = "居民身份证换领、补领".into();
    new.item_type = ItemType::PublicService;
    new.enquiry_phone = "0571-1".into();
    let t = texts(&item(), &new);
    assert_eq!(t.len(), 3, "{t:?}");
    assert!(t.iter().all(|(a, _)| *a == Aspect::Details));
    assert_eq!(
        t[0].1,
        "事项名称「居民身份证换领」改为「居民身份证换领、补领」"
    );
}

#[test]
fn catalogs_give_added_withdrawn_and_changed_items_with_a_summary() {
    let old = item();
    let mut changed = item();
    changed.promised_limit = Some(Limit {
        days: 10,
        unit: DayUnit::Calendar,
    });
    changed.materials.push(Material {
        id: "r".into(),
        name: "数码相片采集回执".into(),
        ..Material::default()
    });
    let mut added = item();
    added.code = "330199-GA-0002".into();
    let mut gone = item();
    gone.code = "330199-GA-0000".into();
    let a = Side {
        items: vec![&old, &gone],
        disclosures: vec![],
    };
    let b = Side {
        items: vec![&changed, &added],
        disclosures: vec![],
    };
    let d = diff(&a, &b);
    let events: Vec<_> = d.iter().map(|c| (c.id.as_str(), c.event)).collect();
    assert_eq!(
        events,
        [
            ("330199-GA-0000", Event::Withdrawn),
            ("330199-GA-0001", Event::Changed),
            ("330199-GA-0002", Event::Added)
        ]
    );
    assert_eq!(
        d[1].summary(),
        "居民身份证换领：承诺时限 20 → 10 个自然日；新增材料「数码相片采集回执」"
    );
    assert_eq!(d[1].aspects(), [Aspect::Materials, Aspect::Limits]);
}

#[test]
fn documents_published_amended_and_repealed() {
    let meta = |validity: &str| -> DisclosureMeta {
        serde_json::from_value(serde_json::json!({
            "title": "关于调整收费的通知", "number": "云政办发〔2025〕12号", "agency": "区政府办公室",
            "written": "2025-01-02", "published": "2025-01-05", "category": "normative",
            "validity": validity
        }))
        .unwrap()
    };
    let (in_force, amended, repealed) = (meta("in_force"), meta("amended"), meta("repealed"));
    let old = Side {
        items: vec![],
        disclosures: vec![("a", &in_force), ("b", &in_force)],
    };
    let new = Side {
        items: vec![],
        disclosures: vec![("a", &amended), ("b", &repealed), ("c", &in_force)],
    };
    let events: Vec<_> = diff(&old, &new).into_iter().map(|c| c.event).collect();
    assert_eq!(events, [Event::Amended, Event::Repealed, Event::Published]);
}
