//! Term lookups, remembered.
//!
//! tantivy decodes a whole dictionary block (hundreds of terms) for every
//! lookup, and looks each term of a query up at least twice (statistics,
//! then postings): over half of a query's time. As you type, each keystroke
//! repeats most of the last one's terms. The index never changes under an
//! engine, so what a lookup found stays true; [`TermInfos`] keeps it, and
//! [`KnownTermQuery`] (a term query) and [`Statistics`] (BM25 statistics)
//! read through it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::{Postings, SegmentPostings, TermInfo};
use tantivy::query::{
    Bm25StatisticsProvider, Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer,
    Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TantivyError, Term};

/// Lookups kept at most; then the memory starts again (a session of typing
/// uses a few thousand).
const KEEP: usize = 100_000;

#[derive(Default)]
pub struct TermInfos {
    found: Mutex<HashMap<(SegmentId, Term), Option<TermInfo>>>,
}

impl TermInfos {
    /// `term` in `segment`'s dictionary. A failed read (a chunk not fetched
    /// yet) is not remembered.
    pub fn get(&self, segment: &SegmentReader, term: &Term) -> tantivy::Result<Option<TermInfo>> {
        let key = (segment.segment_id(), term.clone());
        if let Some(found) = self.lock().get(&key) {
            return Ok(found.clone());
        }
        let found = segment.inverted_index(term.field())?.get_term_info(term)?;
        let mut map = self.lock();
        if map.len() >= KEEP {
            map.clear();
        }
        map.insert(key, found.clone());
        Ok(found)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(SegmentId, Term), Option<TermInfo>>> {
        // A panic elsewhere leaves the map consistent: entries are whole.
        self.found.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// BM25 statistics with document frequencies from [`TermInfos`].
pub struct Statistics<'a> {
    pub searcher: &'a Searcher,
    pub infos: &'a TermInfos,
}

impl Bm25StatisticsProvider for Statistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let mut sum = 0;
        for segment in self.searcher.segment_readers() {
            sum += self.infos.get(segment, term)?.map_or(0, |i| i.doc_freq);
        }
        Ok(u64::from(sum))
    }
}

/// A term query (with its field's weight) that finds its postings through
/// [`TermInfos`]; scores as tantivy's `TermQuery` does.
#[derive(Clone)]
pub struct KnownTermQuery {
    pub term: Term,
    pub boost: Score,
    pub infos: Arc<TermInfos>,
    /// Scores as if every document's field were one term long on average
    /// too. Fields without norms count each document as one term long; a
    /// field most documents leave empty (colloquial keys) then has an
    /// average length far below one, which would crush every match in it.
    pub flat: bool,
}

impl std::fmt::Debug for KnownTermQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KnownTermQuery({:?}^{})", self.term, self.boost)
    }
}

impl Query for KnownTermQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let (bm25, record) = match scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } if self.flat => (
                Bm25Weight::for_one_term(
                    statistics_provider.doc_freq(&self.term)?,
                    statistics_provider.total_num_docs()?,
                    1.0,
                ),
                IndexRecordOption::WithFreqs,
            ),
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => (
                Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(&self.term))?,
                IndexRecordOption::WithFreqs,
            ),
            // Counting facets: scores are not read.
            EnableScoring::Disabled { .. } => (
                Bm25Weight::for_one_term_without_explain(0, 1, 1.0),
                IndexRecordOption::Basic,
            ),
        };
        Ok(Box::new(KnownTermWeight {
            query: self.clone(),
            bm25: bm25.boost_by(self.boost),
            record,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

struct KnownTermWeight {
    query: KnownTermQuery,
    bm25: Bm25Weight,
    record: IndexRecordOption,
}

impl KnownTermWeight {
    fn known_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<KnownTermScorer>> {
        let term = &self.query.term;
        let Some(info) = self.query.infos.get(reader, term)? else {
            return Ok(None);
        };
        let postings = reader
            .inverted_index(term.field())?
            .read_postings_from_terminfo(&info, self.record)?;
        // Fields indexed without norms count every document as one token long.
        let norms = reader
            .fieldnorms_readers()
            .get_field(term.field())?
            .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        Ok(Some(KnownTermScorer {
            postings,
            norms,
            bm25: self.bm25.boost_by(boost),
        }))
    }
}

impl Weight for KnownTermWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.known_scorer(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_here = || TantivyError::InvalidArgument(format!("document {doc} does not match"));
        let mut scorer = self.known_scorer(reader, 1.0)?.ok_or_else(not_here)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(not_here());
        }
        let norm = scorer.norms.fieldnorm_id(doc);
        Ok(scorer.bm25.explain(norm, scorer.postings.term_freq()))
    }
}

struct KnownTermScorer {
    postings: SegmentPostings,
    norms: FieldNormReader,
    bm25: Bm25Weight,
}

impl DocSet for KnownTermScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for KnownTermScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc();
        self.bm25
            .score(self.norms.fieldnorm_id(doc), self.postings.term_freq())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, TermQuery};
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    #[test]
    fn known_terms_score_as_tantivy_term_queries_do() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for body in ["a b", "a a c", "b c c", "a", "c d a a a"] {
            let mut doc = TantivyDocument::default();
            doc.add_text(text, body);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let infos = Arc::new(TermInfos::default());
        let statistics = Statistics {
            searcher: &searcher,
            infos: &infos,
        };
        let terms = ["a", "c", "zzz"].map(|t| Term::from_field_text(text, t));
        let theirs = BooleanQuery::new(
            terms
                .iter()
                .map(|t| {
                    let q = TermQuery::new(t.clone(), IndexRecordOption::WithFreqs);
                    let q: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(q), 2.5));
                    (Occur::Should, q)
                })
                .collect(),
        );
        let ours = BooleanQuery::new(
            terms
                .iter()
                .map(|t| {
                    let infos = infos.clone();
                    let q = KnownTermQuery {
                        term: t.clone(),
                        boost: 2.5,
                        infos,
                        flat: false,
                    };
                    (Occur::Should, Box::new(q) as Box<dyn Query>)
                })
                .collect(),
        );
        let top = TopDocs::with_limit(10).order_by_score();
        let expected = searcher.search(&theirs, &top).unwrap();
        // Twice: the second time every lookup comes from memory.
        for _ in 0..2 {
            let got = searcher
                .search_with_statistics_provider(&ours, &top, &statistics)
                .unwrap();
            assert_eq!(got, expected);
        }
        assert_eq!(expected.len(), 5);
        assert_eq!(statistics.doc_freq(&terms[0]).unwrap(), 4);
        assert_eq!(statistics.doc_freq(&terms[2]).unwrap(), 0);
    }
}
