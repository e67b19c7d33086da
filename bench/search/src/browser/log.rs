//! The server's side: every response logged with its size, and what it
//! would weigh with brotli.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// One response the server sent.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) path: String,
    pub(super) status: u16,
    /// Body bytes on the wire (Content-Length).
    pub(super) bytes: u64,
    pub(super) encoding: String,
}

#[derive(Clone, Default)]
pub(super) struct Log(Arc<Mutex<Vec<Entry>>>);

impl Log {
    pub(super) fn mark(&self) -> usize {
        self.0.lock().unwrap().len()
    }
    pub(super) fn since(&self, mark: usize) -> Vec<Entry> {
        self.0.lock().unwrap()[mark..].to_vec()
    }
}

pub(super) async fn record(State(log): State<Log>, req: Request, next: Next) -> Response {
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
pub(super) struct BrSizes {
    pub(super) dist: PathBuf,
    pub(super) cache: HashMap<String, u64>,
}

impl BrSizes {
    pub(super) fn of(&mut self, e: &Entry) -> u64 {
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
    pub(super) fn total(
        &mut self,
        entries: &[Entry],
        pick: impl Fn(&str) -> bool,
    ) -> (usize, u64, u64) {
        let mut out = (0, 0, 0);
        for e in entries.iter().filter(|e| pick(&e.path)) {
            out.0 += 1;
            out.1 += e.bytes;
            out.2 += self.of(e);
        }
        out
    }
}
