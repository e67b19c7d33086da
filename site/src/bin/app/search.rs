//! The header's search box (an ARIA combobox with suggestions) and the
//! `/search/` page's live results with facets and URL state.

use crate::page::root;
use crate::worker::search;
use leptos::prelude::*;
use portal_search::{Hit, Request, Response};
use portal_views::parts;
use wasm_bindgen::prelude::*;
use web_sys::{Event, KeyboardEvent};

/// A part's HTML, or nothing (and a console note) if it cannot render.
fn rendered(html: Result<String, portal_views::Error>) -> String {
    html.unwrap_or_else(|e| {
        web_sys::console::error_1(&format!("cannot render: {e}").into());
        String::new()
    })
}

/// The `data-url` of the suggestion an event happened in.
fn option_url(ev: &Event) -> Option<String> {
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    target
        .closest("[data-url]")
        .ok()??
        .get_attribute("data-url")
}

/// The header's search box as an ARIA combobox: suggestions as you type,
/// arrow keys to move, Enter to open, Escape to close.
#[component]
pub fn SearchBox(initial: String) -> impl IntoView {
    let (query, set_query) = signal(initial);
    let (hits, set_hits) = signal(Vec::<Hit>::new());
    let (active, set_active) = signal(None::<usize>);
    let (open, set_open) = signal(false);
    let latest = StoredValue::new(0u64);
    let run = move |q: String| {
        let n = latest.get_value() + 1;
        latest.set_value(n);
        if q.trim().is_empty() {
            set_hits.set(Vec::new());
            set_open.set(false);
            return;
        }
        search(
            Request {
                q,
                limit: 8,
                // Suggestions show no facet counts and skip common words
                // in long texts: the costly parts of a first query.
                facets: false,
                suggest: true,
                ..Request::default()
            },
            move |r| {
                if latest.get_value() != n {
                    return;
                }
                let list = r.map(|r| r.hits).unwrap_or_default();
                set_open.set(!list.is_empty());
                set_active.set(None);
                set_hits.set(list);
            },
        );
    };
    let go = move |url: String| {
        window().location().set_href(&url).ok();
    };
    let on_key = move |ev: KeyboardEvent| {
        let n = hits.with(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if n > 0 => {
                ev.prevent_default();
                set_open.set(true);
                set_active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % n)));
            }
            "ArrowUp" if n > 0 => {
                ev.prevent_default();
                set_active.update(|a| *a = Some(a.map_or(n - 1, |i| (i + n - 1) % n)));
            }
            "Escape" => {
                set_open.set(false);
                set_active.set(None);
            }
            "Enter" => {
                if let (true, Some(i)) = (open.get_untracked(), active.get_untracked()) {
                    ev.prevent_default();
                    if let Some(h) = hits.with_untracked(|h| h.get(i).cloned()) {
                        go(format!("{}{}", root(), h.card.url));
                    }
                }
            }
            _ => {}
        }
    };
    let action = format!("{}{}", root(), portal_core::Route::Search.path());
    view! {
        <form id="site-search" class="site-search" role="search" action=action method="get">
            <label for="q">"搜索办事事项"</label>
            <div class="combo">
                <input id="q" name="q" type="search" autocomplete="off" placeholder="例如：身份证、开饭店、yyzz"
                    role="combobox" aria-autocomplete="list" aria-controls="q-list"
                    aria-expanded=move || open.get().to_string()
                    aria-activedescendant=move || active.get().map(|i| format!("q-opt-{i}")).unwrap_or_default()
                    prop:value=query
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        set_query.set(v.clone());
                        run(v);
                    }
                    on:keydown=on_key
                    on:blur=move |_| set_open.set(false)
                    on:focus=move |_| set_open.set(hits.with(|h| !h.is_empty()))
                />
                <ul id="q-list" role="listbox" aria-label="搜索建议" class="suggestions" hidden=move || !open.get()
                    on:mousedown=move |ev| {
                        if let Some(url) = option_url(&ev) {
                            ev.prevent_default();
                            go(url);
                        }
                    }
                    inner_html=move || hits.with(|h| rendered(parts::suggestions(&root(), h, active.get())))>
                </ul>
            </div>
            <button type="submit">"搜索"</button>
        </form>
    }
}

/// The query and filters in the URL (`?q=…&f=key:value…`).
fn url_state() -> Request {
    let search = window().location().search().unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
    let get_all = |k: &str| -> Vec<String> {
        params
            .as_ref()
            .map(|p| p.get_all(k).iter().filter_map(|v| v.as_string()).collect())
            .unwrap_or_default()
    };
    Request {
        q: get_all("q").into_iter().next().unwrap_or_default(),
        filters: get_all("f"),
        offset: 0,
        limit: 20,
        facets: true,
        suggest: false,
    }
}

fn push_url(req: &Request) {
    let Ok(params) = web_sys::UrlSearchParams::new() else {
        return;
    };
    params.append("q", &req.q);
    for f in &req.filters {
        params.append("f", f);
    }
    let url = format!("?{}", String::from(params.to_string()));
    window()
        .history()
        .ok()
        .map(|h| h.push_state_with_url(&JsValue::NULL, "", Some(&url)));
}

/// The `/search/` page: results with facets; the URL holds the state.
#[component]
pub fn Results(initial: String) -> impl IntoView {
    let (req, set_req) = signal(url_state());
    let (resp, set_resp) = signal(None::<Response>);
    let (error, set_error) = signal(None::<String>);
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let r = req.get();
        let n = latest.get_value() + 1;
        latest.set_value(n);
        search(r, move |out| {
            if latest.get_value() != n {
                return;
            }
            match out {
                Ok(r) => {
                    set_error.set(None);
                    set_resp.set(Some(r));
                }
                Err(e) => set_error.set(Some(e)),
            }
        });
    });
    let back = Closure::<dyn FnMut()>::new(move || set_req.set(url_state()));
    window().set_onpopstate(Some(back.as_ref().unchecked_ref()));
    back.forget();
    let toggle = move |filter: String| {
        set_req.update(|r| {
            if let Some(i) = r.filters.iter().position(|f| *f == filter) {
                r.filters.remove(i);
            } else {
                r.filters.push(filter);
            }
        });
        push_url(&req.get_untracked());
    };
    // Until the first answer, what the page came with (the server's
    // results for the same URL, or the static page's help).
    let html = move || {
        resp.with(|r| match r {
            Some(r) => rendered(parts::search_results(&root(), Some(r))),
            None => initial.clone(),
        })
    };
    // The facets are a form for pages without JavaScript; here a tick
    // filters at once and the form is never sent.
    let on_change = move |ev: Event| {
        let input = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let Some(i) = input.filter(|i| i.name() == "f") {
            toggle(i.value());
        }
    };
    view! {
        // `data-state`: whether this is the app's own answer yet (tests wait for it).
        <div id="search-results" class="results-live" aria-live="polite"
            data-state=move || if resp.with(Option::is_some) { "answered" } else { "initial" }
            on:change=on_change on:submit=|ev: web_sys::SubmitEvent| ev.prevent_default() inner_html=html></div>
        {move || error.get().map(|e| view! { <p class="error" role="alert">"搜索出错：" {e}</p> })}
    }
}
