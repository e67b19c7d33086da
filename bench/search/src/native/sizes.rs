//! Code and index sizes: the wasm and JavaScript the browser loads, the
//! index's files and each field's share.

use super::folder_sizes;
use crate::{Naive, kb, mb};
use anyhow::{Context, Result};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

pub fn sizes(app: &Path, dist: Option<&Path>) -> Result<Value> {
    let mut out = serde_json::Map::new();
    let mut files: Vec<_> = std::fs::read_dir(app)
        .with_context(|| format!("cannot read {} (run `trunk build`)", app.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wasm" || x == "js"))
        .collect();
    files.sort();
    println!(
        "browser code in {} (brotli 11 = static precompression; 9 = the build's .br copies):",
        app.display()
    );
    for f in files {
        let bytes = std::fs::read(&f)?;
        let (b11, b9) = (crate::brotli_len(&bytes, 11), crate::brotli_len(&bytes, 9));
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        println!(
            "  {name:<36} raw {:>10}  brotli-11 {:>10}  brotli-9 {:>10}",
            kb(bytes.len() as f64),
            kb(b11 as f64),
            kb(b9 as f64)
        );
        out.insert(name, json!({"raw": bytes.len(), "br11": b11, "br9": b9}));
    }
    let mut result = json!({"app": out});
    if let Some(dist) = dist {
        let catalog = dist.join("data/catalog.json");
        if catalog.exists() {
            let bytes = std::fs::read(&catalog)?;
            let naive = Naive::load(dist)?;
            let names = serde_json::to_vec(&naive.items)?;
            let (c_br, n_br) = (crate::brotli_len(&bytes, 9), crate::brotli_len(&names, 9));
            println!(
                "naive search data: data/catalog.json raw {} brotli {}; just [code, name] pairs raw {} brotli {}",
                kb(bytes.len() as f64),
                kb(c_br as f64),
                kb(names.len() as f64),
                kb(n_br as f64)
            );
            result["catalog_json"] = json!({"raw": bytes.len(), "br": c_br});
            result["names_json"] = json!({"raw": names.len(), "br": n_br});
        }
        let pf = dist.join("pagefind");
        if pf.is_dir() {
            let (mut files, mut raw) = (0u64, 0u64);
            let mut code = serde_json::Map::new();
            for e in walk(&pf)? {
                files += 1;
                raw += std::fs::metadata(&e)?.len();
                let name = e.file_name().unwrap().to_string_lossy().into_owned();
                let top = e.parent() == Some(pf.as_path());
                if top && (name.ends_with(".js") || name.contains("wasm")) {
                    let bytes = std::fs::read(&e)?;
                    let br = crate::brotli_len(&bytes, 11);
                    println!(
                        "  pagefind/{name:<32} raw {:>10}  brotli-11 {:>10}",
                        kb(bytes.len() as f64),
                        kb(br as f64)
                    );
                    code.insert(name, json!({"raw": bytes.len(), "br11": br}));
                }
            }
            println!(
                "pagefind bundle: {files} files, {} (its index files are gzip-compressed by Pagefind itself)",
                mb(raw as f64)
            );
            result["pagefind"] = json!({"files": files, "bytes": raw, "code": code});
        }
        if let Some(v) = precheck_sizes(dist)? {
            result["precheck_data"] = v;
        }
        let idx = dist.join(portal_search::CHUNK_DIR);
        if idx.is_dir() {
            let (raw, br) = folder_sizes(&idx)?;
            println!(
                "portal search index: {} raw, {} brotli (all chunks, what the browser never downloads whole)",
                mb(raw as f64),
                mb(br as f64)
            );
            result["portal_index"] = json!({"raw": raw, "br": br});
            result["fields"] = field_sizes(dist)?;
        }
    }
    Ok(result)
}

/// Raw bytes of each field's dictionary, postings and positions (what a
/// query's terms read, field by field), and of the stored documents.
fn field_sizes(dist: &Path) -> Result<Value> {
    let engine = portal_search::open_site(dist).map_err(anyhow::Error::msg)?;
    let usage = engine.index().reader()?.searcher().space_usage()?;
    let mut rows: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    for seg in usage.segments() {
        let parts = [seg.termdict(), seg.postings(), seg.positions()];
        for (k, part) in parts.into_iter().enumerate() {
            for f in part.fields() {
                rows.entry(f.field_name().to_string()).or_default()[k] += f.total().get_bytes();
            }
        }
    }
    println!("index by field (raw): dictionary, postings, positions");
    for (name, [t, p, x]) in &rows {
        println!(
            "  {name:<14} {:>10} {:>10} {:>10}",
            kb(*t as f64),
            kb(*p as f64),
            kb(*x as f64)
        );
    }
    Ok(json!(rows))
}

fn walk(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let e = e?;
            if e.file_type()?.is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    Ok(out)
}

/// The pre-check data each item page embeds (`items/*/precheck.json`, the
/// same bytes as the page's `<script type="application/json">`): what the
/// questionnaire adds to a page besides the app's code.
fn precheck_sizes(dist: &Path) -> Result<Option<Value>> {
    let Ok(entries) = std::fs::read_dir(dist.join("items")) else {
        return Ok(None);
    };
    let mut br = Vec::new();
    for e in entries.flatten() {
        if let Ok(bytes) = std::fs::read(e.path().join("precheck.json")) {
            br.push(crate::brotli_len(&bytes, 11) as f64);
        }
    }
    if br.is_empty() {
        return Ok(None);
    }
    let s = crate::summary(&br);
    println!(
        "pre-check data of {} item pages, brotli-11: p50 {}, p95 {}, max {}",
        s.n,
        kb(s.p50),
        kb(s.p95),
        kb(s.max)
    );
    Ok(Some(json!(s)))
}
