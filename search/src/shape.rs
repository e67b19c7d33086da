//! What an item's name says beyond its words: which action it is (the
//! primary one, a variant, an enquiry) and how long it is.
//!
//! Real implementation lists split each licence into items (…新办, …变更,
//! …延续, …补办, …注销) and add enquiry items (…政策咨询, …查询, …投诉指引),
//! and they have names and nothing else. A query that names the licence
//! without an action wants the primary item; one that names the action
//! ("营业执照丢了") wants that variant; enquiries come after the service
//! unless asked for; of two names that both hold the query, the one with
//! less left over wins. Names carry no field norms (see
//! [`crate::schema`]), so the writer records each document's shape in a
//! small run-length table ([`Shapes`]) and orders documents by shape, which
//! keeps the table a few hundred runs long at any catalog size.

use portal_core::analyzer::{fold, is_han};

/// The variants a licence or registration has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    Change,
    Renew,
    Reissue,
    Cancel,
    Other,
}

const ACTIONS: [Action; 5] = [
    Action::Change,
    Action::Renew,
    Action::Reissue,
    Action::Cancel,
    Action::Other,
];

/// Words that make a name the primary item.
const PRIMARY: [&str; 10] = [
    "新办",
    "设立",
    "核发",
    "申领",
    "首次",
    "初次",
    "新申请",
    "开业",
    "颁发",
    "新设",
];

/// Official variant words in names, by action.
const VARIANTS: [(&str, Action); 33] = [
    ("变更", Action::Change),
    ("更正", Action::Change),
    ("延续", Action::Renew),
    ("换发", Action::Renew),
    ("换证", Action::Renew),
    ("换领", Action::Renew),
    ("延期", Action::Renew),
    ("续期", Action::Renew),
    ("补办", Action::Reissue),
    ("补领", Action::Reissue),
    ("补发", Action::Reissue),
    ("补证", Action::Reissue),
    ("补换", Action::Reissue),
    ("遗失", Action::Reissue),
    ("注销", Action::Cancel),
    ("歇业", Action::Cancel),
    ("撤销", Action::Cancel),
    ("终止", Action::Cancel),
    ("停业", Action::Cancel),
    ("增项", Action::Other),
    ("减项", Action::Other),
    ("复业", Action::Other),
    ("恢复营业", Action::Other),
    ("签注", Action::Other),
    ("挂失", Action::Other),
    ("解挂", Action::Other),
    // Periodic checks of what was granted.
    ("审验", Action::Other),
    ("校验", Action::Other),
    ("复审", Action::Other),
    ("年审", Action::Other),
    ("年检", Action::Other),
    ("转让", Action::Other),
    ("迁移", Action::Other),
];

/// Words of enquiry items (and of queries that ask for one).
const ENQUIRY: [&str; 5] = ["咨询", "查询", "投诉", "举报", "答疑"];

/// How people say an action in a query, besides the official words (no
/// character that other words hold too: 补 is in 补贴, 销 in 销售, 续 in
/// 手续).
const SAID: [(&str, Action); 18] = [
    ("丢", Action::Reissue),
    ("掉了", Action::Reissue),
    ("不见了", Action::Reissue),
    ("损坏", Action::Reissue),
    ("坏了", Action::Reissue),
    ("重办", Action::Reissue),
    ("过期", Action::Renew),
    ("到期", Action::Renew),
    ("续签", Action::Renew),
    ("续办", Action::Renew),
    ("换新", Action::Renew),
    ("改名", Action::Change),
    ("更名", Action::Change),
    ("不干", Action::Cancel),
    ("不做了", Action::Cancel),
    ("关店", Action::Cancel),
    ("关门", Action::Cancel),
    ("解押", Action::Cancel),
];

/// The actions a text names, one bit each (in [`ACTIONS`] order).
fn actions(text: &str, words: &[(&str, Action)]) -> u8 {
    let mut mask = 0;
    for (w, a) in words {
        if text.contains(w) {
            mask |= bit(*a);
        }
    }
    mask
}

fn bit(a: Action) -> u8 {
    1 << ACTIONS.iter().position(|x| *x == a).unwrap_or(4)
}

/// What a query asks about its subject.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Intent {
    /// Asks for the first application (新办, 设立…).
    pub primary: bool,
    /// The variants asked for ("注销", "丢了", "过期"), one bit each.
    pub actions: u8,
    /// Asks for consultation, an enquiry or a complaint.
    pub enquiry: bool,
    /// Characters typed: how much of a name the query can fill (the engine
    /// counts what pinyin spells too). None: no length is held against a
    /// name.
    pub chars: usize,
}

impl Intent {
    pub fn of(query: &str) -> Intent {
        let q = fold(query);
        Intent {
            primary: PRIMARY.iter().any(|w| q.contains(w)),
            actions: actions(&q, &VARIANTS) | actions(&q, &SAID),
            enquiry: ENQUIRY.iter().any(|w| q.contains(w)),
            chars: q.chars().filter(|c| is_han(*c)).count(),
        }
    }

