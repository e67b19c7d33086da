//! The files around the items: departments, themes, guides and
//! disclosure documents.

use super::data::{DATA, Kind};
use super::items::item;
use portal_core::model::*;

pub(super) fn county_code(county: usize) -> String {
    format!("33{:04}", 101 + county)
}

pub(super) fn department_id(kind: &Kind, county: usize) -> String {
    format!("{}-{}", kind.id, county + 1)
}

pub(super) fn county_name(county: usize) -> String {
    let counties = &DATA.counties;
    let base = &counties[county % counties.len()];
    match county / counties.len() {
        0 => base.to_string(),
        round => format!(
            "{}{}",
            base.trim_end_matches(['区', '县']),
            ["", "", "新区", "开发区", "高新区"][round.min(4)]
        ),
    }
}

/// The departments of one county.
pub(super) fn departments(c: usize) -> Vec<Department> {
    DATA.kind
        .iter()
        .enumerate()
        .map(move |(k, kind)| Department {
            id: department_id(kind, c),
            name: format!("{}{}", county_name(c), kind.name),
            description: format!("{}的{}事项。", county_name(c), kind.objects.join("、")),
            stationed: true,
            address: format!("{}政务服务中心 {} 楼", county_name(c), 1 + k % 3),
            hours: "周一至周五 9:00–12:00，13:30–17:00".into(),
            enquiry_phone: format!("0571-{:04} {:04}", 8600 + c % 100, 1000 + k * 10),
            complaint_phone: "12345".into(),
            website: String::new(),
        })
        .collect()
}

pub(super) fn themes() -> Vec<Theme> {
    let mut seen = std::collections::BTreeSet::new();
    DATA.kind
        .iter()
        .filter(|k| seen.insert(&k.theme))
        .map(|k| Theme {
            id: k.theme.clone(),
            name: format!("{}服务", k.objects[0]),
            audience: k.audience,
            description: String::new(),
        })
        .collect()
}

pub(super) fn guide(n: usize, items: usize, seed: u64) -> String {
    let codes: Vec<String> = (0..3)
        .map(|k| item((n * 7 + k * 13) % items.max(1), seed).1.code)
        .collect();
    let links: String = codes
        .iter()
        .map(|c| format!("- [办理事项](/items/{c}/)\n"))
        .collect();
    format!(
        "+++\ntitle = \"办事攻略 {n}\"\nsummary = \"演示攻略。\"\nitems = {:?}\nupdated = 2025-06-{:02}\n+++\n## 要办哪些事\n\n{links}\n## 注意事项\n\n材料请提前准备齐全。\n",
        if items == 0 { vec![] } else { codes.clone() },
        1 + n
    )
}

pub(super) fn disclosure(n: usize) -> String {
    format!(
        "+++\ntitle = \"关于规范政务服务事项办理的通知（{n}）\"\nnumber = \"临政办发〔2025〕{}号\"\nagency = \"临江省人民政府办公厅\"\nwritten = 2025-03-{:02}\npublished = 2025-04-{:02}\ncategory = \"normative\"\nvalidity = \"in_force\"\n+++\n各县（区）人民政府，省政府各部门：\n\n现就规范政务服务事项办理有关事项通知如下。\n",
        n + 1,
        1 + n,
        1 + n
    )
}
