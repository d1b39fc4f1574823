//! Paths as printed: control characters escaped so a hostile file name cannot rewrite the
//! terminal or forge output lines (as fd's `sanitize.rs` does).

use std::fmt::Write;
use std::path::Path;

/// The path for display, with control characters shown as `\xNN` escapes.
pub fn display(path: &Path) -> String {
    let text = path.to_string_lossy();
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
