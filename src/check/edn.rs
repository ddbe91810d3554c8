//! A small reader for EDN, the notation of Jepsen's and Knossos's histories.
//!
//! It reads what those files hold: `nil`, booleans, integers, floats, strings,
//! characters, keywords, symbols, lists, vectors, maps and sets, `#tag` literals, `#_`
//! discards, `;` comments, and commas as whitespace. Every value keeps the line it starts
//! on, so a problem with an operation names its line. Written here rather than taken from
//! a crate: the crates on crates.io either are deprecated or bring big-number and date
//! dependencies into the wasm build, and none reports lines per value.

use std::fmt;

/// An EDN value.
#[derive(Clone, Debug, PartialEq)]
pub enum Edn {
    /// `nil`.
    Nil,
    /// `true`, `false`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// Any other number (a float, a big integer, a ratio), as written.
    Number(String),
    /// A string, unescaped.
    Str(String),
    /// A character literal (`\a`, `\newline`).
    Char(char),
    /// A keyword, without its colon (`:read` is `Keyword("read")`).
    Keyword(String),
    /// A symbol.
    Symbol(String),
    /// `( … )`.
    List(Vec<Node>),
    /// `[ … ]`.
    Vector(Vec<Node>),
    /// `{ … }`, its entries in the order written.
    Map(Vec<(Node, Node)>),
    /// `#{ … }`.
    Set(Vec<Node>),
    /// `#tag value`.
    Tagged(String, Box<Node>),
}

/// A value and the line it starts on (1-based).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The line where the value starts.
    pub line: u32,
    /// The value.
    pub value: Edn,
}

impl Node {
    /// The entry `:name` of a map, if this is a map that has it.
    pub fn get(&self, name: &str) -> Option<&Node> {
        match &self.value {
            Edn::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(&k.value, Edn::Keyword(n) if n == name))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The items of a list or a vector.
    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            Edn::List(items) | Edn::Vector(items) => Some(items),
            _ => None,
        }
    }
}

impl fmt::Display for Edn {
    /// The value written back as EDN (short values in messages).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seq = |f: &mut fmt::Formatter<'_>, open: &str, items: &[Node], close: &str| {
            f.write_str(open)?;
            for (i, n) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{}", n.value)?;
            }
            f.write_str(close)
        };
        match self {
            Edn::Nil => f.write_str("nil"),
            Edn::Bool(b) => write!(f, "{b}"),
            Edn::Int(i) => write!(f, "{i}"),
            Edn::Number(s) | Edn::Symbol(s) => f.write_str(s),
            Edn::Str(s) => write!(f, "{s:?}"),
            Edn::Char(c) => write!(f, "\\{c}"),
            Edn::Keyword(k) => write!(f, ":{k}"),
            Edn::List(items) => seq(f, "(", items, ")"),
            Edn::Vector(items) => seq(f, "[", items, "]"),
            Edn::Set(items) => seq(f, "#{", items, "}"),
            Edn::Map(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{} {}", k.value, v.value)?;
                }
                f.write_str("}")
            }
            Edn::Tagged(tag, v) => write!(f, "#{tag} {}", v.value),
        }
    }
}

/// A syntax error and its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdnError {
    /// The line (1-based).
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

/// Deepest nesting read: a hostile file cannot overflow the stack.
const MAX_DEPTH: usize = 200;

struct Reader<'a> {
    text: &'a [u8],
    at: usize,
    line: u32,
}

/// Reads every top-level value of `text`.
pub fn read_all(text: &str) -> Result<Vec<Node>, EdnError> {
    let mut r = Reader {
        text: text.as_bytes(),
        at: 0,
        line: 1,
    };
    let mut out = Vec::new();
    while let Some(node) = r.next_value(0)? {
        out.push(node);
    }
    Ok(out)
}

fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b',' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'"' | b';'
        )
}

