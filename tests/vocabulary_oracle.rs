//! INT007 against Python itself: thousands of generated vocabulary lines are judged by the real
//! `int()` / `float()` of the project's Python, and kerasfix must report exactly the lines
//! `int()` refuses (or accepts outside int64), offer a fix exactly for the integral floats, and
//! fix each to the integer the decimal text spells.

mod common;

use common::*;
use kerasfix::rules::{Settings, check_vocabulary, fix_vocabulary};

/// Python's verdict on each line, the way IntegerLookup's `load_assets` would meet it.
const ORACLE: &str = r#"
import decimal, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
while lines and lines[-1] == "":
    lines.pop()
for line in lines:
    try:
        v = int(line)
        print("ok" if -2**63 <= v < 2**63 else "range")
        continue
    except ValueError:
        pass
    try:
        float(line)
    except ValueError:
        print("other")
        continue
    token = line.strip().replace("_", "")
    if token.lstrip("+-").lower() in ("inf", "infinity", "nan"):
        print("nonint")
        continue
    # The value the decimal text spells (float() would round past 2**53 or overflow to inf).
    d = decimal.Decimal(token)
    if d != d.to_integral_value():
        print("nonint")
    elif -2**63 <= d < 2**63:
        print("fix:%d" % d)
    else:
        print("range")
"#;

/// A small deterministic generator (no dependency): lines mixing digits, signs, underscores,
/// dots, exponents, spaces, tabs and a few words, plus the spellings that matter most.
fn lines() -> Vec<String> {
    let mut out: Vec<String> = [
        "10",
        "-1",
        "+10",
        " 10 ",
        "\t7",
        "1_000",
        "007",
        "0_0",
        "10.0",
        "-0.0",
        "1e1",
        "1E+01",
        "1.000000000000000000e+01",
        "-1.000000000000000000e+00",
        "10.",
        ".5",
        "1_0.0",
        "10.5",
        "1e30",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "inf",
        "-NaN",
        "_1",
        "1_",
        "1__0",
        "+_1",
        "0x10",
        "1 0",
        "abc",
        "",
        " ",
        "1.5e1",
        "15e-1",
        "150e-1",
        "1e-0",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    const ALPHABET: &[u8] = b"0123456789012345678901234567890123456789___++--..eeEE  \tinfa";
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..3000 {
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let len = (next() % 9) as usize;
        let line: String =
            (0..len).map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize] as char).collect();
        out.push(line);
    }
    out.push("1".to_string()); // so no generated empty line is the file's last
    out
}

#[test]
fn findings_and_fixes_are_exactly_what_python_refuses() {
    let lines = lines();
    let text = lines.join("\n");
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("vocabulary.txt");
    std::fs::write(&file, &text).expect("write");
    let script = tmp.path().join("oracle.py");
    std::fs::write(&script, ORACLE).expect("write");
    let out = py(&script, &[file.as_os_str()]);
    assert!(out.status.success(), "oracle: {}", stderr(&out));
    let verdicts: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(verdicts.len(), lines.len());

    let settings = Settings::default();
    let findings = check_vocabulary(text.as_bytes(), &settings);
    let mut expected = Vec::new();
    for (index, verdict) in verdicts.iter().enumerate() {
        if verdict != "ok" {
            let fix = verdict.strip_prefix("fix:").map(str::to_owned);
            expected.push((format!("line {}", index + 1), fix));
        }
    }
    let got: Vec<(String, Option<String>)> =
        findings.iter().map(|f| (f.pointer.clone(), f.fix.as_ref().map(|x| x.new.clone()))).collect();
    let differ: Vec<String> = expected
        .iter()
        .zip(&got)
        .filter(|(e, g)| e != g)
        .map(|(e, g)| format!("python {e:?} kerasfix {g:?}"))
        .take(10)
        .collect();
    assert!(
        differ.is_empty() && expected.len() == got.len(),
        "{} vs {}: {differ:#?}",
        expected.len(),
        got.len()
    );
    assert!(
        expected.iter().filter(|(_, fix)| fix.is_some()).count() >= 20,
        "too few fixable lines generated"
    );
    assert!(
        expected.len() >= 500 && verdicts.iter().filter(|v| *v == "ok").count() >= 500,
        "a one-sided sample"
    );

    // Fixing changes exactly the fixable lines, each to its integer, and nothing else.
    let outcome = fix_vocabulary(text.as_bytes(), &settings).expect("fix");
    let fixed = String::from_utf8(outcome.text).expect("UTF-8");
    let fixed_lines: Vec<&str> = fixed.split('\n').collect();
    assert_eq!(fixed_lines.len(), lines.len());
    for ((before, after), verdict) in lines.iter().zip(&fixed_lines).zip(&verdicts) {
        match verdict.strip_prefix("fix:") {
            Some(value) => {
                let (lead, rest) =
                    before.split_at(before.len() - before.trim_start_matches([' ', '\t']).len());
                let trail = &rest[rest.trim_end_matches([' ', '\t']).len()..];
                assert_eq!(*after, format!("{lead}{value}{trail}"), "{before:?}");
            }
            None => assert_eq!(before, after),
        }
    }
    assert_eq!(outcome.remaining.iter().filter(|f| f.fix.is_some()).count(), 0);
}
