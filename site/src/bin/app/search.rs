//! The header's search box (an ARIA combobox with suggestions) and the
//! `/search/` page's live results with facets and URL state.

use crate::page::root;
use crate::worker::search;
use leptos::either::Either;
use leptos::prelude::*;
use portal_search::{Hit, Piece, Request, Response};
use wasm_bindgen::prelude::*;
use web_sys::KeyboardEvent;

fn pieces(p: Vec<Piece>) -> impl IntoView {
    p.into_iter()
        .map(|p| {
            if p.hit {
                Either::Left(view! { <mark>{p.text}</mark> })
            } else {
                Either::Right(p.text)
            }
        })
        .collect_view()
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
    let action = format!("{}search/", root());
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
                <ul id="q-list" role="listbox" aria-label="搜索建议" class="suggestions" hidden=move || !open.get()>
                    {move || hits.get().into_iter().enumerate().map(|(i, h)| {
                        let url = format!("{}{}", root(), h.card.url);
                        let href = url.clone();
                        view! {
                            <li id=format!("q-opt-{i}") role="option"
                                aria-selected=move || (active.get() == Some(i)).to_string()
                                class:active=move || active.get() == Some(i)
                                on:mousedown=move |ev| { ev.prevent_default(); go(url.clone()); }>
                                <a href=href tabindex="-1">{pieces(h.name)}</a>
                                <span class="meta">{h.card.department}</span>
                            </li>
                        }
                    }).collect_view()}
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
pub fn Results() -> impl IntoView {
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
    view! {
        <div class="results-live" aria-live="polite">
            {move || error.get().map(|e| view! { <p class="error">"搜索出错：" {e}</p> })}
            {move || resp.get().map(|r| {
                let summary = if r.q.trim().is_empty() { "请输入要查找的事项。".to_string() } else { format!("“{}”共找到 {} 条结果", r.q, r.total) };
                view! {
                    <p class="result-count" id="result-count">{summary}</p>
                    <div class="search-layout">
                        <aside class="facets" aria-label="筛选">
                            {r.facets.into_iter().map(|g| view! {
                                <fieldset class="facet">
                                    <legend>{g.label}</legend>
                                    {g.values.into_iter().map(|v| {
                                        let f = v.filter.clone();
                                        view! {
                                            <label>
                                                <input type="checkbox" name="f" value=v.filter.clone() prop:checked=v.selected
                                                    on:change=move |_| toggle(f.clone()) />
                                                {v.label} <span class="count">{format!("（{}）", v.count)}</span>
                                            </label>
                                        }
                                    }).collect_view()}
                                </fieldset>
                            }).collect_view()}
                        </aside>
                        <ol class="results">
                            {r.hits.into_iter().map(result_view).collect_view()}
                        </ol>
                    </div>
                }
            })}
        </div>
    }
}

fn result_view(h: Hit) -> impl IntoView {
    let c = h.card;
    let url = format!("{}{}", root(), c.url);
    let mut facts: Vec<String> = vec![c.department, c.item_type, c.limit];
    if let Some(v) = c.visits {
        facts.push(if v == 0 {
            "零跑腿".into()
        } else {
            format!("最多跑 {v} 次")
        });
    }
    if c.online {
        facts.push("可网上办理".into());
    }
    facts.retain(|f| !f.is_empty());
    let kind = if c.kind == "guide" {
        "办事指南"
    } else {
        "办事事项"
    };
    view! {
        <li class="result" data-code=c.code.clone()>
            <h3><a href=url>{pieces(h.name)}</a></h3>
            <p class="meta"><span class="kind">{kind}</span> " " {facts.join(" · ")}</p>
            {(!h.excerpt.is_empty()).then(|| view! { <p class="excerpt">{pieces(h.excerpt)}</p> })}
        </li>
    }
}
