//! What the window prints on the receipt (承诺单): a case number that cannot
//! be guessed from its neighbours and carries a check digit, and a query
//! password in an alphabet without look-alike characters. Randomness comes
//! from the caller (the server's OS generator), so this stays pure.

/// Digits of a case number after the `YYYY` year prefix.
const BODY_DIGITS: usize = 12;

/// No 0/O, 1/I/L: nothing a person can misread off a printed receipt.
pub const PASSWORD_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const PASSWORD_LEN: usize = 8;

/// ISO 7064 MOD 11-2, as on the Chinese resident ID: catches every single
/// wrong digit and every swap of two neighbours.
pub fn check_char(digits: &str) -> char {
    let sum = digits
        .bytes()
        .fold(0u32, |acc, b| (acc + (b - b'0') as u32) * 2 % 11);
    match (12 - sum % 11) % 11 {
        10 => 'X',
        n => char::from(b'0' + n as u8),
    }
}

/// A case number `YYYY` + 12 random digits + check character, e.g.
/// `2025483920174655X`. `random` should be uniformly random.
pub fn case_number(year: i32, random: u64) -> String {
    let body = format!(
        "{year:04}{:0width$}",
        random % 10u64.pow(BODY_DIGITS as u32),
        width = BODY_DIGITS
    );
    let check = check_char(&body);
    format!("{body}{check}")
}

/// Whether `text` is shaped like a case number with a correct check digit.
/// Lets the server answer garbage without touching the database.
pub fn is_valid_case_number(text: &str) -> bool {
    let text = text.trim();
    let n = 4 + BODY_DIGITS;
    if text.len() != n + 1 || !text.is_ascii() {
        return false;
    }
    let (body, check) = text.split_at(n);
    body.bytes().all(|b| b.is_ascii_digit())
        && check.chars().next().map(|c| c.to_ascii_uppercase()) == Some(check_char(body))
}

/// A password from random bytes (one byte per character, rejection-sampled
/// so every character is equally likely). Returns `None` if `bytes` ran out.
pub fn password(bytes: &[u8]) -> Option<String> {
    let n = PASSWORD_ALPHABET.len();
    let limit = 256 - 256 % n; // bytes at or above this would bias the draw
    let chars: String = bytes
        .iter()
        .filter(|b| (**b as usize) < limit)
        .take(PASSWORD_LEN)
        .map(|b| PASSWORD_ALPHABET[*b as usize % n] as char)
        .collect();
    (chars.len() == PASSWORD_LEN).then_some(chars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_matches_resident_id_algorithm() {
        // The GB 11643 sample number 11010519491231002X.
        assert_eq!(check_char("11010519491231002"), 'X');
        assert!(is_valid_case_number(&case_number(2025, 483_920_174_655)));
    }

    #[test]
    fn case_numbers_and_passwords_are_pinned() {
        // Receipts already printed must stay valid: the check character of
        // a given number never changes.
        assert_eq!(case_number(2025, 483_920_174_655), "20254839201746552");
        assert_eq!(case_number(2026, 123_456_789_012), "20261234567890120");
        // Only the last 12 digits of `random` are used.
        assert_eq!(case_number(2025, 7_000_000_000_001), "20250000000000018");
        assert_eq!(check_char("2025000000000000"), 'X');
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(password(&bytes).as_deref(), Some("23456789"));
        // 248 and 255 are at or above the rejection limit and skipped.
        assert_eq!(
            password(&[30, 31, 100, 247, 248, 255, 5, 60, 90, 120]).as_deref(),
            Some("Z29Z7YXW")
        );
    }

    #[test]
    fn single_digit_errors_and_swaps_are_caught() {
        let good = case_number(2026, 123_456_789_012);
        for i in 0..16 {
            for d in b'0'..=b'9' {
                let mut bad = good.clone().into_bytes();
                if bad[i] == d {
                    continue;
                }
                bad[i] = d;
                assert!(!is_valid_case_number(&String::from_utf8(bad).unwrap()));
            }
        }
        let mut swapped = good.clone().into_bytes();
        let i = (0..15).find(|&i| swapped[i] != swapped[i + 1]).unwrap();
        swapped.swap(i, i + 1);
        assert!(!is_valid_case_number(&String::from_utf8(swapped).unwrap()));
    }

    #[test]
    fn garbage_is_not_a_case_number() {
        for s in [
            "",
            "2025",
            "2025' OR '1'='1",
            "%%%%%%%%%%%%%%%%%",
            "２０２５４８３９２０１７４６５５X",
            "20254839201746550000",
        ] {
            assert!(!is_valid_case_number(s), "{s}");
        }
    }

    #[test]
    fn passwords_avoid_look_alikes() {
        let bytes: Vec<u8> = (0..=255).collect();
        let p = password(&bytes).unwrap();
        assert_eq!(p.len(), PASSWORD_LEN);
        assert!(!p.contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(
            password(&[255; 20]),
            None,
            "biased bytes are skipped, not used"
        );
    }
}
