//! Fuzz target: reading (and, when it opens, rewriting) `.keras` zip archives from arbitrary
//! bytes. `container::open` must return an error or a model, never panic or allocate without
//! bound; a model that opens must survive `prepare` + `commit` of a changed config.json, and the
//! result must re-open with exactly the new text.
#![no_main]

use kerasfix::container::{self, PartKind, WriteOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("m.keras");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(model) = container::open(&path) else { return };
    let Some(index) = model.parts.iter().position(|p| p.kind == PartKind::Config) else { return };
    let new_text = b"{\"class_name\": \"Sequential\", \"config\": {}}".to_vec();
    let Ok(prepared) = container::prepare(&model, &[(index, new_text.clone())], &WriteOptions::default())
    else {
        return;
    };
    for result in container::commit(vec![prepared]) {
        if result.is_err() {
            return;
        }
    }
    let reopened = container::open(&path).expect("a committed archive re-opens");
    let config = reopened.part(PartKind::Config).expect("config.json is still there");
    if model.parts[index].text != new_text {
        assert_eq!(config.text, new_text);
    }
});
