//! TOML and YAML text into model values, reporting syntax errors, type
//! errors and every unknown key with line, column and field.

use super::Format;
use super::help;
use super::read::Sink;
use crate::locate::{self, Segment};
use portal_core::{Cause, Problem, validate};
use serde::Serialize;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// Parses TOML or YAML `text` into `T`. `line_offset` shifts locations
/// (front matter). The error that stops it is recorded in `out`.
pub fn parse<T: DeserializeOwned + Serialize>(
    file: &str,
    text: &str,
    format: Format,
    line_offset: usize,
    out: &mut Sink,
) -> Result<T, Cause> {
    match format {
        Format::Toml => {
            let doc = TomlDoc::parse(file, text, line_offset, out)?;
            doc.read(doc.root(), &[], out)
        }
        Format::Yaml => yaml(file, text, line_offset, out),
    }
}

/// A TOML document that parsed: values are read from it one part at a
/// time, so one broken entry of a list does not lose the others.
pub struct TomlDoc<'t> {
    pub file: &'t str,
    pub text: &'t str,
    pub doc: Spanned<DeTable<'t>>,
    pub line_offset: usize,
}

impl<'t> TomlDoc<'t> {
    /// Parses `text`, or records its syntax error.
    pub fn parse(
        file: &'t str,
        text: &'t str,
        line_offset: usize,
        out: &mut Sink,
    ) -> Result<TomlDoc<'t>, Cause> {
        match DeTable::parse(text) {
            Ok(doc) => Ok(TomlDoc {
                file,
                text,
                doc,
                line_offset,
            }),
            Err(e) => {
                let at = e.span().map_or(0, |s| s.start);
                let (line, col) = locate::line_col(text, at);
                let rest = text.get(at..).unwrap_or("").lines().next().unwrap_or("");
                let message = e.message().trim();
                Err(out.fail(
                    Problem::error(file, "", format!("TOML syntax error: {message}"))
                        .hint(help::syntax(message, rest))
                        .at(line + line_offset, col),
                ))
            }
        }
    }

    /// The whole document as one value.
    pub fn root(&self) -> Spanned<DeValue<'t>> {
        Spanned::new(self.doc.span(), DeValue::Table(self.doc.get_ref().clone()))
    }

    /// 1-based line of a byte offset, as the officer's editor counts it.
    pub fn line_of(&self, offset: usize) -> usize {
        locate::line_col(self.text, offset).0 + self.line_offset
    }

    /// Reads `value`, which sits at `prefix` in the document: type errors
    /// and unknown keys are reported with their full field path.
    pub fn read<T: DeserializeOwned + Serialize>(
        &self,
        value: Spanned<DeValue<'t>>,
        prefix: &[Segment],
        out: &mut Sink,
    ) -> Result<T, Cause> {
        let at_value = value.span().start;
        let mut unknown = Vec::new();
        let de = ValueDeserializer::from(value);
        let result: Result<T, _> =
            serde_ignored::deserialize(de, |path| unknown.push(path.to_string()));
        // The allowed keys, for suggestions: only when a key is unknown
        // (serializing every item again would cost a tenth of a check).
        let known = match unknown.is_empty() {
            true => None,
            false => result
                .as_ref()
                .ok()
                .and_then(|v| serde_json::to_value(v).ok()),
        };
        for path in unknown {
            let relative = locate::parse_path(&path);
            let full = [prefix, &relative].concat();
            let offset = locate::toml_offset(&self.doc, &full);
            let (line, col) = locate::line_col(self.text, offset);
            out.problems.push(
                unknown_key(self.file, &relative, &full, known.as_ref())
                    .at(line + self.line_offset, col),
            );
        }
        result.map_err(|e| {
            let at = e.span().map_or(at_value, |s| s.start);
            let (line, col) = locate::line_col(self.text, at);
            // A missing key has no place of its own: the message names it,
            // the field names the table it is missing from.
            let field = if e.message().starts_with("missing field") {
                locate::dotted(prefix)
            } else {
                locate::toml_path_at(&self.doc, at)
            };
            let mut p = Problem::error(self.file, field, plain_serde_message(e.message()))
                .at(line + self.line_offset, col);
            if let Some(h) = help::value(e.message()) {
                p = p.hint(h);
            }
            out.fail(p)
        })
    }
}

fn yaml<T: DeserializeOwned + Serialize>(
    file: &str,
    text: &str,
    line_offset: usize,
    out: &mut Sink,
) -> Result<T, Cause> {
    let mut unknown = Vec::new();
    let de = serde_norway::Deserializer::from_str(text);
    let result: Result<T, _> =
        serde_ignored::deserialize(de, |path| unknown.push(path.to_string()));
    let known = match unknown.is_empty() {
        true => None,
        false => result
            .as_ref()
            .ok()
            .and_then(|v| serde_json::to_value(v).ok()),
    };
    for path in unknown {
        let segments = locate::parse_path(&path);
        let offset = locate::yaml_offset(text, &segments);
        let (line, col) = locate::line_col(text, offset);
        out.problems.push(
            unknown_key(file, &segments, &segments, known.as_ref()).at(line + line_offset, col),
        );
    }
    result.map_err(|e| {
        let (line, col) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        let message = e.to_string();
        let mut p = Problem::error(file, "", format!("YAML: {}", plain_serde_message(&message)))
            .at(line + line_offset, col);
        if let Some(h) = help::value(message.split(" at line ").next().unwrap_or("")) {
            p = p.hint(h);
        }
        out.fail(p)
    })
}

/// "unknown key" at `full` (the path in the file); `relative` is the same
/// key within the value `known` was read into, for the suggestion.
fn unknown_key(
    file: &str,
    relative: &[Segment],
    full: &[Segment],
    known: Option<&serde_json::Value>,
) -> Problem {
    let key = match relative.last() {
        Some(Segment::Key(k)) => k.clone(),
        _ => locate::dotted(relative),
    };
    let siblings = known
        .map(|v| keys_at(v, &relative[..relative.len().saturating_sub(1)]))
        .unwrap_or_default();
    let hint = match validate::suggest(&key, siblings.iter().map(String::as_str)) {
        Some(k) => format!("did you mean `{k}`?"),
        None if siblings.is_empty() => {
            "remove it; see docs/content.md for the keys this file takes".to_string()
        }
        None => format!("remove it; keys allowed here: {}", siblings.join(", ")),
    };
    Problem::error(file, locate::dotted(full), format!("unknown key `{key}`")).hint(hint)
}

/// The keys an object has at `path`, from the parsed value (all model
/// fields serialize, so this lists every allowed key).
fn keys_at(value: &serde_json::Value, path: &[Segment]) -> Vec<String> {
    let mut v = value;
    for seg in path {
        v = match (seg, v) {
            (Segment::Key(k), serde_json::Value::Object(m)) => match m.get(k) {
                Some(x) => x,
                None => return vec![],
            },
            (Segment::Index(i), serde_json::Value::Array(a)) => match a.get(*i) {
                Some(x) => x,
                None => return vec![],
            },
            _ => return vec![],
        };
    }
    match v {
        serde_json::Value::Object(m) => m.keys().cloned().collect(),
        _ => vec![],
    }
}

/// serde's messages, reworded where officers would stumble.
fn plain_serde_message(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!("the required key {rest} is missing");
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        return rest.replacen(", expected", " is not allowed here; expected", 1);
    }
    let msg = msg
        .replace("invalid type: ", "wrong type: found ")
        .replace("invalid value: ", "wrong value: found ");
    help::plain_expected(&msg)
}
