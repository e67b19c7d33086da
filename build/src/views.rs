//! What templates see: the catalog with labels resolved, links built and
//! dates computed, so templates only lay out and never decide.

use crate::markdown;
use chrono::NaiveDate;
use portal_core::model::*;
use portal_core::{Calendar, Route, limits};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// Lookups shared by every page.
pub struct Ctx<'a> {
    pub catalog: &'a Catalog,
    pub calendar: Calendar,
    /// Path the site is served under, e.g. "/" or "/portal/".
    pub root: String,
    pub today: NaiveDate,
    departments: HashMap<&'a str, &'a Department>,
    themes: HashMap<&'a str, &'a Theme>,
    items: HashMap<&'a str, &'a Item>,
    docs: HashMap<&'a str, &'a Page<DisclosureMeta>>,
}

impl<'a> Ctx<'a> {
    pub fn new(catalog: &'a Catalog, today: NaiveDate) -> Ctx<'a> {
        let years: Vec<CalendarYear> = catalog.calendar.iter().map(|c| c.value.clone()).collect();
        Ctx {
            catalog,
            calendar: Calendar::new(&years),
            root: root_path(&catalog.site.base_url),
            today,
            departments: catalog
                .departments
                .iter()
                .map(|d| (d.id.as_str(), &d.value))
                .collect(),
            themes: catalog
                .themes
                .iter()
                .map(|t| (t.id.as_str(), &t.value))
                .collect(),
            items: catalog
                .items
                .iter()
                .map(|i| (i.value.code.as_str(), &i.value))
                .collect(),
            docs: catalog
                .disclosures
                .iter()
                .map(|d| (d.value.slug.as_str(), &d.value))
                .collect(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.root)
    }

    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.catalog.site.base_url)
    }

    /// The URL of `route` under the site's root, for links in pages.
    pub fn link(&self, route: &Route) -> String {
        self.url(&route.path())
    }

    /// The full address of `route`, for the sitemap and open data.
    pub fn absolute_route(&self, route: &Route) -> String {
        self.absolute(&route.path())
    }

    pub fn markdown(&self, text: &str) -> String {
        markdown::to_html(text, &self.root)
    }

    /// Does the catalog have this item (does its page exist)?
    pub fn has_item(&self, code: &str) -> bool {
        self.items.contains_key(code)
    }

    pub fn has_doc(&self, slug: &str) -> bool {
        self.docs.contains_key(slug)
    }

    /// The department's name, or its id if there is no such department.
    pub fn department_name<'i>(&self, id: &'i str) -> &'i str
    where
        'a: 'i,
    {
        self.departments.get(id).map_or(id, |d| d.name.as_str())
    }

    fn department_link(&self, id: &str) -> Link {
        let name = self.departments.get(id).map_or(id, |d| d.name.as_str());
        Link::new(name, self.link(&Route::Department(id.into())))
    }

    fn theme_link(&self, id: &str) -> Link {
        let name = self.themes.get(id).map_or(id, |t| t.name.as_str());
        Link::new(name, self.link(&Route::Theme(id.into())))
    }

    fn item_link(&self, code: &str) -> Link {
        let name = self.items.get(code).map_or(code, |i| i.name.as_str());
        Link::new(name, self.link(&Route::Item(code.into())))
    }

    fn doc_link(&self, slug: &str) -> Link {
        let title = self.docs.get(slug).map_or(slug, |d| d.meta.title.as_str());
        Link::new(title, self.link(&Route::Disclosure(slug.into())))
    }

    fn file_url(&self, path: &str) -> String {
        match path {
            "" => String::new(),
            p if p.starts_with("http://") || p.starts_with("https://") => p.to_string(),
            p => self.link(&Route::File(p.into())),
        }
    }

    /// The day a limit ends if the application is accepted today.
    pub fn due_if_accepted_today(&self, limit: Limit) -> NaiveDate {
        limits::due_if_accepted(&self.calendar, self.today, limit)
    }
}

pub use portal_views::pages::root_path;

#[derive(Serialize, Clone)]
pub struct Link {
    pub name: String,
    pub url: String,
}

impl Link {
    fn new(name: &str, url: String) -> Link {
        Link {
            name: name.to_string(),
            url,
        }
    }
}

/// One row in a list of items (department, theme, updates pages).
#[derive(Serialize)]
pub struct ItemRow {
    pub code: String,
    pub name: String,
    pub url: String,
    pub item_type: &'static str,
    pub handling: &'static str,
    pub limit: String,
    pub visits: u8,
    pub online: bool,
    pub department: String,
    pub last_reviewed: NaiveDate,
}

