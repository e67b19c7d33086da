//! `portal demo`: a deterministic synthetic catalog of any size, shaped like
//! a province's implementation lists (one set of departments per county),
//! for scale tests and benchmarks. The same seed always gives the same files.

use anyhow::{Context, Result, bail};
use chrono::{Duration, NaiveDate};
use portal_core::model::*;
use rayon::prelude::*;
use std::path::Path;

/// Items per county: a real district lists 500–1,500.
const ITEMS_PER_COUNTY: usize = 1000;

/// splitmix64: tiny, fast and stable forever, so demo catalogs never change.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A department kind: id, name suffix, code, what it handles, the
/// documents its items ask for and the law it applies.
struct Kind {
    id: &'static str,
    name: &'static str,
    code: &'static str,
    objects: &'static [&'static str],
    actions: &'static [&'static str],
    materials: &'static [&'static str],
    law: &'static str,
    audience: Audience,
    theme: &'static str,
}

const KINDS: &[Kind] = &[
    Kind {
        id: "public-security",
        name: "公安局",
        code: "GA",
        objects: &[
            "居民身份证",
            "户口",
            "居住证",
            "临时居民身份证",
            "往来港澳通行证",
            "普通护照",
            "无犯罪记录证明",
            "户口簿",
            "姓名变更",
            "民族成分",
        ],
        actions: &[
            "申领",
            "补领",
            "换领",
            "变更登记",
            "注销",
            "迁入",
            "迁出",
            "签发",
            "核发",
            "更正",
        ],
        materials: &[
            "居民户口簿",
            "居民身份证",
            "近期免冠证件照片",
            "户籍证明",
            "结婚证",
            "出生医学证明",
        ],
        law: "《中华人民共和国居民身份证法》",
        audience: Audience::Individual,
        theme: "household",
    },
    Kind {
        id: "traffic-police",
        name: "公安局交通警察大队",
        code: "JJ",
        objects: &[
            "机动车驾驶证",
            "机动车登记证书",
            "机动车号牌",
            "机动车行驶证",
            "校车驾驶资格",
            "临时通行牌证",
            "非机动车号牌",
        ],
        actions: &[
            "补领",
            "换领",
            "注册登记",
            "转移登记",
            "变更登记",
            "抵押登记",
            "注销登记",
            "核发",
        ],
        materials: &[
            "机动车驾驶人身体条件证明",
            "机动车登记证书",
            "机动车交通事故责任强制保险凭证",
            "机动车来历证明",
            "车辆购置税完税证明",
        ],
        law: "《中华人民共和国道路交通安全法》",
        audience: Audience::Individual,
        theme: "transport-life",
    },
    Kind {
        id: "civil-affairs",
        name: "民政局",
        code: "MZ",
        objects: &[
            "结婚登记",
            "离婚登记",
            "收养登记",
            "最低生活保障",
            "特困人员救助供养",
            "临时救助",
            "高龄津贴",
            "社会团体",
            "民办非企业单位",
            "地名命名",
        ],
        actions: &[
            "办理",
            "补领",
            "审核确认",
            "给付",
            "成立登记",
            "变更登记",
            "注销登记",
            "年度检查",
        ],
        materials: &[
            "居民户口簿",
            "居民身份证",
            "本人无配偶以及与对方当事人没有直系血亲和三代以内旁系血亲关系的签字声明",
            "家庭收入情况说明",
            "章程草案",
        ],
        law: "《社会救助暂行办法》",
        audience: Audience::Individual,
        theme: "social-assistance",
    },
    Kind {
        id: "human-resources",
        name: "人力资源和社会保障局",
        code: "RS",
        objects: &[
            "社会保障卡",
            "失业保险金",
            "基本养老保险",
            "工伤认定",
            "就业困难人员",
            "创业担保贷款",
            "职业技能等级",
            "劳务派遣经营",
            "人力资源服务",
        ],
        actions: &[
            "申领",
            "补换",
            "参保登记",
            "待遇申领",
            "认定",
            "关系转移",
            "许可",
            "备案",
            "补贴申领",
        ],
        materials: &[
            "居民身份证",
            "劳动合同",
            "解除或终止劳动关系证明",
            "社会保险参保证明",
            "银行账户信息",
        ],
        law: "《中华人民共和国社会保险法》",
        audience: Audience::Individual,
        theme: "social-insurance",
    },
    Kind {
        id: "medical-security",
        name: "医疗保障局",
        code: "YB",
        objects: &[
            "城乡居民基本医疗保险",
            "职工基本医疗保险",
            "异地就医",
            "门诊慢特病",
            "医疗救助",
            "生育保险待遇",
            "医保关系",
        ],
        actions: &[
            "参保登记",
            "备案",
            "待遇认定",
            "费用报销",
            "转移接续",
            "变更登记",
            "申领",
        ],
        materials: &[
            "居民身份证",
            "医疗保障卡",
            "住院费用发票",
            "出院记录",
            "疾病诊断证明书",
        ],
        law: "《医疗保障基金使用监督管理条例》",
        audience: Audience::Individual,
        theme: "medical",
    },
    Kind {
        id: "market-regulation",
        name: "市场监督管理局",
        code: "SJ",
        objects: &[
            "个体工商户",
            "有限责任公司",
            "农民专业合作社",
            "食品经营许可",
            "食品小作坊",
            "特种设备使用",
            "计量器具",
            "广告发布",
            "药品零售",
        ],
        actions: &[
            "设立登记",
            "变更登记",
            "注销登记",
            "备案",
            "许可",
            "延续",
            "补发",
            "登记",
        ],
        materials: &[
            "营业执照",
            "法定代表人身份证明",
            "公司章程",
            "住所使用证明",
            "从业人员健康证明",
            "经营场所平面图",
        ],
        law: "《中华人民共和国市场主体登记管理条例》",
        audience: Audience::Business,
        theme: "start-business",
    },
    Kind {
        id: "tax",
        name: "税务局",
        code: "SW",
        objects: &[
            "发票",
            "增值税一般纳税人",
            "税务登记",
            "跨区域涉税事项",
            "出口退税",
            "税收优惠",
            "个人所得税",
        ],
        actions: &[
            "领用", "登记", "变更", "注销", "报告", "备案", "代开", "申报",
        ],
        materials: &[
            "营业执照",
            "经办人身份证件",
            "税务登记表",
            "银行开户许可证明",
            "发票专用章印模",
        ],
        law: "《中华人民共和国税收征收管理法》",
        audience: Audience::Business,
        theme: "tax-business",
    },
    Kind {
        id: "housing",
        name: "住房和城乡建设局",
        code: "ZJ",
        objects: &[
            "建筑工程施工许可证",
            "商品房预售许可",
            "建设工程竣工验收",
            "建筑业企业资质",
            "物业服务",
            "公共租赁住房",
            "房屋租赁",
        ],
        actions: &["核发", "变更", "延期", "备案", "申请", "登记", "审批"],
        materials: &[
            "建设工程规划许可证",
            "施工合同",
            "监理合同",
            "建设资金落实证明",
            "施工图审查合格书",
        ],
        law: "《中华人民共和国建筑法》",
        audience: Audience::Business,
        theme: "construction",
    },
    Kind {
        id: "natural-resources",
        name: "自然资源和规划局",
        code: "ZR",
        objects: &[
            "不动产首次登记",
            "不动产转移登记",
            "不动产抵押登记",
            "建设工程规划许可证",
            "建设用地规划许可证",
            "乡村建设规划许可证",
            "临时用地",
        ],
        actions: &["办理", "核发", "变更", "注销", "审批", "更正"],
        materials: &[
            "不动产权属证书",
            "不动产买卖合同",
            "完税凭证",
            "不动产登记申请书",
            "土地使用权出让合同",
        ],
        law: "《不动产登记暂行条例》",
        audience: Audience::Individual,
        theme: "housing-life",
    },
    Kind {
        id: "health",
        name: "卫生健康局",
        code: "WJ",
        objects: &[
            "医疗机构执业",
            "医师执业",
            "护士执业",
            "公共场所卫生许可",
            "出生医学证明",
            "生育登记",
            "放射诊疗",
        ],
        actions: &["登记", "注册", "变更", "许可", "签发", "补发", "校验"],
        materials: &[
            "医师资格证书",
            "健康体检证明",
            "执业机构聘用证明",
            "卫生管理制度",
            "场所平面布局图",
        ],
        law: "《医疗机构管理条例》",
        audience: Audience::Business,
        theme: "birth",
    },
    Kind {
        id: "education",
        name: "教育局",
        code: "JY",
        objects: &[
            "义务教育入学",
            "转学",
            "教师资格",
            "民办学校",
            "校外培训机构",
            "学生资助",
            "学籍",
        ],
        actions: &["申请", "认定", "设立审批", "变更", "终止", "办理", "证明"],
        materials: &[
            "居民户口簿",
            "房屋产权证明",
            "学生学籍信息",
            "教师资格考试合格证明",
            "办学章程",
        ],
        law: "《中华人民共和国义务教育法》",
        audience: Audience::Individual,
        theme: "schooling",
    },
    Kind {
        id: "transport",
        name: "交通运输局",
        code: "JT",
        objects: &[
            "道路货物运输经营",
            "道路旅客运输经营",
            "出租汽车经营",
            "机动车维修经营",
            "公路超限运输",
            "占用挖掘公路",
            "驾驶员从业资格",
        ],
        actions: &["许可", "备案", "变更", "延续", "注销", "审批", "核发"],
        materials: &[
            "营业执照",
            "车辆行驶证",
            "驾驶员从业资格证",
            "安全生产管理制度文本",
            "停车场地证明",
        ],
        law: "《中华人民共和国道路运输条例》",
        audience: Audience::Business,
        theme: "transport-business",
    },
    Kind {
        id: "ecology",
        name: "生态环境局",
        code: "HB",
        objects: &[
            "建设项目环境影响报告表",
            "排污许可",
            "危险废物经营",
            "辐射安全许可",
            "固体废物转移",
        ],
        actions: &["审批", "核发", "变更", "延续", "备案"],
        materials: &[
            "环境影响报告表",
            "营业执照",
            "项目备案文件",
            "污染防治设施说明",
            "环境监测报告",
        ],
        law: "《中华人民共和国环境影响评价法》",
        audience: Audience::Business,
        theme: "environment-safety",
    },
    Kind {
        id: "emergency",
        name: "应急管理局",
        code: "YJ",
        objects: &[
            "危险化学品经营许可",
            "烟花爆竹经营（零售）许可",
            "非药品类易制毒化学品",
            "生产安全事故应急预案",
            "安全生产标准化",
        ],
        actions: &["核发", "延期", "变更", "备案", "审查"],
        materials: &[
            "营业执照",
            "安全管理制度",
            "主要负责人安全培训合格证明",
            "经营场所产权证明",
            "应急预案文本",
        ],
        law: "《危险化学品安全管理条例》",
        audience: Audience::Business,
        theme: "environment-safety",
    },
    Kind {
        id: "culture-tourism",
        name: "文化和旅游局",
        code: "WL",
        objects: &[
            "娱乐场所经营",
            "互联网上网服务营业场所",
            "营业性演出",
            "旅行社",
            "高危险性体育项目",
            "出版物零售",
        ],
        actions: &["许可", "变更", "延续", "注销", "备案", "审批"],
        materials: &[
            "营业执照",
            "场所产权或租赁证明",
            "消防安全检查合格证明",
            "法定代表人身份证明",
            "安全保障制度",
        ],
        law: "《娱乐场所管理条例》",
        audience: Audience::Business,
        theme: "culture-business",
    },
    Kind {
        id: "tobacco",
        name: "烟草专卖局",
        code: "YC",
        objects: &["烟草专卖零售许可证"],
        actions: &["新办", "延续", "变更", "停业", "歇业", "恢复营业", "补办"],
        materials: &[
            "营业执照",
            "经营者身份证明",
            "经营场所产权或租赁证明",
            "烟草专卖零售许可证申请表",
        ],
        law: "《中华人民共和国烟草专卖法实施条例》",
        audience: Audience::Business,
        theme: "retail",
    },
    Kind {
        id: "disabled-persons",
        name: "残疾人联合会",
        code: "CL",
        objects: &[
            "残疾人证",
            "困难残疾人生活补贴",
            "重度残疾人护理补贴",
            "残疾儿童康复救助",
            "残疾人辅助器具",
        ],
        actions: &["核发", "换领", "迁移", "申领", "补贴申请"],
        materials: &["居民户口簿", "居民身份证", "残疾评定表", "近期免冠证件照片"],
        law: "《中华人民共和国残疾人保障法》",
        audience: Audience::Individual,
        theme: "disability",
    },
    Kind {
        id: "housing-fund",
        name: "住房公积金管理分中心",
        code: "GJ",
        objects: &["住房公积金", "住房公积金个人住房贷款", "住房公积金缴存"],
        actions: &[
            "提取",
            "缴存登记",
            "转移接续",
            "贷款申请",
            "变更登记",
            "补缴",
        ],
        materials: &[
            "居民身份证",
            "购房合同",
            "银行卡",
            "住房租赁合同",
            "婚姻状况证明",
        ],
        law: "《住房公积金管理条例》",
        audience: Audience::Individual,
        theme: "housing-life",
    },
    Kind {
        id: "agriculture",
        name: "农业农村局",
        code: "NY",
        objects: &[
            "农药经营许可",
            "兽药经营许可",
            "动物防疫条件合格证",
            "农村宅基地",
            "渔业捕捞许可",
            "种子生产经营许可",
        ],
        actions: &["核发", "变更", "延续", "审批", "注销"],
        materials: &[
            "营业执照",
            "经营场所证明",
            "技术人员资格证明",
            "农村宅基地使用申请书",
            "村民委员会意见",
        ],
        law: "《农药管理条例》",
        audience: Audience::Business,
        theme: "agriculture-business",
    },
];

