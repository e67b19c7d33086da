//! Bytes and round trips per query, through the same `ChunkStore` and
//! planning the browser's worker uses.

use super::{open, request};
use crate::{QUERIES, kb, raw_and_br, summary};
use anyhow::{Context, Result};
use portal_search::{Engine, Manifest, Request, Response};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The index files of a built site, as the browser sees them.
struct SiteIndex {
    manifest: Manifest,
    /// The layout's runs in wire order: (wire offset, blob offset, length).
    runs: Vec<(usize, usize, usize)>,
    boot_sizes: (u64, u64),
    /// Per chunk: (raw, brotli) as served.
    chunk_sizes: Vec<(u64, u64)>,
}

impl SiteIndex {
    fn read(dist: &Path) -> Result<SiteIndex> {
        let pointer: Value = serde_json::from_slice(
            &std::fs::read(dist.join(portal_search::POINTER_FILE))
                .context("no search index in the site (run `portal build`)")?,
        )?;
        let boot_path = dist.join(pointer["boot"].as_str().unwrap_or_default());
        let dir = dist.join(portal_search::CHUNK_DIR);
        let store = portal_search::chunks::open_boot(
            &std::fs::read(&boot_path)?,
            Box::new(portal_search::FolderSource(dir.clone())),
        )?;
        let manifest = store.manifest().clone();
        let mut wire = 0;
        let mut runs = Vec::new();
        for (blob, len) in store.layout().wire_order() {
            runs.push((wire, blob, len));
            wire += len;
        }
        let chunk_sizes = (0..manifest.chunks)
            .map(|i| raw_and_br(&dir.join(manifest.chunk_name(i))))
            .collect::<Result<_>>()?;
        Ok(SiteIndex {
            boot_sizes: raw_and_br(&boot_path)?,
            manifest,
            runs,
            chunk_sizes,
        })
    }

    /// Chunks read so far (reads the boot file answers touch none), each once.
    fn fetched(&self, engine: &Engine) -> Vec<usize> {
        engine.store().touched()
    }

    /// Brotli bytes of the boot file by index file kind, its compressed
    /// size shared out by the raw bytes of each kind.
    fn boot_by_component(&self) -> BTreeMap<String, f64> {
        let ratio = self.boot_sizes.1 as f64 / self.boot_sizes.0.max(1) as f64;
        let mut out: BTreeMap<String, f64> = BTreeMap::new();
        for &(start, n) in &self.manifest.boot {
            for (name, &(off, len)) in &self.manifest.files {
                let (a, b) = (start.max(off), (start + n).min(off + len));
                if a < b {
                    let kind = name.rsplit_once('.').map_or(name.as_str(), |(_, x)| x);
                    *out.entry(format!(".{kind}")).or_default() += (b - a) as f64 * ratio;
                }
            }
        }
        out
    }

    /// Brotli bytes of `chunks` by index file kind (postings `.idx`,
    /// positions `.pos`, terms `.term`, documents `.store`, …), each
    /// chunk's bytes shared out by how much of each file it holds.
    fn by_component(&self, chunks: &[usize]) -> BTreeMap<String, f64> {
        let size = self.manifest.chunk_size;
        let mut out: BTreeMap<String, f64> = BTreeMap::new();
        for &i in chunks {
            let (start, end) = (i * size, ((i + 1) * size).min(self.manifest.len));
            // The blob ranges the chunk holds, through the layout.
            for &(wire, blob, n) in &self.runs {
                let (ws, we) = (start.max(wire), end.min(wire + n));
                if ws >= we {
                    continue;
                }
                let (bs, be) = (blob + ws - wire, blob + we - wire);
                for (name, &(off, len)) in &self.manifest.files {
                    let (a, b) = (bs.max(off), be.min(off + len));
                    if a < b {
                        let kind = name.rsplit_once('.').map_or(name.as_str(), |(_, x)| x);
                        *out.entry(format!(".{kind}")).or_default() +=
                            self.chunk_sizes[i].1 as f64 * (b - a) as f64 / (end - start) as f64;
                    }
                }
            }
        }
        out
    }

    fn sizes(&self, chunks: &[usize]) -> (u64, u64) {
        chunks.iter().fold((0, 0), |(r, b), &i| {
            (r + self.chunk_sizes[i].0, b + self.chunk_sizes[i].1)
        })
    }
}

