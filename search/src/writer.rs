//! Writing the index (build time, native only).

use crate::chunks::{self, ChunkSource, ChunkStore, Manifest};
use crate::engine::{Card, Engine};
use crate::schema;
use crate::shape::{Shape, Shapes};
use crate::term_major;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use tantivy::directory::Directory;
use tantivy::index::SegmentComponent;
use tantivy::schema::{Facet, Field, Value};
use tantivy::store::Compressor;
use tantivy::{Index, IndexSettings, TantivyDocument};

/// One searchable thing (an item or a guide), with every field already
/// prepared: pinyin and dictionary words come from the build.
#[derive(Debug, Clone, Default)]
pub struct IndexDoc {
    pub card: Card,
    pub aliases: Vec<String>,
    pub synonyms: Vec<String>,
    /// The colloquial terms of `synonyms` that stand for the whole name's
    /// subject, each kept whole (folded).
    pub keys: Vec<String>,
    /// Space-separated pinyin spellings and their prefixes.
    pub pinyin: String,
    /// Space-separated dictionary words.
    pub terms: String,
    pub materials: String,
    pub conditions: String,
    pub body: String,
    /// Shown under a result when the name itself does not match.
    pub excerpt: String,
    /// `(group key, value)` pairs, e.g. `("dept", "区公安分局")`.
    pub facets: Vec<(String, String)>,
}

/// What the build reports.
#[derive(Debug, Serialize)]
pub struct Written {
    pub manifest: Manifest,
    /// Path of the boot file (where a reader starts), relative to the site
    /// root.
    pub boot_path: String,
    pub boot_bytes: usize,
    /// Runs of the term-major layout.
    pub layout_runs: usize,
}

/// Chunks kept in memory while the boot set is recorded.
#[derive(Debug)]
struct InMemory(Vec<Vec<u8>>, String);

impl ChunkSource for InMemory {
    fn fetch(&self, name: &str) -> io::Result<Vec<u8>> {
        let i: usize = name
            .strip_prefix(&format!("{}-", self.1))
            .and_then(|n| n.strip_suffix(".bin"))
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, name.to_string()))?;
        self.0
            .get(i)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, name.to_string()))
    }
}

/// Raw bytes of term dictionaries the boot file may carry, taken in the
/// order of [`boot_dictionaries`] while they fit: a first query then reads
/// its postings straight away.
const BOOT_DICTIONARIES: usize = 256 * 1024;

/// The dictionaries a first keystroke looks up, most wanted first; pinyin
/// last, as it is big (every prefix of every spelling) and fits only for
/// small catalogs.
fn boot_dictionaries(f: &schema::Fields) -> [Field; 9] {
    [
        f.name,
        f.aliases,
        f.synonyms,
        f.keys,
        f.terms,
        f.department,
        f.requirements,
        f.body,
        f.pinyin,
    ]
}

