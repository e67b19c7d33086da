//! Turns a field path such as `materials[2].source` into a line and column
//! of the file the officer edits. TOML keeps exact spans; YAML is located by
//! walking its keys line by line, which is exact for the block style
//! officers write.

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Parses `a.b[2].c` (also `a.b.2.c`, as serde_ignored writes it).
pub fn parse_path(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            match key.parse::<usize>() {
                Ok(i) => out.push(Segment::Index(i)),
                Err(_) => out.push(Segment::Key(key.to_string())),
            }
        }
        while let Some(end) = rest.find(']') {
            if let Ok(i) = rest[1..end].parse() {
                out.push(Segment::Index(i));
            }
            rest = &rest[end + 1..];
        }
    }
    out
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte offset of the deepest part of `path` present in a TOML document.
/// Points at the key when the path ends on a key, so "unknown key" errors
/// land on the key itself.
pub fn toml_offset(doc: &Spanned<DeTable>, path: &[Segment]) -> usize {
    let mut best = doc.span().start;
    let mut table: Option<&DeTable> = Some(doc.get_ref());
    let mut array: Option<&DeArray> = None;
    for seg in path {
        let value = match (seg, table, array) {
            (Segment::Key(k), Some(t), _) => {
                let Some((key, v)) = t.iter().find(|(key, _)| key.get_ref().as_ref() == k) else {
                    return best;
                };
                best = key.span().start;
                v
            }
            (Segment::Index(i), _, Some(items)) => {
                let Some(v) = items.get(*i) else { return best };
                best = v.span().start;
                v
            }
            _ => return best,
        };
        (table, array) = match value.get_ref() {
            DeValue::Table(t) => (Some(t), None),
            DeValue::Array(a) => (None, Some(a)),
            _ => (None, None),
        };
    }
    best
}

/// The field path (e.g. `materials[1].copies`) of the value at `offset`,
/// so a type error can name the field it is about. Searches every leaf:
/// TOML spans of `[[tables]]` cover only their header line.
pub fn toml_path_at(doc: &Spanned<DeTable>, offset: usize) -> String {
    let mut path = Vec::new();
    if find_in_table(doc.get_ref(), offset, &mut path) {
        dotted(&path)
    } else {
        String::new()
    }
}

fn find_in_table(table: &DeTable, offset: usize, path: &mut Vec<Segment>) -> bool {
    table.iter().any(|(k, v)| {
        path.push(Segment::Key(k.get_ref().to_string()));
        let found = k.span().contains(&offset) || find_in_value(v, offset, path);
        if !found {
            path.pop();
        }
        found
    })
}

fn find_in_value(value: &Spanned<DeValue>, offset: usize, path: &mut Vec<Segment>) -> bool {
    match value.get_ref() {
        DeValue::Table(t) => find_in_table(t, offset, path),
        DeValue::Array(a) => a.iter().enumerate().any(|(i, v)| {
            path.push(Segment::Index(i));
            let found = find_in_value(v, offset, path)
                || (v.span().contains(&offset) && !matches!(v.get_ref(), DeValue::Table(_)));
            if !found {
                path.pop();
            }
            found
        }),
        _ => value.span().contains(&offset),
    }
}

/// `a.b[1].c` from segments.
pub fn dotted(segments: &[Segment]) -> String {
    let mut s = String::new();
    for seg in segments {
        match seg {
            Segment::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Segment::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Finds the byte offset of the deepest part of `path` in block-style YAML.
pub fn yaml_offset(text: &str, path: &[Segment]) -> usize {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |pos, line| {
            let start = *pos;
            *pos += line.len();
            Some((start, line))
        })
        .collect();
    let mut row = 0; // first line to search
    let mut min_indent = 0; // children are indented at least this much
    let mut best = 0;
    for seg in path {
        let found = match seg {
            Segment::Key(k) => lines[row..].iter().position(|(_, l)| {
                let body = l.trim_start_matches([' ', '-']);
                indent(l) >= min_indent
                    && body.starts_with(k.as_str())
                    && body[k.len()..].trim_start().starts_with(':')
            }),
            Segment::Index(i) => lines[row..]
                .iter()
                .enumerate()
                .filter(|(_, (_, l))| l.trim_start().starts_with("- ") && indent(l) >= min_indent)
                .nth(*i)
                .map(|(n, _)| n),
        };
        let Some(n) = found else { return best };
        row += n;
        let (start, line) = lines[row];
        best = start + indent(line);
        min_indent = indent(line) + 1;
        if matches!(seg, Segment::Index(_)) {
            // The item's first key sits on the dash line.
            min_indent = indent(line);
        } else {
            row += 1;
        }
        if row >= lines.len() {
            return best;
        }
    }
    best
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            parse_path("materials[2].source"),
            vec![
                Segment::Key("materials".into()),
                Segment::Index(2),
                Segment::Key("source".into())
            ]
        );
        assert_eq!(parse_path("a.0.b"), parse_path("a[0].b"));
        assert_eq!(parse_path("s[1].options[0]").len(), 4);
    }

    #[test]
    fn toml_spans() {
        let text = "name = \"x\"\n\n[[materials]]\nid = \"a\"\n\n[[materials]]\nid = \"b\"\nsource = \"applicant\"\n";
        let doc = DeTable::parse(text).unwrap();
        let at = |p| line_col(text, toml_offset(&doc, &parse_path(p)));
        assert_eq!(at("name"), (1, 1));
        assert_eq!(at("materials[1].source"), (8, 1));
        assert_eq!(at("materials[1].missing"), at("materials[1]"));
        let offset = text.find("applicant").unwrap();
        assert_eq!(toml_path_at(&doc, offset), "materials[1].source");
    }

    #[test]
    fn yaml_lines() {
        let text = "title: x\nmaterials:\n  - id: a\n    name: b\n  - id: c\n    source: d\n";
        let at = |p| line_col(text, yaml_offset(text, &parse_path(p)));
        assert_eq!(at("title"), (1, 1));
        assert_eq!(at("materials[1]"), (5, 3));
        assert_eq!(at("materials[1].source").0, 6);
        assert_eq!(at("materials[0].name").0, 4);
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_col("名称 = 1\n代码", 11), (2, 1));
        assert_eq!(line_col("名称x", 6), (1, 3));
    }
}