pub fn item_row(ctx: &Ctx, item: &Item) -> ItemRow {
    ItemRow {
        code: item.code.clone(),
        name: item.name.clone(),
        url: ctx.link(&Route::Item(item.code.clone())),
        item_type: item.item_type.label(),
        handling: item.handling.label(),
        limit: limit_text(item),
        visits: item.visits,
        online: !item.online_url.is_empty(),
        department: ctx.department_link(&item.department).name,
        last_reviewed: item.last_reviewed,
    }
}

fn limit_text(item: &Item) -> String {
    match (item.handling, item.promised_limit) {
        (Handling::Instant, _) => "即办".to_string(),
        (_, Some(l)) => l.label(),
        (_, None) => String::new(),
    }
}

#[derive(Serialize)]
pub struct MaterialView {
    pub id: String,
    pub name: String,
    pub source: &'static str,
    pub issuer: String,
    pub originals: u32,
    pub copies: u32,
    pub medium: &'static str,
    pub requirement: &'static str,
    pub required: bool,
    pub blank_form: String,
    pub sample: String,
    pub notes: String,
    pub legal_basis: String,
    /// Answers that ask for this material ("为什么申请？证件丢失").
    pub when: Vec<String>,
}

#[derive(Serialize)]
pub struct OptionView {
    pub label: String,
    pub changes: Vec<String>,
}

#[derive(Serialize)]
pub struct SituationView {
    pub question: String,
    pub options: Vec<OptionView>,
}

#[derive(Serialize)]
pub struct ItemView {
    pub code: String,
    pub name: String,
    pub url: String,
    pub aliases: Vec<String>,
    pub item_type: &'static str,
    pub audience: String,
    pub level: &'static str,
    pub department: Link,
    pub co_departments: Vec<Link>,
    pub themes: Vec<Link>,
    pub handling: &'static str,
    pub instant: bool,
    pub statutory_limit: String,
    pub promised_limit: String,
    pub due_if_today: String,
    pub summary_html: String,
    pub conditions: Vec<String>,
    pub materials: Vec<MaterialView>,
    pub situations: Vec<SituationView>,
    pub steps: Vec<StepView>,
    pub fees: Option<Fees>,
    pub legal_basis: Vec<LegalBasis>,
    pub result: Option<ItemResult>,
    pub result_sample: String,
    pub delivery: Vec<&'static str>,
    pub online_url: String,
    pub visits: u8,
    pub appointment: bool,
    pub windows: Vec<Window>,
    pub enquiry_phone: String,
    pub complaint_phone: String,
    pub faq: Vec<Faq>,
    pub effective_from: Option<NaiveDate>,
    pub effective_until: Option<NaiveDate>,
    pub last_reviewed: NaiveDate,
    pub json_ld: serde_json::Value,
}

#[derive(Serialize)]
pub struct StepView {
    pub name: String,
    pub description: String,
    pub actor: String,
    pub limit: String,
    pub counts_toward_limit: bool,
}