const COUNTIES: &[&str] = &[
    "云溪区",
    "临江区",
    "东湖区",
    "西陵区",
    "南浦区",
    "北塘区",
    "青山县",
    "白水县",
    "枫林县",
    "石门县",
    "桃源县",
    "松阳县",
    "梅岭县",
    "柳溪县",
    "凤鸣县",
    "龙泉县",
    "安宁县",
    "永和县",
    "长乐县",
    "新丰县",
];

const QUALIFIERS: &[&str] = &[
    "",
    "",
    "",
    "（个人）",
    "（企业）",
    "（首次申请）",
    "（延续）",
    "（跨区域）",
    "（告知承诺制）",
];

/// Writes a synthetic content folder of `items` items into `out`.
pub fn write(out: &Path, items: usize, seed: u64) -> Result<()> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        bail!(
            "{} is not empty: choose a new folder so nothing is overwritten",
            out.display()
        );
    }
    let counties = items.div_ceil(ITEMS_PER_COUNTY).max(1);
    let departments = departments(counties);
    write_file(out, "site.toml", &toml::to_string(&site())?)?;
    write_file(
        out,
        "departments.toml",
        &toml::to_string(&DepartmentsFile {
            department: departments,
        })?,
    )?;
    write_file(
        out,
        "themes.toml",
        &toml::to_string(&ThemesFile { theme: themes() })?,
    )?;
    write_file(
        out,
        "calendar/2025.toml",
        include_str!("../../content/calendar/2025.toml"),
    )?;
    write_file(
        out,
        "calendar/2026.toml",
        include_str!("../../content/calendar/2026.toml"),
    )?;
    write_file(
        out,
        "files/forms/application.txt",
        "申请表（通用）\n申请人：\n联系电话：\n申请事项：\n签名：\n日期：\n",
    )?;
    let bar = crate::console::progress(items as u64, "items");
    (0..items).into_par_iter().try_for_each(|n| {
        let (path, item) = item(n, seed);
        bar.inc(1);
        write_file(out, &path, &toml::to_string(&item)?)
    })?;
    bar.finish_and_clear();
    for n in 0..if items == 0 { 0 } else { 10 } {
        write_file(out, &format!("guides/guide-{n}.md"), &guide(n, items, seed))?;
    }
    for n in 0..20 {
        write_file(
            out,
            &format!("disclosures/normative/doc-{n}.md"),
            &disclosure(n),
        )?;
    }
    eprintln!(
        "Wrote {items} items in {counties} counties to {}.",
        out.display()
    );
    Ok(())
}