/// Indexes `docs` and writes the chunked index under `site/search/`.
pub fn write(docs: &[IndexDoc], site: &Path) -> anyhow_like::Result<Written> {
    let (index, files) = build_files(docs)?;
    let (blob, table) = chunks::lay_end_to_end(files);
    let layout = term_major::layout(&index, &blob, &table)?;
    let chunk_bytes = chunks::cut(&blob, &layout);
    let mut manifest = Manifest {
        // Names every file: a new build, or a new layout of the same
        // index, never collides with cached chunks of an old one.
        id: fnv_hex_parts(&[&blob, &layout.encode()]),
        chunk_size: chunks::CHUNK_SIZE,
        chunks: chunk_bytes.len(),
        len: blob.len(),
        files: table.clone(),
        boot: Vec::new(),
        docs: docs.len() as u64,
        shapes: shapes(&index)?.encode(),
    };
    // Record what opening the index reads: it goes in the boot file, with
    // the dictionaries that fit.
    let store = ChunkStore::new(
        manifest.clone(),
        layout.clone(),
        Box::new(InMemory(chunk_bytes.clone(), manifest.id.clone())),
    );
    Engine::open(store.clone())?;
    let mut boot: Vec<_> = store
        .read_ranges()
        .into_iter()
        .map(|(offset, len)| offset..offset + len)
        .collect();
    let fields = boot_dictionaries(&schema::fields(&index.schema()));
    let mut budget = BOOT_DICTIONARIES;
    for dict in term_major::dictionaries(&index, &blob, &table, &fields)? {
        if dict.len() <= budget {
            budget -= dict.len();
            boot.push(dict);
        }
    }
    manifest.boot = chunks::merge_ranges(boot);

    let dir = site.join(crate::CHUNK_DIR);
    std::fs::create_dir_all(&dir)?;
    write_chunks(&dir, &manifest, &chunk_bytes)?;
    let boot_file = chunks::boot_file(&manifest, &layout, &blob);
    write_compressed(&dir.join(manifest.boot_name()), &boot_file, INDEX_QUALITY)?;
    let boot_path = format!("{}/{}", crate::CHUNK_DIR, manifest.boot_name());
    let pointer = serde_json::json!({ "boot": boot_path });
    std::fs::write(
        site.join(crate::POINTER_FILE),
        serde_json::to_vec_pretty(&pointer)?,
    )?;
    Ok(Written {
        manifest,
        boot_path,
        boot_bytes: boot_file.len(),
        layout_runs: layout.runs(),
    })
}

/// Errors of the writer: tantivy's, I/O or JSON, as one type.
pub mod anyhow_like {
    pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;
}

/// The index, and its files by name.
pub(crate) fn build_files(
    docs: &[IndexDoc],
) -> anyhow_like::Result<(Index, BTreeMap<String, Vec<u8>>)> {
    let settings = IndexSettings {
        // The chunks travel brotli-compressed; compressing twice only
        // hides the text from brotli.
        docstore_compression: Compressor::None,
        // A block is the unit a result's card is read in; at 16 KiB, one
        // chunk, the block index that opening reads stays small.
        docstore_blocksize: 16 * 1024,
        ..IndexSettings::default()
    };
    let index = Index::builder()
        .schema(schema::schema())
        .settings(settings)
        .create_in_ram()?;
    schema::register_tokenizers(&index);
    let f = schema::fields(&index.schema());
    let mut writer = index.writer_with_num_threads(1, 512 * 1024 * 1024)?;
    // Documents of one shape (role and name length) side by side: the
    // table of shapes is then a few hundred runs whatever the catalog's
    // size, and of two equal scores the shorter name comes first.
    let mut order: Vec<&IndexDoc> = docs.iter().collect();
    order.sort_by_key(|d| Shape::of(&d.card.name).order());
    for d in order {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.code, &d.card.code);
        doc.add_text(f.card, serde_json::to_string(&d.card)?);
        doc.add_text(f.name, &d.card.name);
        for a in &d.aliases {
            doc.add_text(f.aliases, a);
        }
        for s in &d.synonyms {
            doc.add_text(f.synonyms, s);
        }
        doc.add_text(f.keys, d.keys.join(" "));
        doc.add_text(f.pinyin, &d.pinyin);
        doc.add_text(f.terms, &d.terms);
        doc.add_text(f.department, &d.card.department);
        doc.add_text(f.requirements, &d.materials);
        doc.add_text(f.requirements, &d.conditions);
        doc.add_text(f.body, &d.body);
        doc.add_text(f.excerpt, &d.excerpt);
        for (key, value) in &d.facets {
            doc.add_facet(f.facets, Facet::from_path([key.as_str(), value.as_str()]));
        }
        writer.add_document(doc)?;
    }
    writer.commit()?;
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.garbage_collect_files().wait()?;
    writer.wait_merging_threads()?;

    let mut files = BTreeMap::new();
    let dir = index.directory();
    let mut names: Vec<PathBuf> = vec![PathBuf::from("meta.json")];
    for meta in index.searchable_segment_metas()? {
        use SegmentComponent::*;
        let parts = [
            Postings, Positions, Terms, Store, FastFields, FieldNorms, Delete,
        ];
        names.extend(parts.map(|c| meta.relative_path(c)));
    }
    // Components a segment does not have (no deletes, say) are skipped.
    for name in names {
        if let Ok(bytes) = dir.atomic_read(&name) {
            files.insert(name.to_string_lossy().into_owned(), bytes);
        }
    }
    Ok((index, files))
}

