//! A catalog diff as `portal diff`, `portal import` and `portal publish`
//! print it: one line per item or document, in the officer's words.

use portal_core::diff::{Change, Event};
use std::io::{self, Write};

/// Lines past this many are counted, not printed (`--json` has them all).
pub const MAX_LINES: usize = 500;

/// `+ CODE 名称：新增事项`, `~ CODE 名称：承诺时限 20 → 10 个自然日；…`,
/// `- CODE 名称：取消事项`; then a count by kind.
pub fn write(out: &mut impl Write, changes: &[Change]) -> io::Result<()> {
    for c in changes.iter().take(MAX_LINES) {
        let mark = match c.event {
            Event::Added | Event::Published => '+',
            Event::Withdrawn | Event::Repealed => '-',
            Event::Changed | Event::Amended => '~',
        };
        writeln!(out, "  {mark} {} {}", c.id, c.summary())?;
    }
    if changes.len() > MAX_LINES {
        writeln!(
            out,
            "  … and {} more (use --json for all)",
            changes.len() - MAX_LINES
        )?;
    }
    writeln!(out, "{}", totals(changes))
}

/// "2 added, 5 changed, 1 withdrawn."
pub fn totals(changes: &[Change]) -> String {
    let n = |e: &[Event]| changes.iter().filter(|c| e.contains(&c.event)).count();
    format!(
        "{} added, {} changed, {} withdrawn.",
        n(&[Event::Added, Event::Published]),
        n(&[Event::Changed, Event::Amended]),
        n(&[Event::Withdrawn, Event::Repealed])
    )
}

/// To stderr, as the rest of the commands' reports.
pub fn print(changes: &[Change]) {
    let _ = write(&mut io::stderr().lock(), changes);
}
