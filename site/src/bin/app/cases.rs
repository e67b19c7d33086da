//! The case-status page (`/cases/`): the same form, answered in place by the
//! lookup API (`POST /api/v1/cases/lookup`) with a loading state, the
//! timeline, the deadlines and the supervision flag in the words the
//! server's own page uses. Without JavaScript the form posts to the server,
//! which renders the same page.

use crate::page::root;
use gloo_net::http::Request;
use leptos::either::EitherOf6;
use leptos::html::Input;
use leptos::prelude::*;
use portal_core::DayUnit;
use portal_core::case::{CaseStatus, Flag};
use serde::Serialize;
use wasm_bindgen::JsCast;
use web_sys::SubmitEvent;

#[derive(Clone)]
enum Answer {
    Nothing,
    /// What the server rendered for a form posted before the app loaded.
    Server(String),
    Loading,
    Found(Box<CaseStatus>),
    Failed(Problem),
}

#[derive(Clone, Copy)]
enum Problem {
    /// Wrong number, wrong password or a malformed request: one answer.
    NoMatch,
    RateLimited {
        minutes: u64,
    },
    TooLarge,
    /// The server or the network failed.
    Unavailable,
}

#[derive(Serialize)]
struct LookupRequest {
    case_number: String,
    password: String,
}

/// Takes over the form and the result area if this page has them.
pub fn enhance() {
    let doc = document();
    let (Some(form), Some(section)) = (
        doc.get_element_by_id("case-lookup"),
        doc.get_element_by_id("case-result"),
    ) else {
        return;
    };
    let Some(parent) = form.parent_element() else {
        return;
    };
    let typed = doc
        .get_element_by_id("case-number")
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default();
    let contact = Contact {
        phone: section.get_attribute("data-phone").unwrap_or_default(),
        complaint_phone: section
            .get_attribute("data-complaint-phone")
            .unwrap_or_default(),
    };
    let rendered = section.inner_html();
    let initial = if section.child_element_count() > 0 {
        Answer::Server(rendered)
    } else {
        Answer::Nothing
    };
    let slot = doc.create_element("div").expect("div");
    slot.set_class_name("wasm-slot");
    parent.replace_child(&slot, &form).ok();
    section.remove();
    leptos::mount::mount_to(slot.unchecked_into(), move || {
        view! { <CaseLookup typed initial contact /> }
    })
    .forget();
}

#[derive(Clone)]
struct Contact {
    phone: String,
    complaint_phone: String,
}

#[component]
fn CaseLookup(typed: String, initial: Answer, contact: Contact) -> impl IntoView {
    let (answer, set_answer) = signal(initial);
    let number = NodeRef::<Input>::new();
    let password = NodeRef::<Input>::new();
    let latest = StoredValue::new(0u32);
    let loading = move || matches!(answer.get(), Answer::Loading);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (Some(n), Some(p)) = (number.get(), password.get()) else {
            return;
        };
        let request = LookupRequest {
            case_number: n.value(),
            password: p.value(),
        };
        let id = latest.get_value() + 1;
        latest.set_value(id);
        set_answer.set(Answer::Loading);
        leptos::task::spawn_local(async move {
            let answer = lookup(&request).await;
            // A later submission wins over a slow earlier one.
            if latest.get_value() == id {
                set_answer.set(answer);
            }
        });
    };
    let phone = contact.phone.clone();
    view! {
        <form id="case-lookup" class="case-lookup" method="post" action=format!("{}cases/", root())
            on:submit=on_submit aria-busy=move || loading().to_string()>
            <div class="field">
                <label for="case-number">"办件编号"</label>
                <input id="case-number" node_ref=number name="case_number" type="text" value=typed
                    maxlength="40" autocomplete="off" spellcheck="false" required
                    aria-describedby="case-number-help" />
                <p id="case-number-help" class="help">"共 17 位，前 4 位是年份，末位可能是字母 X，例如 2025483920174655X。"</p>
            </div>
            <div class="field">
                <label for="case-password">"查询密码"</label>
                <input id="case-password" node_ref=password name="password" type="text" maxlength="40"
                    autocomplete="off" autocapitalize="characters" spellcheck="false" required
                    aria-describedby="case-password-help" />
                <p id="case-password-help" class="help">"8 位字母和数字，印在受理单上；不区分大小写。"</p>
            </div>
            <button type="submit" disabled=loading>
                {move || if loading() { "正在查询…" } else { "查询" }}
            </button>
        </form>
        <section id="case-result" class="case-result" aria-labelledby="case-result-heading"
            aria-live="polite" aria-busy=move || loading().to_string()>
            {move || match answer.get() {
                Answer::Nothing => EitherOf6::A(()),
                Answer::Server(html) => EitherOf6::B(view! { <div class="case-server" inner_html=html></div> }),
                Answer::Loading => EitherOf6::C(view! {
                    <p class="case-loading" role="status">"正在查询，请稍候…"</p>
                }),
                Answer::Found(c) => EitherOf6::D(found(*c, contact.clone())),
                Answer::Failed(Problem::Unavailable) => EitherOf6::E(view! {
                    <h2 id="case-result-heading" class="visually-hidden">"查询结果"</h2>
                    <div class="notice case-error error-unavailable" role="alert">
                        <p>{format!("查询服务暂时不可用，请稍后再试，或拨打咨询电话 {phone}。")}</p>
                    </div>
                }),
                Answer::Failed(p) => EitherOf6::F(failed(p)),
            }}
        </section>
    }
}

