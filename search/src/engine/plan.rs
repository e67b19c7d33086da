//! Planning (`Engine::plan`): the chunks a query's next stage needs,
//! named before they are fetched, so a client fetches each stage at once.

use super::facets::facet_collector;
use super::wire::Request;
use super::{Engine, is_missing};
use std::sync::Arc;
use tantivy::collector::Count;
use tantivy::query::Query;
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

impl Engine {
    /// The chunks `req` needs next that are not here yet; empty once
    /// [`Engine::search`] can run without fetching. Each call walks the
    /// query's stages (term dictionaries, then postings and norms, then the
    /// matching documents, then facet columns) and stops at the first stage
    /// with chunks missing, so a client fetches each stage's chunks at once,
    /// in parallel, and calls again.
    pub fn plan(&self, req: &Request) -> Vec<usize> {
        let planning = self.store.planning();
        // Stages already complete pass quickly: their chunks are here. An
        // error that is not a missing chunk leaves nothing wanted, and
        // `search` meets and reports it.
        let _ = self.plan_stages(req);
        planning.take_wanted()
    }

    /// Touches everything a search reads, stage by stage; within a stage,
    /// goes on past missing chunks so the stage's misses are all noted.
    fn plan_stages(&self, req: &Request) -> tantivy::Result<()> {
        let searcher = self.reader.searcher();
        // Dictionaries of every term the query might use: what a
        // suggestion skips is decided by them, in the same round.
        let Some(query) = self.query(&req.everything())? else {
            return Ok(());
        };
        self.plan_dictionaries(&searcher, &terms_of(&query))?;
        let query = if req.suggest {
            self.query(req)?.unwrap_or(query)
        } else {
            query
        };
        self.plan_terms(&searcher, &query)?;
        let total = self.run(&searcher, &query, &Count)?;
        if total == 0 && req.suggest {
            return self.plan_stages(&req.everything());
        }
        if total == 0
            && let Some(loose) = self.loose_query(req)?
        {
            // Relaxed to characters in names: their terms too.
            self.plan_terms(&searcher, &loose)?;
        }
        // The matching documents.
        let mut stage = Stage::default();
        let Some(found) = self.find(&searcher, req, false)? else {
            return Ok(());
        };
        for (_, addr) in &found.top {
            stage.note(searcher.doc::<TantivyDocument>(*addr));
        }
        stage.end()?;
        if req.facets {
            searcher.search(&found.query, &facet_collector())?;
        }
        Ok(())
    }

    /// The dictionaries, then the postings, of every term of `query`.
    fn plan_terms(&self, searcher: &tantivy::Searcher, query: &dyn Query) -> tantivy::Result<()> {
        let terms = terms_of(query);
        let found = self.plan_dictionaries(searcher, &terms)?;
        self.plan_postings(searcher, &terms, &found)
    }

    /// Looks every term up in its field's dictionary, in every segment.
    fn plan_dictionaries(
        &self,
        searcher: &tantivy::Searcher,
        terms: &[(Term, bool)],
    ) -> tantivy::Result<Vec<Found>> {
        let mut stage = Stage::default();
        let mut found = Vec::new();
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            for (term, positions) in terms {
                let looked_up = segment
                    .inverted_index(term.field())
                    .and_then(|index| Ok(self.infos.get(segment, term)?.map(|i| (index, i))));
                if let Some(Some((index, info))) = stage.note(looked_up) {
                    found.push(Found {
                        segment_ord,
                        field: term.field(),
                        index,
                        info,
                        positions: *positions,
                    });
                }
            }
        }
        stage.end()?;
        Ok(found)
    }

    /// Reads norms, postings and positions of the terms found, all at once
    /// (tantivy itself reads positions only once the postings are in).
    fn plan_postings(
        &self,
        searcher: &tantivy::Searcher,
        terms: &[(Term, bool)],
        found: &[Found],
    ) -> tantivy::Result<()> {
        let mut stage = Stage::default();
        for segment in searcher.segment_readers() {
            for (term, _) in terms {
                // Fields without norms answer with an error that is not ours.
                if let Err(e) = segment.get_fieldnorms_reader(term.field())
                    && is_missing(&e)
                {
                    stage.note::<()>(Err(e));
                }
            }
        }
        for f in found {
            stage.note(
                f.index
                    .read_block_postings_from_terminfo(&f.info, IndexRecordOption::WithFreqs)
                    .map_err(tantivy::TantivyError::from),
            );
            let file = self
                .positions
                .get(f.segment_ord)
                .and_then(|p| p.as_ref()?.open_read(f.field));
            if f.positions
                && !f.info.positions_range.is_empty()
                && let Some(file) = file
            {
                stage.note(
                    file.slice(f.info.positions_range.clone())
                        .read_bytes()
                        .map_err(tantivy::TantivyError::from),
                );
            }
        }
        stage.end()
    }
}

/// Every term `query` looks up, and whether it needs the term's positions.
fn terms_of(query: &dyn Query) -> Vec<(Term, bool)> {
    let mut terms = Vec::new();
    query.query_terms(&mut |t, positions| terms.push((t.clone(), positions)));
    terms
}

/// A term a query uses, found in a segment's dictionary.
struct Found {
    segment_ord: usize,
    field: tantivy::schema::Field,
    index: Arc<tantivy::InvertedIndexReader>,
    info: tantivy::postings::TermInfo,
    /// The query needs its positions (a phrase).
    positions: bool,
}

/// One stage of [`Engine::plan`]: goes on past failed reads (so every
/// missing chunk of the stage is noted) and fails at its end.
#[derive(Default)]
struct Stage {
    failed: Option<tantivy::TantivyError>,
}

impl Stage {
    fn note<T>(&mut self, result: tantivy::Result<T>) -> Option<T> {
        result.map_err(|e| self.failed = Some(e)).ok()
    }

    fn end(self) -> tantivy::Result<()> {
        self.failed.map_or(Ok(()), Err)
    }
}
