//! Problems as the officer reads them: the root cause first, what follows
//! from it folded under it, repeated problems of one kind shown a few
//! times, and a bounded length however large the catalog. `--all` lists
//! every problem; `--format json` gives every problem to a program.

use portal_core::{Cause, Problem, Severity};
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

/// How many problems of one kind are shown before "… and N more like this".
const SHOWN_PER_KIND: usize = 10;
/// Lines of problems shown at most: a catalog with a million errors still
/// fits a terminal's scrollback, and the summary says what is left out.
const LINE_BUDGET: usize = 150;
/// Kinds named in the summary line.
const KINDS_IN_SUMMARY: usize = 5;

/// How problems are printed.
#[derive(Clone, Copy)]
pub struct Options {
    /// List every problem, each cascade under its cause, without grouping.
    pub all: bool,
    /// How the user asks for every problem, for the "… more" lines.
    pub all_flag: &'static str,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            all: false,
            all_flag: "`--all`",
        }
    }
}

/// The problems, then the summary line; returns the error count.
pub fn write_report(w: &mut impl Write, problems: &[Problem], opts: Options) -> io::Result<usize> {
    write_list(w, problems, opts)?;
    write_summary(w, problems)?;
    Ok(problems.iter().filter(|p| p.is_error()).count())
}

/// One JSON object a line for each problem (`portal check --format json`).
pub fn write_json(w: &mut impl Write, problems: &[Problem]) -> io::Result<()> {
    for p in problems {
        serde_json::to_writer(&mut *w, p)?;
        writeln!(w)?;
    }
    Ok(())
}

/// The problems in reading order: roots (with what they cause), then the
/// rest; without `all`, grouped by kind and bounded.
pub fn write_list(w: &mut impl Write, problems: &[Problem], opts: Options) -> io::Result<()> {
    let folds = Folds::new(problems);
    let order = folds.order(problems);
    if opts.all {
        for &i in &order {
            writeln!(w, "{}", problems[i])?;
            for c in folds.under(&problems[i]) {
                writeln!(w, "{c}")?;
            }
        }
        return Ok(());
    }
    Grouped::new(problems, &order, opts).write(w, &folds)
}

/// Which problems follow from which root.
struct Folds<'a> {
    /// Problems by the cause they follow from, for causes that are listed.
    by_cause: HashMap<&'a Cause, Vec<&'a Problem>>,
}

impl<'a> Folds<'a> {
    fn new(problems: &'a [Problem]) -> Folds<'a> {
        let roots: HashSet<Cause> = problems
            .iter()
            .filter(|p| p.caused_by.is_none())
            .map(Cause::of)
            .collect();
        let mut by_cause: HashMap<&Cause, Vec<&Problem>> = HashMap::new();
        for p in problems {
            if let Some(c) = p.caused_by.as_ref().filter(|c| roots.contains(*c)) {
                by_cause.entry(c).or_default().push(p);
            }
        }
        Folds { by_cause }
    }

    fn is_folded(&self, p: &Problem) -> bool {
        p.caused_by
            .as_ref()
            .is_some_and(|c| self.by_cause.contains_key(c))
    }

    /// What follows from `p`, if it is a root.
    fn under(&self, p: &Problem) -> &[&'a Problem] {
        if p.caused_by.is_some() {
            return &[];
        }
        self.by_cause
            .get(&Cause::of(p))
            .map_or(&[], |v| v.as_slice())
    }

    /// Indexes of the problems shown on their own: roots of cascades
    /// first (the real cause before what it breaks), then the others.
    fn order(&self, problems: &[Problem]) -> Vec<usize> {
        let visible = (0..problems.len()).filter(|&i| !self.is_folded(&problems[i]));
        let (roots, rest): (Vec<usize>, Vec<usize>) =
            visible.partition(|&i| !self.under(&problems[i]).is_empty());
        roots.into_iter().chain(rest).collect()
    }

    /// "(3 more errors in files that refer to it)" under a root.
    fn note(&self, p: &Problem, opts: Options) -> Option<String> {
        let under = self.under(p);
        let n = under.len();
        if n == 0 {
            return None;
        }
        let errors = if n == 1 { "error" } else { "errors" };
        let elsewhere = under.iter().all(|c| c.file != p.file);
        let what = match (elsewhere, n) {
            (true, 1) => "in a file that refers to it",
            (true, _) => "in files that refer to it",
            (false, _) => "that follow from it",
        };
        let list = match opts.all {
            true => String::new(),
            false => format!("; {} lists them", opts.all_flag),
        };
        Some(format!("  ({} more {errors} {what}{list})", thousands(n)))
    }
}

/// Problems shown a few of each kind, within the line budget.
struct Grouped<'a> {
    problems: &'a [Problem],
    order: &'a [usize],
    kinds: Vec<(Severity, String)>,
    sizes: HashMap<(Severity, String), usize>,
    opts: Options,
}

