//! The search worker and the searches waiting on it: the index is read in a
//! Web Worker so typing never waits for it.

use crate::page::{data, html};
use portal_search::{Request, Response};
use portal_worker::{FromWorker, ToWorker};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions};

type Callback = Box<dyn FnOnce(Result<Response, String>)>;

/// The worker and the searches waiting on it.
struct Client {
    worker: Worker,
    next: u32,
    pending: HashMap<u32, Callback>,
    ready: bool,
    queued: Vec<String>,
    /// The message that opens the index, sent once the worker has loaded.
    open: String,
}

thread_local! {
    static CLIENT: RefCell<Option<Rc<RefCell<Client>>>> = const { RefCell::new(None) };
}

fn client() -> Option<Rc<RefCell<Client>>> {
    if let Some(c) = CLIENT.with(|c| c.borrow().clone()) {
        return Some(c);
    }
    let worker_url = data("worker")?;
    let boot = data("search")?;
    let opts = WorkerOptions::new();
    let worker = Worker::new_with_options(&worker_url, &opts).ok()?;
    let open = serde_json::to_string(&ToWorker::Open { boot }).ok()?;
    let c = Rc::new(RefCell::new(Client {
        worker,
        next: 0,
        pending: HashMap::new(),
        ready: false,
        queued: Vec::new(),
        open,
    }));
    let weak = Rc::downgrade(&c);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let Some(c) = weak.upgrade() else { return };
        let Some(Ok(msg)) = e
            .data()
            .as_string()
            .map(|t| serde_json::from_str::<FromWorker>(&t))
        else {
            return;
        };
        match msg {
            FromWorker::Loaded => {
                let open = c.borrow().open.clone();
                c.borrow()
                    .worker
                    .post_message(&JsValue::from_str(&open))
                    .ok();
            }
            FromWorker::Ready { .. } => {
                let queued = {
                    let mut c = c.borrow_mut();
                    c.ready = true;
                    std::mem::take(&mut c.queued)
                };
                for m in queued {
                    c.borrow().worker.post_message(&JsValue::from_str(&m)).ok();
                }
            }
            FromWorker::Results {
                id,
                response,
                millis,
                ..
            } => {
                html()
                    .set_attribute("data-search-ms", &format!("{millis:.2}"))
                    .ok();
                let cb = c.borrow_mut().pending.remove(&id);
                if let Some(cb) = cb {
                    cb(Ok(response));
                }
            }
            FromWorker::Failed { id, message } => {
                let cbs: Vec<Callback> = match id {
                    Some(id) => c.borrow_mut().pending.remove(&id).into_iter().collect(),
                    None => c.borrow_mut().pending.drain().map(|(_, cb)| cb).collect(),
                };
                for cb in cbs {
                    cb(Err(message.clone()));
                }
            }
        }
    });
    c.borrow()
        .worker
        .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    CLIENT.with(|slot| *slot.borrow_mut() = Some(c.clone()));
    Some(c)
}

/// Sends a search; `done` gets the answer (never called for superseded ones
/// if the caller ignores stale ids).
pub fn search(request: Request, done: impl FnOnce(Result<Response, String>) + 'static) {
    let Some(c) = client() else {
        done(Err("搜索暂不可用".into()));
        return;
    };
    let mut c = c.borrow_mut();
    c.next += 1;
    let id = c.next;
    c.pending.insert(id, Box::new(done));
    let msg = serde_json::to_string(&ToWorker::Search { id, request }).unwrap_or_default();
    if c.ready {
        c.worker.post_message(&JsValue::from_str(&msg)).ok();
    } else {
        c.queued.push(msg);
    }
}
