//! Reading content files as text, and where what is found goes.

use super::rel;
use crate::locate;
use portal_core::model::{Kind, Unloaded};
use portal_core::{Cause, Problem};
use std::path::Path;

/// Files larger than this are refused: no officer writes a 4 MB item.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A file refused for its size is still searched for ids up to this size,
/// so references to what it defines are not reported as unknown.
const MAX_SALVAGE_BYTES: u64 = 256 * 1024 * 1024;

/// What reading finds: problems, and what failed to load.
#[derive(Default)]
pub struct Sink {
    pub problems: Vec<Problem>,
    pub unloaded: Vec<Unloaded>,
}

impl Sink {
    /// Records `p`, an error that stops something from loading, and
    /// returns its place for the problems that follow from it.
    pub fn fail(&mut self, p: Problem) -> Cause {
        let cause = Cause::of(&p);
        self.problems.push(p);
        cause
    }

    /// Records that something of `kind` (with `id`, if known) failed.
    pub fn unloaded(&mut self, kind: Kind, id: Option<String>, cause: Cause) {
        self.entry_unloaded(kind, id, None, cause);
    }

    /// Records that the list entry `entry` of `kind` failed.
    pub fn entry_unloaded(
        &mut self,
        kind: Kind,
        id: Option<String>,
        entry: Option<usize>,
        cause: Cause,
    ) {
        self.unloaded.push(Unloaded {
            kind,
            id,
            entry,
            cause,
        });
    }

    pub fn extend(&mut self, other: Sink) {
        self.problems.extend(other.problems);
        self.unloaded.extend(other.unloaded);
    }
}

/// Reads a file as UTF-8 text, refusing huge or binary files. The error
/// is recorded in `out`; its place is returned.
pub fn read_text(root: &Path, path: &Path, out: &mut Sink) -> Result<String, Cause> {
    let file = rel(path);
    let full = root.join(path);
    let size = match std::fs::metadata(&full) {
        Ok(m) if !m.is_file() => {
            return Err(out.fail(
                Problem::error(&file, "", "this is not a regular file")
                    .hint("content files must be plain text files"),
            ));
        }
        Ok(m) => m.len(),
        Err(e) => {
            let p = Problem::error(&file, "", format!("cannot read the file: {e}"));
            return Err(out.fail(if e.kind() == std::io::ErrorKind::NotFound {
                p.hint("this file is required; see docs/content.md")
            } else {
                p
            }));
        }
    };
    if size > MAX_FILE_BYTES {
        return Err(out.fail(too_large(&file, size)));
    }
    let bytes = std::fs::read(&full).map_err(|e| {
        out.fail(Problem::error(
            &file,
            "",
            format!("cannot read the file: {e}"),
        ))
    })?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text
            .strip_prefix('\u{feff}')
            .map(str::to_string)
            .unwrap_or(text)),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let (line, column) = locate::line_col(&String::from_utf8_lossy(valid), valid.len());
            Err(out.fail(
                Problem::error(&file, "", "the file is not UTF-8 text")
                    .hint("save it as UTF-8 (in most editors: Save As → Encoding → UTF-8)")
                    .at(line, column),
            ))
        }
    }
}

fn too_large(file: &str, size: u64) -> Problem {
    let mb = MAX_FILE_BYTES / 1048576;
    let hint = if ["departments.toml", "themes.toml"].contains(&file) {
        // Lists that grow with the catalog may be split into a folder.
        let dir = file.trim_end_matches(".toml");
        format!(
            "content files may be at most {mb} MB; split it into several files under {dir}/ (e.g. one per county)"
        )
    } else {
        format!("content files may be at most {mb} MB; split it or move attachments to files/")
    };
    Problem::error(
        file,
        "",
        format!("the file is too large ({:.1} MB)", size as f64 / 1048576.0),
    )
    .hint(hint)
}

/// The text of a file that failed to load, as far as it can be read, to
/// salvage the ids it defines: any encoding (lossy), any size up to
/// [`MAX_SALVAGE_BYTES`].
pub fn read_lossy(root: &Path, path: &Path) -> Option<String> {
    let full = root.join(path);
    let meta = std::fs::metadata(&full).ok()?;
    if !meta.is_file() || meta.len() > MAX_SALVAGE_BYTES {
        return None;
    }
    let bytes = std::fs::read(&full).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}