impl<'a> Grouped<'a> {
    fn new(problems: &'a [Problem], order: &'a [usize], opts: Options) -> Grouped<'a> {
        let kinds: Vec<_> = problems.iter().map(|p| (p.severity, p.kind())).collect();
        let mut sizes = HashMap::new();
        for &i in order {
            *sizes.entry(kinds[i].clone()).or_insert(0) += 1;
        }
        Grouped {
            problems,
            order,
            kinds,
            sizes,
            opts,
        }
    }

    fn write(&self, w: &mut impl Write, folds: &Folds) -> io::Result<()> {
        let mut shown: HashMap<&(Severity, String), usize> = HashMap::new();
        let (mut lines, mut printed, mut announced) = (0, 0, 0);
        for &i in self.order {
            let (p, kind) = (&self.problems[i], &self.kinds[i]);
            let n = shown.entry(kind).or_insert(0);
            *n += 1;
            if *n > SHOWN_PER_KIND {
                continue;
            }
            let mut text = p.to_string();
            if let Some(note) = folds.note(p, self.opts) {
                text = format!("{text}\n{note}");
            }
            let height = text.lines().count();
            if lines + height > LINE_BUDGET {
                break;
            }
            writeln!(w, "{text}")?;
            (lines, printed) = (lines + height, printed + 1);
            let size = self.sizes[kind];
            if *n == SHOWN_PER_KIND && size > SHOWN_PER_KIND {
                let more = size - SHOWN_PER_KIND;
                writeln!(
                    w,
                    "… and {} more like this ({} lists every one)",
                    thousands(more),
                    self.opts.all_flag
                )?;
                (lines, announced) = (lines + 1, announced + more);
            }
        }
        let left = self.order.len() - printed - announced;
        if left > 0 {
            writeln!(
                w,
                "… and {} more problems not shown ({} lists every one)",
                thousands(left),
                self.opts.all_flag
            )?;
        }
        Ok(())
    }
}

/// "3 error(s), 1 warning(s) in 2 file(s): 2 × unknown theme `…`, …"
pub fn write_summary(w: &mut impl Write, problems: &[Problem]) -> io::Result<()> {
    if problems.is_empty() {
        return writeln!(w, "No problems found.");
    }
    let errors = problems.iter().filter(|p| p.is_error()).count();
    let warnings = problems.len() - errors;
    let files = problems
        .iter()
        .map(|p| &p.file)
        .collect::<HashSet<_>>()
        .len();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for p in problems {
        *counts.entry(p.kind()).or_insert(0) += 1;
    }
    let mut kinds: Vec<(String, usize)> = counts.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut named: Vec<String> = kinds
        .iter()
        .take(KINDS_IN_SUMMARY)
        .map(|(kind, n)| format!("{} × {kind}", thousands(*n)))
        .collect();
    if kinds.len() > KINDS_IN_SUMMARY {
        let rest: usize = kinds[KINDS_IN_SUMMARY..].iter().map(|k| k.1).sum();
        let other = kinds.len() - KINDS_IN_SUMMARY;
        named.push(format!(
            "{} of {other} other kind{}",
            thousands(rest),
            if other == 1 { "" } else { "s" }
        ));
    }
    writeln!(
        w,
        "\n{} error(s), {} warning(s) in {} file(s): {}.",
        thousands(errors),
        thousands(warnings),
        thousands(files),
        named.join("; ")
    )
}

/// 1234567 → "1,234,567".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(problems: &[Problem], opts: Options) -> String {
        let mut out = Vec::new();
        write_report(&mut out, problems, opts).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(999_990), "999,990");
    }

    #[test]
    fn the_root_comes_first_with_its_cascades_folded() {
        let root = Problem::error("items/a.toml", "", "TOML syntax error: invalid date").at(9, 17);
        let cause = Cause::of(&root);
        let cascade = |f: &str| {
            Problem::error(f, "items[0]", "the item `A` could not be loaded").because(&cause)
        };
        let problems = vec![cascade("guides/a.md"), cascade("guides/b.md"), root.clone()];
        let out = text(&problems, Options::default());
        assert!(out.starts_with(&root.to_string()), "{out}");
        assert!(out.contains("(2 more errors in files that refer to it; `--all` lists them)"));
        assert!(!out.contains("guides/a.md"), "{out}");
        let all = text(
            &problems,
            Options {
                all: true,
                ..Options::default()
            },
        );
        assert!(all.starts_with(&root.to_string()), "{all}");
        assert!(
            all.contains("guides/a.md") && all.contains("guides/b.md"),
            "{all}"
        );
    }

    #[test]
    fn repeated_kinds_are_shown_a_few_times() {
        let problems: Vec<Problem> = (0..1_000_000)
            .map(|i| {
                Problem::error(
                    &format!("items/{i}.toml"),
                    "department",
                    format!("unknown department `d{i}`"),
                )
                .hint("use one")
            })
            .collect();
        let out = text(&problems, Options::default());
        assert!(out.lines().count() < 200, "{out}");
        assert!(
            out.contains("… and 999,990 more like this (`--all` lists every one)"),
            "{out}"
        );
        assert!(out.contains("1,000,000 error(s), 0 warning(s) in 1,000,000 file(s): 1,000,000 × unknown department `…`."), "{out}");
    }

    #[test]
    fn many_kinds_stay_within_the_budget() {
        let problems: Vec<Problem> = (0..5000)
            .map(|i| {
                Problem::error(
                    "items/a.toml",
                    "",
                    format!("rule {} broken", (b'a' + (i % 26) as u8) as char),
                )
                .hint("fix it")
            })
            .collect();
        let out = text(&problems, Options::default());
        assert!(out.lines().count() < 200, "{out}");
        assert!(out.contains("more problems not shown"), "{out}");
        assert!(out.contains("of 21 other kinds"), "{out}");
    }
}
