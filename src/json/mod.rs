//! Lossless JSON: scan text into values that remember their byte spans, and splice edits.
//!
//! Keras writes its configs with Python's `json.dumps` (`", "`/`": "` separators, ASCII-only
//! escapes, bare `NaN`/`Infinity`). kerasfix must read that text and change only the bytes
//! of the values it repairs, so this module never re-serializes a whole document: it parses
//! into [`Node`]s with byte spans ([`parse`]), addresses them with RFC 6901 [`Pointer`]s, and
//! applies [`Edit`]s to the original bytes ([`apply_edits`]).

mod diff;
mod edit;
mod node;
mod patch;
mod pointer;
mod render;
mod scan;

pub use diff::diff;
pub use edit::{
    Edit, EditError, apply_edits, insert_element, insert_member, remove_element, remove_member, replace_value,
};
pub use node::{DuplicateKey, Member, Node, Number, Value};
pub use patch::{
    Operation, OperationError, PatchDocumentError, PatchValue, apply_operation, apply_patch, parse_patch,
    values_equal,
};
pub use pointer::{Pointer, PointerError};
pub use render::{compact_python, pretty, quote_python};
pub use scan::{MAX_DEPTH, ParseError, parse, parse_noting_duplicates};