fn write_file(root: &Path, rel: &str, text: &str) -> Result<()> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn site() -> Site {
    Site {
        name: "临江省政务服务网（演示）".into(),
        region: "临江省".into(),
        region_code: "330000".into(),
        base_url: "https://zwfw.demo.example.gov.cn/".into(),
        languages: vec!["zh-CN".into()],
        description: "由 portal demo 生成的演示目录。".into(),
        contact: Contact {
            address: "临江市云溪大道 288 号".into(),
            phone: "0571-8650 1234".into(),
            complaint_phone: "12345".into(),
            hours: "周一至周五 9:00–17:00".into(),
            email: String::new(),
        },
        disclosure_categories: vec![Category {
            id: "normative".into(),
            name: "规范性文件".into(),
            description: String::new(),
        }],
    }
}

fn county_code(county: usize) -> String {
    format!("33{:04}", 101 + county)
}

fn department_id(kind: &Kind, county: usize) -> String {
    format!("{}-{}", kind.id, county + 1)
}

fn county_name(county: usize) -> String {
    let base = COUNTIES[county % COUNTIES.len()];
    match county / COUNTIES.len() {
        0 => base.to_string(),
        round => format!(
            "{}{}",
            base.trim_end_matches(['区', '县']),
            ["", "", "新区", "开发区", "高新区"][round.min(4)]
        ),
    }
}

