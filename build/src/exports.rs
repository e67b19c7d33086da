//! Open data (`data/catalog.json`, `data/items.csv`, `data/materials.csv`),
//! `sitemap.xml` and `robots.txt`.

use crate::output::Staging;
use crate::views::Ctx;
use anyhow::Result;
use minijinja::{Environment, context};
use portal_core::model::*;
use portal_core::routes::{self, DataFile, Route};
use portal_core::spreadsheet::text_cell;
use serde::Serialize;
use std::io::Write;

/// Spreadsheets open UTF-8 correctly only with a byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// The sitemap protocol allows at most 50,000 URLs per file.
const SITEMAP_URLS: usize = 50_000;

pub fn write_all(ctx: &Ctx, staging: &Staging, env: &Environment) -> Result<()> {
    catalog_json(ctx, staging)?;
    items_csv(ctx, staging)?;
    materials_csv(ctx, staging)?;
    sitemap(ctx, staging, env)?;
    let robots = env
        .get_template("robots.txt")?
        .render(context! { sitemap => ctx.absolute_route(&Route::Sitemap) })?;
    staging.write(&Route::Robots.path(), robots.as_bytes())
}

#[derive(Serialize)]
struct CatalogJson<'a> {
    site: &'a Site,
    generated: String,
    departments: &'a [Entry<Department>],
    themes: &'a [Entry<Theme>],
    items: Vec<ItemJson<'a>>,
    disclosures: Vec<DocJson<'a>>,
}

#[derive(Serialize)]
struct ItemJson<'a> {
    url: String,
    #[serde(flatten)]
    item: &'a Item,
}

#[derive(Serialize)]
struct DocJson<'a> {
    url: String,
    #[serde(flatten)]
    meta: &'a DisclosureMeta,
}

fn catalog_json(ctx: &Ctx, staging: &Staging) -> Result<()> {
    let c = ctx.catalog;
    let data = CatalogJson {
        site: &c.site,
        generated: ctx.today.to_string(),
        departments: &c.departments,
        themes: &c.themes,
        items: c
            .items
            .iter()
            .map(|i| ItemJson {
                url: ctx.absolute_route(&Route::Item(i.value.code.clone())),
                item: &i.value,
            })
            .collect(),
        disclosures: c
            .disclosures
            .iter()
            .map(|d| DocJson {
                url: ctx.absolute_route(&Route::Disclosure(d.value.slug.clone())),
                meta: &d.value.meta,
            })
            .collect(),
    };
    let mut file = staging.create(&Route::Data(DataFile::CatalogJson).path())?;
    serde_json::to_writer(&mut file, &data)?;
    file.flush()?;
    Ok(())
}