pub fn item_view(ctx: &Ctx, item: &Item) -> ItemView {
    let dept = ctx.departments.get(item.department.as_str());
    let or_dept = |own: &str, f: fn(&Department) -> &str| -> String {
        if own.is_empty() {
            dept.map_or("", |d| f(d)).to_string()
        } else {
            own.to_string()
        }
    };
    let windows = if item.windows.is_empty() {
        dept.filter(|d| !d.address.is_empty())
            .map(|d| {
                vec![Window {
                    name: d.name.clone(),
                    address: d.address.clone(),
                    hours: d.hours.clone(),
                }]
            })
            .unwrap_or_default()
    } else {
        item.windows.clone()
    };
    let url = ctx.link(&Route::Item(item.code.clone()));
    let due = match (item.handling, item.promised_limit) {
        (Handling::Instant, _) => "当场办结".to_string(),
        (_, Some(l)) => {
            let due = ctx.due_if_accepted_today(l);
            let provisional = if ctx.calendar.covers(chrono::Datelike::year(&due)) {
                ""
            } else {
                "（该年节假日安排尚未公布，仅供参考）"
            };
            format!(
                "若今天（{}）受理，承诺最迟于 {due} 办结{provisional}",
                ctx.today
            )
        }
        _ => String::new(),
    };
    let enquiry_phone = or_dept(&item.enquiry_phone, |d| &d.enquiry_phone);
    ItemView {
        code: item.code.clone(),
        name: item.name.clone(),
        url: url.clone(),
        aliases: item.aliases.clone(),
        item_type: item.item_type.label(),
        audience: item
            .audience
            .iter()
            .map(|a| a.label())
            .collect::<Vec<_>>()
            .join("、"),
        level: item.level.label(),
        department: ctx.department_link(&item.department),
        co_departments: item
            .co_departments
            .iter()
            .map(|d| ctx.department_link(d))
            .collect(),
        themes: item.themes.iter().map(|t| ctx.theme_link(t)).collect(),
        handling: item.handling.label(),
        instant: item.handling == Handling::Instant,
        statutory_limit: item.statutory_limit.map(|l| l.label()).unwrap_or_default(),
        promised_limit: item.promised_limit.map(|l| l.label()).unwrap_or_default(),
        due_if_today: due,
        summary_html: ctx.markdown(&item.summary),
        conditions: item.conditions.clone(),
        materials: materials(ctx, item),
        situations: situations(item),
        steps: item
            .steps
            .iter()
            .map(|s| StepView {
                name: s.name.clone(),
                description: s.description.clone(),
                actor: s.actor.clone(),
                limit: s.limit.map(|l| l.label()).unwrap_or_default(),
                counts_toward_limit: s.counts_toward_limit,
            })
            .collect(),
        fees: item.fees.clone(),
        legal_basis: item.legal_basis.clone(),
        result_sample: item
            .result
            .as_ref()
            .map(|r| ctx.file_url(&r.sample))
            .unwrap_or_default(),
        result: item.result.clone(),
        delivery: item.delivery.iter().map(|d| d.label()).collect(),
        online_url: item.online_url.clone(),
        visits: item.visits,
        appointment: item.appointment,
        windows,
        complaint_phone: or_dept(&item.complaint_phone, |d| &d.complaint_phone),
        faq: item.faq.clone(),
        effective_from: item.effective_from,
        effective_until: item.effective_until,
        last_reviewed: item.last_reviewed,
        json_ld: json_ld(ctx, item, &url, &enquiry_phone),
        enquiry_phone,
    }
}

fn materials(ctx: &Ctx, item: &Item) -> Vec<MaterialView> {
    item.materials
        .iter()
        .map(|m| {
            let when = item
                .situations
                .iter()
                .flat_map(|s| {
                    s.options
                        .iter()
                        .filter(|o| o.add_materials.contains(&m.id))
                        .map(move |o| {
                            format!("{}：{}", s.question.trim_end_matches(['？', '?']), o.label)
                        })
                })
                .collect();
            MaterialView {
                id: m.id.clone(),
                name: m.name.clone(),
                source: m.source.map_or("", |s| s.label()),
                issuer: m.issuer.clone(),
                originals: m.originals,
                copies: m.copies,
                medium: m.medium.label(),
                requirement: m.requirement.label(),
                required: m.requirement == Requirement::Required,
                blank_form: ctx.file_url(&m.blank_form),
                sample: ctx.file_url(&m.sample),
                notes: m.notes.clone(),
                legal_basis: m.legal_basis.clone(),
                when,
            }
        })
        .collect()
}

fn situations(item: &Item) -> Vec<SituationView> {
    let name = |id: &String| {
        item.materials
            .iter()
            .find(|m| &m.id == id)
            .map_or(id.clone(), |m| m.name.clone())
    };
    item.situations
        .iter()
        .map(|s| SituationView {
            question: s.question.clone(),
            options: s
                .options
                .iter()
                .map(|o| {
                    let mut changes: Vec<String> = o
                        .add_materials
                        .iter()
                        .map(|id| format!("需要：{}", name(id)))
                        .collect();
                    changes.extend(
                        o.remove_materials
                            .iter()
                            .map(|id| format!("无需：{}", name(id))),
                    );
                    changes.extend(o.conditions.iter().cloned());
                    changes.extend(o.promised_limit.map(|l| format!("承诺时限：{}", l.label())));
                    if !o.fee.is_empty() {
                        changes.push(format!("收费：{}", o.fee));
                    }
                    if changes.is_empty() {
                        changes.push("材料与条件不变".to_string());
                    }
                    OptionView {
                        label: o.label.clone(),
                        changes,
                    }
                })
                .collect(),
        })
        .collect()
}

