//! The predicates officers write in `ask_if` and `when`: tests on answers
//! joined by `and`, `or`, `not` and parentheses.
//!
//! ```text
//! expr  := and ("or" and)*
//! and   := unary ("and" unary)*
//! unary := "not" unary | "(" expr ")" | test
//! test  := ID (< | <= | > | >= | = | !=) NUMBER     number question
//!        | ID (= | !=) VALUE                        choice or yes/no
//!        | ID "in" "[" VALUE ("," VALUE)* "]"       one of several options
//!        | ID "has" VALUE                           several-choice includes
//!        | ID                                       yes/no answered yes
//! ```
//!
//! Evaluation is three-valued: a test on a question not yet answered is
//! unknown, so the engine can tell a verdict that no later answer changes.

use std::fmt;

/// A parsed predicate.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    All(Vec<Expr>),
    Any(Vec<Expr>),
    Not(Box<Expr>),
    Test(Test),
}

/// One test on one question's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    pub question: String,
    pub op: Op,
    /// Byte offset of the test in the source, for error messages.
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Compare(Cmp, f64),
    Is(String),
    IsNot(String),
    In(Vec<String>),
    Has(String),
    /// A bare yes/no question: answered yes.
    Yes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Cmp {
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
        }
    }
}

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    pub fn of(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }
}

impl Expr {
    /// Evaluates with `test` giving each test's truth.
    pub fn eval(&self, test: &mut impl FnMut(&Test) -> Tri) -> Tri {
        match self {
            Expr::Test(t) => test(t),
            Expr::Not(e) => match e.eval(test) {
                Tri::True => Tri::False,
                Tri::False => Tri::True,
                Tri::Unknown => Tri::Unknown,
            },
            Expr::All(es) => {
                let mut out = Tri::True;
                for e in es {
                    match e.eval(test) {
                        Tri::False => return Tri::False,
                        Tri::Unknown => out = Tri::Unknown,
                        Tri::True => {}
                    }
                }
                out
            }
            Expr::Any(es) => {
                let mut out = Tri::False;
                for e in es {
                    match e.eval(test) {
                        Tri::True => return Tri::True,
                        Tri::Unknown => out = Tri::Unknown,
                        Tri::False => {}
                    }
                }
                out
            }
        }
    }

    /// Every test, in source order.
    pub fn tests(&self) -> Vec<&Test> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a Test>) {
        match self {
            Expr::Test(t) => out.push(t),
            Expr::Not(e) => e.collect(out),
            Expr::All(es) | Expr::Any(es) => es.iter().for_each(|e| e.collect(out)),
        }
    }
}

/// A predicate that does not parse: what and where (a character column,
/// counted from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.column)
    }
}

/// Predicates are short; a bound keeps hostile input from recursing deep.
const MAX_LEN: usize = 2000;
const MAX_DEPTH: usize = 32;

/// Parses a predicate.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    if src.len() > MAX_LEN {
        return Err(ParseError {
            column: 1,
            message: format!("the predicate is longer than {MAX_LEN} characters"),
        });
    }
    let tokens = lex(src)?;
    let mut p = Parser {
        src,
        tokens,
        pos: 0,
        depth: 0,
    };
    let e = p.or()?;
    match p.peek() {
        None => Ok(e),
        Some(t) => Err(p.error_at(t.at, format!("unexpected `{}`", t.text))),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Word,
    Number(f64),
    Quoted,
    Symbol,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    text: String,
    at: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '.'
}

fn lex(src: &str) -> Result<Vec<Token>, ParseError> {
    let mut out = Vec::new();
    let mut chars = src.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' || c == '\'' {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next() {
                    Some((_, q)) if q == c => break,
                    Some((_, ch)) => text.push(ch),
                    None => return Err(error_at(src, at, "a quoted value is not closed")),
                }
            }
            out.push(Token {
                kind: Kind::Quoted,
                text,
                at,
            });
        } else if is_word_char(c) {
            let mut text = String::new();
            while let Some(&(_, ch)) = chars.peek() {
                if !is_word_char(ch) {
                    break;
                }
                text.push(ch);
                chars.next();
            }
            let kind = match text.parse::<f64>() {
                Ok(n)
                    if n.is_finite()
                        && text.starts_with(|c: char| c.is_ascii_digit() || c == '-') =>
                {
                    Kind::Number(n)
                }
                _ => Kind::Word,
            };
            out.push(Token { kind, text, at });
        } else {
            chars.next();
            let two = chars.peek().map(|&(_, n)| format!("{c}{n}"));
            let text = match two.as_deref() {
                Some("<=" | ">=" | "!=" | "==" | "&&" | "||") => {
                    chars.next();
                    two.expect("peeked")
                }
                _ if "()[],<>=!".contains(c) => c.to_string(),
                _ => return Err(error_at(src, at, &format!("`{c}` is not allowed here"))),
            };
            out.push(Token {
                kind: Kind::Symbol,
                text,
                at,
            });
        }
    }
    Ok(out)
}

