//! `search-bench`: the measurements behind docs/benchmarks.md (issue 3,
//! "Performance"). `bench/search.sh` runs every step on `portal demo`
//! catalogs; each subcommand can also run alone.
//!
//! Every subcommand prints plain lines for people and, with `--json FILE`,
//! writes what it measured as JSON for the script to collect.

mod browser;
mod native;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Realistic queries, taken from tests/relevance.toml: the issue's own
/// examples, exact and partial names, colloquial words, Traditional and
/// variant characters, pinyin, initials, mixed input.
pub const QUERIES: &[&str] = &[
    "身份证",
    "驾照丢了",
    "开饭店",
    "医保卡",
    "房产证",
    "營業執照",
    "公积金帐户封存",
    "yyzz",
    "yingyezhizhao",
    "不动产抵押登记",
    "失业保险金申领",
    "户口迁移",
    "施工许可",
    "食品经营许可",
    "出生医学证明",
    "社保卡丢了",
    "二手房过户",
    "护照过期了",
    "公积金 提取 租房",
    "身份证　补办",
    "sfz",
];

#[derive(Parser)]
#[command(
    name = "search-bench",
    about = "Search benchmarks (issue 3); see docs/benchmarks.md"
)]
struct Cli {
    /// Also write the measurements as JSON to this file.
    #[arg(long, global = true)]
    json: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Time the search index alone (load + check the content, then
    /// `portal_build::search_index::write` into a scratch folder).
    Index {
        #[arg(long)]
        content: PathBuf,
        /// Write the index this many times; the minimum and median are
        /// reported (a shared machine is noisy).
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
    /// Bytes a query reads from a built site: first query (manifest + boot
    /// + chunks), typed prefix by prefix, and further queries in a session.
    Bytes {
        #[arg(long)]
        dist: PathBuf,
    },
    /// Native query latency through the engine (warm), p50/p95.
    Latency {
        #[arg(long)]
        dist: PathBuf,
        #[arg(long, default_value_t = 30)]
        rounds: usize,
    },
    /// Quality on a relevance set: the engine and a naive substring search
    /// over item names (from data/catalog.json).
    Quality {
        #[arg(long)]
        dist: PathBuf,
        #[arg(long, default_value = "tests/relevance.toml")]
        set: PathBuf,
    },
    /// Sizes of the browser code: the app and search worker wasm (raw,
    /// brotli), Pagefind's bundle, data/catalog.json.
    Sizes {
        /// Trunk's output (target/site).
        #[arg(long, default_value = "target/site")]
        app: PathBuf,
        /// A built site (for Pagefind's bundle and catalog.json), optional.
        #[arg(long)]
        dist: Option<PathBuf>,
    },
    /// Headless Chromium: the real worker and app, Pagefind and the naive
    /// search on the same served site.
    Browser(browser::Args),
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let value = match cli.command {
        Command::Index { content, repeat } => native::index(&content, repeat)?,
        Command::Bytes { dist } => native::bytes(&dist)?,
        Command::Latency { dist, rounds } => native::latency(&dist, rounds)?,
        Command::Quality { dist, set } => native::quality(&dist, &set)?,
        Command::Sizes { app, dist } => native::sizes(&app, dist.as_deref())?,
        Command::Browser(args) => browser::run(args).await?,
    };
    if let Some(path) = cli.json {
        std::fs::write(&path, serde_json::to_vec_pretty(&value)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// p50, p95 and max of a sample (nearest rank).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub n: usize,
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
    pub mean: f64,
}

pub fn summary(xs: &[f64]) -> Summary {
    if xs.is_empty() {
        return Summary::default();
    }
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    Summary {
        n: v.len(),
        p50: rank(0.5),
        p95: rank(0.95),
        max: v[v.len() - 1],
        mean: v.iter().sum::<f64>() / v.len() as f64,
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "p50 {:.2}  p95 {:.2}  max {:.2}  (n = {})",
            self.p50, self.p95, self.max, self.n
        )
    }
}

/// Brotli as the build writes its `.br` copies (quality 9, window 22).
pub fn brotli_len(bytes: &[u8], quality: u32) -> usize {
    use std::io::Write;
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, quality, 22);
        w.write_all(bytes).expect("writing to memory");
    }
    out.len()
}

/// Size of `path`, and of its `.br` copy if the build wrote one (else the
/// raw size: the build keeps no copy that is not smaller).
pub fn raw_and_br(path: &Path) -> Result<(u64, u64)> {
    let raw = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    let mut br = path.as_os_str().to_owned();
    br.push(".br");
    let br = std::fs::metadata(PathBuf::from(br)).map_or(raw, |m| m.len());
    Ok((raw, br))
}

/// Decimal kilobytes, the unit of the issue's targets.
pub fn kb(bytes: f64) -> String {
    format!("{:.1} kB", bytes / 1000.0)
}

/// Decimal megabytes.
pub fn mb(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

/// tests/relevance.toml.
#[derive(Debug, Deserialize)]
pub struct RelevanceSet {
    pub query: Vec<RelevanceQuery>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RelevanceQuery {
    pub q: String,
    pub expect: Vec<String>,
    #[serde(default)]
    pub kind: String,
}

pub fn read_set(path: &Path) -> Result<RelevanceSet> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{} is not a relevance set", path.display()))
}

/// success@1, success@5 and MRR (top 10), as `portal relevance` counts
/// them, plus success@5 by kind of query.
#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    pub queries: usize,
    pub success_at_1: f64,
    pub success_at_5: f64,
    pub mrr: f64,
    pub success_at_5_by_kind: BTreeMap<String, f64>,
}

pub fn score(set: &RelevanceSet, tops: &[Vec<String>]) -> Quality {
    let ranks: Vec<Option<usize>> = set
        .query
        .iter()
        .zip(tops)
        .map(|(q, top)| {
            top.iter()
                .take(10)
                .position(|c| q.expect.contains(c))
                .map(|i| i + 1)
        })
        .collect();
    let n = ranks.len().max(1) as f64;
    let share = |k: usize| ranks.iter().filter(|r| r.is_some_and(|r| r <= k)).count() as f64 / n;
    let mut kinds: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (q, r) in set.query.iter().zip(&ranks) {
        let e = kinds.entry(q.kind.clone()).or_default();
        e.1 += 1;
        if r.is_some_and(|r| r <= 5) {
            e.0 += 1;
        }
    }
    Quality {
        queries: ranks.len(),
        success_at_1: share(1),
        success_at_5: share(5),
        mrr: ranks.iter().flatten().map(|r| 1.0 / *r as f64).sum::<f64>() / n,
        success_at_5_by_kind: kinds
            .into_iter()
            .map(|(k, (hit, all))| (k, hit as f64 / all as f64))
            .collect(),
    }
}

impl std::fmt::Display for Quality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} queries: success@1 {:.1}%, success@5 {:.1}%, MRR {:.3}",
            self.queries,
            self.success_at_1 * 100.0,
            self.success_at_5 * 100.0,
            self.mrr
        )?;
        let kinds: Vec<String> = self
            .success_at_5_by_kind
            .iter()
            .map(|(k, s)| format!("{k} {:.0}%", s * 100.0))
            .collect();
        write!(f, "\n    success@5 by kind: {}", kinds.join(", "))
    }
}

/// The naive baseline: items whose name contains the query as typed
/// (trimmed), shortest name first. No folding, no synonyms, no pinyin.
pub struct Naive {
    pub items: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct CatalogJson {
    items: Vec<CatalogItem>,
}

#[derive(Deserialize)]
struct CatalogItem {
    code: String,
    name: String,
}

impl Naive {
    pub fn load(dist: &Path) -> Result<Naive> {
        let path = dist.join("data/catalog.json");
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let c: CatalogJson = serde_json::from_slice(&bytes)?;
        Ok(Naive {
            items: c.items.into_iter().map(|i| (i.code, i.name)).collect(),
        })
    }

    pub fn search(&self, q: &str) -> Vec<String> {
        let q = q.trim();
        if q.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<&(String, String)> = self
            .items
            .iter()
            .filter(|(_, name)| name.contains(q))
            .collect();
        hits.sort_by(|a, b| {
            a.1.chars()
                .count()
                .cmp(&b.1.chars().count())
                .then_with(|| a.0.cmp(&b.0))
        });
        hits.into_iter().take(10).map(|(c, _)| c.clone()).collect()
    }
}
