//! `kerasfix set`: the user's own edit of one value, written back as safely as a fix.
//!
//! The new value is rendered the way Keras's `json.dumps` would write it and spliced in place of
//! the old value's bytes, so nothing else in the document moves.

use anyhow::{Result, anyhow};

use super::{full_pointer, open_part};
use crate::cli::SetArgs;
use crate::container::{self, WriteOptions};
use crate::exit::ExitStatus;
use crate::json::{self, Edit, Node, Pointer, Value};
use crate::paths;

pub fn run(args: &SetArgs) -> Result<ExitStatus> {
    let shown = paths::display(&args.model);
    // Held until the write is done, so a concurrent fix cannot interleave with this edit.
    let _lock = if args.dry_run {
        None
    } else {
        Some(container::lock_model(&args.model).map_err(|e| anyhow!("{shown}: {e}"))?)
    };
    let opened = open_part(&args.model, args.part)?;
    let text = opened.text();
    let part = opened.part_name();
    let pointer = full_pointer(&opened.base, &args.pointer, &shown)?;
    let edit = match &args.value {
        Some(value) if !args.remove => {
            let parsed =
                json::parse(value.as_bytes()).map_err(|e| anyhow!("{shown}: VALUE is not JSON: {e}"))?;
            let rendered = json::compact_python(value.as_bytes(), &parsed);
            set_edit(text, &opened.root, &pointer, &rendered)
        }
        _ => remove_edit(text, &opened.root, &pointer),
    }
    .map_err(|e| anyhow!("{shown}: {part}: {e}"))?;
    let old = opened.root.pointer(&pointer).map(|n| String::from_utf8_lossy(n.raw(text)).into_owned());
    let new_text =
        json::apply_edits(text, std::slice::from_ref(&edit)).map_err(|e| anyhow!("{shown}: {e}"))?;
    // Never write a document Keras could not read back.
    json::parse(&new_text)
        .map_err(|e| anyhow!("{shown}: {part}: the edit would break the JSON ({e}); nothing written"))?;
    let describe = match (&old, args.remove) {
        (_, true) => format!("removed {}", old.unwrap_or_default()),
        (Some(old), false) => format!("{old} -> {}", edit.replacement),
        (None, false) => format!("added {}", edit.replacement),
    };
    if new_text == text {
        println!("{shown}: {part}:{pointer}: already {}; nothing written", edit.replacement);
        return Ok(ExitStatus::Success);
    }
    if args.dry_run {
        println!("{shown}: {part}:{pointer}: would set: {describe}");
        return Ok(ExitStatus::Findings);
    }
    let options = WriteOptions { backup_suffix: args.backup.clone() };
    container::write_back(&opened.model, &[(opened.index, new_text)], &options)
        .map_err(|e| anyhow!("{shown}: {e}; the file is unchanged"))?;
    println!("{shown}: {part}:{pointer}: {describe}");
    Ok(ExitStatus::Success)
}

/// Replaces the value at `pointer`, or adds it when only its last step is missing (a new key
/// of an object, or `-` / the length of an array).
fn set_edit(text: &[u8], root: &Node, pointer: &Pointer, rendered: &str) -> Result<Edit> {
    if let Some(node) = root.pointer(pointer) {
        return Ok(json::replace_value(node, rendered));
    }
    let (parent, last) = split_last(root, pointer)?;
    match &parent.value {
        Value::Object(_) => Ok(json::insert_member(text, parent, &last, rendered)),
        Value::Array(items) if last == "-" || last == items.len().to_string() => {
            Ok(json::insert_element(text, parent, items.len(), rendered))
        }
        _ => Err(anyhow!("no value at JSON Pointer `{pointer}`")),
    }
}

fn remove_edit(text: &[u8], root: &Node, pointer: &Pointer) -> Result<Edit> {
    if root.pointer(pointer).is_none() {
        return Err(anyhow!("no value at JSON Pointer `{pointer}`"));
    }
    let (parent, last) = split_last(root, pointer)?;
    match &parent.value {
        Value::Object(members) => {
            // Python's json.loads keeps the last of duplicate keys, so that is the one removed.
            let index =
                members.iter().rposition(|m| m.key == last).ok_or_else(|| anyhow!("no key `{last}`"))?;
            Ok(json::remove_member(text, parent, index))
        }
        Value::Array(items) => {
            let index: usize = last.parse().map_err(|_| anyhow!("`{last}` is not an array index"))?;
            if index >= items.len() {
                return Err(anyhow!("no value at JSON Pointer `{pointer}`"));
            }
            Ok(json::remove_element(text, parent, index))
        }
        _ => Err(anyhow!("no value at JSON Pointer `{pointer}`")),
    }
}

/// The parent node of `pointer` and its last token; the root itself has no parent.
fn split_last<'a>(root: &'a Node, pointer: &Pointer) -> Result<(&'a Node, String)> {
    let tokens = pointer.tokens();
    let Some((last, parent_tokens)) = tokens.split_last() else {
        return Err(anyhow!(
            "cannot replace or remove the whole document; give a JSON Pointer below the root"
        ));
    };
    let mut parent_pointer = Pointer::parse("").map_err(|e| anyhow!("{e}"))?;
    for token in parent_tokens {
        parent_pointer.push(token);
    }
    let parent = root
        .pointer(&parent_pointer)
        .ok_or_else(|| anyhow!("no value at JSON Pointer `{parent_pointer}`"))?;
    Ok((parent, last.to_string()))
}
