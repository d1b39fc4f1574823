//! Paths as printed: control characters escaped so a hostile file name cannot rewrite the
//! terminal or forge output lines (as fd's `sanitize.rs` does).

use std::fmt::Write;
use std::path::Path;

/// The path for display, with control characters shown as `\xNN` escapes.
pub fn display(path: &Path) -> String {
    let text = path.to_string_lossy();
    // Printable ASCII, as nearly every path is, needs no look at each character (every batch
    // displays every model's path).
    if text.bytes().all(|b| (b' '..b'\x7f').contains(&b)) {
        return text.into_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::display;
    use std::path::Path;

    #[test]
    fn only_control_characters_are_escaped() {
        assert_eq!(display(Path::new("models/a b/m-1.keras")), "models/a b/m-1.keras");
        assert_eq!(display(Path::new("models/caf\u{e9}.h5")), "models/caf\u{e9}.h5");
        assert_eq!(display(Path::new("a\x1b[2Jb\n.h5")), "a\\x1b[2Jb\\x0a.h5");
        assert_eq!(display(Path::new("del\x7f/next\u{85}line.h5")), "del\\x7f/next\\x85line.h5");
    }
}
