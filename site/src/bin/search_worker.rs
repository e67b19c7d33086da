//! The search worker: opens the chunked index over HTTP and answers
//! queries off the page's thread, so typing never waits for a search.
//!
//! Chunks are fetched with synchronous requests, which browsers allow in
//! workers: tantivy reads files synchronously, and the worker has nothing
//! else to do while it waits.

use js_sys::Uint8Array;
use portal_search::{ChunkSource, ChunkStore, Engine, Manifest};
use portal_site::{FromWorker, ToWorker};
use std::cell::RefCell;
use std::io;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{
    DedicatedWorkerGlobalScope, MessageEvent, XmlHttpRequest, XmlHttpRequestResponseType,
};

/// Chunk files next to the manifest, fetched synchronously.
#[derive(Debug)]
struct Http {
    base: String,
}

fn get(url: &str) -> io::Result<Vec<u8>> {
    let fail = |e: JsValue| io::Error::other(format!("{url}: {e:?}"));
    let xhr = XmlHttpRequest::new().map_err(fail)?;
    xhr.open_with_async("GET", url, false).map_err(fail)?;
    xhr.set_response_type(XmlHttpRequestResponseType::Arraybuffer);
    xhr.send().map_err(fail)?;
    let status = xhr.status().map_err(fail)?;
    if status != 200 {
        return Err(io::Error::other(format!("{url}: HTTP {status}")));
    }
    Ok(Uint8Array::new(&xhr.response().map_err(fail)?).to_vec())
}

impl ChunkSource for Http {
    fn fetch(&self, name: &str) -> io::Result<Vec<u8>> {
        get(&format!("{}{name}", self.base))
    }
}

fn open(manifest_url: &str) -> Result<Engine, String> {
    let manifest: Manifest = serde_json::from_slice(&get(manifest_url).map_err(|e| e.to_string())?)
        .map_err(|e| format!("bad manifest: {e}"))?;
    let base = manifest_url
        .rsplit_once('/')
        .map_or(String::new(), |(b, _)| format!("{b}/"));
    let boot = get(&format!("{base}{}", manifest.boot_name())).map_err(|e| e.to_string())?;
    let store = ChunkStore::new(manifest, Box::new(Http { base }));
    store.load_boot(&boot).map_err(|e| e.to_string())?;
    Engine::open(store).map_err(|e| e.to_string())
}

fn now(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map_or(0.0, |p| p.now())
}

fn handle(
    scope: &DedicatedWorkerGlobalScope,
    engine: &RefCell<Option<Engine>>,
    msg: ToWorker,
) -> FromWorker {
    match msg {
        ToWorker::Open { manifest } => match open(&manifest) {
            Ok(e) => {
                let reply = FromWorker::Ready {
                    docs: e.docs(),
                    fetched: e.store().fetched_bytes(),
                };
                *engine.borrow_mut() = Some(e);
                reply
            }
            Err(message) => FromWorker::Failed { id: None, message },
        },
        ToWorker::Search { id, request } => {
            let guard = engine.borrow();
            let Some(e) = guard.as_ref() else {
                return FromWorker::Failed {
                    id: Some(id),
                    message: "index not open".into(),
                };
            };
            let start = now(scope);
            match e.search(&request) {
                Ok(response) => FromWorker::Results {
                    id,
                    response,
                    millis: now(scope) - start,
                    fetched: e.store().fetched_bytes(),
                },
                Err(err) => FromWorker::Failed {
                    id: Some(id),
                    message: err.to_string(),
                },
            }
        }
    }
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let engine = Rc::new(RefCell::new(None));
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let reply = match e
            .data()
            .as_string()
            .map(|t| serde_json::from_str::<ToWorker>(&t))
        {
            Some(Ok(msg)) => handle(&reply_to, &engine, msg),
            _ => FromWorker::Failed {
                id: None,
                message: "unreadable message".into(),
            },
        };
        let text = serde_json::to_string(&reply).unwrap_or_default();
        reply_to.post_message(&JsValue::from_str(&text)).ok();
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let loaded = serde_json::to_string(&FromWorker::Loaded).unwrap_or_default();
    scope.post_message(&JsValue::from_str(&loaded)).ok();
}
