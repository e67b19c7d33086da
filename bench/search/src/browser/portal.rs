//! The portal's own search in the browser: its worker and its search box.

use super::driver::Driver;
use super::log::{BrSizes, Log};
use super::{Args, is_app, is_index, nums, run_js, slowest};
use crate::{QUERIES, kb, mb, summary};
use anyhow::{Context, Result};
use fantoccini::Locator;
use serde_json::{Value, json};
use std::time::Duration;

/// Our search: cold first query (fresh browser, the results page), repeat
/// visit, warm latency in the worker, keystroke to painted suggestions,
/// renderer memory.
pub(super) async fn portal(
    driver: &Driver,
    base: &str,
    dist: &std::path::Path,
    log: &Log,
    br: &mut BrSizes,
    args: &Args,
    queries: &[Value],
) -> Result<Value> {
    println!("portal search in headless Chromium ({base}):");
    let mut cold = Vec::new();
    for q in QUERIES.iter().take(args.cold) {
        let c = driver.session().await?;
        let url = format!(
            "{base}/search/?q={}",
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        );
        let mark = log.mark();
        c.goto(&url).await?;
        c.wait()
            .at_most(Duration::from_secs(120))
            .for_element(Locator::Css(".results-live .result-count"))
            .await
            .context("results on the /search/ page")?;
        let first = log.since(mark);
        let (n, raw, brotli) = br.total(&first, is_index);
        let (an, araw, abr) = br.total(&first, is_app);
        let (_, all_raw, all_br) = br.total(&first, |_| true);
        let encodings: Vec<String> = first
            .iter()
            .filter(|e| is_index(&e.path))
            .map(|e| e.encoding.clone())
            .collect();
        // The same page again in the same browser: the repeat visit.
        let mark = log.mark();
        c.goto(&url).await?;
        c.wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Css(".results-live .result-count"))
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let again = log.since(mark);
        let (rn, _, rbr) = br.total(&again, is_index);
        let (ran, _, rabr) = br.total(&again, is_app);
        let (alln, _, allbr) = br.total(&again, |_| true);
        println!(
            "  cold visit /search/?q={q}: index {n} requests (each planned stage in parallel), {} sent, {} with brotli; app code {an} requests {} ({} br); whole visit {} ({} br); index encodings sent: {:?}",
            kb(raw as f64),
            kb(brotli as f64),
            kb(araw as f64),
            kb(abr as f64),
            kb(all_raw as f64),
            kb(all_br as f64),
            encodings.first().map(String::as_str).unwrap_or("")
        );
        println!(
            "    repeat visit: index {rn} requests {} br, app {ran} requests {} br; all requests {alln} ({} br: the page itself)",
            kb(rbr as f64),
            kb(rabr as f64),
            kb(allbr as f64)
        );
        cold.push(json!({
            "q": q, "index_requests": n, "index_raw": raw, "index_br": brotli,
            "app_requests": an, "app_raw": araw, "app_br": abr, "visit_raw": all_raw, "visit_br": all_br,
            "repeat_index_requests": rn, "repeat_index_br": rbr,
            "repeat_app_requests": ran, "repeat_app_br": rabr,
            "repeat_all_requests": alln, "repeat_all_br": allbr,
        }));
        c.close().await?;
    }

    // The worker, spoken to with the app's own messages, from a page where
    // the app has not started (the home page, nothing focused).
    let c = driver.session().await?;
    c.goto(&format!("{base}/")).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_before = driver.renderer_rss();
    let v = run_js(
        &c,
        WORKER_JS,
        vec![json!(queries), json!(args.rounds), json!(10)],
    )
    .await?;
    let rss_after = driver.renderer_rss();
    let warm_ms = summary(&nums(&v["warm"], "ms"));
    let warm_rt = summary(&nums(&v["warm"], "rt"));
    let warm_facets = summary(&nums(&v["warm_facets"], "ms"));
    let first_ms = summary(&nums(&v["first"], "ms"));
    println!(
        "  worker: loaded {:.0} ms, index open {:.0} ms after ({} docs, {} boot bytes)",
        v["loaded_ms"].as_f64().unwrap_or(0.0),
        v["open_ms"].as_f64().unwrap_or(0.0),
        v["docs"],
        v["ready_fetched"]
    );
    println!("  worker, first run of each query (chunks over HTTP) ms: {first_ms}");
    println!(
        "  worker, warm ({} rounds × {} queries, as typed: no facet counts), ms in the worker: {warm_ms}",
        args.rounds,
        queries.len()
    );
    println!("  worker, warm, page → worker → page round trip ms: {warm_rt}");
    println!("  worker, warm, as the results page asks (with facet counts) ms: {warm_facets}");
    println!(
        "  worker, warm, slowest queries (median): {}",
        slowest(&v["warm"], "ms", 4)
    );
    let engine = portal_search::open_site(dist).map_err(anyhow::Error::msg)?;
    let mut same = 0;
    for x in v["first"].as_array().into_iter().flatten() {
        let native: Vec<String> = engine
            .search(&portal_search::Request {
                q: x["q"].as_str().unwrap_or_default().into(),
                limit: 10,
                facets: false,
                suggest: true,
                ..Default::default()
            })?
            .hits
            .into_iter()
            .map(|h| h.card.code)
            .collect();
        let wasm: Vec<String> = serde_json::from_value(x["codes"].clone()).unwrap_or_default();
        same += usize::from(native == wasm);
    }
    println!(
        "  worker results equal the native engine's for {same} of {} queries",
        queries.len()
    );
    println!(
        "  renderer memory (RSS of the renderer processes): {} before the worker, {} after (+{})",
        mb(rss_before as f64),
        mb(rss_after as f64),
        mb(rss_after as f64 - rss_before as f64)
    );
    let codes: Vec<Value> = v["first"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| json!({"q": x["q"], "codes": x["codes"]}))
                .collect()
        })
        .unwrap_or_default();
    c.close().await?;

    // The app's search box: type, wait for painted suggestions.
    let c = driver.session().await?;
    c.goto(&format!("{base}/")).await?;
    c.find(Locator::Id("q")).await?.click().await?;
    c.wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("html[data-app-state='ready']"))
        .await
        .context("the app loads on focus")?;
    let mut keys_first = Vec::new();
    let mut keys = Vec::new();
    let mut search_ms = Vec::new();
    let mut empty = 0;
    for round in 0..=args.rounds.min(5) {
        for q in QUERIES {
            let v = run_js(&c, TYPE_JS, vec![json!(q)]).await?;
            if v["n"].as_u64() == Some(0) {
                empty += 1;
                continue;
            }
            let ms = v["ms"].as_f64().unwrap_or(0.0);
            if round == 0 {
                keys_first.push(ms);
            } else {
                keys.push(ms);
                search_ms.push(v["search_ms"].as_f64().unwrap_or(0.0));
            }
        }
    }
    let (keys_first, keys, search_ms) = (summary(&keys_first), summary(&keys), summary(&search_ms));
    println!("  search box, input event → suggestions painted, first time ms: {keys_first}");
    println!(
        "  search box, input event → suggestions painted, warm ms: {keys}  ({empty} inputs without suggestions left out)"
    );
    println!("  search box, warm, data-search-ms ms: {search_ms}");
    c.close().await?;
    Ok(json!({
        "cold": cold, "worker": {
            "loaded_ms": v["loaded_ms"], "open_ms": v["open_ms"], "ready_fetched": v["ready_fetched"],
            "first_ms": first_ms, "warm_ms": warm_ms, "warm_round_trip_ms": warm_rt,
            "warm_facets_ms": warm_facets,
            "codes": codes, "same_as_native": same,
        },
        "renderer_rss_before": rss_before, "renderer_rss_after": rss_after,
        "keystroke_first_ms": keys_first, "keystroke_warm_ms": keys, "keystroke_search_ms": search_ms,
        "keystroke_empty": empty,
    }))
}

