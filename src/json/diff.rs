//! A structural diff of two parsed documents, as byte edits against the old text.
//!
//! `kerasfix edit` shows a pretty-printed document and must write back only the values the user
//! changed, in Keras's compact style: so it diffs the old and new trees instead of storing the
//! edited text, and unchanged values keep their original bytes.

use std::collections::HashSet;

use super::edit::{Edit, insert_element, insert_member, replace_value};
use super::node::{Member, Node, Value};
use super::render::{compact_python, quote_python};

/// The edits that turn `old` (parsed from `old_src`) into `new` (parsed from `new_src`, in any
/// layout): unchanged values keep their bytes, a changed scalar is replaced, object members
/// are removed, inserted or diffed in place, and arrays are diffed when the change is one
/// contiguous run; anything else is replaced whole. New text is rendered as Keras writes.
/// The edits never overlap, so they can be applied together with [`apply_edits`].
pub fn diff(old_src: &[u8], old: &Node, new_src: &[u8], new: &Node) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut differ = Differ { old_src, new_src, edits: &mut edits };
    differ.node(old, new);
    edits
}

struct Differ<'a> {
    old_src: &'a [u8],
    new_src: &'a [u8],
    edits: &'a mut Vec<Edit>,
}

impl Differ<'_> {
    fn node(&mut self, old: &Node, new: &Node) {
        if old.eq_ignoring_spans(new) {
            return;
        }
        let done = match (&old.value, &new.value) {
            (Value::Object(a), Value::Object(b)) => self.members(old, a, b),
            (Value::Array(a), Value::Array(b)) => self.elements(old, a, b),
            _ => false,
        };
        if !done {
            self.edits.push(replace_value(old, &compact_python(self.new_src, new)));
        }
    }

    /// Member-level edits when the kept keys stay in order; `false` asks for a whole replacement.
    fn members(&mut self, object: &Node, old: &[Member], new: &[Member]) -> bool {
        if old.is_empty() || has_duplicates(old) || has_duplicates(new) {
            return false;
        }
        let new_index = |key: &str| new.iter().position(|m| m.key == key);
        let kept: Vec<(usize, usize)> =
            old.iter().enumerate().filter_map(|(i, m)| new_index(&m.key).map(|j| (i, j))).collect();
        if kept.is_empty() || kept.windows(2).any(|w| w[0].1 >= w[1].1) {
            return false;
        }
        let starts: Vec<usize> = old.iter().map(|m| m.key_span.start).collect();
        let ends: Vec<usize> = old.iter().map(|m| m.value.span.end).collect();
        let keep: Vec<bool> = old.iter().map(|m| new_index(&m.key).is_some()).collect();
        self.remove_runs(&keep, &starts, &ends);
        for &(i, j) in &kept {
            self.node(&old[i].value, &new[j].value);
        }
        let key_separator = text_between(self.old_src, old[0].key_span.end, old[0].value.span.start, ": ");
        let item_separator = match old {
            [first, second, ..] => {
                text_between(self.old_src, first.value.span.end, second.key_span.start, ", ")
            }
            _ => ", ".to_owned(),
        };
        for (j, member) in new.iter().enumerate() {
            if old.iter().any(|m| m.key == member.key) {
                continue;
            }
            let value = compact_python(self.new_src, &member.value);
            // Before the next kept member, so the user's order survives; else at the end.
            match kept.iter().find(|&&(_, kept_j)| kept_j > j) {
                Some(&(i, _)) => self.edits.push(Edit::insert(
                    starts[i],
                    format!("{}{key_separator}{value}{item_separator}", quote_python(&member.key)),
                )),
                None => self.edits.push(insert_member(self.old_src, object, &member.key, &value)),
            }
        }
        true
    }

    /// Element-level edits when the arrays differ in one run of equal length, or by one
    /// inserted or removed run; `false` asks for a whole replacement.
    fn elements(&mut self, array: &Node, old: &[Node], new: &[Node]) -> bool {
        if old.is_empty() || new.is_empty() {
            return false;
        }
        let prefix = old.iter().zip(new).take_while(|(a, b)| a.eq_ignoring_spans(b)).count();
        let limit = old.len().min(new.len()) - prefix;
        let suffix = old
            .iter()
            .rev()
            .zip(new.iter().rev())
            .take(limit)
            .take_while(|(a, b)| a.eq_ignoring_spans(b))
            .count();
        let old_mid = prefix..old.len() - suffix;
        let new_mid = prefix..new.len() - suffix;
        if old_mid.len() == new_mid.len() {
            for (a, b) in old[old_mid].iter().zip(&new[new_mid]) {
                self.node(a, b);
            }
            return true;
        }
        if old_mid.is_empty() {
            self.insert_run(array, prefix, &new[new_mid]);
            return true;
        }
        if new_mid.is_empty() {
            let keep: Vec<bool> = (0..old.len()).map(|i| !old_mid.contains(&i)).collect();
            let starts: Vec<usize> = old.iter().map(|n| n.span.start).collect();
            let ends: Vec<usize> = old.iter().map(|n| n.span.end).collect();
            self.remove_runs(&keep, &starts, &ends);
            return true;
        }
        false
    }

    /// Inserts `items` before element `at` (or appends them) as ONE edit: identical edits
    /// are applied once, so `[1]` -> `[1, 2, 2]` cannot be two insertions of `, 2`.
    fn insert_run(&mut self, array: &Node, at: usize, items: &[Node]) {
        let texts: Vec<String> = items.iter().map(|item| compact_python(self.new_src, item)).collect();
        let Some(first) = texts.first() else {
            return;
        };
        // `insert_element` knows the array's separator; take it from its edit for one item.
        let single = insert_element(self.old_src, array, at, first);
        let combined: String = if let Some(separator) = single.replacement.strip_prefix(first.as_str()) {
            texts.iter().map(|text| format!("{text}{separator}")).collect()
        } else if let Some(separator) = single.replacement.strip_suffix(first.as_str()) {
            texts.iter().map(|text| format!("{separator}{text}")).collect()
        } else {
            return self.edits.push(single);
        };
        self.edits.push(Edit::insert(single.range.start, combined));
    }

    /// Deletes each run of items not kept, with one separator, so that runs next to each
    /// other never overlap: a run goes up to the next kept item, and a run at the end takes
    /// the separator before it. At least one item must be kept.
    fn remove_runs(&mut self, keep: &[bool], starts: &[usize], ends: &[usize]) {
        let mut i = 0;
        while i < keep.len() {
            if keep[i] {
                i += 1;
                continue;
            }
            let first = i;
            while i < keep.len() && !keep[i] {
                i += 1;
            }
            let range = match (starts.get(i), first.checked_sub(1)) {
                (Some(&next), _) => starts[first]..next,
                (None, Some(before)) => ends[before]..ends[i - 1],
                (None, None) => continue,
            };
            self.edits.push(Edit::delete(range));
        }
    }
}

fn has_duplicates(members: &[Member]) -> bool {
    let mut seen = HashSet::new();
    !members.iter().all(|m| seen.insert(m.key.as_str()))
}

fn text_between(src: &[u8], start: usize, end: usize, fallback: &str) -> String {
    src.get(start..end).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or(fallback).to_owned()
}
