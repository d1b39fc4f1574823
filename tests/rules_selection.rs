//! Rule selection follows ruff: most specific selector wins, ignore wins ties, unknown
//! selectors are errors; and the code table is consistent.

use kerasfix::rules::{FixAvailability, Selection, all_rules, rule};

fn sel(select: &[&str], ignore: &[&str]) -> Result<Vec<&'static str>, String> {
    let s: Vec<String> = select.iter().map(|s| s.to_string()).collect();
    let i: Vec<String> = ignore.iter().map(|s| s.to_string()).collect();
    Selection::new(&s, &i).map(|s| s.codes().to_vec()).map_err(|e| e.to_string())
}

#[test]
fn default_selects_everything() {
    let all: Vec<_> = all_rules().iter().map(|r| r.code).collect();
    assert_eq!(Selection::default().codes(), &all[..]);
    assert_eq!(sel(&[], &[]).as_deref(), Ok(&all[..]));
    assert_eq!(sel(&["ALL"], &[]).as_deref(), Ok(&all[..]));
}

#[test]
fn prefixes_and_specificity() {
    assert_eq!(
        sel(&["INT00"], &["INT003"]),
        Ok(vec!["INT001", "INT002", "INT004", "INT005", "INT006", "INT007"])
    );
    assert_eq!(sel(&["INT003"], &["INT"]), Ok(vec!["INT003"]));
    assert_eq!(sel(&["INT001"], &["INT001"]), Ok(vec![]));
    assert_eq!(sel(&["INT001", "INT002"], &[]), Ok(vec!["INT001", "INT002"]));
    // Ignoring a family leaves exactly the other families.
    let others: Vec<&str> = all_rules().iter().map(|r| r.code).filter(|c| !c.starts_with("INT00")).collect();
    assert_eq!(sel(&[], &["INT00"]), Ok(others));
    assert_eq!(sel(&["SEC"], &["SEC005"]), Ok(vec!["SEC001", "SEC002", "SEC003", "SEC004"]));
}

#[test]
fn unknown_selectors_are_errors() {
    for bad in ["INT9", "XYZ", "int001", "", "INT0011"] {
        assert!(sel(&[bad], &[]).is_err(), "{bad:?}");
        assert!(sel(&[], &[bad]).is_err(), "{bad:?}");
    }
    assert_eq!(
        sel(&["INT9"], &[]),
        Err("unknown rule selector `INT9` (expected ALL, a rule code such as INT001, or a prefix such as INT)".to_string())
    );
}

#[test]
fn code_table_is_consistent() {
    let rules = all_rules();
    for (i, r) in rules.iter().enumerate() {
        let family = r.code.trim_end_matches(|c: char| c.is_ascii_digit());
        assert!(["INT", "K", "TFK", "SEC"].contains(&family), "{}: unknown family", r.code);
        assert!(r.code.len() - family.len() == 3, "{}: three digits after the family", r.code);
        assert!(
            r.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}",
            r.name
        );
        assert!(r.doc.contains("## What it does") && r.doc.contains("## Fix safety"), "{}", r.code);
        assert!(rules[..i].iter().all(|o| o.code != r.code && o.name != r.name));
        assert_eq!(rule(r.code).map(|x| x.code), Some(r.code));
        assert_eq!(rule(r.name).map(|x| x.code), Some(r.code));
    }
    assert_eq!(rule("INT001").map(|r| r.fix_availability), Some(FixAvailability::Always));
    assert_eq!(rule("INT003").map(|r| r.fix_availability), Some(FixAvailability::Sometimes));
    assert_eq!(rule("INT004").map(|r| r.fix_availability), Some(FixAvailability::Never));
    assert!(rule("INT999").is_none());
}
