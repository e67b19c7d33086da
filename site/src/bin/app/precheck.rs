//! The pre-check (办前自测) in place: the item page's questions answered one
//! at a time without a round trip, the result updated as an answer is
//! picked, and the answers kept in the URL (so a link restores them and
//! Back goes to the previous answer). The engine is core's and the part is
//! `portal_views::parts::precheck`, as the server renders them without
//! JavaScript.

use leptos::prelude::{document, window};
use portal_core::Calendar;
use portal_core::precheck::{Engine, Form};
use portal_views::precheck::{Links, PrecheckData, parse_query, query, view};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event, HtmlElement, HtmlFormElement, UrlSearchParams};

/// What every handler needs; lives as long as the page.
struct Precheck {
    engine: Engine<'static>,
    calendar: Calendar,
    part: Element,
    section: Element,
    base: String,
    action: String,
}

pub fn enhance() {
    let doc = document();
    let (Some(section), Some(part), Some(data)) = (
        doc.get_element_by_id("precheck"),
        doc.get_element_by_id("precheck-part"),
        doc.get_element_by_id("precheck-data"),
    ) else {
        return;
    };
    let Ok(data) = serde_json::from_str::<PrecheckData>(&data.text_content().unwrap_or_default())
    else {
        return;
    };
    // One form per page, kept for the page's life.
    let form: &'static Form = Box::leak(Box::new(data.form));
    let Ok(engine) = Engine::new(form) else {
        return;
    };
    let action = (part.query_selector("form").ok().flatten())
        .and_then(|f| f.get_attribute("action"))
        .map(|a| a.trim_end_matches("#precheck").to_string())
        .unwrap_or_default();
    let state: &'static Precheck = Box::leak(Box::new(Precheck {
        engine,
        calendar: Calendar::new(&data.calendar),
        part,
        section,
        base: window().location().pathname().unwrap_or_default(),
        action,
    }));
    let pairs = parse_query(&window().location().search().unwrap_or_default());
    if !pairs.is_empty() {
        state.render(&pairs, None);
    } else {
        // The app loads on the first answer: show what it means.
        state.refresh();
    }
    listen(&state.part, "submit", move |ev| state.on_submit(ev));
    listen(&state.part, "click", move |ev| state.on_click(ev));
    listen(&state.part, "change", move |ev| state.on_change(ev));
    let on_pop = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
        let pairs = parse_query(&window().location().search().unwrap_or_default());
        state.render(&pairs, None);
    });
    window().set_onpopstate(Some(on_pop.as_ref().unchecked_ref()));
    on_pop.forget();
    state.section.set_attribute("data-precheck", "ready").ok();
}

fn listen(el: &Element, event: &str, f: impl FnMut(Event) + 'static) {
    let cb = Closure::<dyn FnMut(Event)>::new(f);
    el.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref())
        .ok();
    cb.forget();
}

/// The browser's today, for the due date.
fn today() -> chrono::NaiveDate {
    let d = js_sys::Date::new_0();
    chrono::NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .unwrap_or_default()
}

/// The pairs a form would submit.
fn form_pairs(form: &HtmlFormElement) -> Vec<(String, String)> {
    let Ok(data) = web_sys::FormData::new_with_form(form) else {
        return Vec::new();
    };
    UrlSearchParams::new_with_str_sequence_sequence(&data)
        .map(|p| parse_query(&String::from(p.to_string())))
        .unwrap_or_default()
}

impl Precheck {
    fn html(&self, pairs: &[(String, String)]) -> String {
        let links = Links {
            base: &self.base,
            action: &self.action,
        };
        let v = view(&self.engine, pairs, today(), &self.calendar, &links);
        portal_views::parts::precheck(&v).unwrap_or_default()
    }

    /// Shows the part for `pairs`; `focus` names what to focus after.
    fn render(&self, pairs: &[(String, String)], focus: Option<&str>) {
        let start = js_sys::Date::now();
        self.part.set_inner_html(&self.html(pairs));
        let ms = js_sys::Date::now() - start;
        self.section
            .set_attribute("data-render-ms", &format!("{ms:.1}"))
            .ok();
        if let Some(selector) = focus
            && let Ok(Some(el)) = self.part.query_selector(selector)
        {
            el.unchecked_into::<HtmlElement>().focus().ok();
        }
    }

    /// Records the answers in the URL (a history entry each, so Back
    /// undoes one) and shows them.
    fn go(&self, pairs: &[(String, String)]) {
        let url = format!("{}{}#precheck", self.base, query(pairs));
        if let Ok(h) = window().history() {
            h.push_state_with_url(&JsValue::NULL, "", Some(&url)).ok();
        }
        let asks = pairs.iter().any(|(k, _)| k == "edit");
        let focus = if asks {
            "fieldset input"
        } else {
            "fieldset input, .precheck-result h3"
        };
        self.render(pairs, Some(focus));
    }

    fn on_submit(&self, ev: Event) {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        ev.prevent_default();
        self.go(&form_pairs(&form));
    }

    fn on_click(&self, ev: Event) {
        let Some(link) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|e| e.closest("a[data-edit], a[data-restart]").ok().flatten())
        else {
            return;
        };
        ev.prevent_default();
        let href = link.get_attribute("href").unwrap_or_default();
        let search = href.split_once('?').map_or("", |(_, q)| q);
        self.go(&parse_query(search.split('#').next().unwrap_or("")));
    }

    /// An answer picked but not yet submitted: the result shows what it
    /// would mean, the question stays.
    fn on_change(&self, ev: Event) {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|e| e.closest("form").ok().flatten())
            .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        self.preview(&form);
    }

    /// Previews the question form's current answers, if any were picked.
    fn refresh(&self) {
        if let Ok(Some(form)) = self.part.query_selector("form.precheck-question")
            && let Ok(form) = form.dyn_into::<HtmlFormElement>()
        {
            self.preview(&form);
        }
    }

    fn preview(&self, form: &HtmlFormElement) {
        let start = js_sys::Date::now();
        let scratch = document().create_element("div").expect("div");
        scratch.set_inner_html(&self.html(&form_pairs(form)));
        let (Ok(Some(new)), Ok(Some(old))) = (
            scratch.query_selector(".precheck-result"),
            self.part.query_selector(".precheck-result"),
        ) else {
            return;
        };
        old.set_inner_html(&new.inner_html());
        let ms = js_sys::Date::now() - start;
        self.section
            .set_attribute("data-render-ms", &format!("{ms:.1}"))
            .ok();
    }
}
