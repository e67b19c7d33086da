//! What the page and the search worker say to each other (JSON strings
//! over `postMessage`).

use portal_search::{Request, Response};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWorker {
    /// Open the index that starts with this boot file (its URL).
    Open {
        boot: String,
    },
    Search {
        id: u32,
        request: Request,
    },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's wasm is running: it can take messages now (earlier
    /// ones would be lost).
    Loaded,
    Ready {
        docs: u64,
        fetched: usize,
    },
    Results {
        id: u32,
        response: Response,
        /// Time the search took once its chunks were here.
        millis: f64,
        /// Bytes of index fetched so far.
        fetched: usize,
        /// Rounds of parallel chunk fetches this query needed.
        rounds: u32,
    },
    Failed {
        id: Option<u32>,
        message: String,
    },
}
