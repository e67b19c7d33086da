//! Building the tantivy query for a request: every part of the text in
//! every field, weighted, and the filters.

use super::Engine;
use super::facets::parse_filters;
use super::wire::Request;
use crate::schema;
use crate::term_infos::{KnownTermQuery, Statistics};
use portal_core::analyzer::{self, Part};
use tantivy::Term;
use tantivy::query::{
    Bm25StatisticsProvider, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption};

/// A one-character query matches terms that start with it; this many at most.
const PREFIX_TERMS: usize = 48;
/// While typing, a word in more than one in this many documents' long
/// texts (requirements, guide text) is not looked for there: its postings
/// are the biggest download of a first query, and so common a word barely
/// ranks anything. Names still match it.
pub(super) const COMMON_IN_LONG_TEXTS: u64 = 20;
/// Weight of a lone character's prefix terms when the query has words too.
const CHAR_BESIDE_WORDS: f32 = 0.1;
/// Weight, per bigram, of a colloquial term the query is: a bigram in the
/// name and the name's phrase boost (see `text_query`).
const KEY_WEIGHT: f32 = 20.0;
/// Longest colloquial term looked for inside a longer query.
const KEY_CHARS: usize = 6;

impl Engine {
    /// The query for `req`: its words in every field, and its filters; `None`
    /// for an empty query.
    pub(super) fn query(&self, req: &Request) -> tantivy::Result<Option<BooleanQuery>> {
        let parts = analyzer::query_parts(&req.q);
        if parts.is_empty() {
            return Ok(None);
        }
        let text = self.text_query(&parts, req.suggest)?;
        Ok(Some(self.filtered(text, req)))
    }

