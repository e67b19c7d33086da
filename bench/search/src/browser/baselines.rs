//! The baselines: Pagefind (its own `pagefind.js` over the same site) and
//! a naive search filtering `data/catalog.json` in JavaScript.

use super::driver::Driver;
use super::log::{BrSizes, Log};
use super::{Args, is_pagefind, nums, run_js, slowest};
use crate::{QUERIES, RelevanceSet, kb, score, summary};
use anyhow::{Result, anyhow};
use serde_json::{Value, json};

const PAGEFIND_COLD_JS: &str = r#"
const [q, done] = arguments;
(async () => {
  const t0 = performance.now();
  const pf = await import('/pagefind/pagefind.js');
  await pf.init();
  const t1 = performance.now();
  const s = await pf.search(q);
  const d = await Promise.all(s.results.slice(0, 10).map(r => r.data()));
  const t2 = performance.now();
  done({init_ms: t1 - t0, first_ms: t2 - t1, urls: d.map(x => x.url), total: s.results.length});
})().catch(e => done({error: String((e && e.stack) || e)}));
"#;

const PAGEFIND_WARM_JS: &str = r#"
const [queries, rounds, done] = arguments;
(async () => {
  performance.setResourceTimingBufferSize(1000000);
  const pf = await import('/pagefind/pagefind.js');
  await pf.init();
  const bytes = () => performance.getEntriesByType('resource')
    .filter(e => e.name.includes('/pagefind/')).reduce((s, e) => s + e.encodedBodySize, 0);
  const first = [];
  for (const q of queries) {
    const b0 = bytes(), t0 = performance.now();
    const s = await pf.search(q);
    const d = await Promise.all(s.results.slice(0, 10).map(r => r.data()));
    first.push({q, ms: performance.now() - t0, bytes: bytes() - b0, urls: d.map(x => x.url)});
  }
  const warm = [];
  for (let i = 0; i < rounds; i++) for (const q of queries) {
    const t0 = performance.now();
    const s = await pf.search(q);
    const t1 = performance.now();
    await Promise.all(s.results.slice(0, 10).map(r => r.data()));
    warm.push({q, search_ms: t1 - t0, ms: performance.now() - t0});
  }
  done({first, warm});
})().catch(e => done({error: String((e && e.stack) || e)}));
"#;

const PAGEFIND_SET_JS: &str = r#"
const [queries, done] = arguments;
(async () => {
  const pf = await import('/pagefind/pagefind.js');
  await pf.init();
  const tops = [];
  for (const q of queries) {
    const s = await pf.search(q);
    const d = await Promise.all(s.results.slice(0, 10).map(r => r.data()));
    tops.push(d.map(x => x.url));
  }
  done({tops});
})().catch(e => done({error: String((e && e.stack) || e)}));
"#;

fn item_code(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("/items/")?;
    Some(rest.split('/').next()?.to_string())
}

