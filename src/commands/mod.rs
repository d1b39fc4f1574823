//! One module per subcommand, each a thin layer between parsed arguments and the core.

pub mod check;
pub mod edit;
pub mod fix;
pub mod patch;
pub mod rules;
pub mod set;
pub mod show;

use anyhow::{Result, anyhow};
use std::path::Path;

use crate::cli::PartArg;
use crate::container::{self, Format, Model, PartKind};
use crate::json::{self, Node, Pointer};
use crate::paths;

/// A model and one of its JSON parts, parsed, with the pointer prefix that `--part` implies.
pub struct OpenedPart {
    pub model: Model,
    pub index: usize,
    pub root: Node,
    /// `compile_config` lives inside `config.json` in `.keras` archives; pointers given for the
    /// training part are relative to it there.
    pub base: Pointer,
}

impl OpenedPart {
    pub fn text(&self) -> &[u8] {
        &self.model.parts[self.index].text
    }

    pub fn part_name(&self) -> &str {
        &self.model.parts[self.index].name
    }
}

/// Opens `path` and parses the part `which` names; errors read `PATH: what is wrong`.
pub fn open_part(path: &Path, which: PartArg) -> Result<OpenedPart> {
    let shown = paths::display(path);
    let model = container::open(path).map_err(|e| anyhow!("{shown}: {e}"))?;
    if model.kind == container::ModelKind::WeightsOnly {
        return Err(anyhow!(
            "{shown}: weights-only file (no model_config); there is no JSON to show or edit"
        ));
    }
    let (kind, base) = match (which, model.format) {
        (PartArg::Config, _) => (PartKind::Config, ""),
        (PartArg::Metadata, _) => (PartKind::Metadata, ""),
        (PartArg::Training, Format::Hdf5) => (PartKind::Training, ""),
        (PartArg::Training, _) => (PartKind::Config, "/compile_config"),
    };
    let Some(index) = model.parts.iter().position(|p| p.kind == kind) else {
        let what = match which {
            PartArg::Metadata if model.format == Format::Hdf5 => {
                "HDF5 models have no metadata.json (keras_version and backend are attributes; see `kerasfix show`)"
            }
            PartArg::Training => {
                "the model was saved without a training config (not compiled, or include_optimizer=False)"
            }
            _ => "the model has no such part",
        };
        return Err(anyhow!("{shown}: {what}"));
    };
    let part = &model.parts[index];
    let root = json::parse(&part.text).map_err(|e| anyhow!("{shown}: {}: {e}", part.name))?;
    let base = Pointer::parse(base).map_err(|e| anyhow!("{e}"))?;
    if root.pointer(&base).is_none() {
        return Err(anyhow!("{shown}: the model was saved without a compile_config"));
    }
    Ok(OpenedPart { model, index, root, base })
}

/// Joins the part's base pointer and a user pointer.
pub fn full_pointer(base: &Pointer, user: &str, shown: &str) -> Result<Pointer> {
    let relative = Pointer::parse(user).map_err(|e| anyhow!("{shown}: bad JSON Pointer `{user}`: {e}"))?;
    let mut full = base.clone();
    for token in relative.tokens() {
        full.push(token);
    }
    Ok(full)
}
