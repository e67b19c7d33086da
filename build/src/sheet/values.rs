//! Values as officers type them in a spreadsheet: "20个工作日", "即办",
//! "是", "√", "1次". Each parser says, on failure, what it expected; the
//! caller adds the file, sheet and cell.

use super::columns::half_width;
use portal_core::diff::words;
use portal_core::model::*;

pub type Parsed<T> = Result<T, String>;

/// The cell with full-width digits and letters made ASCII, trimmed.
pub fn clean(cell: &str) -> String {
    cell.chars()
        .map(half_width)
        .collect::<String>()
        .trim()
        .to_string()
}

fn is_blank(v: &str) -> bool {
    matches!(v, "" | "无" | "-" | "/" | "—" | "不适用")
}

/// A time limit. `None` for a blank, "无" or "即办" (an instant item has
/// no promised limit). A bare number takes the header's unit.
pub fn limit(cell: &str, default_unit: DayUnit) -> Parsed<Option<Limit>> {
    let v = clean(cell);
    if is_blank(&v) || matches!(v.as_str(), "即办" | "即办件" | "当场办结" | "即时办结")
    {
        return Ok(None);
    }
    let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest: String = v[digits.len()..]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let rest = rest.strip_suffix('内').unwrap_or(&rest);
    let unit = match rest {
        "" | "日" | "天" => Some(default_unit),
        "个工作日" | "工作日" => Some(DayUnit::Working),
        "个自然日" | "自然日" => Some(DayUnit::Calendar),
        _ => None,
    };
    match (digits.parse::<u32>(), unit) {
        (Ok(days), Some(unit)) => Ok(Some(Limit { days, unit })),
        _ => Err(format!(
            "{cell:?} is not a number of days: write digits, e.g. \"20\", \"20个工作日\", \"60个自然日\" or \"即办\""
        )),
    }
}

/// 是/否 in every way officers write it.
pub fn yes_no(cell: &str) -> Parsed<bool> {
    let v = clean(cell);
    match v.to_lowercase().as_str() {
        "是" | "√" | "✓" | "✔" | "y" | "yes" | "true" | "1" | "有" | "收费" => Ok(true),
        "否" | "×" | "✗" | "✘" | "x" | "n" | "no" | "false" | "0" | "无" | "不收费" | "免费" => {
            Ok(false)
        }
        _ => Err(format!(
            "{cell:?} is not 是 or 否 (√ and × are accepted too)"
        )),
    }
}

/// A count of copies: "2", "2份"; blank is 0.
pub fn count(cell: &str) -> Parsed<u32> {
    let v = clean(cell);
    if is_blank(&v) {
        return Ok(0);
    }
    let n = v.strip_suffix('份').unwrap_or(&v).trim();
    n.parse().map_err(|_| {
        format!("{cell:?} is not a number of copies: write digits, e.g. \"1\" or \"2份\"")
    })
}

/// 到办事现场次数: "1", "1次", "最多跑一次", "0次".
pub fn visits(cell: &str) -> Parsed<u8> {
    let v = clean(cell);
    match v.as_str() {
        "最多跑一次" | "一次" => return Ok(1),
        "零次" | "零跑动" | "不见面" | "全程网办" => return Ok(0),
        _ => {}
    }
    let n = v.strip_suffix('次').unwrap_or(&v).trim();
    n.parse().ok().filter(|n| *n <= 2).ok_or_else(|| {
        format!("{cell:?} is not a number of visits: write 0, 1 or 2 (\"1次\" and \"最多跑一次\" are accepted too)")
    })
}

