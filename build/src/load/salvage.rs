//! Ids read from files that failed to load, line by line and without a
//! parser: a syntax error, a stray byte or a file too large must not make
//! every reference to what the file defines look unknown.

/// The value of the top-level `key` (`code = "X"` in TOML, `code: X` in
/// YAML) of broken text, if it can be made out.
pub fn top_level(text: &str, key: &str) -> Option<String> {
    for line in text.lines() {
        // TOML: what follows a table header is no longer top level.
        if line.starts_with('[') {
            return None;
        }
        // YAML: nested keys are indented.
        if line.starts_with([' ', '\t']) {
            continue;
        }
        if let Some(value) = value_of(line, key) {
            return Some(value);
        }
    }
    None
}

/// Every `id` of the `[[table]]` tables of broken TOML text.
pub fn table_ids(text: &str, table: &str) -> Vec<String> {
    let header = format!("[[{table}]]");
    let mut inside = false;
    let mut ids = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line.split('#').next().unwrap_or("").trim() == header;
        } else if inside && let Some(id) = value_of(line, "id") {
            ids.push(id);
            // One id per table.
            inside = false;
        }
    }
    ids
}

/// `X` from `key = "X"`, `key = 'X'`, `key: X` or `key = X`, comments off.
fn value_of(line: &str, key: &str) -> Option<String> {
    let rest = line.trim_start().strip_prefix(key)?.trim_start();
    let rest = rest.strip_prefix(['=', ':'])?.trim();
    let value = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next()?,
        _ => rest.split(" #").next()?.trim(),
    };
    (!value.is_empty()).then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_ids_are_salvaged() {
        let item = "code = \"330199-GA-0001\" # 事项编码\nlast_reviewed = 2025-13-01\n[fees]\ncode = \"no\"\n";
        assert_eq!(top_level(item, "code").as_deref(), Some("330199-GA-0001"));
        assert_eq!(
            top_level("code: A-1\nname: x\n", "code").as_deref(),
            Some("A-1")
        );
        assert_eq!(top_level("[fees]\ncode = \"no\"\n", "code"), None);
        assert_eq!(top_level("codes = \"no\"\n", "code"), None);
        let depts = "[[department]]\nid = \"a\"\nname = \"x\n\n[[department]]\n  id = 'b'\n[other]\nid = \"c\"\n";
        assert_eq!(table_ids(depts, "department"), ["a", "b"]);
    }
}