impl Reader<'_> {
    fn error<T>(&self, message: impl Into<String>) -> Result<T, EdnError> {
        Err(EdnError {
            line: self.line,
            message: message.into(),
        })
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        if b == b'\n' {
            self.line += 1;
        }
        Some(b)
    }

    /// Skips whitespace, commas and comments.
    fn skip(&mut self) {
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() || b == b',' {
                self.bump();
            } else if b == b';' {
                while let Some(c) = self.bump() {
                    if c == b'\n' {
                        break;
                    }
                }
            } else {
                break;
            }
        }
    }

    /// The next value, or `None` at the end of the text.
    fn next_value(&mut self, depth: usize) -> Result<Option<Node>, EdnError> {
        self.skip();
        match self.peek() {
            None => Ok(None),
            Some(b')' | b']' | b'}') => {
                let c = self.peek().map(char::from).unwrap_or(' ');
                self.error(format!("unexpected {c:?}"))
            }
            Some(_) => self.value(depth).map(Some),
        }
    }

    /// Items up to `close`.
    fn items(&mut self, close: u8, depth: usize) -> Result<Vec<Node>, EdnError> {
        let start = self.line;
        let mut items = Vec::new();
        loop {
            self.skip();
            match self.peek() {
                None => {
                    return Err(EdnError {
                        line: start,
                        message: format!("{:?} opened here is never closed", open_of(close)),
                    })
                }
                Some(b) if b == close => {
                    self.bump();
                    return Ok(items);
                }
                Some(_) => {
                    let v = self.next_value(depth + 1)?.ok_or_else(|| EdnError {
                        line: start,
                        message: "unclosed".into(),
                    })?;
                    items.push(v);
                }
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, EdnError> {
        if depth > MAX_DEPTH {
            return self.error(format!("nested more than {MAX_DEPTH} deep"));
        }
        let line = self.line;
        let b = self.peek().unwrap_or(b' ');
        let value = match b {
            b'(' => {
                self.bump();
                Edn::List(self.items(b')', depth)?)
            }
            b'[' => {
                self.bump();
                Edn::Vector(self.items(b']', depth)?)
            }
            b'{' => {
                self.bump();
                let items = self.items(b'}', depth)?;
                if items.len() % 2 != 0 {
                    return Err(EdnError {
                        line,
                        message: "a map needs an even number of forms (a value for every key)"
                            .into(),
                    });
                }
                let mut it = items.into_iter();
                let mut entries = Vec::new();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    entries.push((k, v));
                }
                Edn::Map(entries)
            }
            b'"' => {
                self.bump();
                Edn::Str(self.string(line)?)
            }
            b'\\' => {
                self.bump();
                let token = self.token();
                let c = match token.as_str() {
                    "newline" => '\n',
                    "space" => ' ',
                    "tab" => '\t',
                    "return" => '\r',
                    t if t.chars().count() == 1 => t.chars().next().unwrap_or(' '),
                    t => return self.error(format!("unknown character literal \\{t}")),
                };
                Edn::Char(c)
            }
            b'#' => {
                self.bump();
                match self.peek() {
                    Some(b'{') => {
                        self.bump();
                        Edn::Set(self.items(b'}', depth)?)
                    }
                    Some(b'_') => {
                        self.bump();
                        // `#_x` discards the next value.
                        self.next_value(depth + 1)?;
                        return match self.next_value(depth)? {
                            Some(v) => Ok(v),
                            None => self.error("nothing after a #_ discard"),
                        };
                    }
                    _ => {
                        let tag = self.token();
                        if tag.is_empty() {
                            return self.error("a # must be followed by a tag, { or _");
                        }
                        match self.next_value(depth + 1)? {
                            Some(v) => Edn::Tagged(tag, Box::new(v)),
                            None => return self.error(format!("#{tag} has no value")),
                        }
                    }
                }
            }
            b':' => {
                self.bump();
                let name = self.token();
                if name.is_empty() {
                    return self.error("a keyword needs a name after ':'");
                }
                Edn::Keyword(name)
            }
            _ => {
                let token = self.token();
                if token.is_empty() {
                    let c = char::from(b);
                    return self.error(format!("unexpected {c:?}"));
                }
                atom(token)
            }
        };
        Ok(Node { line, value })
    }

    /// A run of non-delimiter characters.
    fn token(&mut self) -> String {
        let start = self.at;
        while let Some(b) = self.peek() {
            if is_delimiter(b) {
                break;
            }
            self.bump();
        }
        String::from_utf8_lossy(&self.text[start..self.at]).into_owned()
    }

    /// The rest of a string after its opening quote.
    fn string(&mut self, line: u32) -> Result<String, EdnError> {
        let mut bytes = Vec::new();
        loop {
            match self.bump() {
                None => {
                    return Err(EdnError {
                        line,
                        message: "a string opened here is never closed".into(),
                    })
                }
                Some(b'"') => break,
                Some(b'\\') => match self.bump() {
                    Some(b'n') => bytes.push(b'\n'),
                    Some(b't') => bytes.push(b'\t'),
                    Some(b'r') => bytes.push(b'\r'),
                    Some(b'\\') => bytes.push(b'\\'),
                    Some(b'"') => bytes.push(b'"'),
                    Some(c) => {
                        bytes.push(b'\\');
                        bytes.push(c);
                    }
                    None => continue,
                },
                Some(b) => bytes.push(b),
            }
        }
        String::from_utf8(bytes).or_else(|_| self.error("a string is not valid UTF-8"))
    }
}

fn open_of(close: u8) -> char {
    match close {
        b')' => '(',
        b']' => '[',
        _ => '{',
    }
}

/// A symbol, a number or one of the literals `nil`, `true`, `false`.
fn atom(token: String) -> Edn {
    match token.as_str() {
        "nil" => return Edn::Nil,
        "true" => return Edn::Bool(true),
        "false" => return Edn::Bool(false),
        _ => {}
    }
    let first = token.as_bytes()[0];
    let numeric = first.is_ascii_digit()
        || (matches!(first, b'-' | b'+')
            && token.as_bytes().get(1).is_some_and(u8::is_ascii_digit));
    if numeric {
        let digits = token.strip_suffix('N').unwrap_or(&token);
        match digits.parse::<i64>() {
            Ok(i) => Edn::Int(i),
            Err(_) => Edn::Number(token),
        }
    } else {
        Edn::Symbol(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Edn {
        let mut all = read_all(text).expect("reads");
        assert_eq!(all.len(), 1, "{text}");
        all.remove(0).value
    }

    #[test]
    fn reads_what_histories_use() {
        assert_eq!(one("nil"), Edn::Nil);
        assert_eq!(one("-12"), Edn::Int(-12));
        assert_eq!(one(":read"), Edn::Keyword("read".into()));
        assert_eq!(one("\"x 0 \\\"1\\\" y\""), Edn::Str("x 0 \"1\" y".into()));
        let m = read_all("{:process 22  :type :invoke, :f :read}")
            .unwrap()
            .remove(0);
        assert_eq!(m.get("process").map(|n| &n.value), Some(&Edn::Int(22)));
        assert_eq!(
            m.get("f").map(|n| &n.value),
            Some(&Edn::Keyword("read".into()))
        );
        assert_eq!(one("[1 2]"), one("[1, 2]"));
        assert!(matches!(one("#{:a :b}"), Edn::Set(v) if v.len() == 2));
        assert!(matches!(one("#inst \"2020\""), Edn::Tagged(t, _) if t == "inst"));
        assert_eq!(one("#_ 1 2"), Edn::Int(2));
        assert_eq!(one("99286665244"), Edn::Int(99_286_665_244));
    }

    #[test]
    fn values_keep_their_line_and_comments_are_skipped() {
        let all = read_all("; a comment\n[{:a 1}\n ; another\n {:a 2}]").unwrap();
        let items = all[0].items().unwrap();
        assert_eq!((all[0].line, items[0].line, items[1].line), (2, 2, 4));
    }

    #[test]
    fn errors_name_the_line_and_never_panic() {
        let e = read_all("[{:a 1}\n {:a}]").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("even"), "{}", e.message);
        assert_eq!(read_all("\n\n(1 2").unwrap_err().line, 3);
        assert!(read_all("]").is_err());
        assert!(read_all("\"open").is_err());
        let deep = "[".repeat(10_000);
        assert!(read_all(&deep).is_err());
        for junk in ["#", ":", "\\", "{:a", "#_", "#tag", "\u{0}"] {
            let _ = read_all(junk);
        }
    }
}