/// Runs `req` as the worker does: plan, fetch each stage's chunks together
/// (one round trip per stage), then search. Returns the response and the
/// sequential round trips it took, counting each chunk the search still had
/// to read by itself as one more.
fn search_planned(engine: &Engine, dist: &Path, req: &Request) -> Result<(Response, usize)> {
    let dir = dist.join(portal_search::CHUNK_DIR);
    let store = engine.store();
    let mut rounds = 0;
    loop {
        let wanted = engine.plan(req);
        if wanted.is_empty() || rounds == 8 {
            break;
        }
        rounds += 1;
        for i in wanted {
            store.insert(i, std::fs::read(dir.join(store.manifest().chunk_name(i)))?)?;
        }
    }
    let touched = store.touched().len();
    let fetched = store.fetched_bytes();
    let resp = engine.search(req)?;
    let unplanned = if store.fetched_bytes() > fetched {
        store.touched().len() - touched
    } else {
        0
    };
    Ok((resp, rounds + unplanned))
}

pub fn bytes(dist: &Path) -> Result<Value> {
    let site = SiteIndex::read(dist)?;
    let m = &site.manifest;
    let (boot_raw, boot_br) = site.boot_sizes;
    println!(
        "index: {} documents, {} chunks, {} layout runs; boot file (manifest, layout, {} ranges) {} ({} br)",
        m.docs,
        m.chunks,
        site.runs.len(),
        m.boot.len(),
        kb(boot_raw as f64),
        kb(boot_br as f64)
    );
    // Opening alone must need nothing beyond the boot file.
    let engine = open(dist)?;
    let open_extra = site.fetched(&engine).len();
    drop(engine);

    println!("\nfirst query on a fresh visit (boot file + the chunks it reads; limit 10):");
    println!(
        "{:<18} {:>6} {:>7} {:>11} {:>11} {:>13} {:>11}",
        "query", "hits", "chunks", "query raw", "query br", "total br", "round trips"
    );
    let mut first = Vec::new();
    let mut components: BTreeMap<String, f64> = BTreeMap::new();
    for q in QUERIES {
        let engine = open(dist)?;
        let (resp, rounds) = search_planned(&engine, dist, &request(q))?;
        let chunks = site.fetched(&engine);
        let (raw, br) = site.sizes(&chunks);
        for (k, v) in site.by_component(&chunks) {
            *components.entry(k).or_default() += v / QUERIES.len() as f64;
        }
        let total_raw = boot_raw + raw;
        let total_br = boot_br + br;
        // The boot file, then one round per planned stage.
        let trips = 1 + rounds;
        println!(
            "{:<18} {:>6} {:>7} {:>11} {:>11} {:>13} {:>11}",
            q,
            resp.total,
            chunks.len(),
            kb(raw as f64),
            kb(br as f64),
            kb(total_br as f64),
            trips
        );
        first.push(json!({
            "q": q, "hits": resp.total, "chunks": chunks.len(),
            "query_raw": raw, "query_br": br,
            "total_raw": total_raw, "total_br": total_br, "round_trips": trips,
        }));
    }
    let col =
        |k: &str| -> Vec<f64> { first.iter().map(|v| v[k].as_f64().unwrap_or(0.0)).collect() };
    let first_total_br = summary(&col("total_br"));
    let first_total_raw = summary(&col("total_raw"));
    let first_trips = summary(&col("round_trips"));
    let first_query_br = summary(&col("query_br"));
    println!(
        "  total brotli: p50 {} p95 {} max {}; raw: p50 {} p95 {}; round trips p50 {} p95 {} max {}",
        kb(first_total_br.p50),
        kb(first_total_br.p95),
        kb(first_total_br.max),
        kb(first_total_raw.p50),
        kb(first_total_raw.p95),
        first_trips.p50,
        first_trips.p95,
        first_trips.max
    );
    let show = |m: &BTreeMap<String, f64>| -> String {
        let mut v: Vec<(&String, &f64)> = m.iter().collect();
        v.sort_by(|a, b| b.1.total_cmp(a.1));
        v.iter()
            .map(|(k, b)| format!("{k} {}", kb(**b)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let boot_parts = site.boot_by_component();
    println!("  what the boot file holds (brotli): {}", show(&boot_parts));
    println!(
        "  what a first query reads beyond it (brotli, mean per query): {}",
        show(&components)
    );

    // Search as you type: every prefix of the query, as the box sends it.
    println!("\ntyped character by character on a fresh visit (every prefix is a query):");
    let mut typed = Vec::new();
    for q in QUERIES {
        let engine = open(dist)?;
        let chars: Vec<char> = q.chars().collect();
        let mut most = 0u64;
        let mut before = 0u64;
        let mut trips = 1;
        for n in 1..=chars.len() {
            let prefix: String = chars[..n].iter().collect();
            trips += search_planned(&engine, dist, &request(&prefix))?.1;
            let (_, br) = site.sizes(&site.fetched(&engine));
            most = most.max(br - before);
            before = br;
        }
        let chunks = site.fetched(&engine);
        let (raw, br) = site.sizes(&chunks);
        typed.push(json!({
            "q": q, "chunks": chunks.len(), "raw": raw, "br": br,
            "total_br": boot_br + br, "max_keystroke_br": most,
            "round_trips": trips,
        }));
    }
    let tcol =
        |k: &str| -> Vec<f64> { typed.iter().map(|v| v[k].as_f64().unwrap_or(0.0)).collect() };
    let typed_total = summary(&tcol("total_br"));
    let typed_key = summary(&tcol("max_keystroke_br"));
    let typed_trips = summary(&tcol("round_trips"));
    println!(
        "  whole query, brotli incl. the boot file: p50 {} p95 {} max {}; worst single keystroke p50 {} p95 {}; round trips p50 {} p95 {}",
        kb(typed_total.p50),
        kb(typed_total.p95),
        kb(typed_total.max),
        kb(typed_key.p50),
        kb(typed_key.p95),
        typed_trips.p50,
        typed_trips.p95
    );

    // Further queries: one session, the list in order; what each query adds.
    println!("\nfurther queries in one session (the list in order, each after the ones before):");
    let engine = open(dist)?;
    let mut seen: HashSet<usize> = HashSet::new();
    let mut further = Vec::new();
    for (n, q) in QUERIES.iter().enumerate() {
        search_planned(&engine, dist, &request(q))?;
        let new: Vec<usize> = site
            .fetched(&engine)
            .into_iter()
            .filter(|i| seen.insert(*i))
            .collect();
        let (raw, br) = site.sizes(&new);
        if n > 0 {
            further.push(json!({"q": q, "chunks": new.len(), "raw": raw, "br": br}));
        }
    }
    let fcol = |k: &str| -> Vec<f64> {
        further
            .iter()
            .map(|v| v[k].as_f64().unwrap_or(0.0))
            .collect()
    };
    let further_br = summary(&fcol("br"));
    let further_chunks = summary(&fcol("chunks"));
    println!(
        "  per query brotli: p50 {} p95 {} max {}; chunks p50 {} p95 {} max {}",
        kb(further_br.p50),
        kb(further_br.p95),
        kb(further_br.max),
        further_chunks.p50,
        further_chunks.p95,
        further_chunks.max
    );
    // The worst case for a further query: only the boot file is cached.
    let alone_br = first_query_br;
    println!(
        "  a query with only the boot file cached (upper bound): p50 {} p95 {} max {}",
        kb(alone_br.p50),
        kb(alone_br.p95),
        kb(alone_br.max)
    );
    // The results page (`/search/?q=`): 20 results and the facet counts.
    let mut page_br = Vec::new();
    let mut page_trips = Vec::new();
    for q in QUERIES {
        let engine = open(dist)?;
        let req = Request {
            limit: 20,
            facets: true,
            ..request(q)
        };
        let (_, rounds) = search_planned(&engine, dist, &req)?;
        let (_, br) = site.sizes(&site.fetched(&engine));
        page_br.push((boot_br + br) as f64);
        page_trips.push((1 + rounds) as f64);
    }
    let (page_br, page_trips) = (summary(&page_br), summary(&page_trips));
    println!(
        "\nresults page on a fresh visit (limit 20, facet counts): brotli p50 {} p95 {} max {}; round trips p50 {} max {}",
        kb(page_br.p50),
        kb(page_br.p95),
        kb(page_br.max),
        page_trips.p50,
        page_trips.max
    );
    Ok(json!({
        "results_page_br": page_br, "results_page_round_trips": page_trips,
        "docs": m.docs, "chunks": m.chunks, "boot_ranges": m.boot.len(),
        "chunks_fetched_by_open": open_extra,
        "layout_runs": site.runs.len(),
        "boot": {"raw": boot_raw, "br": boot_br},
        "first": first,
        "first_total_br": first_total_br, "first_total_raw": first_total_raw,
        "first_round_trips": first_trips, "first_query_br": first_query_br,
        "boot_by_component_br": boot_parts, "first_query_by_component_br": components,
        "typed": typed, "typed_total_br": typed_total, "typed_max_keystroke_br": typed_key,
        "typed_round_trips": typed_trips,
        "further": further, "further_br": further_br, "further_chunks": further_chunks,
    }))
}
