//! Queries: what a search box sends, what comes back.

use crate::chunks::{ChunkStore, ChunkedDirectory};
use crate::highlight::{self, Terms};
use crate::schema::{self, Fields};
use portal_core::analyzer::{self, Part};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

pub use crate::highlight::Piece;

/// Results a page shows at once, and the most a client may ask for.
pub const PAGE: usize = 10;
pub const MAX_LIMIT: usize = 50;
/// A one-character query matches terms that start with it; this many at most.
const PREFIX_TERMS: usize = 48;

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
}

fn page() -> usize {
    PAGE
}

impl Default for Request {
    fn default() -> Request {
        Request {
            q: String::new(),
            filters: Vec::new(),
            offset: 0,
            limit: PAGE,
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
        let engine = Engine {
            index,
            reader,
            fields,
            store,
        };
        engine.warm()?;
        Ok(engine)
    }

    fn warm(&self) -> tantivy::Result<()> {
        let searcher = self.reader.searcher();
        for segment in searcher.segment_readers() {
            for field in schema::first_tier(&self.fields) {
                segment.inverted_index(field)?;
                // Fields without norms (synonyms, pinyin) have none to read.
                segment.get_fieldnorms_reader(field).ok();
            }
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
        let parts = analyzer::query_parts(&req.q);
        let mut resp = Response {
            q: req.q.clone(),
            offset: req.offset,
            ..Response::default()
        };
        if parts.is_empty() {
            return Ok(resp);
        }
        let searcher = self.reader.searcher();
        let text = self.text_query(&parts)?;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        let selected = parse_filters(&req.filters);
        for (key, values) in &selected {
            let alternatives = values
                .iter()
                .map(|v| (Occur::Should, self.facet_term(key, v)))
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
        }
        let query = BooleanQuery::new(clauses);
        let mut facets = FacetCollector::for_field("facets");
        for (key, _) in GROUPS {
            facets.add_facet(Facet::from_path([key]));
        }
        let limit = req.limit.clamp(1, MAX_LIMIT);
        let top = TopDocs::with_limit(limit)
            .and_offset(req.offset)
            .order_by_score();
        let (total, top, counts) = searcher.search(&query, &(Count, top, facets))?;
        resp.total = total;
        let terms = Terms::new(&parts);
        for (score, addr) in top {
            resp.hits.push(self.hit(&searcher, addr, score, &terms)?);
        }
        resp.facets = GROUPS
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
                        let filter = format!("{key}:{value}");
                        FacetValue {
                            selected: selected
                                .iter()
                                .any(|(k, vs)| k == key && vs.contains(&value)),
                            filter,
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
            .collect();
        Ok(resp)
    }

    fn facet_term(&self, key: &str, value: &str) -> Box<dyn Query> {
        let term = Term::from_facet(self.fields.facets, &Facet::from_path([key, value]));
        Box::new(TermQuery::new(term, IndexRecordOption::Basic))
    }

    /// Every part of the query may match in any field, weighted by field;
    /// the more parts and the closer together, the higher the score.
    fn text_query(&self, parts: &[Part]) -> tantivy::Result<Box<dyn Query>> {
        let f = &self.fields;
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut add = |q: Box<dyn Query>, boost: f32| {
            should.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
        };
        for part in parts {
            match part {
                Part::Phrase(grams) => {
                    for (field, weight) in schema::weighted(f) {
                        if field == f.pinyin || field == f.terms {
                            continue;
                        }
                        for g in grams {
                            add(term(field, g), weight);
                        }
                        if grams.len() > 1 && field != f.synonyms {
                            let terms = grams
                                .iter()
                                .map(|g| Term::from_field_text(field, g))
                                .collect();
                            add(
                                Box::new(PhraseQuery::new(terms)),
                                weight * grams.len() as f32,
                            );
                        }
                    }
                    // The whole run as a dictionary word: 市长 the word, not
                    // 南京市|长江大桥.
                    let word = join_run(grams);
                    add(term(f.terms, &word), 4.0 * grams.len() as f32);
                }
                Part::Char(c) => {
                    for (field, weight) in schema::weighted(f) {
                        if field == f.pinyin || field == f.terms {
                            continue;
                        }
                        for t in self.prefix_terms(field, c)? {
                            add(term(field, &t), weight);
                        }
                    }
                }
                Part::Word(w) => {
                    for (field, weight) in schema::weighted(f) {
                        add(term(field, w), weight);
                    }
                }
            }
        }
        Ok(Box::new(BooleanQuery::new(should)))
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

fn term(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// The run a phrase's bigrams came from: 身份 份证 → 身份证.
fn join_run(grams: &[String]) -> String {
    let mut s = grams[0].clone();
    for g in &grams[1..] {
        s.extend(g.chars().skip(1));
    }
    s
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
