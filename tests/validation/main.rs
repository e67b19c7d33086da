//! One failing fixture per validation rule: each case breaks the valid
//! fixture in one place and asserts the message, the field and the line.
//!
//! One test binary: `cases` lists the breaks, `rules` runs them, `files`
//! and `builds` cover what the loader and the build refuse, `cascades`
//! what follows from a file that fails to load, `arbitrary` feeds the
//! loader random text. `import` and `changelog` cover the officer's
//! tools: the spreadsheet import and export, and the published change log.

mod arbitrary;
mod builds;
mod cascades;
mod cases;
mod changelog;
mod files;
mod import;
mod json;
mod precheck_cases;
mod rules;
mod scale;
mod split;

use cases::Case;
use portal_build::load;
use portal_core::Problem;
use portal_tests::{copy_fixture, today};

/// The problems of the valid fixture with `case` applied, and the changed
/// file's text.
fn problems_after(case: &Case) -> (Vec<Problem>, String) {
    let dir = copy_fixture("valid");
    let path = dir.path().join(case.file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(case.find),
        "{}: fixture text not found: {:?}",
        case.name,
        case.find
    );
    let changed = text.replacen(case.find, case.replace, 1);
    std::fs::write(&path, &changed).unwrap();
    (load::check(dir.path(), today()).problems, changed)
}
