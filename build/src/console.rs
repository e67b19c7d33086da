//! Everything the user sees in the terminal: problems, progress, summaries.

use indicatif::{ProgressBar, ProgressStyle};
use portal_core::Problem;
use std::time::Duration;

/// Prints problems (errors and warnings) to stderr; returns the error count.
pub fn report(problems: &[Problem]) -> usize {
    for p in problems {
        eprintln!("{p}");
    }
    let errors = problems.iter().filter(|p| p.is_error()).count();
    let warnings = problems.len() - errors;
    let files = problems
        .iter()
        .map(|p| &p.file)
        .collect::<std::collections::HashSet<_>>()
        .len();
    if problems.is_empty() {
        eprintln!("No problems found.");
    } else {
        eprintln!("\n{errors} error(s), {warnings} warning(s) in {files} file(s).");
    }
    errors
}

/// A progress bar on a terminal; silent when output is a log.
pub fn progress(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>10} [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix(what.to_string());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

pub fn step(what: &str) {
    eprintln!("• {what}");
}
