//! The index's fields and their weights.
//!
//! Names answer the first keystrokes; the heavier fields (requirements,
//! guide text) are only read when a query reaches them, so the browser
//! fetches their parts of the index lazily (see [`crate::chunks`]). Every
//! field a query searches costs a dictionary block and a postings list per
//! term, so fields that weigh the same share one.

use crate::tokenizer::ZhTokenizer;
use tantivy::Index;
use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{LowerCaser, TextAnalyzer, WhitespaceTokenizer};

/// Chinese bigrams with positions (see `portal_core::analyzer`).
pub const ZH: &str = "zh";
/// Words separated by spaces, lower-cased: pinyin and dictionary words the
/// build writes already cut.
pub const WORDS: &str = "words";

/// Every field the engine reads, looked up once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub code: Field,
    /// Display data as JSON (see [`crate::Card`]).
    pub card: Field,
    pub name: Field,
    pub aliases: Field,
    /// Colloquial terms from `content/synonyms.toml` that lead to this item.
    pub synonyms: Field,
    /// The same colloquial terms whole, one term each: a query that is
    /// exactly one of them scores as if it were the name.
    pub keys: Field,
    /// Full pinyin and initials of name and aliases, with their prefixes.
    pub pinyin: Field,
    /// Dictionary words of name and aliases (segmented at build time).
    pub terms: Field,
    pub department: Field,
    /// Materials and conditions (申请材料, 受理条件).
    pub requirements: Field,
    /// Guide text, legal basis, everything else worth finding.
    pub body: Field,
    /// Stored only: a short text to show matches in.
    pub excerpt: Field,
    pub facets: Field,
}

/// Search weights: name ≫ aliases ≫ department, materials and conditions >
/// body text.
pub fn weighted(f: &Fields) -> [(Field, f32); 8] {
    [
        (f.name, 10.0),
        (f.aliases, 6.0),
        (f.synonyms, 5.0),
        (f.terms, 4.0),
        (f.pinyin, 5.0),
        (f.department, 2.0),
        (f.requirements, 1.5),
        (f.body, 1.0),
    ]
}

/// The fields a first keystroke needs; opened eagerly when the index is.
pub fn first_tier(f: &Fields) -> [Field; 6] {
    [f.name, f.aliases, f.synonyms, f.keys, f.terms, f.pinyin]
}

/// The long texts: most of the index's bytes.
pub fn long_texts(f: &Fields) -> [Field; 2] {
    [f.requirements, f.body]
}

pub fn schema() -> Schema {
    let mut b = Schema::builder();
    let zh = |stored: bool, positions: bool, norms: bool| {
        let record = if positions {
            IndexRecordOption::WithFreqsAndPositions
        } else {
            IndexRecordOption::WithFreqs
        };
        let mut o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ZH)
                .set_index_option(record)
                .set_fieldnorms(norms),
        );
        if stored {
            o = o.set_stored();
        }
        o
    };
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(WORDS)
            .set_index_option(IndexRecordOption::WithFreqs)
            .set_fieldnorms(false),
    );
    b.add_text_field("code", STRING | STORED);
    b.add_text_field("card", STORED);
    // No field norms (a byte per document per field, read whole: 50 kB of
    // brotli at 100k items for names alone). Length still counts through
    // the phrase and whole-word boosts.
    b.add_text_field("name", zh(true, true, false));
    b.add_text_field("aliases", zh(false, true, false));
    b.add_text_field("synonyms", zh(false, false, false));
    b.add_text_field("keys", words.clone());
    b.add_text_field("pinyin", words.clone());
    b.add_text_field("terms", words);
    // Phrases are scored in names and aliases only: positions of the long
    // texts would be the biggest download of a first query.
    b.add_text_field("department", zh(false, false, false));
    b.add_text_field("requirements", zh(false, false, false));
    b.add_text_field("body", zh(false, false, false));
    b.add_text_field("excerpt", STORED);
    b.add_facet_field("facets", FacetOptions::default());
    b.build()
}

pub fn fields(schema: &Schema) -> Fields {
    let f = |name: &str| schema.get_field(name).expect("field defined in schema()");
    Fields {
        code: f("code"),
        card: f("card"),
        name: f("name"),
        aliases: f("aliases"),
        synonyms: f("synonyms"),
        keys: f("keys"),
        pinyin: f("pinyin"),
        terms: f("terms"),
        department: f("department"),
        requirements: f("requirements"),
        body: f("body"),
        excerpt: f("excerpt"),
        facets: f("facets"),
    }
}

/// Makes the index know the portal's tokenizers (needed to open it).
pub fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(ZH, TextAnalyzer::builder(ZhTokenizer).build());
    index.tokenizers().register(
        WORDS,
        TextAnalyzer::builder(WhitespaceTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}
