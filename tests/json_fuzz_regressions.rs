//! The fuzz targets' properties (fuzz/fuzz_targets/json_fix.rs, rules_check.rs) in the normal
//! suite: for inputs kept from fuzzing and hand-picked hostile ones, and for a few thousand
//! seeded byte mutations of the shipped configs.
//!
//! Properties: text that parses is checked without panic and every finding's pointer resolves;
//! the rules' safe fixes, applied with `json::apply_edits`, give text that parses and equals the
//! original outside the edited ranges; `rules::fix` gives text that parses. Inputs that crashed
//! a fuzz target are added to `REGRESSIONS` with a note of what broke.

use kerasfix::json::{self, Edit, Pointer};
use kerasfix::rules::{self, PartKind, Safety, Settings};

/// Fuzz finds and hostile shapes, each with why it is here.
const REGRESSIONS: &[(&str, &[u8])] = &[
    (
        "duplicate keys: the fix must not break on the shadowed member",
        br#"{"class_name": "Dense", "config": {"units": 3.0, "units": 4.0}}"#,
    ),
    (
        "integral floats in exponent form and negative zero",
        br#"{"class_name": "Dense", "config": {"units": 6.4e1, "filters": -0.0}}"#,
    ),
    (
        "numeric strings and NaN",
        br#"{"class_name": "Conv2D", "config": {"filters": "8", "kernel_size": [NaN, "3"]}}"#,
    ),
    ("stringified shapes", br#"{"class_name": "InputLayer", "config": {"batch_shape": "(None, 8, 64)"}}"#),
    (
        "numpy repr with ellipsis",
        br#"{"class_name": "IntegerLookup", "config": {"vocabulary": "[0 1 2 ... 7 8 9]"}}"#,
    ),
    (
        "out-of-range integers",
        br#"{"class_name": "Dense", "config": {"units": 1e400, "seed": 99999999999999999999999}}"#,
    ),
    (
        "escaped keys and unicode",
        b"{\"class_name\": \"Dense\", \"config\": {\"u\\u006eits\": 3.0, \"name\": \"\\ud83d\\ude00\"}}",
    ),
    ("empty and scalar documents", b"[]"),
    ("bare Infinity", b"-Infinity"),
    ("invalid UTF-8 is a parse error, never a panic", b"{\"a\": \"\xff\"}"),
    ("lone surrogate escape", br#"{"class_name": "Dense", "config": {"name": "\udc00", "units": 2.0}}"#),
    ("truncated document", br#"{"class_name": "Dense", "config": {"units": 3.0"#),
];

fn assert_properties(data: &[u8]) {
    let Ok(root) = json::parse(data) else { return };
    let settings = Settings::default();
    for part in [PartKind::ModelConfig, PartKind::TrainingConfig, PartKind::Metadata] {
        let findings = rules::check(part, data, &root, &settings);
        let mut edits: Vec<Edit> = Vec::new();
        for finding in &findings {
            let pointer = Pointer::parse(&finding.pointer).expect("finding pointers are valid");
            assert!(root.pointer(&pointer).is_some(), "pointer {} does not resolve", finding.pointer);
            let Some(fix) = finding.fix.as_ref().filter(|f| f.safety == Safety::Safe) else { continue };
            let overlaps = fix
                .edits
                .iter()
                .any(|e| edits.iter().any(|t| e.range.start < t.range.end && t.range.start < e.range.end));
            if !overlaps {
                edits.extend(fix.edits.iter().cloned());
            }
        }
        let fixed = json::apply_edits(data, &edits).expect("rule edits fit and do not overlap");
        assert!(
            json::parse(&fixed).is_ok(),
            "fixed text does not parse: {}",
            String::from_utf8_lossy(&fixed)
        );
        assert_unchanged_outside(data, &fixed, &edits);
        let outcome = rules::fix(part, data, &settings).expect("text that parses can be fixed");
        assert!(json::parse(&outcome.text).is_ok(), "rules::fix output does not parse");
    }
}

fn assert_unchanged_outside(src: &[u8], fixed: &[u8], edits: &[Edit]) {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    sorted.dedup();
    let (mut at_src, mut at_fixed) = (0usize, 0usize);
    for edit in sorted {
        let keep = edit.range.start - at_src;
        assert_eq!(
            &src[at_src..edit.range.start],
            &fixed[at_fixed..at_fixed + keep],
            "bytes outside edits changed"
        );
        at_fixed += keep;
        assert_eq!(&fixed[at_fixed..at_fixed + edit.replacement.len()], edit.replacement.as_bytes());
        at_fixed += edit.replacement.len();
        at_src = edit.range.end;
    }
    assert_eq!(&src[at_src..], &fixed[at_fixed..], "bytes after the last edit changed");
}

#[test]
fn fuzz_regressions_keep_their_properties() {
    for (why, data) in REGRESSIONS {
        let result = std::panic::catch_unwind(|| assert_properties(data));
        assert!(result.is_ok(), "regression failed: {why}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for depth in [json::MAX_DEPTH, json::MAX_DEPTH + 1, 100_000] {
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let parsed = json::parse(text.as_bytes());
        assert_eq!(parsed.is_ok(), depth <= json::MAX_DEPTH, "depth {depth}");
        assert_properties(text.as_bytes());
    }
}

/// Seeded byte mutations of the shipped configs (the fuzzers' seed corpus), so the properties
/// are exercised on near-valid Keras JSON in every `cargo test`.
#[test]
fn mutated_keras_configs_keep_the_properties() {
    let sources = [
        include_bytes!("fixtures/hostile/conv_floats_config.json").as_slice(),
        include_bytes!("fixtures/hostile/conv_sequences_config.json").as_slice(),
    ];
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const TOKENS: [&[u8]; 12] = [
        b"1.0",
        b"\"8\"",
        b"NaN",
        b"[1, 2]",
        b"\"(None, 4)\"",
        b"-0.0",
        b"1e999",
        b"{}",
        b",",
        b"\"",
        b"]",
        b"null",
    ];
    for _ in 0..600 {
        let source = sources[(next() % sources.len() as u64) as usize];
        let mut data = source.to_vec();
        for _ in 0..1 + next() % 3 {
            let at = (next() % data.len() as u64) as usize;
            match next() % 3 {
                0 => data[at] = (next() & 0xFF) as u8,
                1 => {
                    let token = TOKENS[(next() % TOKENS.len() as u64) as usize];
                    let end = (at + (next() % 6) as usize).min(data.len());
                    data.splice(at..end, token.iter().copied());
                }
                _ => {
                    // Replace a number with another spelling, the way damage happens.
                    if let Some(digit) = data[at..].iter().position(u8::is_ascii_digit) {
                        let token = TOKENS[(next() % 7) as usize];
                        data.splice(at + digit..at + digit + 1, token.iter().copied());
                    }
                }
            }
        }
        assert_properties(&data);
    }
}
