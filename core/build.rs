//! Writes the NFKC table the analyzer folds with: every character whose
//! NFKC form differs from itself, taken from `unicode-normalization` here,
//! at build time. The crate's own tables (decomposition, composition,
//! combining classes: 46 kB of the browser's search code) stay out of the
//! wasm; the analyzer folds one character at a time and needs only this.

use std::fmt::Write;
use unicode_normalization::UnicodeNormalization;

fn main() {
    let mut from = Vec::new();
    let mut ends = Vec::new();
    let mut to = String::new();
    for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
        let n: String = std::iter::once(c).nfkc().collect();
        if n != c.to_string() {
            from.push(c as u32);
            to.push_str(&n);
            ends.push(u16::try_from(to.len()).expect("the NFKC table outgrew u16 offsets"));
        }
    }
    let mut out = String::new();
    writeln!(out, "/// Characters NFKC changes, in order.").unwrap();
    writeln!(out, "static NFKC_FROM: [u32; {}] = {from:?};", from.len()).unwrap();
    writeln!(out, "/// Where each one's NFKC form ends in `NFKC_TO`.").unwrap();
    writeln!(out, "static NFKC_ENDS: [u16; {}] = {ends:?};", ends.len()).unwrap();
    writeln!(out, "static NFKC_TO: &str = {to:?};").unwrap();
    let path = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("nfkc.rs");
    std::fs::write(path, out).unwrap();
    println!("cargo::rerun-if-changed=build.rs");
}
