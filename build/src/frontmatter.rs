//! Splits a Markdown file into its front matter (`+++` TOML or `---` YAML)
//! and body, remembering where each starts.

use crate::load::Format;

pub struct Split<'a> {
    pub meta: &'a str,
    pub format: Format,
    /// 1-based line of the first front-matter line.
    pub meta_line: usize,
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

pub fn split(text: &str) -> Option<Split<'_>> {
    let (fence, format) = if text.starts_with("+++") {
        ("+++", Format::Toml)
    } else if text.starts_with("---") {
        ("---", Format::Yaml)
    } else {
        return None;
    };
    let first_newline = text.find('\n')?;
    if text[..first_newline].trim_end() != fence {
        return None;
    }
    let meta_start = first_newline + 1;
    let mut pos = meta_start;
    for line in text[meta_start..].split_inclusive('\n') {
        if line.trim_end() == fence {
            let meta = &text[meta_start..pos];
            let body = &text[pos + line.len()..];
            let meta_lines = meta.matches('\n').count();
            return Some(Split {
                meta,
                format,
                meta_line: 2,
                body,
                body_line: 3 + meta_lines,
            });
        }
        pos += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_yaml() {
        let s = split("+++\ntitle = \"a\"\n+++\nbody\n").unwrap();
        assert_eq!(s.meta, "title = \"a\"\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
        let s = split("---\ntitle: a\nx: 1\n---\n\nbody").unwrap();
        assert!(s.format == Format::Yaml);
        assert_eq!(s.body_line, 5);
        assert!(split("no front matter").is_none());
        assert!(split("+++\nunclosed").is_none());
    }
}