/// Asks the server; every outcome becomes something to show.
async fn lookup(request: &LookupRequest) -> Answer {
    let url = format!("{}api/v1/cases/lookup", root());
    let sent = match Request::post(&url)
        .header("Accept", "application/json")
        .json(request)
    {
        Ok(r) => r.send().await,
        Err(_) => return Answer::Failed(Problem::NoMatch),
    };
    let Ok(res) = sent else {
        return Answer::Failed(Problem::Unavailable);
    };
    match res.status() {
        200 => match res.json::<CaseStatus>().await {
            Ok(c) => Answer::Found(Box::new(c)),
            Err(_) => Answer::Failed(Problem::Unavailable),
        },
        404 | 400 | 422 => Answer::Failed(Problem::NoMatch),
        413 => Answer::Failed(Problem::TooLarge),
        429 => {
            let seconds = res
                .headers()
                .get("retry-after")
                .and_then(|s| s.trim().parse::<u64>().ok())
                .unwrap_or(60);
            Answer::Failed(Problem::RateLimited {
                minutes: seconds.div_ceil(60).max(1),
            })
        }
        _ => Answer::Failed(Problem::Unavailable),
    }
}

fn failed(p: Problem) -> impl IntoView {
    let (class, text) = match p {
        Problem::NoMatch => (
            "no_match",
            "未找到匹配的办件。请核对受理单上的办件编号和查询密码后再试。".to_owned(),
        ),
        Problem::RateLimited { minutes } => (
            "rate_limited",
            format!("查询过于频繁，请 {minutes} 分钟后再试。"),
        ),
        Problem::TooLarge => (
            "too_large",
            "提交的内容过长。请只填写办件编号和查询密码。".to_owned(),
        ),
        Problem::Unavailable => ("unavailable", "查询服务暂时不可用，请稍后再试。".to_owned()),
    };
    view! {
        <h2 id="case-result-heading" class="visually-hidden">"查询结果"</h2>
        <div class=format!("notice case-error error-{class}") role="alert"><p>{text}</p></div>
    }
}

fn date(d: chrono::NaiveDate) -> impl IntoView {
    let (attr, text) = (d.to_string(), d.to_string());
    view! { <time datetime=attr>{text}</time> }
}

/// The case as the server's page shows it (`cases.html`).
fn found(c: CaseStatus, contact: Contact) -> impl IntoView {
    let flag = match c.flag {
        Flag::None => None,
        Flag::Yellow => Some("yellow"),
        Flag::Red => Some("red"),
    };
    let unit = match c.promised_limit.unit {
        DayUnit::Working => "个工作日",
        DayUnit::Calendar => "天",
    };
    let promised = match c.promised_due {
        Some(d) => {
            let (attr, text) = (d.to_string(), d.to_string());
            view! {
                {format!("{}，应于 ", c.promised_limit_label)}
                <time class="due" datetime=attr>{text}</time>
                " 前办结"
            }
            .into_any()
        }
        None => format!("{}，自受理之日起计算", c.promised_limit_label).into_any(),
    };
    let statutory = match c.statutory_due {
        Some(d) => view! { {format!("{}，至 ", c.statutory_limit_label)}{date(d)} }.into_any(),
        None => format!("{}，自受理之日起计算", c.statutory_limit_label).into_any(),
    };
    let stopped = (c.days_stopped > 0 || c.clock_stopped_now).then(|| {
        let now = if c.clock_stopped_now { "；目前暂停计时中，期限随之顺延" } else { "" };
        view! {
            <div><dt>"暂停计时"</dt><dd class="case-stopped">{format!(
                "{} {unit}（补正材料、听证、专家评审、公示等期间不计入办理时限）{now}", c.days_stopped
            )}</dd></div>
        }
    });
    let tracking = c.tracking_number.clone().map(|t| {
        view! { "，快递单号 "<span class="tracking">{t}</span>"（仅显示后 4 位）" }
    });
    let timeline = if c.timeline.is_empty() {
        view! { <li class="event-submitted">{date(c.received)}" 已收件，等待受理"</li> }.into_any()
    } else {
        c.timeline
            .iter()
            .map(|e| {
                let note = (!e.note.is_empty()).then(|| format!("：{}", e.note));
                let class = format!("event-{}", serde_plain(&e.event));
                view! { <li class=class>{date(e.date)}" "{e.label.clone()}{note}</li> }
            })
            .collect_view()
            .into_any()
    };
    let note = format!(
        "期限按工作日计算，已扣除法定节假日、计入调休上班日。对办理进度有疑问，请拨打咨询电话 {}；监督投诉电话 {}。",
        contact.phone, contact.complaint_phone
    );
    view! {
        <h2 id="case-result-heading">{c.item_name.clone()}</h2>
        {flag.map(|f| view! { <p class=format!("case-flag flag-{f}")>{c.flag_label.clone()}</p> })}
        <dl class="facts case-facts">
            <div><dt>"办件编号"</dt><dd class="case-number">{c.case_number.clone()}</dd></div>
            <div><dt>"受理部门"</dt><dd>{c.department_name.clone()}</dd></div>
            <div><dt>"收件日期"</dt><dd>{date(c.received)}</dd></div>
            <div><dt>"当前状态"</dt><dd class=format!("case-state state-{}", serde_plain(&c.state))>
                <strong>{c.state_label.clone()}</strong></dd></div>
            <div><dt>"承诺期限"</dt><dd class="case-promised">{promised}</dd></div>
            <div><dt>"法定期限"</dt><dd class="case-statutory">{statutory}</dd></div>
            {stopped}
            <div><dt>"送达方式"</dt><dd class="case-delivery">{c.delivery_label.clone()}{tracking}</dd></div>
        </dl>
        <h3>"办理过程"</h3>
        <ol class="case-timeline">{timeline}</ol>
        <p class="note">{note}</p>
    }
}

/// `UnderReview` → `under_review`: the names the API and the CSS use.
fn serde_plain(v: &impl Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