/// schema.org `GovernmentService`, so search engines show the item well.
fn json_ld(ctx: &Ctx, item: &Item, url: &str, phone: &str) -> serde_json::Value {
    let site = &ctx.catalog.site;
    let provider = ctx
        .departments
        .get(item.department.as_str())
        .map_or(item.department.as_str(), |d| &d.name);
    json!({
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": item.name,
        "identifier": item.code,
        "serviceType": item.item_type.label(),
        "url": format!("{}{}", site.base_url, url.trim_start_matches(&ctx.root)),
        "provider": { "@type": "GovernmentOrganization", "name": provider },
        "areaServed": { "@type": "AdministrativeArea", "name": site.region },
        "audience": { "@type": "Audience", "audienceType": item.audience.iter().map(|a| a.label()).collect::<Vec<_>>() },
        "availableChannel": {
            "@type": "ServiceChannel",
            "serviceUrl": if item.online_url.is_empty() { None } else { Some(&item.online_url) },
            "servicePhone": { "@type": "ContactPoint", "telephone": phone },
            "availableLanguage": site.languages,
        },
        "dateModified": item.last_reviewed.to_string(),
    })
}

#[derive(Serialize)]
pub struct GuideView {
    pub title: String,
    pub url: String,
    pub summary: String,
    pub updated: NaiveDate,
    pub body_html: String,
    pub themes: Vec<Link>,
    pub items: Vec<Link>,
}

pub fn guide_view(ctx: &Ctx, page: &Page<GuideMeta>, with_body: bool) -> GuideView {
    GuideView {
        title: page.meta.title.clone(),
        url: ctx.link(&Route::Guide(page.slug.clone())),
        summary: page.meta.summary.clone(),
        updated: page.meta.updated,
        body_html: if with_body {
            ctx.markdown(&page.body)
        } else {
            String::new()
        },
        themes: page.meta.themes.iter().map(|t| ctx.theme_link(t)).collect(),
        items: page.meta.items.iter().map(|c| ctx.item_link(c)).collect(),
    }
}

#[derive(Serialize)]
pub struct DocView {
    pub title: String,
    pub url: String,
    pub number: String,
    pub agency: String,
    pub agency_url: String,
    pub written: NaiveDate,
    pub published: NaiveDate,
    pub year: i32,
    pub category: Link,
    pub topic: String,
    pub validity: &'static str,
    pub validity_key: Validity,
    pub repealed_on: Option<NaiveDate>,
    pub amended_by: Vec<Link>,
    pub replaced_by: Vec<Link>,
    pub supersedes: Vec<Link>,
    /// Documents that say they amend, replace or supersede this one.
    pub superseded_by: Vec<Link>,
    pub body_html: String,
}

pub fn doc_view(ctx: &Ctx, page: &Page<DisclosureMeta>, with_body: bool) -> DocView {
    use chrono::Datelike;
    let m = &page.meta;
    let category = ctx
        .catalog
        .site
        .disclosure_categories
        .iter()
        .find(|c| c.id == m.category)
        .map_or(m.category.as_str(), |c| c.name.as_str());
    let superseded_by = ctx
        .catalog
        .disclosures
        .iter()
        .filter(|d| d.value.meta.supersedes.contains(&page.slug))
        .map(|d| ctx.doc_link(&d.value.slug))
        .collect();
    DocView {
        title: m.title.clone(),
        url: ctx.link(&Route::Disclosure(page.slug.clone())),
        number: m.number.clone(),
        agency: m.agency.clone(),
        agency_url: ctx.link(&Route::agency(&m.agency)),
        written: m.written,
        published: m.published,
        year: m.published.year(),
        category: Link::new(
            category,
            ctx.link(&Route::DisclosureCategory(m.category.clone())),
        ),
        topic: m.topic.clone(),
        validity: m.validity.label(),
        validity_key: m.validity,
        repealed_on: m.repealed_on,
        amended_by: m.amended_by.iter().map(|s| ctx.doc_link(s)).collect(),
        replaced_by: m.replaced_by.iter().map(|s| ctx.doc_link(s)).collect(),
        supersedes: m.supersedes.iter().map(|s| ctx.doc_link(s)).collect(),
        superseded_by,
        body_html: if with_body {
            ctx.markdown(&page.body)
        } else {
            String::new()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_of_base_url() {
        assert_eq!(root_path("https://x.gov.cn/"), "/");
        assert_eq!(root_path("https://x.gov.cn"), "/");
        assert_eq!(root_path("https://x.gov.cn/portal"), "/portal/");
    }
}