    /// Whether the query asks for `a`.
    pub fn asks(&self, a: Action) -> bool {
        self.actions & bit(a) != 0
    }

    /// How much a document of `shape` keeps of its score for this query.
    pub fn factor(&self, shape: Shape) -> f32 {
        let variant = shape.actions() != 0 && !shape.primary() && !shape.enquiry();
        let role = if shape.enquiry() != self.enquiry {
            // An enquiry not asked for, or the service when one is.
            if self.enquiry {
                ASKED_OTHER_FACTOR
            } else {
                ENQUIRY_FACTOR
            }
        } else if self.actions != 0 && !self.primary {
            if shape.actions() & self.actions != 0 {
                1.0
            } else if variant {
                VARIANT_FACTOR
            } else {
                // "营业执照丢了": the reissue above the first application.
                ASKED_OTHER_FACTOR
            }
        } else if variant {
            VARIANT_FACTOR
        } else {
            1.0
        };
        if self.chars == 0 {
            return role;
        }
        let left_over = usize::from(shape.name_len()).saturating_sub(self.chars) as f32;
        role / (1.0 + LEFT_OVER * left_over)
    }
}

/// A variant the query does not ask for keeps this much of its score.
pub const VARIANT_FACTOR: f32 = 0.9;
/// An enquiry item, when the query asks for none.
pub const ENQUIRY_FACTOR: f32 = 0.8;
/// The primary item when the query asks for a variant, the service when it
/// asks for an enquiry.
pub const ASKED_OTHER_FACTOR: f32 = 0.95;
/// Each character a name has beyond the query costs this share.
pub const LEFT_OVER: f32 = 0.01;

/// What [`Shapes`] stores of a document, in one number: the name's length
/// (bits 0–5, in characters outside brackets, at most 63), whether it is
/// the primary item (bit 6) or an enquiry (bit 7), and the variant actions
/// it names (bits 8–12). A name that holds a primary word is the primary
/// item even if it lists variants too ("食品经营许可（新办、变更、延续）");
/// one that lists several variants ("居民身份证换领、补领") serves each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Shape(pub u16);

impl Shape {
    pub fn of(name: &str) -> Shape {
        let folded = fold(name);
        let primary = PRIMARY.iter().any(|w| folded.contains(w));
        let enquiry = ENQUIRY.iter().any(|w| folded.contains(w));
        let mask = actions(&folded, &VARIANTS);
        let len = core_len(&folded).min(63) as u16;
        Shape(len | u16::from(primary) << 6 | u16::from(enquiry) << 7 | u16::from(mask) << 8)
    }

    pub fn primary(self) -> bool {
        self.0 & (1 << 6) != 0
    }

    pub fn enquiry(self) -> bool {
        self.0 & (1 << 7) != 0
    }

    /// The variant actions the name holds, one bit each.
    pub fn actions(self) -> u8 {
        (self.0 >> 8) as u8 & 0x1F
    }

    pub fn names(self, a: Action) -> bool {
        self.actions() & bit(a) != 0
    }

    pub fn name_len(self) -> u8 {
        (self.0 & 63) as u8
    }

    /// A shape that changes no score (documents the table lacks).
    pub fn neutral() -> Shape {
        Shape(0)
    }

    /// The order documents are written in: shapes that change no score
    /// first, so runs stay few, then by length.
    pub fn order(self) -> (u16, u8) {
        (self.0 >> 6, self.name_len())
    }
}

/// Characters of a name outside brackets, which qualify rather than name
/// ("（新办、变更、延续）", "（个人）"); all of them if that leaves none.
fn core_len(name: &str) -> usize {
    let mut depth = 0usize;
    let mut n = 0;
    for c in name.chars() {
        match c {
            '(' | '（' | '〔' | '[' | '【' => depth += 1,
            ')' | '）' | '〕' | ']' | '】' => depth = depth.saturating_sub(1),
            c if depth == 0 && !c.is_whitespace() => n += 1,
            _ => {}
        }
    }
    if n == 0 { name.chars().count() } else { n }
}

/// Every document's shape, per segment, as runs `(first doc, shape)`.
/// Travels in the manifest as text ("0:70,12:71;0:64"): a few hundred runs
/// whatever the catalog's size, and no decoder of its own in the worker.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shapes(pub Vec<Vec<(u32, Shape)>>);

impl Shapes {
    /// The runs of `shapes`, one per document in doc-id order.
    pub fn segment(shapes: impl IntoIterator<Item = Shape>) -> Vec<(u32, Shape)> {
        let mut runs: Vec<(u32, Shape)> = Vec::new();
        for (doc, s) in shapes.into_iter().enumerate() {
            if runs.last().is_none_or(|(_, last)| *last != s) {
                runs.push((doc as u32, s));
            }
        }
        runs
    }

    pub fn encode(&self) -> String {
        let segment = |runs: &Vec<(u32, Shape)>| {
            let runs: Vec<String> = runs.iter().map(|(d, s)| format!("{d}:{}", s.0)).collect();
            runs.join(",")
        };
        self.0.iter().map(segment).collect::<Vec<_>>().join(";")
    }

