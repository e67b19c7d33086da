//! Headless Chromium through Debian's chromedriver (as tests/search_browser.rs
//! does), against the site served by `portal_server::app` — the real
//! server, with its precompressed files and cache headers — behind a layer
//! that logs every response's size.
//!
//! What runs in the page is the real thing: the search worker built by
//! Trunk (spoken to with the app's own messages), the Leptos app's search
//! box (typed into), Pagefind's own `pagefind.js`, and for the naive
//! baseline `data/catalog.json` filtered in JavaScript.

use crate::{QUERIES, RelevanceSet, kb, mb, read_set, score, summary};
use anyhow::{Context, Result, anyhow, bail};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// A site built with `--app target/site` (and, for the Pagefind
    /// measurements, indexed by `pagefind --site`).
    #[arg(long)]
    dist: PathBuf,
    /// Score Pagefind on this relevance set (for the site built from content/).
    #[arg(long)]
    set: Option<PathBuf>,
    /// Warm rounds over the query list.
    #[arg(long, default_value_t = 10)]
    rounds: usize,
    /// Fresh-browser visits measured per system (first query of a visit).
    #[arg(long, default_value_t = 5)]
    cold: usize,
    /// Skip the portal's own search.
    #[arg(long)]
    no_portal: bool,
    /// Skip Pagefind even if the site has a Pagefind bundle.
    #[arg(long)]
    no_pagefind: bool,
    /// Skip the naive search.
    #[arg(long)]
    no_naive: bool,
}

/// One response the server sent.
#[derive(Debug, Clone)]
struct Entry {
    path: String,
    status: u16,
    /// Body bytes on the wire (Content-Length).
    bytes: u64,
    encoding: String,
}

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<Entry>>>);

impl Log {
    fn mark(&self) -> usize {
        self.0.lock().unwrap().len()
    }
    fn since(&self, mark: usize) -> Vec<Entry> {
        self.0.lock().unwrap()[mark..].to_vec()
    }
}

async fn record(State(log): State<Log>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    let header = |name| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let entry = Entry {
        path,
        status: res.status().as_u16(),
        bytes: header(axum::http::header::CONTENT_LENGTH)
            .parse()
            .unwrap_or(0),
        encoding: header(axum::http::header::CONTENT_ENCODING),
    };
    log.0.lock().unwrap().push(entry);
    res
}

/// What a logged response would weigh with brotli: the bytes sent if they
/// were brotli already, else the build's `.br` copy, else the file
/// compressed here (quality 9, as the build does), whichever is smaller.
struct BrSizes {
    dist: PathBuf,
    cache: HashMap<String, u64>,
}

impl BrSizes {
    fn of(&mut self, e: &Entry) -> u64 {
        if e.encoding == "br" || e.status != 200 {
            return e.bytes;
        }
        if let Some(n) = self.cache.get(&e.path) {
            return *n;
        }
        let mut file = self.dist.join(e.path.trim_start_matches('/'));
        if e.path.ends_with('/') {
            file = file.join("index.html");
        }
        let n = match crate::raw_and_br(&file) {
            Ok((raw, br)) if br < raw => br,
            Ok(_) => std::fs::read(&file)
                .map(|b| (crate::brotli_len(&b, 9) as u64).min(b.len() as u64))
                .unwrap_or(e.bytes),
            Err(_) => e.bytes,
        };
        self.cache.insert(e.path.clone(), n);
        n
    }

    /// Requests, bytes sent and bytes with brotli, of the entries whose
    /// path passes `pick`.
    fn total(&mut self, entries: &[Entry], pick: impl Fn(&str) -> bool) -> (usize, u64, u64) {
        let mut out = (0, 0, 0);
        for e in entries.iter().filter(|e| pick(&e.path)) {
            out.0 += 1;
            out.1 += e.bytes;
            out.2 += self.of(e);
        }
        out
    }
}

fn is_index(p: &str) -> bool {
    p.starts_with("/search-index/")
}
fn is_app(p: &str) -> bool {
    p.starts_with("/app/")
}
fn is_pagefind(p: &str) -> bool {
    p.starts_with("/pagefind/")
}

struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Driver {
    fn start() -> Result<Driver> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into()),
        )
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context(
            "chromedriver is needed (Debian's chromium-driver; bench/search.sh installs it)",
        )?;
        Ok(Driver { child, port })
    }

    /// A new browser with a fresh profile (empty HTTP cache).
    async fn session(&self) -> Result<Client> {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
            }),
        );
        for _ in 0..100 {
            if let Ok(c) =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                    .capabilities(caps.clone())
                    .connect(&format!("http://127.0.0.1:{}", self.port))
                    .await
            {
                c.update_timeouts(TimeoutConfiguration::new(
                    Some(Duration::from_secs(1800)),
                    Some(Duration::from_secs(300)),
                    Some(Duration::from_secs(0)),
                ))
                .await?;
                return Ok(c);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("chromedriver did not start")
    }

    /// Resident memory of the browser's renderer processes (the page and
    /// its workers live there), in bytes.
    fn renderer_rss(&self) -> u64 {
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return 0;
        };
        let mut parent: HashMap<u32, u32> = HashMap::new();
        let mut pids = Vec::new();
        for e in dir.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            // pid (comm) state ppid …; comm may hold spaces.
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse().ok());
            if let Some(ppid) = ppid {
                parent.insert(pid, ppid);
                pids.push(pid);
            }
        }
        let root = self.child.id();
        let descends = |mut p: u32| {
            for _ in 0..64 {
                match parent.get(&p) {
                    Some(&pp) if pp == root => return true,
                    Some(&pp) if pp > 1 => p = pp,
                    _ => return false,
                }
            }
            false
        };
        let mut total = 0;
        for pid in pids {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            if !String::from_utf8_lossy(&cmd).contains("--type=renderer") || !descends(pid) {
                continue;
            }
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            if let Some(kb) = status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<u64>().ok())
            {
                total += kb * 1024;
            }
        }
        total
    }
}

async fn run_js(c: &Client, script: &str, args: Vec<Value>) -> Result<Value> {
    let v = c.execute_async(script, args).await?;
    if let Some(e) = v.get("error") {
        bail!("in the page: {e}");
    }
    Ok(v)
}

/// The `n` queries with the highest median `key`, slowest first.
fn slowest(samples: &Value, key: &str, n: usize) -> String {
    let mut by: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    for s in samples.as_array().into_iter().flatten() {
        if let (Some(q), Some(x)) = (s["q"].as_str(), s[key].as_f64()) {
            by.entry(q.to_string()).or_default().push(x);
        }
    }
    let mut v: Vec<(String, f64)> = by
        .into_iter()
        .map(|(q, xs)| (q, summary(&xs).p50))
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    v.iter()
        .take(n)
        .map(|(q, ms)| format!("{q} {ms:.1} ms"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn nums(v: &Value, key: &str) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().filter_map(|x| x[key].as_f64()).collect())
        .unwrap_or_default()
}

pub async fn run(args: Args) -> Result<Value> {
    let dist = std::path::absolute(&args.dist)?;
    if !dist.join("index.html").is_file() {
        bail!("{} holds no built site", dist.display());
    }
    let log = Log::default();
    let app =
        portal_server::app(&dist).layer(axum::middleware::from_fn_with_state(log.clone(), record));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    let driver = Driver::start()?;
    let mut br = BrSizes {
        dist: dist.clone(),
        cache: HashMap::new(),
    };
    let queries: Vec<Value> = QUERIES.iter().map(|q| json!(q)).collect();
    let mut out = json!({});
    if !args.no_portal {
        out["portal"] = portal(&driver, &base, &dist, &log, &mut br, &args, &queries).await?;
    }
    if !args.no_pagefind && dist.join("pagefind/pagefind.js").exists() {
        let set = args.set.as_deref().map(read_set).transpose()?;
        out["pagefind"] =
            pagefind(&driver, &base, &log, &mut br, &args, &queries, set.as_ref()).await?;
    }
    if !args.no_naive {
        out["naive"] = naive(&driver, &base, &log, &mut br, &args, &queries).await?;
    }
    Ok(out)
}

/// Our search: cold first query (fresh browser, the results page), repeat
/// visit, warm latency in the worker, keystroke to painted suggestions,
/// renderer memory.
async fn portal(
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

async fn pagefind(
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

async fn naive(
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
