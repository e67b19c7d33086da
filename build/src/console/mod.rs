//! Everything the user sees in the terminal: problems ([`report`]),
//! progress, summaries.

pub mod changes;
pub mod report;

pub use report::Options;

use indicatif::{ProgressBar, ProgressStyle};
use portal_core::Problem;
use std::time::Duration;

/// Prints problems (errors and warnings) to stderr, bounded (see
/// [`report::Options`]); returns the error count.
pub fn report(problems: &[Problem]) -> usize {
    report_with(problems, Options::default())
}

/// [`report`] with options (`--all`).
pub fn report_with(problems: &[Problem], opts: Options) -> usize {
    let mut err = std::io::stderr().lock();
    report::write_report(&mut err, problems, opts).unwrap_or(0);
    problems.iter().filter(|p| p.is_error()).count()
}

/// Prints problems without the summary line (warnings of a build).
pub fn list(problems: &[Problem], opts: Options) {
    let _ = report::write_list(&mut std::io::stderr().lock(), problems, opts);
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