/// Writes a CSV file row by row (with the BOM spreadsheets need).
fn write_csv(
    staging: &Staging,
    file: DataFile,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<()> {
    let out = staging.create(&Route::Data(file).path())?;
    write_rows(out, header, rows)?.flush()?;
    Ok(())
}

/// The BOM, `header` and `rows` into `out`, every cell through the
/// project's one spreadsheet policy (formulas defused); the csv crate quotes.
fn write_rows<W: Write>(
    mut out: W,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<W> {
    out.write_all(BOM)?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header)?;
    for row in rows {
        w.write_record(row.iter().map(|c| text_cell(c).into_owned()))?;
    }
    Ok(w.into_inner().map_err(|e| e.into_error())?)
}

fn limit(l: Option<Limit>) -> String {
    l.map(|l| l.label()).unwrap_or_default()
}

fn items_csv(ctx: &Ctx, staging: &Staging) -> Result<()> {
    let header = [
        "事项编码",
        "事项名称",
        "事项类型",
        "服务对象",
        "行使层级",
        "实施主体",
        "办件类型",
        "法定时限",
        "承诺时限",
        "到现场次数",
        "网上办理",
        "是否收费",
        "材料数",
        "最近审核",
        "网址",
    ];
    let rows = ctx.catalog.items.iter().map(|i| {
        let i = &i.value;
        vec![
            i.code.clone(),
            i.name.clone(),
            i.item_type.label().into(),
            i.audience
                .iter()
                .map(|a| a.label())
                .collect::<Vec<_>>()
                .join("、"),
            i.level.label().into(),
            // A lookup, not a search of every department: a country has
            // tens of thousands, for each of a million items.
            ctx.department_name(&i.department).to_string(),
            i.handling.label().into(),
            limit(i.statutory_limit),
            limit(i.promised_limit),
            i.visits.to_string(),
            i.online_url.clone(),
            if i.fees.as_ref().is_some_and(|f| f.charged) {
                "是"
            } else {
                "否"
            }
            .into(),
            i.materials.len().to_string(),
            i.last_reviewed.to_string(),
            ctx.absolute_route(&Route::Item(i.code.clone())),
        ]
    });
    write_csv(staging, DataFile::ItemsCsv, &header, rows)
}

fn materials_csv(ctx: &Ctx, staging: &Staging) -> Result<()> {
    let header = [
        "事项编码",
        "事项名称",
        "材料编号",
        "材料名称",
        "来源",
        "出具单位",
        "原件",
        "复印件",
        "形式",
        "要求",
        "空白表格",
        "示例样表",
        "备注",
    ];
    let file = |p: &str| match p {
        "" => String::new(),
        p if p.contains("://") => p.to_string(),
        p => ctx.absolute_route(&Route::File(p.into())),
    };
    let rows = ctx.catalog.items.iter().flat_map(|i| {
        let i = &i.value;
        i.materials.iter().map(move |m| {
            vec![
                i.code.clone(),
                i.name.clone(),
                m.id.clone(),
                m.name.clone(),
                m.source.map_or("", |s| s.label()).into(),
                m.issuer.clone(),
                m.originals.to_string(),
                m.copies.to_string(),
                m.medium.label().into(),
                m.requirement.label().into(),
                file(&m.blank_form),
                file(&m.sample),
                m.notes.clone(),
            ]
        })
    });
    write_csv(staging, DataFile::MaterialsCsv, &header, rows)
}

/// Every public page ([`routes::pages`] in the sitemap); split into
/// several files past 50,000 URLs.
fn sitemap(ctx: &Ctx, staging: &Staging, env: &Environment) -> Result<()> {
    let urls: Vec<(String, String)> = routes::pages(ctx.catalog)
        .into_iter()
        .filter(|(route, _)| route.in_sitemap())
        .map(|(route, updated)| {
            // The home page changes with every build (its latest updates).
            let updated = if route == Route::Home {
                Some(ctx.today)
            } else {
                updated
            };
            let lastmod = updated.map(|d| d.to_string()).unwrap_or_default();
            (ctx.absolute_route(&route), lastmod)
        })
        .collect();
    let to_value = |chunk: &[(String, String)]| -> Vec<minijinja::Value> {
        chunk
            .iter()
            .map(|(loc, lastmod)| context! { loc => loc, lastmod => lastmod })
            .collect()
    };
    let page = env.get_template("sitemap.xml")?;
    if urls.len() <= SITEMAP_URLS {
        let xml = page.render(context! { urls => to_value(&urls) })?;
        return staging.write(&Route::Sitemap.path(), xml.as_bytes());
    }
    let mut parts = Vec::new();
    for (n, chunk) in urls.chunks(SITEMAP_URLS).enumerate() {
        let name = Route::SitemapPart(n + 1).path();
        staging.write(
            &name,
            page.render(context! { urls => to_value(chunk) })?
                .as_bytes(),
        )?;
        parts.push(ctx.absolute(&name));
    }
    let index = env
        .get_template("sitemap_index.xml")?
        .render(context! { sitemaps => parts })?;
    staging.write(&Route::Sitemap.path(), index.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exported_cell_has_its_formulas_defused() {
        let rows = [vec![
            "=HYPERLINK(\"http://evil.example\",\"点此下载\")".to_owned(),
            "\t+1".to_owned(),
            "居民身份证".to_owned(),
        ]];
        let bytes = write_rows(Vec::new(), &["备注", "数量", "名称"], rows.into_iter()).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(&row[0], "'=HYPERLINK(\"http://evil.example\",\"点此下载\")");
        assert_eq!(&row[1], "'\t+1");
        assert_eq!(&row[2], "居民身份证");
    }
}