fn error_at(src: &str, at: usize, message: &str) -> ParseError {
    ParseError {
        column: src[..at].chars().count() + 1,
        message: message.to_string(),
    }
}

struct Parser<'s> {
    src: &'s str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn error_at(&self, at: usize, message: String) -> ParseError {
        error_at(self.src, at, &message)
    }

    fn end_error(&self, wanted: &str) -> ParseError {
        self.error_at(
            self.src.len(),
            format!("the predicate ends where {wanted} was expected"),
        )
    }

    /// Is the next token `word` (a keyword or symbol)?
    fn eat(&mut self, words: &[&str]) -> bool {
        let hit = self
            .peek()
            .is_some_and(|t| t.kind != Kind::Quoted && words.contains(&t.text.as_str()));
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut parts = vec![self.and()?];
        while self.eat(&["or", "||"]) {
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Any(parts)
        })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut parts = vec![self.unary()?];
        while self.eat(&["and", "&&"]) {
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::All(parts)
        })
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let at = self.peek().map_or(self.src.len(), |t| t.at);
            return Err(self.error_at(at, "the predicate nests too deep".into()));
        }
        let e = if self.eat(&["not", "!"]) {
            Expr::Not(Box::new(self.unary()?))
        } else if self.eat(&["("]) {
            let e = self.or()?;
            if !self.eat(&[")"]) {
                return Err(match self.peek() {
                    Some(t) => self.error_at(t.at, format!("expected `)` before `{}`", t.text)),
                    None => self.end_error("`)`"),
                });
            }
            e
        } else {
            Expr::Test(self.test()?)
        };
        self.depth -= 1;
        Ok(e)
    }

    fn test(&mut self) -> Result<Test, ParseError> {
        let Some(id) = self.next() else {
            return Err(self.end_error("a question id"));
        };
        if id.kind != Kind::Word || KEYWORDS.contains(&id.text.as_str()) {
            return Err(self.error_at(
                id.at,
                format!("expected a question id, found `{}`", id.text),
            ));
        }
        let op = self.op()?;
        Ok(Test {
            question: id.text,
            op,
            at: id.at,
        })
    }

    fn op(&mut self) -> Result<Op, ParseError> {
        let symbol = self
            .peek()
            .filter(|t| t.kind != Kind::Quoted)
            .map(|t| t.text.clone());
        let Some(symbol) = symbol else {
            return Ok(Op::Yes);
        };
        let cmp = match symbol.as_str() {
            "<" => Cmp::Lt,
            "<=" => Cmp::Le,
            ">" => Cmp::Gt,
            ">=" => Cmp::Ge,
            "=" | "==" => Cmp::Eq,
            "!=" => Cmp::Ne,
            "in" => {
                self.pos += 1;
                return self.list().map(Op::In);
            }
            "has" => {
                self.pos += 1;
                return self.value().map(Op::Has);
            }
            _ => return Ok(Op::Yes),
        };
        self.pos += 1;
        let Some(t) = self.next() else {
            return Err(self.end_error("a value"));
        };
        Ok(match (t.kind, cmp) {
            (Kind::Number(n), _) => Op::Compare(cmp, n),
            (Kind::Word | Kind::Quoted, Cmp::Eq) => Op::Is(t.text),
            (Kind::Word | Kind::Quoted, Cmp::Ne) => Op::IsNot(t.text),
            (_, _) => {
                return Err(self.error_at(
                    t.at,
                    format!("`{symbol}` compares with a number, found `{}`", t.text),
                ));
            }
        })
    }

    fn value(&mut self) -> Result<String, ParseError> {
        match self.next() {
            Some(t) if matches!(t.kind, Kind::Word | Kind::Quoted | Kind::Number(_)) => Ok(t.text),
            Some(t) => {
                Err(self.error_at(t.at, format!("expected an option id, found `{}`", t.text)))
            }
            None => Err(self.end_error("an option id")),
        }
    }

    fn list(&mut self) -> Result<Vec<String>, ParseError> {
        if !self.eat(&["["]) {
            let at = self.peek().map_or(self.src.len(), |t| t.at);
            return Err(self.error_at(at, "`in` takes a list: in [a, b]".into()));
        }
        let mut out = vec![self.value()?];
        while self.eat(&[","]) {
            out.push(self.value()?);
        }
        if !self.eat(&["]"]) {
            return Err(match self.peek() {
                Some(t) => self.error_at(t.at, format!("expected `,` or `]` before `{}`", t.text)),
                None => self.end_error("`]`"),
            });
        }
        Ok(out)
    }
}

