//! Fuzz target: the rule engine on arbitrary JSON. Whatever parses without repeated keys must be
//! checked without a panic, with every selection of rules and every part kind, and every
//! finding's pointer must resolve in the document.
#![no_main]

use kerasfix::json::{self, Pointer};
use kerasfix::rules::{self, PartKind, Settings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A document that repeats a key is refused before any rule runs (`lint`): a finding in the
    // first of two same-named members could not be told apart from the last by its pointer.
    let Ok((root, false)) = json::parse_noting_duplicates(data) else { return };
    let extra = vec!["*.units".to_string(), "Custom.k:ints".to_string(), "*.shape:shape".to_string()];
    let settings = Settings::new(&[], &[], extra).unwrap_or_default();
    for part in [PartKind::ModelConfig, PartKind::TrainingConfig, PartKind::Metadata] {
        for settings in [Settings::default(), settings.clone()] {
            for finding in rules::check(part, data, &root, &settings) {
                let pointer = Pointer::parse(&finding.pointer).expect("finding pointers are valid");
                assert!(root.pointer(&pointer).is_some(), "pointer {} resolves", finding.pointer);
            }
        }
    }
});
