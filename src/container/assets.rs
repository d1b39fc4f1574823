//! Which asset files of a `.keras` archive (zip or unzipped) may hold an integer vocabulary,
//! decided from their names alone so that a sweep opens no other asset.
//!
//! An adapted IntegerLookup writes its vocabulary to `vocabulary.txt` in its asset directory
//! (keras/src/layers/preprocessing/index_lookup.py `save_assets`; tf_keras/src/layers/
//! preprocessing/index_lookup.py the same). That directory is the layer's object path: in the
//! `layers` list of a Functional or Sequential model each layer is named after the snake case
//! of its class, `_1`, `_2`, ... for later ones of the same class, never after its `name`
//! (keras/src/saving/saving_lib.py `_save_container_state`; tf_keras/src/saving/saving_lib.py
//! the same), under `assets/` (`_ASSETS_DIRNAME`). So the candidates are
//! `assets/layers/integer_lookup[_N]/vocabulary.txt`, also below nested models
//! (`assets/layers/functional/layers/integer_lookup/vocabulary.txt`). StringLookup's and
//! TextVectorization's files (`string_lookup/`, `text_vectorization/`) and a custom layer's
//! attribute (`layers/my_layer/lookup/`) are never candidates; the rules then keep only the
//! candidates that `config.json` shows to be a built-in IntegerLookup without an inline
//! vocabulary.

use std::path::Path;

use super::ContainerError;

const ASSETS_DIR: &str = "assets";
const VOCABULARY_FILE: &str = "vocabulary.txt";
/// `naming.to_snake_case("IntegerLookup")`.
const INTEGER_LOOKUP_DIR: &str = "integer_lookup";

/// Whether an archive entry name (`/`-separated) is a candidate integer vocabulary.
pub(crate) fn is_vocabulary_candidate(name: &str) -> bool {
    let mut components = name.split('/').rev();
    let (Some(file), Some(dir), Some(container)) = (components.next(), components.next(), components.next())
    else {
        return false;
    };
    file == VOCABULARY_FILE
        && is_integer_lookup_dir(dir)
        && container == "layers"
        && name.starts_with("assets/layers/")
        && !name.split('/').any(|c| c.is_empty() || c == "." || c == "..")
}

/// `integer_lookup`, or `integer_lookup_N` as `_get_unique_name` writes N (no leading zero).
fn is_integer_lookup_dir(dir: &str) -> bool {
    match dir.strip_prefix(INTEGER_LOOKUP_DIR) {
        Some("") => true,
        Some(suffix) => suffix.strip_prefix('_').is_some_and(|n| {
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n == "0" || !n.starts_with('0'))
        }),
        None => false,
    }
}

/// The candidate vocabulary files under `dir/assets`, as archive entry names, sorted. Symbolic
/// links are not followed: replacing one atomically would replace the link, not its target,
/// and Keras's own archives never hold links.
pub(crate) fn candidates_in_dir(dir: &Path) -> Result<Vec<String>, ContainerError> {
    let assets = dir.join(ASSETS_DIR);
    if !assets.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&assets).follow_links(false).sort_by_file_name() {
        let entry = entry.map_err(|e| ContainerError::Io(e.into()))?;
        if !entry.file_type().is_file() || entry.file_name() != VOCABULARY_FILE {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(dir) else { continue };
        let components: Option<Vec<&str>> = relative.components().map(|c| c.as_os_str().to_str()).collect();
        let Some(components) = components else { continue };
        let name = components.join("/");
        if is_vocabulary_candidate(&name) {
            found.push(name);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_integer_lookup_vocabularies_in_layer_lists() {
        for name in [
            "assets/layers/integer_lookup/vocabulary.txt",
            "assets/layers/integer_lookup_1/vocabulary.txt",
            "assets/layers/integer_lookup_12/vocabulary.txt",
            "assets/layers/functional/layers/integer_lookup/vocabulary.txt",
            "assets/layers/sequential_1/layers/integer_lookup_2/vocabulary.txt",
        ] {
            assert!(is_vocabulary_candidate(name), "{name}");
        }
        for name in [
            "assets/layers/string_lookup/vocabulary.txt",
            "assets/layers/text_vectorization/vocabulary.txt",
            "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt",
            "assets/layers/holder/lookup/vocabulary.txt",
            "assets/layers/integer_lookup/other.txt",
            "assets/layers/integer_lookup_01/vocabulary.txt",
            "assets/layers/integer_lookup_/vocabulary.txt",
            "assets/layers/integer_lookupx/vocabulary.txt",
            "layers/integer_lookup/vocabulary.txt",
            "assets/integer_lookup/vocabulary.txt",
            "assets/layers/../layers/integer_lookup/vocabulary.txt",
            "assets//layers/integer_lookup/vocabulary.txt",
            "config.json",
        ] {
            assert!(!is_vocabulary_candidate(name), "{name}");
        }
    }
}