/// Matches `v` against each value's label, its English name and extra
/// words; `what` names the column in the message.
fn one_of<T: Copy + serde::Serialize>(
    cell: &str,
    what: &str,
    all: &[T],
    label: fn(T) -> &'static str,
    extra: &[(&str, T)],
) -> Parsed<T> {
    let v = clean(cell);
    let english = |t: T| {
        serde_json::to_value(t)
            .ok()
            .and_then(|j| j.as_str().map(str::to_owned))
    };
    if let Some(t) = all
        .iter()
        .find(|t| clean(label(**t)) == v || english(**t).as_deref() == Some(v.as_str()))
    {
        return Ok(*t);
    }
    if let Some((_, t)) = extra.iter().find(|(w, _)| clean(w) == v) {
        return Ok(*t);
    }
    let labels: Vec<&str> = all.iter().map(|t| label(*t)).collect();
    Err(format!(
        "{cell:?} is not a {what}: write one of {}",
        labels.join("、")
    ))
}

pub fn item_type(cell: &str) -> Parsed<ItemType> {
    one_of(cell, "事项类型", &ItemType::ALL, ItemType::label, &[])
}

pub fn handling(cell: &str) -> Parsed<Handling> {
    let extra = [("即办", Handling::Instant), ("承诺", Handling::Promised)];
    one_of(
        cell,
        "办件类型",
        &[Handling::Instant, Handling::Promised],
        Handling::label,
        &extra,
    )
}

pub fn level(cell: &str) -> Parsed<Level> {
    use Level::*;
    let extra = [
        ("县级", District),
        ("区级", District),
        ("县（区）级", District),
        ("乡级", Town),
        ("镇级", Town),
        ("街道", Town),
        ("村级", Village),
        ("社区", Village),
    ];
    let all = [National, Province, City, District, Town, Village];
    one_of(cell, "行使层级", &all, Level::label, &extra)
}

pub fn source(cell: &str) -> Parsed<Option<Source>> {
    use Source::*;
    if is_blank(&clean(cell)) {
        return Ok(None);
    }
    let extra = [
        ("申请人", Applicant),
        ("部门核发", Agency),
        ("中心提供", Centre),
        ("中介机构", Institution),
    ];
    one_of(
        cell,
        "来源渠道",
        &[Applicant, Agency, Centre, Institution],
        Source::label,
        &extra,
    )
    .map(Some)
}

pub fn medium(cell: &str) -> Parsed<Medium> {
    use Medium::*;
    if is_blank(&clean(cell)) {
        return Ok(Paper);
    }
    let extra = [
        ("纸质、电子", Either),
        ("纸质+电子", Either),
        ("纸质/电子", Either),
        ("电子或纸质", Either),
    ];
    one_of(
        cell,
        "材料形式",
        &[Paper, Electronic, Either],
        Medium::label,
        &extra,
    )
}

pub fn requirement(cell: &str) -> Parsed<Requirement> {
    use Requirement::*;
    let extra = [
        ("是", Required),
        ("√", Required),
        ("必需", Required),
        ("否", Conditional),
        ("×", Conditional),
        ("非必要", Conditional),
        ("情形必要", Conditional),
        ("容缺后补", Later),
        ("容缺", Later),
    ];
    one_of(
        cell,
        "是否必要",
        &[Required, Conditional, Later],
        Requirement::label,
        &extra,
    )
}

/// The audience: "自然人、法人", "个人", "企业".
pub fn audience(cell: &str) -> Parsed<Vec<Audience>> {
    let v = clean(cell);
    let mut out = Vec::new();
    for part in v
        .split(['、', ',', '，', '/', ';', '；', ' '])
        .filter(|p| !p.is_empty())
    {
        let a = match part {
            "自然人" | "个人" | "individual" => Audience::Individual,
            "法人" | "企业" | "法人或其他组织" | "其他组织" | "business" => {
                Audience::Business
            }
            _ => {
                return Err(format!(
                    "{cell:?} is not a 服务对象: write 自然人, 法人, or both as \"自然人、法人\""
                ));
            }
        };
        if !out.contains(&a) {
            out.push(a);
        }
    }
    if out.is_empty() {
        return Err("empty: write 自然人, 法人, or both as \"自然人、法人\"".into());
    }
    Ok(out)
}

