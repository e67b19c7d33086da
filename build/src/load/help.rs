//! Help for mistakes in values (a date, a number, true/false, a list), by
//! what the parser says and the value it stopped at, instead of one hint
//! for every syntax error.

pub const DATES: &str =
    "dates are written YYYY-MM-DD, month 01–12 and day 01–31, without quotes, e.g. 2025-06-01";
const BOOLEANS: &str = "write true or false, in lower case and without quotes";
const QUOTES: &str = "text values need \"quotes\", e.g. name = \"居民身份证\"";
const ARRAYS: &str =
    "lists are written in square brackets, items separated by commas, e.g. [\"a\", \"b\"]";
const TABLES: &str =
    "write a table: `key = { a = 1 }` on one line, or a `[key]` header with lines below it";
const GENERIC: &str = "check quotes, brackets and `=`; text values need \"quotes\"";

/// Help for a TOML syntax error `message` found at the start of `rest`
/// (the text from the error to the end of its line).
pub fn syntax(message: &str, rest: &str) -> String {
    let m = message.to_lowercase();
    let word = rest
        .trim()
        .split(|c: char| c.is_whitespace() || c == ',' || c == ']' || c == '}')
        .next()
        .unwrap_or("");
    let help = if m.contains("date") || m.contains("time") || looks_like_date(word) {
        DATES
    } else if m.contains("duplicate key") {
        "each key may appear once in a table: remove or rename the second one"
    } else if m.contains("must be quoted") && is_boolean_word(word) {
        BOOLEANS
    } else if m.contains("must be quoted") && word.starts_with(|c: char| c.is_ascii_digit()) {
        "numbers are written with digits only, no units or thousands separators, e.g. 1000; quote it if it is text"
    } else if m.contains("must be quoted") {
        QUOTES
    } else if m.contains("string") {
        "check the quotes of this text: it ends with the quote it starts with, on the same line, e.g. \"居民身份证\"; a backslash starts an escape such as \\n"
    } else if m.contains("array") {
        ARRAYS
    } else {
        GENERIC
    };
    help.to_string()
}

/// Help for a value of the wrong type or out of range, from serde's
/// message (`…, expected u8`), when there is something specific to say.
pub fn value(message: &str) -> Option<String> {
    if message.contains("is not a date") || message.contains("expected a date") {
        return Some(DATES.to_string());
    }
    let expected = message.rsplit_once("expected ")?.1.trim();
    let help = match expected {
        "u8" => "write a whole number from 0 to 255, without quotes, e.g. 1".to_string(),
        "u16" | "u32" | "u64" | "usize" => {
            "write a whole number, 0 or more, without quotes, e.g. 5".to_string()
        }
        "i8" | "i16" | "i32" | "i64" => "write a whole number without quotes, e.g. 5".to_string(),
        "f32" | "f64" => "write a number without quotes, e.g. 20 or 12.5".to_string(),
        "a boolean" => BOOLEANS.to_string(),
        "a sequence" => match found_text(message) {
            Some(text) => format!("{ARRAYS}; here: [\"{text}\"]"),
            None => ARRAYS.to_string(),
        },
        "a string" | "a borrowed string" => QUOTES.to_string(),
        e if e.starts_with("struct ") || e == "a map" => TABLES.to_string(),
        _ => return None,
    };
    Some(help)
}

/// serde's type names in the words of the help above.
pub fn plain_expected(message: &str) -> String {
    let Some((before, expected)) = message.rsplit_once("expected ") else {
        return message.to_string();
    };
    let words = match expected.trim() {
        "u8" => "a whole number from 0 to 255",
        "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" => "a whole number",
        "f32" | "f64" => "a number",
        "a boolean" => "true or false",
        "a sequence" => "a list [ … ]",
        "a string" | "a borrowed string" => "text in quotes",
        e if e.starts_with("struct ") || e == "a map" => "a table",
        _ => return message.to_string(),
    };
    format!("{before}expected {words}")
}

/// The text of `found string "x"` in a serde message.
fn found_text(message: &str) -> Option<&str> {
    let rest = message.split_once("string \"")?.1;
    Some(rest.split_once('"')?.0)
}

fn looks_like_date(word: &str) -> bool {
    let digits = word.chars().filter(char::is_ascii_digit).count();
    digits >= 6
        && word.starts_with(|c: char| c.is_ascii_digit())
        && word.contains(['-', '/', '.', '年'])
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || "-/.年月日".contains(c))
}

fn is_boolean_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    [
        "true", "false", "yes", "no", "on", "off", "是", "否", "y", "n",
    ]
    .contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_numbers_booleans_and_lists_get_their_own_help() {
        let date = "invalid date, expected month between 01 and 12";
        assert_eq!(syntax(date, "2025-13-01\n"), DATES);
        assert_eq!(
            syntax(
                "string values must be quoted, expected literal string",
                "2025/06/01"
            ),
            DATES
        );
        assert_eq!(
            syntax(
                "string values must be quoted, expected literal string",
                "yes"
            ),
            BOOLEANS
        );
        assert!(syntax("string values must be quoted", "1,000").contains("digits only"));
        assert_eq!(syntax("string values must be quoted", "居民"), QUOTES);
        assert!(
            value("invalid type: string \"1\", expected u8")
                .unwrap()
                .contains("0 to 255")
        );
        assert!(
            value("invalid type: string \"individual\", expected a sequence")
                .unwrap()
                .contains("[\"individual\"]")
        );
        assert_eq!(
            value("invalid type: string \"yes\", expected a boolean").as_deref(),
            Some(BOOLEANS)
        );
        assert_eq!(
            value("`later` is not allowed here; expected one of …"),
            None
        );
        assert_eq!(
            plain_expected("wrong type: found string \"1\", expected u8"),
            "wrong type: found string \"1\", expected a whole number from 0 to 255"
        );
    }
}
