//! The plain page the app enhances: its `<html data-*>` settings and the
//! elements components take over.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

pub fn html() -> HtmlElement {
    document()
        .document_element()
        .expect("html")
        .unchecked_into()
}

/// `data-*` attributes the build puts on `<html>`.
pub fn data(name: &str) -> Option<String> {
    html()
        .get_attribute(&format!("data-{name}"))
        .filter(|s| !s.is_empty())
}

pub fn root() -> String {
    data("root").unwrap_or_else(|| "/".into())
}

/// Swaps the element `id` for a component; nothing happens if the page has
/// no such element.
pub fn replace_with(id: &str, f: impl FnOnce() -> AnyView + 'static) {
    let Some(old) = document().get_element_by_id(id) else {
        return;
    };
    let Some(parent) = old.parent_element() else {
        return;
    };
    let slot = document().create_element("div").expect("div");
    slot.set_class_name("wasm-slot");
    parent.replace_child(&slot, &old).ok();
    leptos::mount::mount_to(slot.unchecked_into(), f).forget();
}