/// The lines of a cell. Only line breaks split: 「；」 is common inside
/// addresses, hours and citations.
pub fn lines(cell: &str) -> Vec<String> {
    cell.split('\n')
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// 收费标准: one fee a line, "名称：金额 元/单位".
pub fn fees(cell: &str) -> Parsed<Vec<Fee>> {
    let v = clean(cell);
    if is_blank(&v) || v == "不收费" || v == "免费" {
        return Ok(Vec::new());
    }
    // Fees may also be typed "工本费：20 元；补领：40 元" on one line.
    let fees = lines(cell).into_iter().flat_map(|l| {
        l.split(['；', ';'])
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    });
    fees.map(|l| fee(&l)).collect()
}

fn fee(line: &str) -> Parsed<Fee> {
    let bad = || {
        format!(
            "{line:?} is not a fee: write 名称：金额 元/单位, one a line, e.g. \"工本费：20 元/每证\""
        )
    };
    let (name, rest) = line.rsplit_once(['：', ':']).ok_or_else(bad)?;
    let rest = clean(rest);
    let (amount, unit) = rest.split_once('元').ok_or_else(bad)?;
    let amount: f64 = amount.trim().parse().map_err(|_| bad())?;
    let unit = unit.trim();
    let unit = unit.strip_prefix('/').unwrap_or(unit).trim();
    Ok(Fee {
        name: name.trim().to_string(),
        amount,
        unit: unit.to_string(),
        basis: String::new(),
    })
}

/// How the export writes a fee, the inverse of [`fees`].
pub fn fee_text(f: &Fee) -> String {
    format!("{}：{}", f.name, words::fee(f))
}

/// 设定依据: one a line, "《法律》（文号）第几条": the law is the title
/// (nested 《》 allowed) with a parenthesised 文号 after it, the rest is the
/// article.
pub fn legal_basis(cell: &str) -> Vec<LegalBasis> {
    lines(cell)
        .into_iter()
        .map(|l| {
            let end = law_end(&l);
            LegalBasis {
                law: l[..end].trim().to_string(),
                article: l[end..].trim().to_string(),
                text: String::new(),
            }
        })
        .collect()
}

/// Where the law's name ends in a 设定依据 line (the whole line without a
/// title).
fn law_end(line: &str) -> usize {
    let mut depth = 0;
    let mut end = None;
    for (i, c) in line.char_indices() {
        match c {
            '《' => depth += 1,
            '》' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    end = Some(i + c.len_utf8());
                    break;
                }
            }
            _ => {}
        }
    }
    let Some(end) = end else {
        return line.len();
    };
    let rest = &line[end..];
    let close = match rest.chars().next() {
        Some('（') => '）',
        Some('(') => ')',
        _ => return end,
    };
    rest.find(close).map_or(end, |i| end + i + close.len_utf8())
}

pub fn legal_basis_text(b: &LegalBasis) -> String {
    format!("{}{}", b.law, b.article)
}

/// 办理地点 and 办理时间: one window a line, "窗口名称：地址"; a single
/// time line applies to every window.
pub fn windows(place: &str, hours: &str) -> Vec<Window> {
    let hours = lines(hours);
    lines(place)
        .into_iter()
        .enumerate()
        .map(|(n, l)| {
            let (name, address) = match l.split_once('：') {
                Some((n, a)) => (n.trim().to_string(), a.trim().to_string()),
                None => (l.clone(), l),
            };
            let hours = hours.get(n).or(hours.first()).cloned().unwrap_or_default();
            Window {
                name,
                address,
                hours,
            }
        })
        .collect()
}