    /// The table `text` encodes; empty (every shape neutral) if it is not one.
    pub fn decode(text: &str) -> Shapes {
        let run = |r: &str| {
            let (doc, shape) = r.split_once(':')?;
            Some((doc.parse().ok()?, Shape(shape.parse().ok()?)))
        };
        let segment = |s: &str| s.split(',').filter(|r| !r.is_empty()).map(run).collect();
        match text.split(';').map(segment).collect::<Option<Vec<_>>>() {
            Some(segments) if !text.is_empty() => Shapes(segments),
            _ => Shapes::default(),
        }
    }

    pub fn get(&self, segment: u32, doc: u32) -> Shape {
        let Some(runs) = self.0.get(segment as usize) else {
            return Shape::neutral();
        };
        match runs.partition_point(|(first, _)| *first <= doc) {
            0 => Shape::neutral(),
            i => runs[i - 1].1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_what_they_are() {
        let s = Shape::of;
        assert!(s("药品经营许可证核发").primary());
        assert!(s("个体工商户设立登记").primary());
        assert!(s("药品经营许可证注销").names(Action::Cancel));
        assert!(s("营业执照补办").names(Action::Reissue));
        assert!(s("排污许可证延续").names(Action::Renew));
        assert!(s("食品经营许可政策咨询").enquiry());
        assert!(s("社会保险缴费信息查询").enquiry());
        let merged = s("食品经营许可（新办、变更、延续）");
        assert!(merged.primary() && merged.names(Action::Change));
        assert_eq!(merged.name_len(), 6, "brackets qualify, they do not name");
        let plain = s("内地居民结婚登记");
        assert!(!plain.primary() && !plain.enquiry() && plain.actions() == 0);
        let both = s("居民身份证换领、补领");
        assert!(both.names(Action::Renew) && both.names(Action::Reissue));
        assert!(s("藥品經營許可證變更").names(Action::Change));
    }

    #[test]
    fn queries_say_what_they_ask() {
        let i = Intent::of("药品经营许可证");
        assert!(!i.primary && i.actions == 0 && !i.enquiry);
        assert_eq!(i.chars, 7);
        assert!(Intent::of("药品经营许可证 注销").asks(Action::Cancel));
        assert!(Intent::of("营业执照丢了").asks(Action::Reissue));
        assert!(Intent::of("驾照过期了").asks(Action::Renew));
        assert!(Intent::of("房贷还完了解押").asks(Action::Cancel));
        assert!(Intent::of("食品经营许可咨询").enquiry);
        assert!(Intent::of("新办食品经营许可").primary);
        // 补贴 and 手续 are no actions.
        assert_eq!(Intent::of("补贴申请手续").actions, 0);
    }

    #[test]
    fn variants_and_enquiries_yield_unless_asked_for() {
        let s = |name: &str| Shape::of(name);
        let plain = Intent::of("药品经营许可证");
        let (primary, cancel, enquiry) = (
            s("药品经营许可证核发"),
            s("药品经营许可证注销"),
            s("药品经营许可证咨询"),
        );
        assert!(plain.factor(primary) > plain.factor(cancel));
        assert!(plain.factor(primary) > plain.factor(enquiry));
        let asked = Intent::of("药品经营许可证注销");
        assert!(asked.factor(cancel) > asked.factor(primary));
        let asks = Intent::of("药品经营许可证咨询");
        assert!(asks.factor(enquiry) > asks.factor(primary));
    }

    #[test]
    fn less_left_over_wins() {
        let q = Intent::of("个体工商户设立");
        assert!(
            q.factor(Shape::of("个体工商户设立登记"))
                > q.factor(Shape::of("个体工商户分支机构设立登记"))
        );
    }

    #[test]
    fn a_name_that_serves_several_actions_serves_each() {
        let both = Shape::of("居民身份证换领、补领");
        let lost = Intent::of("身份证丢了");
        assert!(lost.factor(both) > lost.factor(Shape::of("居民身份证申领")));
        assert!(lost.factor(both) > lost.factor(Shape::of("居民身份证换领")));
    }

    #[test]
    fn shapes_round_trip_and_runs_look_up() {
        let s = Shape::of("营业执照补办");
        assert!(s.names(Action::Reissue) && !s.primary());
        assert_eq!(s.name_len(), 6);
        let (a, b) = (Shape::of("甲"), Shape::of("乙乙"));
        let shapes = Shapes(vec![Shapes::segment([a, a, b, b, a])]);
        assert_eq!(shapes.0[0].len(), 3);
        assert_eq!(
            (0..5).map(|d| shapes.get(0, d)).collect::<Vec<_>>(),
            [a, a, b, b, a]
        );
        assert_eq!(shapes.get(1, 0), Shape::neutral());
        let two = Shapes(vec![shapes.0[0].clone(), Shapes::segment([b])]);
        assert_eq!(Shapes::decode(&two.encode()), two);
        assert_eq!(Shapes::decode("x:1"), Shapes::default());
        assert_eq!(Shapes::decode(""), Shapes::default());
    }
}
