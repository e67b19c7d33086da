//! The search analyzer: how text becomes index terms, identical when the
//! build writes the index and when the browser reads a query.
//!
//! * Each character is folded on its own — NFKC (full-width → half-width),
//!   lower case, Traditional → Simplified, common variants (帐 → 账) — so
//!   token offsets still point into the original text (for highlighting).
//! * Chinese runs become overlapping bigrams at consecutive positions, plus
//!   the run's last character alone, so every character starts some term
//!   (a one-character query becomes a prefix lookup) and a query of several
//!   bigrams is a phrase: "段简" finds "手段简便".
//! * Letters and digits form words.
//!
//! Nothing here needs a dictionary: pinyin and word segmentation happen at
//! build time only, into extra fields.

include!(concat!(env!("OUT_DIR"), "/nfkc.rs"));

/// Queries longer than this many characters are cut: nobody types more into
/// a search box, and a pasted essay should not cost seconds.
pub const MAX_QUERY_CHARS: usize = 64;

/// One index term with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    /// Byte offsets into the original text.
    pub from: usize,
    pub to: usize,
    pub position: usize,
}

/// One part of a query, as the searcher combines them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Consecutive bigrams of a Chinese run (two or more characters).
    Phrase(Vec<String>),
    /// A single Chinese character: matched as a term prefix.
    Char(String),
    /// Letters and digits: a word, or a pinyin spelling.
    Word(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Han,
    Word,
    Gap,
}

/// A folded character with the byte range of the original it came from.
#[derive(Debug, Clone, Copy)]
struct Folded {
    ch: char,
    from: usize,
    to: usize,
}

/// Folds one character the way the index does: NFKC, lower case,
/// Traditional → Simplified, variants. May give zero or several characters
/// (NFKC expands "㈱" to "(株)").
pub fn fold_char(c: char, out: &mut impl FnMut(char)) {
    if c.is_ascii() {
        out(c.to_ascii_lowercase());
        return;
    }
    let mut buf = [0u8; 4];
    for n in nfkc(c).unwrap_or_else(|| c.encode_utf8(&mut buf)).chars() {
        for l in n.to_lowercase() {
            out(simplify(l));
        }
    }
}

/// The NFKC form of `c`, if it differs (from the table `build.rs` writes).
fn nfkc(c: char) -> Option<&'static str> {
    let i = NFKC_FROM.binary_search(&(c as u32)).ok()?;
    let start = if i == 0 { 0 } else { NFKC_ENDS[i - 1] };
    Some(&NFKC_TO[usize::from(start)..usize::from(NFKC_ENDS[i])])
}

/// The folded form of a whole string (what the index "sees").
pub fn fold(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut |f| s.push(f));
    }
    s
}

/// Traditional → Simplified for one character, then the variant table.
fn simplify(c: char) -> char {
    if !is_han(c) {
        return c;
    }
    let mut buf = [0u8; 4];
    let simple = fast2s::convert(c.encode_utf8(&mut buf));
    let mut chars = simple.chars();
    let s = match (chars.next(), chars.next()) {
        (Some(s), None) => s,
        _ => c,
    };
    variant(s)
}

/// Variant characters people use interchangeably with the standard form,
/// which Traditional → Simplified tables leave alone.
fn variant(c: char) -> char {
    match c {
        '帐' => '账',
        '併' | '並' => '并',
        '佔' => '占',
        '週' => '周',
        '証' => '证',
        '囯' => '国',
        '鉄' => '铁',
        _ => c,
    }
}

/// Han ideographs (the unified blocks and compatibility ideographs).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F | 0x3007)
}

fn class(c: char) -> Class {
    if is_han(c) {
        Class::Han
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Gap
    }
}

/// Folds `text` into runs of one class, dropping gaps.
fn runs(text: &str) -> Vec<(Class, Vec<Folded>)> {
    let mut runs: Vec<(Class, Vec<Folded>)> = Vec::new();
    for (from, c) in text.char_indices() {
        let to = from + c.len_utf8();
        fold_char(c, &mut |ch| {
            let k = class(ch);
            match runs.last_mut() {
                Some((last, run)) if *last == k && k != Class::Gap => {
                    run.push(Folded { ch, from, to })
                }
                _ => runs.push((k, vec![Folded { ch, from, to }])),
            }
        });
    }
    runs.retain(|(k, _)| *k != Class::Gap);
    runs
}

/// The index terms of `text`, with byte offsets and positions.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut position = 0;
    for (class, run) in runs(text) {
        match class {
            Class::Han => {
                for pair in run.windows(2) {
                    out.push(Token {
                        text: [pair[0].ch, pair[1].ch].iter().collect(),
                        from: pair[0].from,
                        to: pair[1].to,
                        position,
                    });
                    position += 1;
                }
                let last = run[run.len() - 1];
                out.push(Token {
                    text: last.ch.to_string(),
                    from: last.from,
                    to: last.to,
                    position,
                });
            }
            Class::Word => out.push(Token {
                text: run.iter().map(|f| f.ch).collect(),
                from: run[0].from,
                to: run[run.len() - 1].to,
                position,
            }),
            Class::Gap => unreachable!("gaps are dropped"),
        }
        // A gap between runs, so phrases never span punctuation.
        position += 2;
    }
    out
}

