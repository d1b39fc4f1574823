//! RFC 6901 JSON pointers (`/config/layers/0`), the addresses findings and fixes use.
//!
//! Tokens are stored unescaped so that a key containing `/` or `~` is just a string here;
//! escaping happens only when a pointer is parsed from or written as text.

use std::fmt;
use std::str::FromStr;

/// A sequence of reference tokens; the empty pointer is the document root.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer(Vec<String>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PointerError {
    #[error("JSON pointer {text:?} must be empty or start with '/'")]
    MissingLeadingSlash { text: String },
    #[error("JSON pointer {text:?} has '~' not followed by '0' or '1'")]
    InvalidEscape { text: String },
}

impl Pointer {
    /// The pointer to the whole document (text form `""`).
    pub fn root() -> Pointer {
        Pointer(Vec::new())
    }

    /// Parses the text form: `""` is the root, otherwise `/`-separated tokens where `~1`
    /// means `/` and `~0` means `~`.
    pub fn parse(text: &str) -> Result<Pointer, PointerError> {
        if text.is_empty() {
            return Ok(Pointer::root());
        }
        let Some(rest) = text.strip_prefix('/') else {
            return Err(PointerError::MissingLeadingSlash { text: text.to_owned() });
        };
        rest.split('/')
            .map(|token| unescape(token).ok_or_else(|| PointerError::InvalidEscape { text: text.to_owned() }))
            .collect::<Result<Vec<_>, _>>()
            .map(Pointer)
    }

    /// Builds a pointer from unescaped tokens.
    pub fn from_tokens<I, T>(tokens: I) -> Pointer
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        Pointer(tokens.into_iter().map(Into::into).collect())
    }

    /// Appends one unescaped token (a key, or an array index as text).
    pub fn push(&mut self, token: impl Into<String>) {
        self.0.push(token.into());
    }

    /// Removes and returns the last token.
    pub fn pop(&mut self) -> Option<String> {
        self.0.pop()
    }

    /// A new pointer one level deeper.
    pub fn child(&self, token: impl Into<String>) -> Pointer {
        let mut deeper = self.clone();
        deeper.push(token);
        deeper
    }

    /// The pointer one level up; `None` for the root.
    pub fn parent(&self) -> Option<Pointer> {
        let (_, init) = self.0.split_last()?;
        Some(Pointer(init.to_vec()))
    }

    /// The unescaped tokens.
    pub fn tokens(&self) -> &[String] {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

/// Undoes `~1` and `~0` (in that order of meaning, so `~01` is `~1`, not `/`).
fn unescape(token: &str) -> Option<String> {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Appends a token to pointer text with `~` as `~0` and `/` as `~1`.
pub(crate) fn push_escaped(out: &mut String, token: &str) {
    // Nearly every token needs no escape; a byte scan says so faster than a char search.
    if !token.bytes().any(|b| b == b'~' || b == b'/') {
        out.push_str(token);
        return;
    }
    let mut rest = token;
    while let Some(at) = rest.find(['~', '/']) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        out.push_str(if after.starts_with('~') { "~0" } else { "~1" });
        rest = after.get(1..).unwrap_or_default();
    }
    out.push_str(rest);
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        for token in &self.0 {
            text.push('/');
            push_escaped(&mut text, token);
        }
        f.write_str(&text)
    }
}

impl FromStr for Pointer {
    type Err = PointerError;

    fn from_str(text: &str) -> Result<Pointer, PointerError> {
        Pointer::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tokens_and_escapes() -> Result<(), PointerError> {
        assert_eq!(Pointer::parse("")?.tokens(), &[] as &[String]);
        assert_eq!(Pointer::parse("/config/layers/0")?.tokens(), ["config", "layers", "0"]);
        assert_eq!(Pointer::parse("/a~1b/c~0d/~01")?.tokens(), ["a/b", "c~d", "~1"]);
        assert_eq!(Pointer::parse("/")?.tokens(), [""]);
        assert_eq!(Pointer::parse("//x")?.tokens(), ["", "x"]);
        Ok(())
    }

    #[test]
    fn rejects_bad_text() {
        assert!(matches!(Pointer::parse("config"), Err(PointerError::MissingLeadingSlash { .. })));
        assert!(matches!(Pointer::parse("/a~2"), Err(PointerError::InvalidEscape { .. })));
        assert!(matches!(Pointer::parse("/a~"), Err(PointerError::InvalidEscape { .. })));
    }

    #[test]
    fn display_round_trips() -> Result<(), PointerError> {
        for text in ["", "/", "/config/layers/0", "/a~1b/c~0d/~01", "/\u{5d4c}"] {
            assert_eq!(Pointer::parse(text)?.to_string(), text);
        }
        let mut built = Pointer::root();
        built.push("a/b");
        built.push("~");
        assert_eq!(built.to_string(), "/a~1b/~0");
        assert_eq!(built.parent().map(|p| p.to_string()), Some("/a~1b".to_owned()));
        assert_eq!(Pointer::root().parent(), None);
        assert_eq!(built.child("x").to_string(), "/a~1b/~0/x");
        Ok(())
    }
}
