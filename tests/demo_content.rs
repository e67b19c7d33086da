//! The demo district shipped in `content/` is valid and as large as promised.

use portal_build::load;
use std::collections::HashSet;

#[test]
fn demo_content_has_no_errors() {
    let loaded = load::check(
        &portal_tests::demo_content(),
        chrono::Local::now().date_naive(),
    );
    let errors: Vec<String> = loaded
        .problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.to_string())
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn demo_content_is_a_realistic_district() {
    let catalog = load::load(&portal_tests::demo_content()).catalog;
    assert!(catalog.items.len() >= 300, "{} items", catalog.items.len());
    let departments: HashSet<_> = catalog
        .items
        .iter()
        .map(|i| i.value.department.as_str())
        .collect();
    assert!(
        departments.len() >= 15,
        "{} departments with items",
        departments.len()
    );
    let detailed = catalog
        .items
        .iter()
        .filter(|i| {
            i.value.materials.len() >= 4
                && !i.value.situations.is_empty()
                && !i.value.faq.is_empty()
        })
        .count();
    assert!(
        detailed >= 30,
        "{detailed} items written out in full detail"
    );
    assert!(
        catalog.guides.len() >= 10,
        "{} guides",
        catalog.guides.len()
    );
    assert!(
        catalog.disclosures.len() >= 20,
        "{} disclosure documents",
        catalog.disclosures.len()
    );
}
