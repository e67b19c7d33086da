//! Finding and ordering: the query's matches by score, then by what the
//! names say (see [`crate::shape`]), relaxed step by step so a page is
//! never empty when some name shares anything with the query.
//!
//! 1. The query as built (`query`): every part in every field, phrases and
//!    whole words weighing most, so items holding the whole phrase rank
//!    first, then those holding all its bigrams, then most of them.
//! 2. When no item holds most of the query's bigrams, the hits are only
//!    close: the response says [`RELAXED`](super::RELAXED).
//! 3. When nothing matches at all, the query's characters alone, in names.
//!
//! The first [`WINDOW`] matches beyond the page are ordered again with
//! the shapes: variants and enquiries the query does not ask for yield,
//! and of two names the one with less left over wins.

use super::Engine;
use super::facets::facet_collector;
use super::wire::{MAX_LIMIT, Request};
use crate::shape::Intent;
use portal_core::analyzer::{self, Part};
use tantivy::collector::{Count, FacetCounts, TopDocs};
use tantivy::query::BooleanQuery;
use tantivy::{DocAddress, Searcher};

/// Matches beyond the page's last that are ordered again.
pub(super) const WINDOW: usize = 50;
/// Below this share of the query's bigrams in any one item, the hits are
/// only close.
const MOST: f32 = 2.0 / 3.0;

/// What a search found.
pub(super) struct Found {
    pub query: BooleanQuery,
    pub total: usize,
    /// The page, best first.
    pub top: Vec<(f32, DocAddress)>,
    pub counts: Option<FacetCounts>,
    /// The hits share only part of the query.
    pub relaxed: bool,
}

impl Engine {
    /// The page of `req`, counted by facets if `facets`; `None` for an
    /// empty query.
    pub(super) fn find(
        &self,
        searcher: &Searcher,
        req: &Request,
        facets: bool,
    ) -> tantivy::Result<Option<Found>> {
        let Some(query) = self.query(req)? else {
            return Ok(None);
        };
        let collector = (Count, self.window(req), facets.then(facet_collector));
        let (total, top, counts) = self.run(searcher, &query, &collector)?;
        if total == 0 && req.suggest {
            // Only common words, and not in any name: look everywhere.
            return self.find(searcher, &req.everything(), facets);
        }
        let parts = analyzer::query_parts(&req.q);
        if total == 0
            && let Some(loose) = self.loose_query(req)?
        {
            let (total, top, counts) = self.run(searcher, &loose, &collector)?;
            return Ok(Some(Found {
                query: loose,
                total,
                top: self.reorder(req, &parts, top),
                counts,
                relaxed: total > 0,
            }));
        }
        let relaxed = total > 0 && !req.suggest && !self.covers_most(searcher, &parts)?;
        Ok(Some(Found {
            query,
            total,
            top: self.reorder(req, &parts, top),
            counts,
            relaxed,
        }))
    }

    /// The page and [`WINDOW`] more, by score alone.
    pub(super) fn window(
        &self,
        req: &Request,
    ) -> impl tantivy::collector::Collector<Fruit = Vec<(f32, DocAddress)>> + use<> {
        TopDocs::with_limit(req.offset + req.limit.clamp(1, MAX_LIMIT) + WINDOW).order_by_score()
    }

    /// Orders `top` by score times what each name's shape says for this
    /// query; keeps the page.
    fn reorder(
        &self,
        req: &Request,
        parts: &[Part],
        top: Vec<(f32, DocAddress)>,
    ) -> Vec<(f32, DocAddress)> {
        let mut intent = Intent::of(&req.q);
        // What the query asks about, without its question words.
        intent.chars = parts
            .iter()
            .map(|p| match p {
                Part::Phrase(grams) => grams.len() + 1,
                Part::Char(_) => 1,
                Part::Word(w) => syllables(w),
            })
            .sum();
        let mut scored: Vec<(f32, DocAddress)> = Vec::with_capacity(top.len());
        for (score, a) in top {
            let score = score * intent.factor(self.shapes.get(a.segment_ord, a.doc_id));
            // By insertion (a few dozen hits): a sort of its own would
            // cost the worker kilobytes. Equal scores keep their order.
            let at = scored.partition_point(|(s, _)| *s >= score);
            scored.insert(at, (score, a));
        }
        scored
            .into_iter()
            .skip(req.offset)
            .take(req.limit.clamp(1, MAX_LIMIT))
            .collect()
    }

    /// Whether some item holds most of the query's bigrams and words.
    fn covers_most(&self, searcher: &Searcher, parts: &[Part]) -> tantivy::Result<bool> {
        let Some(query) = self.most_query(parts, MOST) else {
            return Ok(true);
        };
        Ok(self.run(searcher, &query, &Count)? > 0)
    }
}

/// How many characters a Latin word may spell: pinyin's syllables (runs
/// of vowels: "shenfenzheng" 3), initials one each ("sfz" 3); digits none.
fn syllables(word: &str) -> usize {
    let is_vowel = |c: char| "aeiouv".contains(c);
    let letters = word.chars().filter(char::is_ascii_alphabetic).count();
    let mut runs = 0;
    let mut last = false;
    for c in word.chars() {
        let v = is_vowel(c);
        runs += usize::from(v && !last);
        last = v;
    }
    if runs == 0 { letters } else { runs }
}

#[cfg(test)]
mod tests {
    use super::syllables;

    #[test]
    fn latin_words_spell_about_this_many_characters() {
        assert_eq!(syllables("shenfenzheng"), 3);
        assert_eq!(syllables("yingyezhizhao"), 4);
        assert_eq!(syllables("sfz"), 3);
        assert_eq!(syllables("12345"), 0);
    }
}
