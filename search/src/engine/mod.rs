//! Queries: what a search box sends, what comes back.
//!
//! The engine itself lives here; `wire` holds the types it exchanges,
//! `query` builds tantivy queries, `plan` names the chunks a query needs
//! before it runs, and `facets` counts results by group.

mod facets;
mod plan;
mod query;
mod rank;
#[cfg(test)]
mod ranking_tests;
mod wire;

pub use facets::GROUPS;
pub use wire::{
    Card, FacetGroup, FacetValue, Hit, MAX_LIMIT, PAGE, Piece, RELAXED, Request, Response,
};

use crate::chunks::{ChunkStore, ChunkedDirectory};
use crate::highlight::{self, Terms};
use crate::schema::{self, Fields};
use crate::shape::Shapes;
use crate::term_infos::{Statistics, TermInfos};
use facets::{facet_groups, parse_filters};
use portal_core::analyzer;
use std::sync::Arc;
use tantivy::directory::CompositeFile;
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{
    DocAddress, Index, IndexReader, ReloadPolicy, TantivyDocument, index::SegmentComponent,
};

/// An open index. Cheap to query many times; open once.
pub struct Engine {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    store: Arc<ChunkStore>,
    /// Each segment's positions file, in the searcher's segment order
    /// (read while opening, so planning needs no extra round).
    positions: Vec<Option<CompositeFile>>,
    infos: Arc<TermInfos>,
    /// Every document's shape, from the manifest.
    shapes: Shapes,
}

impl Engine {
    /// Opens the index and reads what the first keystrokes need (the name
    /// fields' term dictionaries and norms), so later queries fetch little.
    pub fn open(store: Arc<ChunkStore>) -> tantivy::Result<Engine> {
        let index = Index::open(ChunkedDirectory::new(store.clone()))?;
        schema::register_tokenizers(&index);
        let fields = schema::fields(&index.schema());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let positions = positions_files(&index, &reader)?;
        let shapes = Shapes::decode(&store.manifest().shapes);
        let engine = Engine {
            index,
            reader,
            fields,
            store,
            positions,
            infos: Arc::default(),
            shapes,
        };
        engine.warm()?;
        Ok(engine)
    }

    /// Opens every field's dictionary (a small index and footer each), so
    /// a query's first reads are its own terms; norms of the first-tier
    /// fields too. The build records what this reads as the boot file.
    fn warm(&self) -> tantivy::Result<()> {
        let searcher = self.reader.searcher();
        let tier = schema::first_tier(&self.fields);
        for segment in searcher.segment_readers() {
            for (field, _) in schema::weighted(&self.fields) {
                segment.inverted_index(field)?;
                if tier.contains(&field) {
                    // Fields without norms have none to read.
                    segment.get_fieldnorms_reader(field).ok();
                }
            }
            segment.inverted_index(self.fields.keys)?;
            segment.inverted_index(self.fields.facets)?;
        }
        Ok(())
    }

    pub fn store(&self) -> &Arc<ChunkStore> {
        &self.store
    }

    pub fn docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs a search. An empty query lists nothing (facets neither).
    pub fn search(&self, req: &Request) -> tantivy::Result<Response> {
        let mut resp = Response {
            q: req.q.clone(),
            offset: req.offset,
            ..Response::default()
        };
        let searcher = self.reader.searcher();
        let Some(found) = self.find(&searcher, req, req.facets)? else {
            return Ok(resp);
        };
        resp.total = found.total;
        if found.relaxed {
            resp.note = RELAXED.to_string();
        }
        let terms = Terms::new(&analyzer::query_parts(&req.q));
        for (score, addr) in found.top {
            resp.hits.push(self.hit(&searcher, addr, score, &terms)?);
        }
        if let Some(counts) = found.counts {
            resp.facets = facet_groups(&counts, &parse_filters(&req.filters));
        }
        Ok(resp)
    }

    /// Runs a search if everything it reads is here (the usual case once
    /// the first queries have run); `None` if chunks are missing, which
    /// [`Engine::plan`] then names. Never fetches.
    pub fn search_if_here(&self, req: &Request) -> tantivy::Result<Option<Response>> {
        let _planning = self.store.planning();
        match self.search(req) {
            Ok(resp) => Ok(Some(resp)),
            Err(e) if is_missing(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Searches with BM25 statistics from the remembered term lookups.
    fn run<C: tantivy::collector::Collector>(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        collector: &C,
    ) -> tantivy::Result<C::Fruit> {
        let statistics = Statistics {
            searcher,
            infos: &self.infos,
        };
        searcher.search_with_statistics_provider(query, collector, &statistics)
    }

    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        addr: DocAddress,
        score: f32,
        terms: &Terms,
    ) -> tantivy::Result<Hit> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let card: Card = serde_json::from_str(&text(self.fields.card))
            .map_err(|e| tantivy::TantivyError::InternalError(format!("bad card: {e}")))?;
        let name = highlight::pieces(&card.name, terms);
        let excerpt = if name.iter().any(|p| p.hit) {
            Vec::new()
        } else {
            highlight::excerpt(&text(self.fields.excerpt), terms, 60)
        };
        Ok(Hit {
            card,
            score,
            name,
            excerpt,
        })
    }

    /// The tantivy index (for the writer's checks and tests).
    pub fn index(&self) -> &Index {
        &self.index
    }
}

/// Each segment's positions file, in the searcher's segment order.
fn positions_files(
    index: &Index,
    reader: &IndexReader,
) -> tantivy::Result<Vec<Option<CompositeFile>>> {
    let segments = index.searchable_segments()?;
    reader
        .searcher()
        .segment_readers()
        .iter()
        .map(|r| {
            let Some(segment) = segments.iter().find(|s| s.id() == r.segment_id()) else {
                return Ok(None);
            };
            let file = segment.open_read(SegmentComponent::Positions)?;
            Ok(Some(CompositeFile::open(&file)?))
        })
        .collect()
}

/// A read failed because its chunk is not fetched yet (while planning).
fn is_missing(e: &tantivy::TantivyError) -> bool {
    matches!(e, tantivy::TantivyError::IoError(io) if crate::chunks::is_missing(io))
}