const WORKER_JS: &str = r#"
const [queries, rounds, limit, done] = arguments;
const html = document.documentElement;
const now = () => performance.now();
const w = new Worker(html.dataset.worker);
let next = 0, tLoaded = 0, ready;
const waiting = new Map();
const readyP = new Promise(r => ready = r);
w.onerror = e => done({error: 'worker: ' + (e.message || e)});
w.onmessage = e => {
  const m = JSON.parse(e.data);
  if (m.type === 'loaded') {
    tLoaded = now();
    w.postMessage(JSON.stringify({type: 'open', boot: html.dataset.search}));
  } else if (m.type === 'ready') ready(m);
  else if (m.id != null && waiting.has(m.id)) { const cb = waiting.get(m.id); waiting.delete(m.id); cb(m); }
  else if (m.type === 'failed') done({error: m.message});
};
// As the search box asks (no facet counts), or as the results page does.
const ask = (q, facets = false) => new Promise(res => {
  const id = ++next, t0 = now();
  waiting.set(id, m => res({m, rt: now() - t0}));
  w.postMessage(JSON.stringify({type: 'search', id, request: {q, filters: [], offset: 0, limit, facets, suggest: !facets}}));
});
(async () => {
  const t0 = now();
  const r = await readyP;
  const out = {loaded_ms: tLoaded - t0, open_ms: now() - tLoaded, ready_fetched: r.fetched, docs: r.docs, first: [], warm: []};
  for (const q of queries) {
    const {m, rt} = await ask(q);
    if (m.type !== 'results') return done({error: q + ': ' + m.message});
    out.first.push({q, ms: m.millis, rt, fetched: m.fetched, total: m.response.total,
      codes: m.response.hits.map(h => h.card.code)});
  }
  for (let i = 0; i < rounds; i++) for (const q of queries) {
    const {m, rt} = await ask(q);
    out.warm.push({q, ms: m.millis, rt});
  }
  out.warm_facets = [];
  for (const q of queries) await ask(q, true);
  for (let i = 0; i < rounds; i++) for (const q of queries) {
    const {m, rt} = await ask(q, true);
    out.warm_facets.push({q, ms: m.millis, rt});
  }
  window.__benchWorker = w;
  done(out);
})().catch(e => done({error: String(e)}));
"#;

