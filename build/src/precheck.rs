//! The item page's pre-check (办前自测): the part as it reads before any
//! answer, and the data the browser app and the server's check page run
//! the same engine on (embedded in the page, and `items/CODE/precheck.json`).

use crate::views::Ctx;
use portal_core::precheck::{Engine, Form};
use portal_core::{Item, Route};
use portal_views::precheck::{Links, PrecheckData, view};
use serde::Serialize;

#[derive(Serialize)]
pub struct PrecheckPart {
    /// The part before any answer.
    pub html: String,
    /// `PrecheckData` as JSON, safe inside `<script type="application/json">`.
    pub data: String,
}

pub fn part(ctx: &Ctx, item: &Item) -> Option<PrecheckPart> {
    if !Form::has_precheck(item) {
        return None;
    }
    let form = Form::of(item);
    // The build only gets here once `portal check` passed, so the
    // predicates parse; an item whose do not simply has no pre-check.
    let engine = Engine::new(&form).ok()?;
    let page = format!("{}{}", ctx.root, Route::Item(item.code.clone()).path());
    let check = format!("{}{}", ctx.root, Route::ItemCheck(item.code.clone()).path());
    let links = Links {
        base: &page,
        action: &check,
    };
    let v = view(&engine, &[], ctx.today, &ctx.calendar, &links);
    let html = portal_views::parts::precheck(&v).ok()?;
    let data = PrecheckData {
        form,
        calendar: ctx
            .catalog
            .calendar
            .iter()
            .map(|c| c.value.clone())
            .collect(),
    };
    let json = serde_json::to_string(&data).ok()?;
    Some(PrecheckPart {
        html,
        // `</script>` in an officer's text must not end the element.
        data: json.replace('<', "\\u003c"),
    })
}
