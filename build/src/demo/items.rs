//! One synthetic item: its name, materials, situations, limits and fees,
//! drawn from its kind's tables with a random generator seeded by its number.

use super::ITEMS_PER_COUNTY;
use super::catalog::{county_code, county_name, department_id};
use super::data::DATA;
use super::rng::Rng;
use chrono::{Duration, NaiveDate};
use portal_core::model::*;

/// The n-th item: its file path and content.
pub(super) fn item(n: usize, seed: u64) -> (String, Item) {
    let mut rng = Rng::new(seed ^ (n as u64).wrapping_mul(0x2545F4914F6CDD1D));
    let county = n / ITEMS_PER_COUNTY;
    let kind = &DATA.kind[n % DATA.kind.len()];
    let object = rng.pick(&kind.objects);
    let action = rng.pick(&kind.actions);
    let qualifier = rng.pick(&DATA.qualifiers);
    let name = format!("{object}{action}{qualifier}");
    let code = format!("{}-{}-{:05}", county_code(county), kind.code, n);
    let instant = rng.chance(30);
    let statutory = *rng.pick(&[5u32, 10, 15, 20, 30, 60]);
    let promised = 1 + rng.below(statutory as usize) as u32 / 2;
    let mut materials: Vec<Material> = Vec::new();
    for (i, m) in kind.materials.iter().enumerate() {
        if i < 2 || rng.chance(60) {
            materials.push(material(&format!("m{i}"), m, &mut rng));
        }
    }
    materials.push(Material {
        form: true,
        blank_form: "forms/application.txt".into(),
        ..material("form", &format!("{object}{action}申请表"), &mut rng)
    });
    let mut situations = Vec::new();
    if rng.chance(40) {
        materials.push(Material {
            requirement: Requirement::Conditional,
            ..material("proxy", "授权委托书", &mut rng)
        });
        materials.push(Material {
            requirement: Requirement::Conditional,
            ..material("proxy-id", "受托人居民身份证", &mut rng)
        });
        situations.push(Situation {
            id: "who".into(),
            question: "是否委托他人办理？".into(),
            options: vec![
                SituationOption {
                    id: "self".into(),
                    label: "本人办理".into(),
                    no_change: true,
                    ..option()
                },
                SituationOption {
                    id: "proxy".into(),
                    label: "委托代理人办理".into(),
                    add_materials: vec!["proxy".into(), "proxy-id".into()],
                    ..option()
                },
            ],
            ..Situation::default()
        });
    }
    let charged = rng.chance(20);
    let visits = *rng.pick(&[0u8, 1, 1, 1, 2]);
    let reviewed =
        NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid") + Duration::days(rng.below(600) as i64);
    let item = Item {
        code: code.clone(),
        name: name.clone(),
        aliases: vec![format!("办{object}"), format!("{object}怎么{action}")],
        item_type: *rng.pick(&ItemType::ALL),
        audience: vec![kind.audience],
        level: Level::District,
        department: department_id(kind, county),
        co_departments: vec![],
        themes: vec![kind.theme.clone()],
        handling: if instant {
            Handling::Instant
        } else {
            Handling::Promised
        },
        statutory_limit: Some(Limit {
            days: statutory,
            unit: DayUnit::Working,
        }),
        promised_limit: (!instant).then_some(Limit {
            days: promised,
            unit: DayUnit::Working,
        }),
        summary: format!(
            "{}申请{name}的，可向{}{}提出申请。{}受理后，{}依法审查，符合条件的予以办理；不符合条件的，书面告知理由。本事项实行一次告知、限时办结，申请材料齐全、符合法定形式的当场受理。",
            if kind.audience == Audience::Business {
                "企业或其他组织"
            } else {
                "公民"
            },
            county_name(county),
            kind.name,
            "窗口",
            kind.name
        ),
        conditions: vec![
            format!("申请人符合{}规定的条件。", kind.law),
            "申请材料齐全、真实、有效。".into(),
        ],
        materials,
        situations,
        eligibility: Vec::new(),
        examples: Vec::new(),
        steps: DATA
            .steps
            .iter()
            .map(|s| Step {
                name: s.clone(),
                description: format!("{s}环节由窗口工作人员按规定办理。"),
                actor: String::new(),
                counts_toward_limit: true,
                limit: None,
            })
            .collect(),
        fees: Some(Fees {
            charged,
            items: if charged {
                vec![Fee {
                    name: "工本费".into(),
                    amount: 10.0,
                    unit: "每证".into(),
                    basis: "省物价局、省财政厅关于证照工本费标准的通知".into(),
                }]
            } else {
                vec![]
            },
            waivers: vec![],
        }),
        legal_basis: vec![LegalBasis {
            law: kind.law.clone(),
            article: format!("第{}条", 1 + rng.below(60)),
            text: String::new(),
        }],
        result: Some(ItemResult {
            name: format!("{object}{action}结果通知书"),
            kind: "文书".into(),
            sample: String::new(),
        }),
        delivery: vec![Delivery::Window, Delivery::Post],
        online_url: format!("https://zwfw.demo.example.gov.cn/online/{code}"),
        visits,
        appointment: rng.chance(50),
        windows: vec![],
        enquiry_phone: String::new(),
        complaint_phone: String::new(),
        faq: vec![Faq {
            question: format!("{name}需要本人到场吗？"),
            answer: "可以委托他人办理，需提供授权委托书和受托人身份证件。".into(),
        }],
        effective_from: None,
        effective_until: None,
        last_reviewed: reviewed,
    };
    (
        format!("items/{}/{code}.toml", department_id(kind, county)),
        item,
    )
}

fn option() -> SituationOption {
    SituationOption {
        id: String::new(),
        label: String::new(),
        add_materials: vec![],
        remove_materials: vec![],
        conditions: vec![],
        promised_limit: None,
        fee: String::new(),
        no_change: false,
    }
}

fn material(id: &str, name: &str, rng: &mut Rng) -> Material {
    let mut m = Material {
        id: id.into(),
        name: name.into(),
        source: Some(*rng.pick(&[Source::Applicant, Source::Applicant, Source::Centre])),
        issuer: String::new(),
        originals: 1,
        copies: rng.below(2) as u32,
        medium: Medium::Paper,
        requirement: Requirement::Required,
        form: false,
        blank_form: String::new(),
        sample: String::new(),
        notes: "核验原件后退还。".into(),
        legal_basis: String::new(),
    };
    if m.is_form() {
        m.blank_form = "forms/application.txt".into();
    }
    m
}
