//! Queries: what a search box sends, what comes back.

use crate::chunks::{ChunkStore, ChunkedDirectory};
use crate::highlight::{self, Terms};
use crate::schema::{self, Fields};
use crate::term_infos::{KnownTermQuery, Statistics, TermInfos};
use portal_core::analyzer::{self, Part};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::directory::CompositeFile;
use tantivy::query::{
    Bm25StatisticsProvider, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::{
    DocAddress, Index, IndexReader, ReloadPolicy, TantivyDocument, Term, index::SegmentComponent,
};

pub use crate::highlight::Piece;

/// Results a page shows at once, and the most a client may ask for.
pub const PAGE: usize = 10;
pub const MAX_LIMIT: usize = 50;
/// A one-character query matches terms that start with it; this many at most.
const PREFIX_TERMS: usize = 48;
/// While typing, a word in more than one in this many documents' long
/// texts (requirements, guide text) is not looked for there: its postings
/// are the biggest download of a first query, and so common a word barely
/// ranks anything. Names still match it.
const COMMON_IN_LONG_TEXTS: u64 = 20;
/// Weight of a lone character's prefix terms when the query has words too.
const CHAR_BESIDE_WORDS: f32 = 0.1;

/// Facet groups: key (as in `?f=key:value`) and label.
pub const GROUPS: [(&str, &str); 6] = [
    ("kind", "类别"),
    ("dept", "部门"),
    ("audience", "服务对象"),
    ("type", "事项类型"),
    ("mode", "办理方式"),
    ("theme", "主题"),
];

/// A search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub q: String,
    /// `key:value`, e.g. `dept:区公安分局`; values of one key are alternatives,
    /// different keys must all hold.
    #[serde(default)]
    pub filters: Vec<String>,
    #[serde(default)]
    pub offset: usize,
    #[serde(default = "page")]
    pub limit: usize,
    /// Count results by facet. Suggestions as you type skip it: counting
    /// reads a column for every match, the costliest part of a first query.
    #[serde(default = "yes")]
    pub facets: bool,
    /// Suggestions as you type: long texts are searched for distinctive
    /// words only, single characters in names only (see
    /// [`COMMON_IN_LONG_TEXTS`]). The results page searches everything.
    #[serde(default)]
    pub suggest: bool,
}

fn page() -> usize {
    PAGE
}

fn yes() -> bool {
    true
}

impl Request {
    /// The same search as the results page runs it: nothing skipped.
    fn everything(&self) -> Request {
        Request {
            suggest: false,
            ..self.clone()
        }
    }
}

impl Default for Request {
    fn default() -> Request {
        Request {
            q: String::new(),
            filters: Vec::new(),
            offset: 0,
            limit: PAGE,
            facets: true,
            suggest: false,
        }
    }
}