pub(super) async fn pagefind(
    driver: &Driver,
    base: &str,
    log: &Log,
    br: &mut BrSizes,
    args: &Args,
    queries: &[Value],
    set: Option<&RelevanceSet>,
) -> Result<Value> {
    println!("Pagefind in headless Chromium:");
    let mut cold = Vec::new();
    for q in QUERIES.iter().take(args.cold) {
        let c = driver.session().await?;
        c.goto(&format!("{base}/")).await?;
        let mark = log.mark();
        let v = run_js(&c, PAGEFIND_COLD_JS, vec![json!(q)]).await?;
        let got = log.since(mark);
        let (n, raw, brotli) = br.total(&got, is_pagefind);
        let code = |p: &str| is_pagefind(p) && (p.ends_with(".js") || p.contains("wasm"));
        let (cn, craw, cbr) = br.total(&got, code);
        let frags = got.iter().filter(|e| e.path.contains("/fragment/")).count();
        println!(
            "  cold, first query {q}: {n} requests, {} sent ({} with brotli where smaller), of which code {cn} requests {} ({} br); index+fragments {} ({} br, {frags} fragments); init {:.0} ms, query {:.0} ms",
            kb(raw as f64),
            kb(brotli as f64),
            kb(craw as f64),
            kb(cbr as f64),
            kb((raw - craw) as f64),
            kb((brotli - cbr) as f64),
            v["init_ms"].as_f64().unwrap_or(0.0),
            v["first_ms"].as_f64().unwrap_or(0.0)
        );
        cold.push(json!({
            "q": q, "requests": n, "raw": raw, "br": brotli, "code_requests": cn, "code_raw": craw,
            "code_br": cbr, "data_raw": raw - craw, "data_br": brotli - cbr, "fragments": frags,
            "init_ms": v["init_ms"], "first_ms": v["first_ms"],
        }));
        c.close().await?;
    }
    let c = driver.session().await?;
    c.goto(&format!("{base}/")).await?;
    let v = run_js(
        &c,
        PAGEFIND_WARM_JS,
        vec![json!(queries), json!(args.rounds)],
    )
    .await?;
    let further: Vec<f64> = nums(&v["first"], "bytes").into_iter().skip(1).collect();
    let further = summary(&further);
    let first_ms = summary(&nums(&v["first"], "ms"));
    let warm_ms = summary(&nums(&v["warm"], "ms"));
    let warm_search = summary(&nums(&v["warm"], "search_ms"));
    println!(
        "  further queries in one session, bytes sent per query (index + fragments): p50 {} p95 {} max {}",
        kb(further.p50),
        kb(further.p95),
        kb(further.max)
    );
    println!("  first run of each query ms: {first_ms}");
    println!("  warm, search() + data() of the top 10 ms: {warm_ms}");
    println!("  warm, search() alone ms: {warm_search}");
    println!(
        "  warm, slowest queries (median): {}",
        slowest(&v["warm"], "ms", 4)
    );
    c.close().await?;
    let mut out = json!({
        "cold": cold, "further_bytes": further, "first_ms": first_ms,
        "warm_ms": warm_ms, "warm_search_ms": warm_search,
    });
    if let Some(set) = set {
        let c = driver.session().await?;
        c.goto(&format!("{base}/")).await?;
        let qs: Vec<Value> = set.query.iter().map(|q| json!(q.q)).collect();
        let v = run_js(&c, PAGEFIND_SET_JS, vec![json!(qs)]).await?;
        let tops: Vec<Vec<String>> = v["tops"]
            .as_array()
            .ok_or_else(|| anyhow!("no results from Pagefind"))?
            .iter()
            .map(|t| {
                t.as_array()
                    .map(|a| a.iter().filter_map(|u| item_code(u.as_str()?)).collect())
                    .unwrap_or_default()
            })
            .collect();
        let q = score(set, &tops);
        println!("  Pagefind quality (items among its top 10 results): {q}");
        out["quality"] = serde_json::to_value(&q)?;
        c.close().await?;
    }
    Ok(out)
}

const NAIVE_JS: &str = r#"
const [queries, rounds, done] = arguments;
(async () => {
  const t0 = performance.now();
  const r = await fetch('/data/catalog.json');
  const j = await r.json();
  const items = j.items.map(i => [i.code, i.name]);
  const t1 = performance.now();
  const search = q => {
    q = q.trim();
    if (!q) return [];
    const m = items.filter(i => i[1].includes(q));
    m.sort((a, b) => a[1].length - b[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return m.slice(0, 10).map(i => i[0]);
  };
  const warm = [];
  for (let i = 0; i < rounds; i++) for (const q of queries) {
    const s = performance.now();
    search(q);
    warm.push({ms: performance.now() - s});
  }
  done({load_ms: t1 - t0, items: items.length, warm});
})().catch(e => done({error: String(e)}));
"#;

pub(super) async fn naive(
    driver: &Driver,
    base: &str,
    log: &Log,
    br: &mut BrSizes,
    args: &Args,
    queries: &[Value],
) -> Result<Value> {
    let c = driver.session().await?;
    c.goto(&format!("{base}/")).await?;
    let mark = log.mark();
    let v = run_js(&c, NAIVE_JS, vec![json!(queries), json!(args.rounds)]).await?;
    let (_, raw, brotli) = br.total(&log.since(mark), |p| p == "/data/catalog.json");
    let warm = summary(&nums(&v["warm"], "ms"));
    println!(
        "naive substring search in Chromium: catalog.json {} sent ({} with brotli), fetched and parsed in {:.0} ms; warm query ms: {warm}",
        kb(raw as f64),
        kb(brotli as f64),
        v["load_ms"].as_f64().unwrap_or(0.0)
    );
    c.close().await?;
    Ok(json!({"catalog_raw": raw, "catalog_br": brotli, "load_ms": v["load_ms"], "warm_ms": warm}))
}
