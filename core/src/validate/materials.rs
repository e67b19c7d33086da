//! The materials (申请材料) of an item and the files they point to.

use super::{Context, suggest};
use crate::model::*;
use crate::problem::Problem;
use std::collections::HashSet;

/// Names that say nothing: 清单之外无证明, so such a line must spell out what.
const CATCH_ALL: [&str; 8] = [
    "其他材料",
    "相关材料",
    "其他相关材料",
    "其它材料",
    "有关材料",
    "其他证明材料",
    "相关证明材料",
    "其他有关材料",
];

fn is_catch_all(name: &str) -> bool {
    let bare = name.trim().trim_end_matches(['。', '.', ' ']);
    CATCH_ALL.contains(&bare) || bare.ends_with("等材料") || bare.ends_with("等相关材料")
}

pub(super) fn materials(ctx: &Context, f: &str, item: &Item, out: &mut Vec<Problem>) {
    let mut ids = HashSet::new();
    for (i, m) in item.materials.iter().enumerate() {
        // A material that failed to load is a placeholder: its error is reported.
        if ctx.broken.material_slot(f, i) {
            continue;
        }
        let at = |field: &str| format!("materials[{i}].{field}");
        if !ids.insert(m.id.as_str()) {
            out.push(Problem::error(
                f,
                at("id"),
                format!("the material id `{}` is used twice", m.id),
            ));
        }
        if m.name.trim().is_empty() {
            out.push(Problem::error(f, at("name"), "the material has no name"));
        }
        match m.source {
            None => out.push(
                Problem::error(
                    f,
                    at("source"),
                    format!("the material `{}` has no source", m.name),
                )
                .hint("write source = \"applicant\", \"agency\", \"centre\" or \"institution\""),
            ),
            Some(Source::Agency | Source::Institution) if m.issuer.trim().is_empty() => out.push(
                Problem::warning(f, at("issuer"), format!("who issues `{}`?", m.name))
                    .hint("name the issuing agency or institution in `issuer`"),
            ),
            _ => {}
        }
        if is_catch_all(&m.name) && m.notes.chars().count() < 8 {
            out.push(
                Problem::error(f, at("name"), format!("`{}` is a catch-all, not a material", m.name))
                    .hint("清单之外无证明: name each document the applicant must bring, or describe it in `notes`"),
            );
        }
        if m.is_form() && m.blank_form.trim().is_empty() {
            out.push(
                Problem::error(
                    f,
                    at("blank_form"),
                    format!("the form `{}` has no blank form to download", m.name),
                )
                .hint("put the form under content/files/ and write blank_form = \"forms/….docx\""),
            );
        }
        for (field, path) in [("blank_form", &m.blank_form), ("sample", &m.sample)] {
            file_reference(ctx, f, &at(field), path, out);
        }
        if m.medium == Medium::Paper && m.originals == 0 && m.copies == 0 {
            out.push(
                Problem::error(f, at("originals"), format!("how many of `{}`?", m.name))
                    .hint("write originals = 1 and/or copies = 1"),
            );
        }
    }
    if let Some(result) = &item.result {
        file_reference(ctx, f, "result.sample", &result.sample, out);
    }
}

/// A path under `content/files/` must exist; URLs are taken as they are.
fn file_reference(ctx: &Context, f: &str, field: &str, path: &str, out: &mut Vec<Problem>) {
    let path = path.trim();
    if path.is_empty() || path.starts_with("https://") || path.starts_with("http://") {
        return;
    }
    if path.contains("..") || path.starts_with('/') || path.contains('\\') {
        out.push(
            Problem::error(f, field, format!("`{path}` leaves the files folder"))
                .hint("write a path relative to content/files/, e.g. \"forms/application.docx\""),
        );
    } else if !ctx.catalog.files.contains(path) {
        let hint = match suggest(path, ctx.catalog.files.iter().map(String::as_str)) {
            Some(k) => format!("did you mean `{k}`?"),
            None => "put the file under content/files/ or link to it with a full URL".to_string(),
        };
        out.push(Problem::error(f, field, format!("the file `{path}` does not exist")).hint(hint));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catch_all_names() {
        assert!(is_catch_all("其他材料"));
        assert!(is_catch_all("相关材料。"));
        assert!(is_catch_all("营业执照等材料"));
        assert!(!is_catch_all("其他股东身份证明"));
    }
}
