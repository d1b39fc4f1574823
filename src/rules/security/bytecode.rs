//! Recognising marshalled Python bytecode in a config by its shape, without decoding it.
//!
//! Keras serializes a Python `lambda` with `python_utils.func_dump`: `marshal.dumps` of the
//! code object, base64-encoded (`codecs.encode(..., "base64")`, so with a newline every 76
//! characters), plus its defaults and closure. Loading it back (`func_load`) is
//! `marshal.loads` + `types.FunctionType`: arbitrary code. The shapes real libraries write:
//!
//! - Keras 3 `Lambda` layer (keras/src/layers/core/lambda_layer.py
//!   `_serialize_function_to_config`), for `function`, `output_shape` and `mask`:
//!   `{"class_name": "__lambda__", "config": {"code": "<base64>", "defaults": .., "closure": ..}}`
//! - Keras 3 anywhere else (keras/src/saving/serialization_lib.py `serialize_keras_object`,
//!   e.g. a lambda activation): `{"class_name": "__lambda__", "config": {"value": ["<base64>",
//!   defaults, closure]}}`
//! - Keras 2 / tf-keras `Lambda` (tf_keras/src/layers/core/lambda_layer.py): `"function":
//!   ["<base64>", null, null]` beside `"function_type": "lambda"` (likewise `output_shape` /
//!   `output_shape_type`); a bare string is accepted too, as `func_load` accepts one.

use crate::json::{Node, Pointer};
use crate::schema::Visit;

/// The attributes of a Lambda layer that may hold a function.
const LAMBDA_ATTRS: &[&str] = &["function", "output_shape", "mask"];

/// One base64 bytecode string found in a config.
pub(super) struct Blob<'a> {
    /// The base64 string node.
    pub node: &'a Node,
    pub pointer: Pointer,
    pub text: &'a str,
    /// The config field holding the function (`function`, `activation`, ...).
    pub field: String,
}

/// The bytecode strings `visit`'s object carries in any of the known shapes.
pub(super) fn blobs<'a>(visit: &Visit<'a, '_>) -> Vec<Blob<'a>> {
    let mut out = Vec::new();
    let Some(config) = visit.config else { return out };
    // The config's pointer is built only for the two classes that can hold bytecode.
    let config_ptr = || visit.pointer.child("config");
    match visit.class_name {
        "__lambda__" => {
            let field = super::field_name(visit.pointer).to_owned();
            for key in ["code", "value"] {
                if let Some(node) = config.get(key)
                    && let Some((node, pointer)) = code_string(node, config_ptr().child(key))
                {
                    out.push(Blob {
                        text: node.as_str().unwrap_or_default(),
                        node,
                        pointer,
                        field: field.clone(),
                    });
                }
            }
        }
        "Lambda" => {
            for attr in LAMBDA_ATTRS {
                let kind = config.get(&format!("{attr}_type")).and_then(Node::as_str);
                if kind == Some("lambda")
                    && let Some(node) = config.get(attr)
                    && let Some((node, pointer)) = code_string(node, config_ptr().child(*attr))
                {
                    let text = node.as_str().unwrap_or_default();
                    out.push(Blob { node, pointer, text, field: (*attr).to_owned() });
                }
            }
        }
        _ => {}
    }
    out
}

/// The code string of a `func_dump` result: the string itself, or the first item of the
/// `(code, defaults, closure)` triple.
fn code_string(node: &Node, pointer: Pointer) -> Option<(&Node, Pointer)> {
    if node.as_str().is_some() {
        return Some((node, pointer));
    }
    let first = node.as_array()?.first()?;
    first.as_str().map(|_| (first, pointer.child("0")))
}

/// What can be told about a blob without unmarshalling it.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Summary {
    /// Decoded size in bytes; `None` when the text is not valid base64.
    pub bytes: Option<usize>,
    /// The first decoded byte is marshal's code-object tag (`c`, possibly with FLAG_REF 0x80).
    pub code_object: bool,
}

/// Counts the decoded length from the base64 text (line breaks ignored, as Python's decoder
/// does) and peeks at the first decoded byte; nothing else is decoded.
pub(super) fn summarize(text: &str) -> Summary {
    let chars: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let padding = chars.iter().rev().take_while(|&&b| b == b'=').count();
    let body = &chars[..chars.len() - padding];
    let valid = !chars.is_empty()
        && chars.len().is_multiple_of(4)
        && padding <= 2
        && body.iter().all(|&b| sextet(b).is_some());
    let bytes = valid.then(|| chars.len() / 4 * 3 - padding);
    let first = match (body.first().and_then(|&b| sextet(b)), body.get(1).and_then(|&b| sextet(b))) {
        (Some(a), Some(b)) => Some((a << 2) | (b >> 4)),
        _ => None,
    };
    Summary { bytes, code_object: valid && first.is_some_and(|byte| byte & 0x7f == b'c') }
}

fn sextet(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarizes_a_real_func_dump_without_decoding_it() {
        // Keras 3.15.1 func_dump of `lambda x: x * 2` (Python 3.11), as written to config.json.
        let text = "4wEAAAAAAAAAAAAAAAIAAAADAAAA8wwAAACXAHwAZAF6BQAAUwApAk7pAgAAAKkAKQHaAXhzAQAA\nACD6Fi90bXAvc2VjX2V4cGxvcmUvazMucHn6CDxsYW1iZGE+cgYAAAACAAAAcwoAAACAALgBuEG5\nBYAA8wAAAAA=\n";
        assert_eq!(summarize(text), Summary { bytes: Some(122), code_object: true });
    }

    #[test]
    fn invalid_or_other_text() {
        assert_eq!(summarize("not base64!"), Summary { bytes: None, code_object: false });
        assert_eq!(summarize(""), Summary { bytes: None, code_object: false });
        // "hello" in base64: valid, not a code object.
        assert_eq!(summarize("aGVsbG8="), Summary { bytes: Some(5), code_object: false });
    }
}