/// What a result shows without opening the page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// "item" or "guide".
    pub kind: String,
    pub code: String,
    pub name: String,
    /// Site-relative, e.g. `items/GA-0001/`.
    pub url: String,
    #[serde(default)]
    pub department: String,
    /// 行政许可, 公共服务… (items only).
    #[serde(default)]
    pub item_type: String,
    /// "法定 20 个工作日，承诺 5 个工作日" (items only).
    #[serde(default)]
    pub limit: String,
    /// Visits to the centre (items only).
    #[serde(default)]
    pub visits: Option<u8>,
    #[serde(default)]
    pub online: bool,
    #[serde(default)]
    pub instant: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub card: Card,
    pub score: f32,
    /// The name with matches marked.
    pub name: Vec<Piece>,
    /// Where else the query matched (materials, conditions, text), if not
    /// only in the name.
    pub excerpt: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetValue {
    /// `key:value`, as in [`Request::filters`].
    pub filter: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetGroup {
    pub key: String,
    pub label: String,
    pub values: Vec<FacetValue>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub q: String,
    pub total: usize,
    pub offset: usize,
    pub hits: Vec<Hit>,
    pub facets: Vec<FacetGroup>,
}

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
        let engine = Engine {
            index,
            reader,
            fields,
            store,
            positions,
            infos: Arc::default(),
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
        let Some(query) = self.query(req)? else {
            return Ok(resp);
        };
        let searcher = self.reader.searcher();
        // Facets are counted in the same pass over the matches.
        let facets = req.facets.then(facet_collector);
        let (total, top, counts) = self.run(&searcher, &query, &(Count, self.top(req), facets))?;
        if total == 0 && req.suggest {
            // Only common words, and not in any name: look everywhere.
            return self.search(&req.everything());
        }
        resp.total = total;
        let terms = Terms::new(&analyzer::query_parts(&req.q));
        for (score, addr) in top {
            resp.hits.push(self.hit(&searcher, addr, score, &terms)?);
        }
        if let Some(counts) = counts {
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
        let terms = terms_of(&query);
        let found = self.plan_dictionaries(&searcher, &terms)?;
        self.plan_postings(&searcher, &terms, &found)?;
        // The matching documents.
        let mut stage = Stage::default();
        let (total, top) = self.run(&searcher, &query, &(Count, self.top(req)))?;
        if total == 0 && req.suggest {
            return self.plan_stages(&req.everything());
        }
        for (_, addr) in top {
            stage.note(searcher.doc::<TantivyDocument>(addr));
        }
        stage.end()?;
        if req.facets {
            searcher.search(&query, &facet_collector())?;
        }
        Ok(())
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

    fn top(
        &self,
        req: &Request,
    ) -> impl tantivy::collector::Collector<Fruit = Vec<(f32, DocAddress)>> {
        TopDocs::with_limit(req.limit.clamp(1, MAX_LIMIT))
            .and_offset(req.offset)
            .order_by_score()
    }

    /// The query for `req`: its words in every field, and its filters; `None`
    /// for an empty query.
    fn query(&self, req: &Request) -> tantivy::Result<Option<BooleanQuery>> {
        let parts = analyzer::query_parts(&req.q);
        if parts.is_empty() {
            return Ok(None);
        }
        let text = self.text_query(&parts, req.suggest)?;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        for (key, values) in &parse_filters(&req.filters) {
            let alternatives = values
                .iter()
                .map(|v| (Occur::Should, self.facet_term(key, v)))
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
        }
        Ok(Some(BooleanQuery::new(clauses)))
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
        let mut add_term = |field, text: &str, boost: f32| {
            let term = Term::from_field_text(field, text);
            let infos = infos.clone();
            let query = KnownTermQuery { term, boost, infos };
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

/// Every term `query` looks up, and whether it needs the term's positions.
fn terms_of(query: &dyn Query) -> Vec<(Term, bool)> {
    let mut terms = Vec::new();
    query.query_terms(&mut |t, positions| terms.push((t.clone(), positions)));
    terms
}

/// The run a phrase's bigrams came from: 身份 份证 → 身份证.
fn join_run(grams: &[String]) -> String {
    let mut s = grams[0].clone();
    for g in &grams[1..] {
        s.extend(g.chars().skip(1));
    }
    s
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

fn facet_collector() -> FacetCollector {
    let mut facets = FacetCollector::for_field("facets");
    for (key, _) in GROUPS {
        facets.add_facet(Facet::from_path([key]));
    }
    facets
}

/// Counts per group, most frequent first; the selected values marked.
fn facet_groups(
    counts: &tantivy::collector::FacetCounts,
    selected: &[(String, Vec<String>)],
) -> Vec<FacetGroup> {
    GROUPS
        .iter()
        .filter_map(|(key, label)| {
            let mut values: Vec<FacetValue> = counts
                .get(Facet::from_path([*key]))
                .map(|(facet, count)| {
                    let value = facet
                        .to_path()
                        .last()
                        .copied()
                        .unwrap_or_default()
                        .to_string();
                    FacetValue {
                        selected: selected
                            .iter()
                            .any(|(k, vs)| k == key && vs.contains(&value)),
                        filter: format!("{key}:{value}"),
                        label: value,
                        count,
                    }
                })
                .collect();
            values.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
            (!values.is_empty()).then(|| FacetGroup {
                key: key.to_string(),
                label: label.to_string(),
                values,
            })
        })
        .collect()
}

/// `key:value` filters grouped by key, unknown keys dropped.
fn parse_filters(filters: &[String]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for f in filters {
        let Some((key, value)) = f.split_once(':') else {
            continue;
        };
        if !GROUPS.iter().any(|(k, _)| *k == key) || value.is_empty() {
            continue;
        }
        match out.iter_mut().find(|(k, _)| k == key) {
            Some((_, values)) => values.push(value.to_string()),
            None => out.push((key.to_string(), vec![value.to_string()])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_rejoin_from_their_bigrams() {
        let grams: Vec<String> = ["身份", "份证"].map(String::from).to_vec();
        assert_eq!(join_run(&grams), "身份证");
    }

    #[test]
    fn filters_group_by_key_and_drop_unknown_keys() {
        let f = [
            "dept:公安".into(),
            "dept:税务".into(),
            "nope:x".into(),
            "mode:".into(),
        ];
        assert_eq!(
            parse_filters(&f),
            vec![("dept".into(), vec!["公安".into(), "税务".into()])]
        );
    }
}
