//! The core analyzer as a tantivy tokenizer, so the index and the queries
//! cut text the same way.

use portal_core::analyzer;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Registered under [`crate::schema::ZH`].
#[derive(Clone, Default)]
pub struct ZhTokenizer;

pub struct ZhTokenStream {
    tokens: std::vec::IntoIter<analyzer::Token>,
    current: Token,
}

impl Tokenizer for ZhTokenizer {
    type TokenStream<'a> = ZhTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ZhTokenStream {
        ZhTokenStream {
            tokens: analyzer::tokens(text).into_iter(),
            current: Token::default(),
        }
    }
}

impl TokenStream for ZhTokenStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(t) => {
                self.current = Token {
                    offset_from: t.from,
                    offset_to: t.to,
                    position: t.position,
                    text: t.text,
                    position_length: 1,
                };
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}
