//! Helpers shared by the end-to-end tests.

use std::path::{Path, PathBuf};

/// `tests/fixtures/NAME`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// The repository's own content folder (the demo district).
pub fn demo_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

/// The demo content built into a fresh temporary folder (dated today, with
/// the browser app Trunk built when `app` is given); returns the folder and
/// the site in it.
pub fn build_demo_site(app: Option<&Path>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    let public = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    let today = chrono::Local::now().date_naive();
    let built =
        portal_build::site::build_with_app(&demo_content(), &public, app, &dist, today).unwrap();
    assert!(built, "the demo content builds");
    (dir, dist)
}

/// A fixed "today" so rendered pages are reproducible.
pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 11, 20).unwrap()
}

/// Copies the fixture `name` into a fresh temporary folder.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}
