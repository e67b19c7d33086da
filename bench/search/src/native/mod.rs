//! Measurements that need no browser: index build time, bytes per query
//! (through the same `ChunkStore` the worker uses), native latency,
//! quality, code sizes.

mod sizes;
mod transfer;

pub use sizes::sizes;
pub use transfer::bytes;

use crate::{Naive, QUERIES, mb, raw_and_br, read_set, score, summary};
use anyhow::{Result, bail};
use portal_build::{load, relevance, search_index, views::Ctx};
use portal_search::{Engine, Request};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Instant;

pub fn index(content: &Path, repeat: usize) -> Result<Value> {
    let today = chrono::Local::now().date_naive();
    let started = Instant::now();
    let loaded = load::check(content, today);
    let load_s = started.elapsed().as_secs_f64();
    let errors = loaded.problems.iter().filter(|p| p.is_error()).count();
    if errors > 0 {
        bail!(
            "{} has {errors} error(s): run `portal check`",
            content.display()
        );
    }
    let ctx = Ctx::new(&loaded.catalog, today);
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..repeat.max(1) {
        let scratch = tempfile::tempdir()?;
        let started = Instant::now();
        let written = search_index::write(&ctx, content, scratch.path())?;
        times.push(started.elapsed().as_secs_f64());
        let sizes = folder_sizes(&scratch.path().join(portal_search::CHUNK_DIR))?;
        last = Some((written, sizes));
    }
    let (written, (raw, br)) = last.expect("at least one run");
    let t = summary(&times);
    let min = times.iter().copied().fold(f64::INFINITY, f64::min);
    let m = &written.manifest;
    println!(
        "{} items: load + check {load_s:.2} s, search index {} (min {min:.2} s, median {:.2} s of {}; {} documents, {} chunks of {} KiB, blob {}; whole index {} raw, {} brotli)",
        loaded.catalog.items.len(),
        times
            .iter()
            .map(|t| format!("{t:.2} s"))
            .collect::<Vec<_>>()
            .join(", "),
        t.p50,
        t.n,
        m.docs,
        m.chunks,
        m.chunk_size / 1024,
        mb(m.len as f64),
        mb(raw as f64),
        mb(br as f64),
    );
    Ok(json!({
        "items": loaded.catalog.items.len(),
        "load_check_s": load_s,
        "index_s": times,
        "index_min_s": min,
        "index_median_s": t.p50,
        "docs": m.docs,
        "chunks": m.chunks,
        "boot_ranges": m.boot.len(),
        "blob_bytes": m.len,
        "index_raw_bytes": raw,
        "index_br_bytes": br,
    }))
}

/// Bytes of the files in `dir` as served: raw, and with the `.br` copy
/// where there is one.
fn folder_sizes(dir: &Path) -> Result<(u64, u64)> {
    let (mut raw, mut br) = (0, 0);
    for e in std::fs::read_dir(dir)? {
        let path = e?.path();
        if path.extension().is_some_and(|x| x == "br") {
            continue;
        }
        let (r, b) = raw_and_br(&path)?;
        raw += r;
        br += b;
    }
    Ok((raw, br))
}

/// What the search box sends as you type: suggestions, no facet counts.
fn request(q: &str) -> Request {
    Request {
        q: q.into(),
        limit: 10,
        facets: false,
        suggest: true,
        ..Request::default()
    }
}

fn open(dist: &Path) -> Result<Engine> {
    portal_search::open_site(dist).map_err(anyhow::Error::msg)
}

pub fn latency(dist: &Path, rounds: usize) -> Result<Value> {
    let started = Instant::now();
    let engine = open(dist)?;
    let open_ms = started.elapsed().as_secs_f64() * 1e3;
    let mut first = Vec::new();
    for q in QUERIES {
        let t = Instant::now();
        engine.search(&request(q))?;
        first.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let mut warm = Vec::new();
    for _ in 0..rounds {
        for q in QUERIES {
            let t = Instant::now();
            engine.search(&request(q))?;
            warm.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    // As the results page asks: everything searched, facets counted.
    let mut page = Vec::new();
    for _ in 0..rounds {
        for q in QUERIES {
            let t = Instant::now();
            engine.search(&Request {
                q: q.to_string(),
                limit: 20,
                ..Request::default()
            })?;
            page.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    let (first, warm, page) = (summary(&first), summary(&warm), summary(&page));
    println!(
        "native engine: open {open_ms:.1} ms; first run of each query (chunks read from disk) ms: {first}"
    );
    println!(
        "native engine, warm ({rounds} rounds × {} queries) ms: {warm}",
        QUERIES.len()
    );
    println!("native engine, warm, results page (limit 20, facet counts) ms: {page}");
    Ok(json!({"open_ms": open_ms, "first_ms": first, "warm_ms": warm, "results_page_ms": page}))
}

pub fn quality(dist: &Path, set_path: &Path) -> Result<Value> {
    let engine = open(dist)?;
    let set = read_set(set_path)?;
    let tops = |suggest| -> Result<Vec<Vec<String>>> {
        let report = relevance::evaluate(&engine, set_path, suggest)?;
        Ok(report.outcomes.iter().map(|o| o.top.clone()).collect())
    };
    let ours = score(&set, &tops(false)?);
    let suggestions = score(&set, &tops(true)?);
    let naive = Naive::load(dist)?;
    let naive_tops: Vec<Vec<String>> = set.query.iter().map(|q| naive.search(&q.q)).collect();
    let naive_q = score(&set, &naive_tops);
    println!("portal search (results page): {ours}");
    println!("portal search box (suggestions): {suggestions}");
    println!("naive substring over names: {naive_q}");
    Ok(json!({"portal": ours, "suggestions": suggestions, "naive": naive_q}))
}