const KEYWORDS: [&str; 5] = ["and", "or", "not", "in", "has"];

#[cfg(test)]
mod tests {
    use super::*;

    fn t(q: &str, op: Op) -> Expr {
        Expr::Test(Test {
            question: q.into(),
            op,
            at: 0,
        })
    }

    /// Tests compare without source offsets.
    fn strip(e: Expr) -> Expr {
        match e {
            Expr::Test(mut x) => {
                x.at = 0;
                Expr::Test(x)
            }
            Expr::Not(e) => Expr::Not(Box::new(strip(*e))),
            Expr::All(es) => Expr::All(es.into_iter().map(strip).collect()),
            Expr::Any(es) => Expr::Any(es.into_iter().map(strip).collect()),
        }
    }

    fn p(src: &str) -> Expr {
        strip(parse(src).unwrap_or_else(|e| panic!("{src}: {e}")))
    }

    #[test]
    fn and_binds_tighter_than_or() {
        assert_eq!(
            p("a > 1 or b and not c"),
            Expr::Any(vec![
                t("a", Op::Compare(Cmp::Gt, 1.0)),
                Expr::All(vec![t("b", Op::Yes), Expr::Not(Box::new(t("c", Op::Yes)))]),
            ])
        );
    }

    #[test]
    fn every_test_form_parses() {
        assert_eq!(p("n <= 300.5"), t("n", Op::Compare(Cmp::Le, 300.5)));
        assert_eq!(p("n >= -2"), t("n", Op::Compare(Cmp::Ge, -2.0)));
        assert_eq!(
            p(r#"entity = "company""#),
            t("entity", Op::Is("company".into()))
        );
        assert_eq!(
            p("entity == company"),
            t("entity", Op::Is("company".into()))
        );
        assert_eq!(
            p("entity != long-term"),
            t("entity", Op::IsNot("long-term".into()))
        );
        assert_eq!(
            p("e in [a, 'b c']"),
            t("e", Op::In(vec!["a".into(), "b c".into()]))
        );
        assert_eq!(p("s has catering"), t("s", Op::Has("catering".into())));
        assert_eq!(p("(x)"), t("x", Op::Yes));
        assert_eq!(p("x && y || z"), p("(x and y) or z"));
    }

    #[test]
    fn errors_say_where() {
        let e = parse("a > 1 and").unwrap_err();
        assert!(e.message.contains("question id"), "{e}");
        assert_eq!(
            parse("(a").unwrap_err().message,
            "the predicate ends where `)` was expected"
        );
        assert_eq!(parse("a > b").unwrap_err().column, 5);
        assert_eq!(parse("a in b").unwrap_err().column, 6);
        assert_eq!(parse("从业 @ 3").unwrap_err().column, 4);
        assert!(parse("a b").unwrap_err().message.contains("unexpected `b`"));
        assert!(parse("'open").unwrap_err().message.contains("not closed"));
    }

    #[test]
    fn hostile_input_is_refused_not_recursed() {
        let deep = format!("{}x{}", "(".repeat(500), ")".repeat(500));
        assert!(parse(&deep).unwrap_err().message.contains("too deep"));
        let nots = format!("{}x", "not ".repeat(400));
        assert!(parse(&nots).is_err());
        assert!(
            parse(&"x or ".repeat(1000))
                .unwrap_err()
                .message
                .contains("longer")
        );
    }

    #[test]
    fn unknown_is_not_false() {
        let e = parse("a or not b").expect("parses");
        let mut answers = |t: &Test| {
            if t.question == "a" {
                Tri::False
            } else {
                Tri::Unknown
            }
        };
        assert_eq!(e.eval(&mut answers), Tri::Unknown);
        let mut b_false = |_: &Test| Tri::False;
        assert_eq!(e.eval(&mut b_false), Tri::True);
        let all = parse("a and b").expect("parses");
        assert_eq!(
            all.eval(&mut |t: &Test| Tri::of(t.question == "b")),
            Tri::False
        );
    }
}
