//! Headless Chromium through Debian's chromedriver (as tests/search_browser.rs
//! does), against the site served by `portal_server::app` — the real
//! server, with its precompressed files and cache headers — behind a layer
//! that logs every response's size.
//!
//! What runs in the page is the real thing: the search worker built by
//! Trunk (spoken to with the app's own messages), the Leptos app's search
//! box (typed into), Pagefind's own `pagefind.js`, and for the naive
//! baseline `data/catalog.json` filtered in JavaScript.

mod baselines;
mod driver;
mod log;
mod portal;

use crate::{QUERIES, read_set, summary};
use anyhow::{Result, bail};
use baselines::{naive, pagefind};
use driver::Driver;
use fantoccini::Client;
use log::{BrSizes, Log, record};
use portal::portal;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;

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

fn is_index(p: &str) -> bool {
    p.starts_with("/search-index/")
}
fn is_app(p: &str) -> bool {
    p.starts_with("/app/")
}
fn is_pagefind(p: &str) -> bool {
    p.starts_with("/pagefind/")
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