/// Clears the box, then "types" the query (one input event, as an IME
/// commit gives) and waits until the suggestions are painted.
const TYPE_JS: &str = r#"
const [q, done] = arguments;
const html = document.documentElement;
const input = document.getElementById('q');
const list = document.getElementById('q-list');
input.focus();
input.value = '';
input.dispatchEvent(new Event('input', {bubbles: true}));
requestAnimationFrame(() => setTimeout(() => {
  let finished = false;
  const t0 = performance.now();
  const finish = n => {
    if (finished) return;
    finished = true;
    obs.disconnect();
    // The frame after the DOM change: painted.
    requestAnimationFrame(() => setTimeout(() => done({ms: performance.now() - t0,
      search_ms: parseFloat(html.dataset.searchMs || 'NaN'), n}), 0));
  };
  const check = () => {
    const n = list.querySelectorAll('li').length;
    if (n > 0 && !list.hidden) finish(n);
  };
  const obs = new MutationObserver(recs => {
    for (const r of recs)
      if (r.target === html) setTimeout(() => { check(); if (!finished) setTimeout(() => finish(0), 300); }, 50);
    check();
  });
  obs.observe(html, {attributes: true, attributeFilter: ['data-search-ms']});
  obs.observe(list, {childList: true, subtree: true, attributes: true});
  input.value = q;
  input.dispatchEvent(new Event('input', {bubbles: true}));
}, 0));
"#;
