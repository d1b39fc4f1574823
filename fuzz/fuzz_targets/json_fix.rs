//! Fuzz target: the JSON scanner, the rules' fixes and the edit splicer.
//!
//! Properties, for any bytes that parse: every safe fix the rules offer, applied with
//! `json::apply_edits`, gives text that still parses and equals the original outside the edited
//! ranges; and the whole fix driver (`rules::fix`, several passes) gives text that parses.
#![no_main]

use kerasfix::json::{self, Edit};
use kerasfix::rules::{self, PartKind, Safety, Settings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(root) = json::parse(data) else { return };
    let settings = Settings::default();
    for part in [PartKind::ModelConfig, PartKind::TrainingConfig] {
        let findings = rules::check(part, data, &root, &settings);
        let mut edits: Vec<Edit> = Vec::new();
        for finding in &findings {
            let Some(fix) = finding.fix.as_ref().filter(|f| f.safety == Safety::Safe) else { continue };
            let overlaps = fix.edits.iter().any(|e| {
                edits.iter().any(|t| e.range.start < t.range.end && t.range.start < e.range.end)
            });
            if !overlaps {
                edits.extend(fix.edits.iter().cloned());
            }
        }
        let fixed = json::apply_edits(data, &edits).expect("rule edits fit the text and do not overlap");
        if json::parse(&fixed).is_err() {
            panic!("fixed text does not parse: {:?}", String::from_utf8_lossy(&fixed));
        }
        assert_unchanged_outside(data, &fixed, &edits);
        let outcome = rules::fix(part, data, &settings).expect("parsed text must fix");
        if json::parse(&outcome.text).is_err() {
            panic!("rules::fix output does not parse: {:?}", String::from_utf8_lossy(&outcome.text));
        }
    }
});

/// Walks the original and the fixed text together: the bytes between edits must be identical.
fn assert_unchanged_outside(src: &[u8], fixed: &[u8], edits: &[Edit]) {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    sorted.dedup();
    let (mut at_src, mut at_fixed) = (0usize, 0usize);
    for edit in sorted {
        let keep = edit.range.start - at_src;
        assert_eq!(&src[at_src..edit.range.start], &fixed[at_fixed..at_fixed + keep], "bytes outside edits changed");
        at_fixed += keep;
        assert_eq!(&fixed[at_fixed..at_fixed + edit.replacement.len()], edit.replacement.as_bytes());
        at_fixed += edit.replacement.len();
        at_src = edit.range.end;
    }
    assert_eq!(&src[at_src..], &fixed[at_fixed..], "bytes after the last edit changed");
}