    /// `text` within the request's filters.
    fn filtered(&self, text: Box<dyn Query>, req: &Request) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        for (key, values) in &parse_filters(&req.filters) {
            let alternatives = values
                .iter()
                .map(|v| (Occur::Should, self.facet_term(key, v)))
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
        }
        BooleanQuery::new(clauses)
    }

    /// The last step of relaxing: every Han character of the query on its
    /// own, as a prefix of the terms of names; `None` without any.
    pub(super) fn loose_query(&self, req: &Request) -> tantivy::Result<Option<BooleanQuery>> {
        let mut chars: Vec<char> = Vec::new();
        for c in analyzer::fold(&req.q)
            .chars()
            .take(analyzer::MAX_QUERY_CHARS)
        {
            if analyzer::is_han(c) && !chars.contains(&c) {
                chars.push(c);
            }
        }
        if chars.is_empty() {
            return Ok(None);
        }
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for c in chars {
            for t in self.prefix_terms(self.fields.name, &c.to_string())? {
                let term = Term::from_field_text(self.fields.name, &t);
                let infos = self.infos.clone();
                let query = KnownTermQuery {
                    term,
                    boost: 1.0,
                    infos,
                    flat: false,
                };
                should.push((Occur::Should, Box::new(query)));
            }
        }
        Ok(Some(
            self.filtered(Box::new(BooleanQuery::new(should)), req),
        ))
    }

    /// Items that hold at least `share` of the query's bigrams and words
    /// (in any field but the spellings); `None` if it has none.
    pub(super) fn most_query(&self, parts: &[Part], share: f32) -> Option<BooleanQuery> {
        let f = &self.fields;
        let mut groups: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut group = |text: &str, words: bool| {
            let fields = schema::weighted(f)
                .into_iter()
                .filter(|(field, _)| words || (*field != f.pinyin && *field != f.terms))
                .map(|(field, _)| {
                    let term = Term::from_field_text(field, text);
                    let infos = self.infos.clone();
                    let q = KnownTermQuery {
                        term,
                        boost: 1.0,
                        infos,
                        flat: false,
                    };
                    (Occur::Should, Box::new(q) as Box<dyn Query>)
                })
                .collect();
            groups.push((Occur::Should, Box::new(BooleanQuery::new(fields))));
        };
        for part in parts {
            match part {
                Part::Phrase(grams) => grams.iter().for_each(|g| group(g, false)),
                Part::Word(w) => group(w, true),
                Part::Char(_) => {}
            }
        }
        let need = ((groups.len() as f32 * share).ceil() as usize).max(1);
        (!groups.is_empty()).then(|| BooleanQuery::with_minimum_required_clauses(groups, need))
    }

    fn facet_term(&self, key: &str, value: &str) -> Box<dyn Query> {
        let term = Term::from_facet(self.fields.facets, &Facet::from_path([key, value]));
        Box::new(TermQuery::new(term, IndexRecordOption::Basic))
    }

    /// Every part of the query may match in any field, weighted by field;
    /// the more parts and the closer together, the higher the score.
    fn text_query(&self, parts: &[Part], suggest: bool) -> tantivy::Result<Box<dyn Query>> {
        let f = &self.fields;
        let long = schema::long_texts(f);
        // Whether to leave `text` out of `field` (suggestions only); a
        // dictionary read that fails (while planning) is noted and the
        // other lookups go on.
        let mut failed = Ok(());
        let mut skip = |field, text: &str| -> bool {
            if !suggest || !long.contains(&field) {
                return false;
            }
            self.is_common(field, text).unwrap_or_else(|e| {
                failed = Err(e);
                true
            })
        };
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // While planning, every field's prefix terms are looked up even if
        // one lookup misses, so all the misses are noted at once.
        let mut prefix_failed = Ok(());
        let infos = &self.infos;
        let keys = f.keys;
        let mut add_term = |field, text: &str, boost: f32| {
            let term = Term::from_field_text(field, text);
            let infos = infos.clone();
            let flat = field == keys;
            let query = KnownTermQuery {
                term,
                boost,
                infos,
                flat,
            };
            should.push((Occur::Should, Box::new(query) as Box<dyn Query>));
        };
        let mut phrases: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // A lone character beside words ("卖烟…证") says little, and its
        // prefix terms are rare bigrams (证申, 证核) whose high IDF would
        // outweigh the words: it only breaks ties then.
        let char_weight = if parts.iter().all(|p| matches!(p, Part::Char(_))) {
            1.0
        } else {
            CHAR_BESIDE_WORDS
        };
        for part in parts {
            match part {
                Part::Phrase(grams) => {
                    for (field, weight) in schema::weighted(f) {
                        if field == f.pinyin || field == f.terms {
                            continue;
                        }
                        for g in grams {
                            if !skip(field, g) {
                                add_term(field, g, weight);
                            }
                        }
                        if grams.len() > 1 && (field == f.name || field == f.aliases) {
                            let terms = grams
                                .iter()
                                .map(|g| Term::from_field_text(field, g))
                                .collect();
                            let phrase = PhraseQuery::new(terms);
                            let boost = weight * grams.len() as f32;
                            phrases.push((
                                Occur::Should,
                                Box::new(BoostQuery::new(Box::new(phrase), boost)),
                            ));
                        }
                    }
                    // The whole run as a dictionary word: 市长 the word, not
                    // 南京市|长江大桥.
                    let word = join_run(grams);
                    add_term(f.terms, &word, 4.0 * grams.len() as f32);
                    // A colloquial term that is the whole run scores as the
                    // literal name would (its bigrams and its phrase); one
                    // inside the run as much as its own length.
                    add_term(f.keys, &word, KEY_WEIGHT * grams.len() as f32);
                    for key in inner_runs(&word) {
                        let grams = key.chars().count() - 1;
                        add_term(f.keys, &key, KEY_WEIGHT / 2.0 * grams as f32);
                    }
                }
                Part::Char(c) => {
                    for (field, weight) in schema::weighted(f) {
                        if field == f.pinyin || field == f.terms || suggest && long.contains(&field)
                        {
                            continue;
                        }
                        match self.prefix_terms(field, c) {
                            Ok(ts) => ts
                                .iter()
                                .for_each(|t| add_term(field, t, weight * char_weight)),
                            Err(e) => prefix_failed = Err(e),
                        }
                    }
                }
                Part::Word(w) => {
                    for (field, weight) in schema::weighted(f) {
                        if !skip(field, w) {
                            add_term(field, w, weight);
                        }
                    }
                }
            }
        }
        failed?;
        prefix_failed?;
        should.append(&mut phrases);
        Ok(Box::new(BooleanQuery::new(should)))
    }

    /// `text` is in so many documents' `field` that suggestions skip it there.
    fn is_common(&self, field: tantivy::schema::Field, text: &str) -> tantivy::Result<bool> {
        let searcher = self.reader.searcher();
        let statistics = Statistics {
            searcher: &searcher,
            infos: &self.infos,
        };
        let df = statistics.doc_freq(&Term::from_field_text(field, text))?;
        Ok(df * COMMON_IN_LONG_TEXTS > searcher.num_docs())
    }

    /// Terms of `field` that start with `prefix`.
    fn prefix_terms(
        &self,
        field: tantivy::schema::Field,
        prefix: &str,
    ) -> tantivy::Result<Vec<String>> {
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        let mut upper = prefix.as_bytes().to_vec();
        upper.push(0xFF);
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(field)?;
            let mut stream = index
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .lt(&upper)
                .into_stream()?;
            while stream.advance() && out.len() < PREFIX_TERMS {
                if let Ok(t) = std::str::from_utf8(stream.key())
                    && !out.iter().any(|o| o == t)
                {
                    out.push(t.to_string());
                }
            }
        }
        Ok(out)
    }
}

/// The runs of 2 to [`KEY_CHARS`] characters inside `run`, not `run` itself.
fn inner_runs(run: &str) -> Vec<String> {
    let chars: Vec<char> = run.chars().collect();
    let mut out = Vec::new();
    for len in 2..=KEY_CHARS.min(chars.len()) {
        for w in chars.windows(len) {
            if w.len() < chars.len() {
                out.push(w.iter().collect());
            }
        }
    }
    out
}

/// The run a phrase's bigrams came from: 身份 份证 → 身份证.
fn join_run(grams: &[String]) -> String {
    let mut s = grams[0].clone();
    for g in &grams[1..] {
        s.extend(g.chars().skip(1));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_runs_are_every_shorter_window() {
        assert_eq!(inner_runs("驾照丢了").len(), 3 + 2);
        assert!(inner_runs("驾照丢了").contains(&"驾照".to_string()));
        assert!(!inner_runs("驾照").contains(&"驾照".to_string()));
    }

    #[test]
    fn runs_rejoin_from_their_bigrams() {
        let grams: Vec<String> = ["身份", "份证"].map(String::from).to_vec();
        assert_eq!(join_run(&grams), "身份证");
    }
}
