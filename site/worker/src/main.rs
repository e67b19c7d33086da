//! The search worker: opens the chunked index over HTTP and answers
//! queries off the page's thread, so typing never waits for a search.
//!
//! A query is planned first (`Engine::plan`): each stage's missing chunks
//! (dictionaries, then postings, then documents) are fetched together, in
//! parallel, so a first query costs about three round trips however many
//! terms and fields it touches. Anything the plan did not foresee is still
//! read, with a synchronous request (browsers allow those in workers).

use futures::future::join_all;
use js_sys::Uint8Array;
use portal_search::{ChunkSource, Engine, Request};
use portal_worker::{FromWorker, ToWorker};
use std::cell::RefCell;
use std::io;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{
    DedicatedWorkerGlobalScope, MessageEvent, XmlHttpRequest, XmlHttpRequestResponseType,
};

/// Planning rounds before the rest is left to synchronous reads: a query
/// needs three or four, so more means something unforeseen.
const MAX_ROUNDS: u32 = 8;

/// Chunk files next to the manifest, fetched synchronously.
#[derive(Debug)]
struct Http {
    base: String,
}

fn get_sync(url: &str) -> io::Result<Vec<u8>> {
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
        get_sync(&format!("{}{name}", self.base))
    }
}

async fn get(url: &str) -> Result<Vec<u8>, String> {
    let res = gloo_net::http::Request::get(url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if !res.ok() {
        return Err(format!("{url}: HTTP {}", res.status()));
    }
    res.binary().await.map_err(|e| format!("{url}: {e}"))
}

fn folder_of(url: &str) -> String {
    url.rsplit_once('/')
        .map_or(String::new(), |(b, _)| format!("{b}/"))
}

async fn open(boot_url: &str) -> Result<Engine, String> {
    let boot = get(boot_url).await?;
    let source = Http {
        base: folder_of(boot_url),
    };
    let store = portal_search::chunks::open_boot(&boot, Box::new(source))
        .map_err(|e| format!("{boot_url}: {e}"))?;
    Engine::open(store).map_err(|e| e.to_string())
}

/// Fetches what `request` needs, a stage at a time, each stage's chunks in
/// parallel. Returns the rounds it took.
async fn prefetch(engine: &Engine, base: &str, request: &Request) -> u32 {
    let mut rounds = 0;
    while rounds < MAX_ROUNDS {
        let wanted = engine.plan(request);
        if wanted.is_empty() {
            break;
        }
        rounds += 1;
        let store = engine.store();
        let fetches = wanted.iter().map(|&i| async move {
            let name = store.manifest().chunk_name(i);
            (i, get(&format!("{base}{name}")).await)
        });
        for (i, bytes) in join_all(fetches).await {
            // A failed fetch is retried by the synchronous read, which
            // reports the error if it persists.
            if let Ok(bytes) = bytes {
                store.insert(i, bytes).ok();
            }
        }
    }
    rounds
}

fn now(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map_or(0.0, |p| p.now())
}

/// The open index and where its chunks live.
struct Open {
    engine: Engine,
    base: String,
}

type Shared = Rc<RefCell<Option<Rc<Open>>>>;

async fn handle(scope: &DedicatedWorkerGlobalScope, shared: &Shared, msg: ToWorker) -> FromWorker {
    match msg {
        ToWorker::Open { boot } => match open(&boot).await {
            Ok(engine) => {
                let reply = FromWorker::Ready {
                    docs: engine.docs(),
                    fetched: engine.store().fetched_bytes(),
                };
                let base = folder_of(&boot);
                *shared.borrow_mut() = Some(Rc::new(Open { engine, base }));
                reply
            }
            Err(message) => FromWorker::Failed { id: None, message },
        },
        ToWorker::Search { id, request } => {
            let Some(open) = shared.borrow().clone() else {
                return FromWorker::Failed {
                    id: Some(id),
                    message: "index not open".into(),
                };
            };
            // Warm queries find everything here: one pass, no planning.
            let start = now(scope);
            let answer = match open.engine.search_if_here(&request) {
                Ok(Some(response)) => Ok((response, 0, now(scope) - start)),
                Ok(None) => {
                    let rounds = prefetch(&open.engine, &open.base, &request).await;
                    let start = now(scope);
                    open.engine
                        .search(&request)
                        .map(|r| (r, rounds, now(scope) - start))
                }
                Err(e) => Err(e),
            };
            match answer {
                Ok((response, rounds, millis)) => FromWorker::Results {
                    id,
                    response,
                    millis,
                    fetched: open.engine.store().fetched_bytes(),
                    rounds,
                },
                Err(err) => FromWorker::Failed {
                    id: Some(id),
                    message: err.to_string(),
                },
            }
        }
    }
}

fn reply(scope: &DedicatedWorkerGlobalScope, msg: &FromWorker) {
    let text = serde_json::to_string(msg).unwrap_or_default();
    scope.post_message(&JsValue::from_str(&text)).ok();
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let shared: Shared = Rc::new(RefCell::new(None));
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let msg = e
            .data()
            .as_string()
            .and_then(|t| serde_json::from_str::<ToWorker>(&t).ok());
        let Some(msg) = msg else {
            let failed = FromWorker::Failed {
                id: None,
                message: "unreadable message".into(),
            };
            reply(&reply_to, &failed);
            return;
        };
        let (scope, shared) = (reply_to.clone(), shared.clone());
        spawn_local(async move {
            let answer = handle(&scope, &shared, msg).await;
            reply(&scope, &answer);
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    reply(&scope, &FromWorker::Loaded);
}