/// The two cells of [`windows`], as the export writes them.
pub fn window_cells(w: &[Window]) -> (String, String) {
    let place: Vec<String> = w
        .iter()
        .map(|w| {
            if w.name == w.address {
                w.address.clone()
            } else {
                format!("{}：{}", w.name, w.address)
            }
        })
        .collect();
    let hours: Vec<&str> = w.iter().map(|w| w.hours.as_str()).collect();
    (place.join("\n"), hours.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_as_officers_type_them() {
        let w = |days| {
            Ok(Some(Limit {
                days,
                unit: DayUnit::Working,
            }))
        };
        assert_eq!(limit("20个工作日", DayUnit::Working), w(20));
        assert_eq!(limit("20", DayUnit::Working), w(20));
        assert_eq!(limit("２０ 个工作日内", DayUnit::Working), w(20));
        assert_eq!(limit("20 个工作日", DayUnit::Working), w(20));
        assert_eq!(
            limit("60天", DayUnit::Calendar),
            Ok(Some(Limit {
                days: 60,
                unit: DayUnit::Calendar
            }))
        );
        assert_eq!(limit("即办", DayUnit::Working), Ok(None));
        assert_eq!(limit("", DayUnit::Working), Ok(None));
        let err = limit("十五", DayUnit::Working).unwrap_err();
        assert!(err.starts_with("\"十五\" is not a number of days"), "{err}");
    }

    #[test]
    fn yes_no_counts_and_visits() {
        for y in ["是", "√", "Y", "有"] {
            assert_eq!(yes_no(y), Ok(true), "{y}");
        }
        for n in ["否", "×", "无", "不收费"] {
            assert_eq!(yes_no(n), Ok(false), "{n}");
        }
        assert!(yes_no("也许").is_err());
        assert_eq!(count("2份"), Ok(2));
        assert_eq!(count(""), Ok(0));
        assert_eq!(visits("1次"), Ok(1));
        assert_eq!(visits("最多跑一次"), Ok(1));
        assert!(visits("3").is_err());
    }

    #[test]
    fn enumerations_by_label_english_and_common_words() {
        assert_eq!(item_type("行政许可"), Ok(ItemType::Licence));
        assert_eq!(item_type("licence"), Ok(ItemType::Licence));
        assert_eq!(handling("即办"), Ok(Handling::Instant));
        assert_eq!(requirement("√"), Ok(Requirement::Required));
        assert_eq!(requirement("视情形提供"), Ok(Requirement::Conditional));
        assert_eq!(source("申请人自备"), Ok(Some(Source::Applicant)));
        assert_eq!(
            audience("自然人、法人"),
            Ok(vec![Audience::Individual, Audience::Business])
        );
        assert!(item_type("许可").unwrap_err().contains("行政许可"));
    }

    #[test]
    fn fees_basis_and_windows_read_back_what_the_export_writes() {
        let f = Fee {
            name: "工本费".into(),
            amount: 20.0,
            unit: "每证".into(),
            basis: String::new(),
        };
        let parsed = fees(&fee_text(&f)).unwrap();
        assert_eq!(
            (
                parsed[0].name.as_str(),
                parsed[0].amount,
                parsed[0].unit.as_str()
            ),
            ("工本费", 20.0, "每证")
        );
        assert!(fees("工本费二十元").is_err());
        let b = legal_basis("《中华人民共和国居民身份证法》第十一条\n《行政许可法》");
        assert_eq!(
            (b[0].law.as_str(), b[0].article.as_str()),
            ("《中华人民共和国居民身份证法》", "第十一条")
        );
        assert_eq!(b[1].article, "");
        // A 文号 belongs to the law; nested titles stay whole.
        let b = legal_basis(
            "《机动车驾驶证申领和使用规定》（公安部令第162号）第六十三条\n《关于印发《容缺受理办法》的通知》第三条",
        );
        assert_eq!(
            (b[0].law.as_str(), b[0].article.as_str()),
            (
                "《机动车驾驶证申领和使用规定》（公安部令第162号）",
                "第六十三条"
            )
        );
        assert_eq!(
            (b[1].law.as_str(), b[1].article.as_str()),
            ("《关于印发《容缺受理办法》的通知》", "第三条")
        );
        let w = windows("户政窗口：云溪大道 288 号\n云溪大道 1 号", "9:00–17:00");
        assert_eq!(w[0].name, "户政窗口");
        assert_eq!(w[1].name, w[1].address);
        assert_eq!(w[1].hours, "9:00–17:00");
        assert_eq!(
            window_cells(&w).0,
            "户政窗口：云溪大道 288 号\n云溪大道 1 号"
        );
    }
}
