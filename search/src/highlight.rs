//! Marks the parts of a text that match a query, using the same analyzer
//! as the index, so highlights agree with what matched.

use portal_core::analyzer::{self, Part};
use serde::{Deserialize, Serialize};

/// A run of text, matched or not. Rendered as text, never as HTML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Piece {
    pub text: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hit: bool,
}

/// The query's terms as the analyzer folds them.
#[derive(Debug, Default, Clone)]
pub struct Terms {
    exact: Vec<String>,
    prefixes: Vec<String>,
}

impl Terms {
    pub fn new(parts: &[Part]) -> Terms {
        let mut t = Terms::default();
        for p in parts {
            match p {
                Part::Phrase(grams) => t.exact.extend(grams.iter().cloned()),
                Part::Char(c) => t.prefixes.push(c.clone()),
                Part::Word(w) => t.exact.push(w.clone()),
            }
        }
        t
    }

    /// Whether `token` matches whole (an exact term) or only its first
    /// character (a one-character query).
    fn matches(&self, token: &str) -> Option<bool> {
        if self.exact.iter().any(|e| e == token) {
            Some(true)
        } else if self.prefixes.iter().any(|p| token.starts_with(p.as_str())) {
            Some(false)
        } else {
            None
        }
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.prefixes.is_empty()
    }
}

/// Byte ranges of `text` that match, merged and sorted.
fn ranges(text: &str, terms: &Terms) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for t in analyzer::tokens(text) {
        let Some(whole) = terms.matches(&t.text) else {
            continue;
        };
        let from = t.from;
        let to = if whole {
            t.to
        } else {
            from + text[from..].chars().next().map_or(0, char::len_utf8)
        };
        match out.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => out.push((from, to)),
        }
    }
    out
}

/// `text` cut into pieces, matches marked.
pub fn pieces(text: &str, terms: &Terms) -> Vec<Piece> {
    split(text, &ranges(text, terms))
}

/// A window of about `width` characters around the first match (or the
/// start), cut into pieces. Empty if nothing matches.
pub fn excerpt(text: &str, terms: &Terms, width: usize) -> Vec<Piece> {
    let found = ranges(text, terms);
    let Some(&(first, _)) = found.first() else {
        return Vec::new();
    };
    // Start a little before the match, on a character boundary.
    let lead = text[..first]
        .chars()
        .rev()
        .take(width / 4)
        .map(char::len_utf8)
        .sum::<usize>();
    let start = first - lead;
    let end = start
        + text[start..]
            .chars()
            .take(width)
            .map(char::len_utf8)
            .sum::<usize>();
    let window: Vec<(usize, usize)> = found
        .iter()
        .filter(|(f, t)| *f >= start && *t <= end)
        .map(|(f, t)| (f - start, t - start))
        .collect();
    let mut out = split(&text[start..end], &window);
    if start > 0 {
        out.insert(
            0,
            Piece {
                text: "…".into(),
                hit: false,
            },
        );
    }
    if end < text.len() {
        out.push(Piece {
            text: "…".into(),
            hit: false,
        });
    }
    out
}

fn split(text: &str, ranges: &[(usize, usize)]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut at = 0;
    for &(from, to) in ranges {
        if from > at {
            out.push(Piece {
                text: text[at..from].to_string(),
                hit: false,
            });
        }
        out.push(Piece {
            text: text[from..to].to_string(),
            hit: true,
        });
        at = to;
    }
    if at < text.len() {
        out.push(Piece {
            text: text[at..].to_string(),
            hit: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(p: &[Piece]) -> String {
        p.iter()
            .map(|p| {
                if p.hit {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn marks_matches_in_the_original_script() {
        let t = Terms::new(&analyzer::query_parts("身份证"));
        assert_eq!(marked(&pieces("居民身份證換領", &t)), "居民[身份證]換領");
    }

    #[test]
    fn excerpt_centres_on_the_first_match() {
        let t = Terms::new(&analyzer::query_parts("户口簿"));
        let text = format!("{}需要提交户口簿原件{}", "甲".repeat(100), "乙".repeat(100));
        let m = marked(&excerpt(&text, &t, 30));
        assert!(m.starts_with('…') && m.ends_with('…'), "{m}");
        assert!(m.contains("[户口簿]"), "{m}");
    }

    #[test]
    fn nothing_marked_without_a_match() {
        let t = Terms::new(&analyzer::query_parts("护照"));
        assert!(excerpt("身份证", &t, 30).is_empty());
        assert_eq!(
            pieces("身份证", &t),
            vec![Piece {
                text: "身份证".into(),
                hit: false
            }]
        );
    }
}