/// Each document's shape, read back from the names the index stores (so
/// the table is right whatever order the segments ended in).
fn shapes(index: &Index) -> anyhow_like::Result<Shapes> {
    let searcher = index.reader()?.searcher();
    let f = schema::fields(&index.schema());
    let mut out = Vec::new();
    for segment in searcher.segment_readers() {
        let store = segment.get_store_reader(64)?;
        let mut names = Vec::with_capacity(segment.max_doc() as usize);
        for doc in 0..segment.max_doc() {
            let doc: TantivyDocument = store.get(doc)?;
            let name = doc
                .get_first(f.name)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            names.push(Shape::of(&name));
        }
        out.push(Shapes::segment(names));
    }
    Ok(Shapes(out))
}

/// Writes the chunk files with their brotli copies, on every core: the
/// compression is most of the time an index takes to write.
fn write_chunks(dir: &Path, manifest: &Manifest, chunks: &[Vec<u8>]) -> io::Result<()> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_worker = chunks.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .chunks(per_worker)
            .enumerate()
            .map(|(w, part)| {
                scope.spawn(move || {
                    part.iter().enumerate().try_for_each(|(j, bytes)| {
                        let name = manifest.chunk_name(w * per_worker + j);
                        write_compressed(&dir.join(name), bytes, INDEX_QUALITY)
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    })
}

/// Brotli quality for the index's many chunks: on 16 KiB chunks, 7 is
/// within 0.3 % of 9's size at a tenth of the time (10 k items: 0.4 s
/// against 4.6 s of one core).
pub const INDEX_QUALITY: u32 = 7;
/// Brotli quality for the browser code: a few files every visitor fetches,
/// worth the seconds the best compression takes (11: 13 % smaller wasm).
pub const CODE_QUALITY: u32 = 11;

/// Writes `bytes`, and a brotli copy beside it when that is smaller (the
/// server sends it to browsers that accept brotli).
pub fn write_compressed(path: &Path, bytes: &[u8], quality: u32) -> io::Result<()> {
    std::fs::write(path, bytes)?;
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, quality, 22);
        w.write_all(bytes)?;
    }
    if out.len() < bytes.len() {
        let mut br = path.as_os_str().to_owned();
        br.push(".br");
        std::fs::write(br, out)?;
    }
    Ok(())
}

/// A 64-bit FNV-1a hash in hex: names files by their content.
pub fn fnv_hex(bytes: &[u8]) -> String {
    fnv_hex_parts(&[bytes])
}

/// [`fnv_hex`] of `parts` one after the other.
pub fn fnv_hex_parts(parts: &[&[u8]]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in parts.iter().flat_map(|p| p.iter()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Request;

    fn doc(code: &str, name: &str, terms: &str) -> IndexDoc {
        IndexDoc {
            card: Card {
                kind: "item".into(),
                code: code.into(),
                name: name.into(),
                url: format!("items/{code}/"),
                ..Card::default()
            },
            terms: terms.into(),
            facets: vec![("kind".into(), "办事事项".into())],
            ..IndexDoc::default()
        }
    }

    /// `n` items named 事项0登记, 事项1登记, …
    fn numbered(n: usize) -> Vec<IndexDoc> {
        (0..n)
            .map(|i| doc(&format!("C{i}"), &format!("事项{i}登记"), ""))
            .collect()
    }

    fn search(site: &Path, q: &str) -> Vec<String> {
        let engine = crate::open_site(site).unwrap();
        let resp = engine
            .search(&Request {
                q: q.into(),
                ..Request::default()
            })
            .unwrap();
        resp.hits.into_iter().map(|h| h.card.code).collect()
    }

    #[test]
    fn fnv_1a_known_answers() {
        // The published 64-bit FNV-1a test vectors: every content-hashed
        // name (chunks, the boot file, the worker, agency folders) is this.
        assert_eq!(fnv_hex(b""), "cbf29ce484222325");
        assert_eq!(fnv_hex(b"a"), "af63dc4c8601ec8c");
        assert_eq!(fnv_hex(b"foobar"), "85944171f73967e8");
        assert_eq!(
            fnv_hex("云溪区人民政府办公室".as_bytes()),
            "771e7183b9473ac4"
        );
        // Parts hash as if laid end to end.
        assert_eq!(fnv_hex_parts(&[b"foo", b"", b"bar"]), "85944171f73967e8");
        assert_eq!(fnv_hex_parts(&[]), "cbf29ce484222325");
    }

    #[test]
    fn words_outrank_bigrams_that_straddle_them() {
        let dir = tempfile::tempdir().unwrap();
        let docs = [
            doc("A", "南京市长江大桥", "南京市 长江大桥"),
            doc("B", "市长信箱", "市长 信箱"),
        ];
        write(&docs, dir.path()).unwrap();
        assert_eq!(search(dir.path(), "市长"), ["B", "A"]);
    }

    #[test]
    fn a_lone_character_beside_words_only_breaks_ties() {
        let dir = tempfile::tempdir().unwrap();
        let mut docs = vec![doc("A", "居住证申领", "")];
        // Ten items sold under the alias 卖烟: a common word, low IDF.
        docs.extend((0..10).map(|i| IndexDoc {
            aliases: vec!["卖烟".into()],
            ..doc(&format!("T{i}"), &format!("烟草专卖零售许可{i}"), "")
        }));
        docs.extend((0..40).map(|i| doc(&format!("O{i}"), &format!("其他事项{i}"), "")));
        write(&docs, dir.path()).unwrap();
        // 证's prefix term 证申 is rare: at full weight it put 居住证
        // above every item the words ask for.
        let hits = search(dir.path(), "卖烟要办什么证");
        assert!(hits[0].starts_with('T'), "{hits:?}");
        // Alone, the character is all there is to go by.
        assert_eq!(search(dir.path(), "证"), ["A"]);
    }

    #[test]
    fn substrings_match_as_phrases() {
        let dir = tempfile::tempdir().unwrap();
        let docs = [
            doc("A", "办理手段简便", ""),
            doc("B", "简化手续分段办理", ""),
        ];
        write(&docs, dir.path()).unwrap();
        assert_eq!(
            search(dir.path(), "段简")[0],
            "A",
            "adjacent characters rank first"
        );
    }

    #[test]
    fn the_boot_file_holds_what_opening_needs() {
        let dir = tempfile::tempdir().unwrap();
        let written = write(&numbered(500), dir.path()).unwrap();
        assert!(!written.manifest.boot.is_empty());
        assert!(
            written.boot_bytes < written.manifest.len / 4,
            "opening must not need most of the index"
        );
        // Opening from the boot file alone fetches no further chunk.
        let engine = crate::open_site(dir.path()).unwrap();
        assert_eq!(engine.store().fetched_bytes(), written.boot_bytes);
    }

    #[test]
    fn a_damaged_boot_file_is_an_error_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let written = write(&numbered(50), dir.path()).unwrap();
        let path = dir.path().join(&written.boot_path);
        let good = std::fs::read(&path).unwrap();
        let mut wrong_layout = good.clone();
        // The layout's first byte: its run count.
        let json_len = u32::from_le_bytes(good[4..8].try_into().unwrap()) as usize;
        wrong_layout[8 + json_len + 4] ^= 0x55;
        for (what, bytes) in [
            ("truncated", good[..good.len() / 2].to_vec()),
            ("not a boot file", b"{\"id\": 1}".to_vec()),
            ("wrong layout", wrong_layout),
            ("empty", Vec::new()),
        ] {
            std::fs::write(&path, &bytes).unwrap();
            let err = crate::open_site(dir.path()).err();
            assert!(
                err.as_deref().is_some_and(|e| e.contains("search index")),
                "{what}: {err:?}"
            );
        }
    }

    /// A catalog big enough to spread over many chunks.
    fn many_docs() -> Vec<IndexDoc> {
        let things = [
            "出生医学证明",
            "营业执照",
            "身份证",
            "户口迁移",
            "社会保障卡",
            "不动产登记",
        ];
        let acts = ["补办", "变更", "注销", "申领", "查询"];
        (0..3000)
            .map(|i| {
                let name = format!("{}{}（第{i}项）", things[i % 6], acts[i % 5]);
                IndexDoc {
                    materials: format!("申请表 {} 复印件 编号{i}", things[(i + 1) % 6]),
                    body: format!("{name}的办理流程说明，窗口{}号，材料{i}份。", i % 40),
                    facets: vec![("dept".into(), format!("部门{}", i % 12))],
                    ..doc(&format!("C{i}"), &name, "")
                }
            })
            .collect()
    }

    #[test]
    fn a_planned_query_searches_without_fetching() {
        let dir = tempfile::tempdir().unwrap();
        write(&many_docs(), dir.path()).unwrap();
        let folder = dir.path().join(crate::CHUNK_DIR);
        for (q, facets, suggest) in [
            ("营业执照", false, false),
            ("营业执照", false, true),
            ("证", true, false),
            ("证", false, true),
            ("身份证 补办", true, false),
            ("身份证 补办", false, true),
            ("yyzz", false, true),
        ] {
            let engine = crate::open_site(dir.path()).unwrap();
            let req = Request {
                q: q.into(),
                facets,
                suggest,
                ..Request::default()
            };
            if q != "yyzz" {
                // (This catalog has no pinyin: yyzz finds nothing, at once.)
                assert_eq!(
                    engine.search_if_here(&req).unwrap(),
                    None,
                    "{q}: a fresh engine lacks the chunks"
                );
            }
            let mut rounds = 0;
            loop {
                let wanted = engine.plan(&req);
                if wanted.is_empty() {
                    break;
                }
                rounds += 1;
                assert!(rounds <= 8, "{q}: planning does not converge");
                for i in wanted {
                    let name = engine.store().manifest().chunk_name(i);
                    let bytes = std::fs::read(folder.join(name)).unwrap();
                    engine.store().insert(i, bytes).unwrap();
                }
            }
            // Postings, then documents, then facets: the dictionaries of
            // Chinese words came with the boot file (pinyin's did not).
            let most = 2 + facets as usize + q.is_ascii() as usize;
            assert!(rounds <= most, "{q}: {rounds} rounds");
            let fetched = engine.store().fetched_bytes();
            let planned = engine.search(&req).unwrap();
            assert_eq!(
                engine.store().fetched_bytes(),
                fetched,
                "{q}: the search read only planned chunks"
            );
            let plain = crate::open_site(dir.path()).unwrap().search(&req).unwrap();
            assert_eq!(planned, plain, "{q}: planning changes no result");
            assert_eq!(engine.search_if_here(&req).unwrap(), Some(plain));
            assert!(
                !planned.hits.is_empty() || q == "yyzz",
                "{q}: finds something"
            );
        }
    }

    #[test]
    fn suggestions_skip_words_common_in_long_texts_unless_nothing_else_matches() {
        let dir = tempfile::tempdir().unwrap();
        write(&many_docs(), dir.path()).unwrap();
        let engine = crate::open_site(dir.path()).unwrap();
        let ask = |q: &str, suggest| {
            let req = Request {
                q: q.into(),
                suggest,
                facets: false,
                ..Request::default()
            };
            engine.search(&req).unwrap()
        };
        // 营业执照 names 500 items and is in the materials of 500 more:
        // suggestions find it in names only, the results page everywhere.
        let (typed, full) = (ask("营业执照", true), ask("营业执照", false));
        assert_eq!((typed.total, full.total), (500, 1000));
        assert!(typed.hits.iter().all(|h| h.card.name.contains("营业执照")));
        assert_eq!(typed.hits[0].card.code, full.hits[0].card.code);
        // 申请表 is in every item's materials and no name: suggestions
        // look in the long texts after all rather than show nothing.
        assert_eq!(ask("申请表", true).total, 3000);
        assert_eq!(ask("申请表", true), ask("申请表", false));
    }
}
