//! The columns of the standard implementation list (实施清单) and how a
//! header cell is matched to one: whitespace, line breaks, full-width
//! letters and a bracketed note ("法定时限（工作日）") do not matter.

use portal_core::model::DayUnit;

/// A column of sheet 1 (one row per item) or of sheet 申请材料.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Name,
    Code,
    ItemType,
    Department,
    Audience,
    Handling,
    Statutory,
    Promised,
    Visits,
    Charged,
    FeeStandard,
    /// Not in the standard list: the legal basis of each fee, a line each.
    FeeBasis,
    LegalBasis,
    Place,
    Hours,
    Enquiry,
    Complaint,
    Online,
    /// Not in the standard list, but needed for a new item (default 县级).
    Level,
    MaterialName,
    Source,
    Originals,
    Copies,
    Medium,
    Requirement,
    Notes,
    BlankForm,
}

use Column::*;

/// Sheet 1, in the order the export writes them: (column, header, variants).
pub const ITEM_COLUMNS: &[(Column, &str, &[&str])] = &[
    (Name, "事项名称", &["名称", "事项"]),
    (
        Code,
        "事项编码",
        &["编码", "实施编码", "事项代码", "实施清单编码"],
    ),
    (ItemType, "事项类型", &["类型", "权力类型", "事项类别"]),
    (
        Department,
        "实施主体",
        &["实施机构", "实施部门", "实施主体名称", "办理部门"],
    ),
    (Audience, "服务对象", &["面向对象", "办理对象"]),
    (Handling, "办件类型", &["办件类别", "办理类型"]),
    (
        Statutory,
        "法定办结时限",
        &["法定时限", "法定期限", "法定办理时限"],
    ),
    (
        Promised,
        "承诺办结时限",
        &["承诺时限", "承诺期限", "承诺办理时限"],
    ),
    (
        Visits,
        "到办事现场次数",
        &["到现场次数", "跑动次数", "到现场办理次数", "办事现场次数"],
    ),
    (Charged, "是否收费", &["收费"]),
    (FeeStandard, "收费标准", &["收费项目", "收费项目及标准"]),
    (FeeBasis, "收费依据", &["收费标准依据"]),
    (LegalBasis, "设定依据", &["法律依据", "实施依据"]),
    (Place, "办理地点", &["受理地点", "办公地点"]),
    (Hours, "办理时间", &["受理时间", "办公时间"]),
    (Enquiry, "咨询电话", &["咨询方式"]),
    (
        Complaint,
        "监督投诉电话",
        &["投诉电话", "监督电话", "监督投诉方式"],
    ),
    (
        Online,
        "网上办理地址",
        &["网办地址", "在线办理地址", "网上办理链接"],
    ),
    (Level, "行使层级", &["层级"]),
];

/// Sheet 申请材料: one row per material, keyed by 事项编码.
pub const MATERIAL_COLUMNS: &[(Column, &str, &[&str])] = &[
    (Code, "事项编码", &["编码", "实施编码", "事项代码"]),
    (Name, "事项名称", &[]),
    (MaterialName, "材料名称", &["申请材料", "材料"]),
    (Source, "来源渠道", &["材料来源", "来源"]),
    (Originals, "原件份数", &["原件数量", "原件"]),
    (Copies, "复印件份数", &["复印件数量", "复印件"]),
    (Medium, "材料形式", &["介质要求", "材料介质"]),
    (
        Requirement,
        "是否必要",
        &["必要性", "是否必需", "必要性及描述"],
    ),
    (Notes, "填报须知", &["备注", "受理标准", "填写说明"]),
    (BlankForm, "空白表格", &["空表", "空白表格下载"]),
];

/// The sheet that holds the materials.
pub const MATERIALS_SHEET: &str = "申请材料";
/// What the export calls sheet 1.
pub const ITEMS_SHEET: &str = "事项";

/// A header as written, then the parts that matter: half-width, no
/// spaces or line breaks, no bracketed note, no required-mark `*`.
pub fn normalize(header: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in header.chars().map(half_width) {
        match c {
            '(' | '[' | '【' => depth += 1,
            ')' | ']' | '】' => depth = depth.saturating_sub(1),
            c if depth > 0 || c.is_whitespace() || c == '*' => {}
            c => out.push(c),
        }
    }
    out
}

/// Full-width ASCII (Ａ, （, ：) and the ideographic space as their ASCII selves.
pub fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// The column a header names in `columns`, if any.
pub fn find(
    columns: &[(Column, &'static str, &[&str])],
    header: &str,
) -> Option<(Column, &'static str)> {
    let key = normalize(header);
    if key.is_empty() {
        return None;
    }
    columns
        .iter()
        .find(|(_, name, variants)| *name == key || variants.contains(&key.as_str()))
        .map(|(c, name, _)| (*c, *name))
}

/// A header's note on the unit of bare numbers: "承诺时限（自然日）".
pub fn unit_hint(header: &str) -> DayUnit {
    if header.contains("自然日") {
        DayUnit::Calendar
    } else {
        DayUnit::Working
    }
}

/// `A`, `B`, … `Z`, `AA`: a 0-based column's letters.
pub fn letters(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_whatever_the_officer_typed() {
        for header in [
            "法定办结时限",
            "法定时限（工作日）",
            " 法定\n办结时限 ",
            "*法定时限(工作日)",
            "法定時限",
        ] {
            let found = find(ITEM_COLUMNS, header).map(|f| f.0);
            if header.contains('時') {
                assert_eq!(found, None, "{header}");
            } else {
                assert_eq!(found, Some(Column::Statutory), "{header}");
            }
        }
        assert_eq!(
            find(ITEM_COLUMNS, "承诺时限（自然日）").map(|f| f.0),
            Some(Column::Promised)
        );
        assert_eq!(unit_hint("承诺时限（自然日）"), DayUnit::Calendar);
        assert_eq!(
            find(ITEM_COLUMNS, "事项编码").map(|f| f.1),
            Some("事项编码")
        );
        assert_eq!(find(ITEM_COLUMNS, "备注"), None);
    }

    #[test]
    fn column_letters() {
        assert_eq!(letters(0), "A");
        assert_eq!(letters(3), "D");
        assert_eq!(letters(25), "Z");
        assert_eq!(letters(26), "AA");
        assert_eq!(letters(27), "AB");
        assert_eq!(letters(701), "ZZ");
        assert_eq!(letters(702), "AAA");
    }
}