/// Splits a query into the parts the searcher combines. Long queries are
/// cut to [`MAX_QUERY_CHARS`].
pub fn query_parts(query: &str) -> Vec<Part> {
    let cut: String = query.chars().take(MAX_QUERY_CHARS).collect();
    let mut parts = Vec::new();
    let mut fillers_only = true;
    for (class, run) in runs(&cut) {
        let chars: Vec<char> = run.iter().map(|f| f.ch).collect();
        if class != Class::Han {
            parts.push(Part::Word(chars.into_iter().collect()));
            fillers_only = false;
            continue;
        }
        for piece in without_fillers(&chars) {
            parts.push(han_part(piece));
            fillers_only = false;
        }
    }
    if fillers_only {
        // "怎么办" alone: search for what was typed after all.
        return runs(&cut)
            .into_iter()
            .map(|(_, run)| han_part(&run.iter().map(|f| f.ch).collect::<Vec<_>>()))
            .collect();
    }
    parts
}

fn han_part(chars: &[char]) -> Part {
    match chars {
        [c] => Part::Char(c.to_string()),
        _ => Part::Phrase(
            chars
                .windows(2)
                .map(|w| w.iter().collect::<String>())
                .collect(),
        ),
    }
}

/// Words of a question, not of what it asks about: "我想开饭店需要办什么"
/// asks about 开饭店. Left in, they match every colloquial alias phrased
/// as a question ("卖兽药要办什么证"). Longest first.
const FILLERS: [&str; 18] = [
    "要办什么",
    "需要什么",
    "要带什么",
    "怎么办",
    "办什么",
    "要什么",
    "带什么",
    "我想",
    "我要",
    "想要",
    "请问",
    "如何",
    "怎么",
    "怎样",
    "什么",
    "哪些",
    "哪里",
    "需要",
];

/// The pieces of a Chinese run between question words.
fn without_fillers(chars: &[char]) -> Vec<&[char]> {
    let mut pieces = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < chars.len() {
        let starts_with = |f: &&&str| {
            let mut rest = chars[i..].iter();
            f.chars().all(|c| rest.next() == Some(&c))
        };
        match FILLERS.iter().find(starts_with) {
            Some(f) => {
                let n = f.chars().count();
                if start < i {
                    pieces.push(&chars[start..i]);
                }
                i += n;
                start = i;
            }
            None => i += 1,
        }
    }
    if start < chars.len() {
        pieces.push(&chars[start..]);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nfkc_table_is_nfkc_of_every_character() {
        use unicode_normalization::UnicodeNormalization;
        let mut changed = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let expected: String = std::iter::once(c).nfkc().collect();
            let got = nfkc(c).map_or(c.to_string(), str::to_string);
            assert_eq!(got, expected, "NFKC of U+{:04X}", c as u32);
            changed += usize::from(expected != c.to_string());
        }
        // The table is not empty by mistake: full-width forms, ㈱, ℡…
        assert!(changed > 4000, "{changed}");
        assert_eq!(nfkc('Ａ'), Some("A"));
        assert_eq!(nfkc('㈱'), Some("(株)"));
    }

    #[test]
    fn question_words_are_not_searched_for() {
        assert_eq!(query_parts("我想开饭店需要办什么"), query_parts("开饭店"));
        assert_eq!(
            query_parts("营业执照丢了怎么办"),
            query_parts("营业执照丢了")
        );
        // Split where the question word was: no bigram across it.
        assert_eq!(
            query_parts("开饭店需要营业执照"),
            [query_parts("开饭店"), query_parts("营业执照")].concat()
        );
        // Nothing but question words: searched as typed.
        assert_eq!(
            query_parts("怎么办"),
            vec![Part::Phrase(vec!["怎么".into(), "么办".into()])]
        );
    }

    fn texts(s: &str) -> Vec<(String, usize)> {
        tokens(s)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    }

    #[test]
    fn bigrams_have_consecutive_positions_and_a_final_single() {
        assert_eq!(
            texts("身份证"),
            vec![("身份".into(), 0), ("份证".into(), 1), ("证".into(), 2)]
        );
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "補辦身份證";
        for t in tokens(text) {
            assert_eq!(fold(&text[t.from..t.to]), t.text);
        }
    }

    #[test]
    fn full_width_and_case_fold() {
        assert_eq!(fold("ＳＦＺ１２３"), "sfz123");
        assert_eq!(texts("ＹＹＺＺ"), vec![("yyzz".into(), 0)]);
    }

    #[test]
    fn traditional_and_variants_fold_to_simplified() {
        assert_eq!(fold("營業執照"), "营业执照");
        assert_eq!(fold("身份證"), "身份证");
        assert_eq!(fold("帐户"), fold("账户"));
    }

    #[test]
    fn punctuation_separates_runs() {
        let t = texts("户口，迁移");
        assert!(!t.iter().any(|(s, _)| s == "口迁"));
        assert_eq!(t[2].0, "迁移");
        assert!(t[2].1 > t[1].1 + 1, "a gap keeps phrases apart");
    }

    #[test]
    fn mixed_scripts_split_into_words_and_bigrams() {
        assert_eq!(
            query_parts("12345热线 app"),
            vec![
                Part::Word("12345".into()),
                Part::Phrase(vec!["热线".into()]),
                Part::Word("app".into())
            ]
        );
    }

    #[test]
    fn query_parts_cover_single_characters_and_phrases() {
        assert_eq!(query_parts("证"), vec![Part::Char("证".into())]);
        assert_eq!(
            query_parts("營業執照"),
            vec![Part::Phrase(vec![
                "营业".into(),
                "业执".into(),
                "执照".into()
            ])]
        );
        assert!(query_parts("  ,，。").is_empty());
    }

    #[test]
    fn long_queries_are_cut() {
        let q = "办".repeat(10_000);
        match &query_parts(&q)[0] {
            Part::Phrase(p) => assert_eq!(p.len(), MAX_QUERY_CHARS - 1),
            other => panic!("{other:?}"),
        }
    }
}
