//! The case-status page (`/cases/`): the page's own form, answered in place
//! by the lookup API (`POST /api/v1/cases/lookup`). The answer is rendered
//! by `portal_views::parts::case_result`, the template the server renders
//! for the same form without JavaScript, so both show the same words.

use crate::page::root;
use gloo_net::http::Request;
use leptos::prelude::document;
use portal_core::case::CaseStatus;
use portal_views::{CaseLookup, Contact, LookupError, parts};
use serde::Serialize;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlButtonElement, HtmlInputElement, SubmitEvent};

#[derive(Serialize)]
struct LookupRequest {
    case_number: String,
    password: String,
}

/// The page's form and answer area, when this page has them.
#[derive(Clone)]
struct Page {
    form: Element,
    section: Element,
    button: Option<HtmlButtonElement>,
    contact: Rc<Contact>,
}

/// Takes over the form's submission; the server-rendered answer of a form
/// posted before the app loaded stays until the next lookup.
pub fn enhance() {
    let doc = document();
    let (Some(form), Some(section)) = (
        doc.get_element_by_id("case-lookup"),
        doc.get_element_by_id("case-result"),
    ) else {
        return;
    };
    let contact = Contact {
        phone: section.get_attribute("data-phone").unwrap_or_default(),
        complaint_phone: section
            .get_attribute("data-complaint-phone")
            .unwrap_or_default(),
    };
    let page = Page {
        button: form
            .query_selector("button[type='submit']")
            .ok()
            .flatten()
            .and_then(|b| b.dyn_into().ok()),
        form: form.clone(),
        section,
        contact: Rc::new(contact),
    };
    page.busy(false);
    let latest = Rc::new(Cell::new(0u32));
    let on_submit = Closure::<dyn FnMut(SubmitEvent)>::new(move |ev: SubmitEvent| {
        ev.prevent_default();
        let request = LookupRequest {
            case_number: field("case-number"),
            password: field("case-password"),
        };
        let id = latest.get() + 1;
        latest.set(id);
        page.busy(true);
        let (page, latest) = (page.clone(), latest.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let answer = lookup(&request).await;
            // A later submission wins over a slow earlier one.
            if latest.get() == id {
                page.show(&answer);
                page.busy(false);
            }
        });
    });
    form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref())
        .ok();
    on_submit.forget();
}

fn field(id: &str) -> String {
    document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

impl Page {
    fn busy(&self, busy: bool) {
        let flag = if busy { "true" } else { "false" };
        self.form.set_attribute("aria-busy", flag).ok();
        self.section.set_attribute("aria-busy", flag).ok();
        if let Some(b) = &self.button {
            b.set_disabled(busy);
            b.set_text_content(Some(if busy { "正在查询…" } else { "查询" }));
        }
        if busy {
            self.section
                .set_inner_html("<p class=\"case-loading\" role=\"status\">正在查询，请稍候…</p>");
        }
    }

    fn show(&self, answer: &CaseLookup) {
        let html = parts::case_result(answer, &self.contact).unwrap_or_else(|e| {
            web_sys::console::error_1(&format!("cannot render the answer: {e}").into());
            String::new()
        });
        self.section.set_inner_html(&html);
    }
}

/// Asks the server; every outcome becomes an answer to show.
async fn lookup(request: &LookupRequest) -> CaseLookup {
    let answer = CaseLookup::typed(&request.case_number);
    let url = format!("{}api/v1/cases/lookup", root());
    let sent = match Request::post(&url)
        .header("Accept", "application/json")
        .json(request)
    {
        Ok(r) => r.send().await,
        Err(_) => return answer.failed(LookupError::NoMatch),
    };
    let Ok(res) = sent else {
        return answer.failed(LookupError::Unavailable);
    };
    match res.status() {
        200 => match res.json::<CaseStatus>().await {
            Ok(c) => answer.found(c),
            Err(_) => answer.failed(LookupError::Unavailable),
        },
        404 | 400 | 422 => answer.failed(LookupError::NoMatch),
        413 => answer.failed(LookupError::TooLarge),
        429 => {
            let seconds = res
                .headers()
                .get("retry-after")
                .and_then(|s| s.trim().parse::<u64>().ok())
                .unwrap_or(60);
            answer.rate_limited(seconds)
        }
        _ => answer.failed(LookupError::Unavailable),
    }
}
