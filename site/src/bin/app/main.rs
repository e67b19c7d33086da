//! The page side: enhances the plain search form into a combobox with
//! results as you type, the `/search/` page into live results with facets,
//! the case-status form into an in-place lookup, and an item's pre-check
//! (办前自测) into a questionnaire answered in place. Loaded lazily by
//! `portal.js` when someone focuses the search box (or opens a page that
//! uses it); without it every page still works.

mod cases;
mod page;
mod precheck;
mod search;
mod worker;

use leptos::prelude::*;
use page::{html, replace_with};
use search::{Results, SearchBox};
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

/// Runs when the module is initialised (wasm-bindgen calls a binary's main).
fn main() {
    let initial = document()
        .get_element_by_id("q")
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default();
    let had_focus = document().active_element().is_some_and(|e| e.id() == "q");
    replace_with("site-search", move || {
        view! { <SearchBox initial=initial /> }.into_any()
    });
    if had_focus && let Some(i) = document().get_element_by_id("q") {
        i.unchecked_into::<HtmlElement>().focus().ok();
    }
    let rendered = document()
        .get_element_by_id("search-results")
        .map(|e| e.inner_html())
        .unwrap_or_default();
    replace_with("search-results", move || {
        view! { <Results initial=rendered /> }.into_any()
    });
    cases::enhance();
    precheck::enhance();
    html().set_attribute("data-app-state", "ready").ok();
}