fn departments(counties: usize) -> Vec<Department> {
    (0..counties)
        .flat_map(|c| {
            KINDS.iter().enumerate().map(move |(k, kind)| Department {
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
        })
        .collect()
}

fn themes() -> Vec<Theme> {
    let mut seen = std::collections::BTreeSet::new();
    KINDS
        .iter()
        .filter(|k| seen.insert(k.theme))
        .map(|k| Theme {
            id: k.theme.into(),
            name: format!("{}服务", k.objects[0]),
            audience: k.audience,
            description: String::new(),
        })
        .collect()
}

/// The n-th item: its file path and content.
fn item(n: usize, seed: u64) -> (String, Item) {
    let mut rng = Rng::new(seed ^ (n as u64).wrapping_mul(0x2545F4914F6CDD1D));
    let county = n / ITEMS_PER_COUNTY;
    let kind = &KINDS[n % KINDS.len()];
    let object = rng.pick(kind.objects);
    let action = rng.pick(kind.actions);
    let qualifier = rng.pick(QUALIFIERS);
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
        themes: vec![kind.theme.into()],
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
        steps: ["申请", "受理", "审查", "决定", "送达"]
            .iter()
            .map(|s| Step {
                name: (*s).into(),
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
            law: kind.law.into(),
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

fn guide(n: usize, items: usize, seed: u64) -> String {
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

fn disclosure(n: usize) -> String {
    format!(
        "+++\ntitle = \"关于规范政务服务事项办理的通知（{n}）\"\nnumber = \"临政办发〔2025〕{}号\"\nagency = \"临江省人民政府办公厅\"\nwritten = 2025-03-{:02}\npublished = 2025-04-{:02}\ncategory = \"normative\"\nvalidity = \"in_force\"\n+++\n各县（区）人民政府，省政府各部门：\n\n现就规范政务服务事项办理有关事项通知如下。\n",
        n + 1,
        1 + n,
        1 + n
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_item() {
        assert_eq!(
            toml::to_string(&item(42, 1).1).unwrap(),
            toml::to_string(&item(42, 1).1).unwrap()
        );
        assert_ne!(
            item(42, 1).1.name + &item(43, 1).1.name,
            item(42, 2).1.name + &item(43, 2).1.name
        );
    }
}
