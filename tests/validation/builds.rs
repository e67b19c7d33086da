//! `portal build` with a broken catalog or a wrong output folder.

use crate::cases::SHOP;
use portal_tests::{copy_fixture, today};
use std::path::Path;

#[test]
fn build_never_overwrites_folders_it_did_not_build() {
    let dir = copy_fixture("valid");
    let public = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    let notes = tempfile::tempdir().unwrap();
    std::fs::write(notes.path().join("notes.txt"), "keep me").unwrap();
    let err = portal_build::site::build(dir.path(), &public, notes.path(), today()).unwrap_err();
    assert!(
        err.to_string().contains("is not a site built by portal"),
        "{err}"
    );
    assert!(notes.path().join("notes.txt").is_file());
    let err = portal_build::site::build(dir.path(), &public, dir.path(), today()).unwrap_err();
    assert!(
        err.to_string().contains("overlaps the content folder"),
        "{err}"
    );
    assert!(dir.path().join("site.toml").is_file());
}

#[test]
fn build_with_errors_leaves_the_old_site_untouched() {
    let dir = copy_fixture("valid");
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().join("dist");
    let public = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    assert!(portal_build::site::build(dir.path(), &public, &dist, today()).unwrap());
    let before = std::fs::read_to_string(dist.join("items/TEST-SJ-0001/index.html")).unwrap();
    let shop = dir.path().join(SHOP);
    let text = std::fs::read_to_string(&shop).unwrap();
    std::fs::write(
        &shop,
        text.replace(
            "name = \"个体工商户设立登记\"",
            "name = \"改名\"\nvisits = 9",
        ),
    )
    .unwrap();
    assert!(!portal_build::site::build(dir.path(), &public, &dist, today()).unwrap());
    assert_eq!(
        std::fs::read_to_string(dist.join("items/TEST-SJ-0001/index.html")).unwrap(),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        vec![std::ffi::OsString::from("dist")],
        "no staging folders are left behind"
    );
}
