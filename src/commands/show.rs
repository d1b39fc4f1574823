//! `kerasfix show`: what a saved model is, in one screen; or its embedded JSON, exactly.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, anyhow};

use super::{full_pointer, open_part};
use crate::cli::ShowArgs;
use crate::container::{self, Format, Model, ModelKind, PartStorage, h5};
use crate::exit::ExitStatus;
use crate::json::{self, Node};
use crate::paths;
use crate::schema;

pub fn run(args: &ShowArgs) -> Result<ExitStatus> {
    let shown = paths::display(&args.model);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.weights {
        let model = container::open(&args.model).map_err(|e| anyhow!("{shown}: {e}"))?;
        print_weights(&mut out, &model).map_err(|e| anyhow!("{shown}: {e:#}"))?;
        return Ok(ExitStatus::Success);
    }
    if args.json || args.raw || args.pointer.is_some() {
        let opened = open_part(&args.model, args.part)?;
        let pointer = full_pointer(&opened.base, args.pointer.as_deref().unwrap_or(""), &shown)?;
        let node = opened.root.pointer(&pointer).ok_or_else(|| {
            anyhow!("{shown}: {}: no value at JSON Pointer `{pointer}`", opened.part_name())
        })?;
        if args.raw {
            out.write_all(node.raw(opened.text()))?;
        } else {
            writeln!(out, "{}", json::pretty(opened.text(), node))?;
        }
        out.flush()?;
        return Ok(ExitStatus::Success);
    }
    let model = container::open(&args.model).map_err(|e| anyhow!("{shown}: {e}"))?;
    summary(&mut out, &shown, &model)?;
    Ok(ExitStatus::Success)
}

fn summary(out: &mut impl Write, shown: &str, model: &Model) -> Result<()> {
    writeln!(out, "{shown}")?;
    writeln!(out, "  format:         {}", model.format)?;
    let unknown = "unknown".to_string();
    writeln!(out, "  keras_version:  {}", model.keras_version.as_ref().unwrap_or(&unknown))?;
    if let Some(backend) = &model.backend {
        writeln!(out, "  backend:        {backend}")?;
    }
    if let Some(date) = &model.date_saved {
        writeln!(out, "  saved:          {date}")?;
    }
    if let Some(weights) = &model.weights_entry {
        writeln!(out, "  weights:        {weights}")?;
    }
    for part in &model.parts {
        let storage = match (&part.storage, part.kind) {
            (PartStorage::H5Attr { storage, .. }, _) => format!(", {storage} attribute"),
            (_, container::PartKind::Vocabulary) => ", IntegerLookup vocabulary asset".to_string(),
            _ => String::new(),
        };
        writeln!(out, "  part:           {} ({} bytes{storage})", part.name, part.text.len())?;
    }
    if model.kind == ModelKind::WeightsOnly {
        writeln!(out, "  kind:           weights only (no model_config): nothing to check")?;
        return Ok(());
    }
    let Some(config) = model.part(container::PartKind::Config) else {
        return Ok(());
    };
    let root = match json::parse(&config.text) {
        Ok(root) => root,
        Err(e) => return Err(anyhow!("{shown}: {}: {e}", config.name)),
    };
    let class = root.get("class_name").and_then(Node::as_str).unwrap_or("?");
    let name = root.get("config").and_then(|c| c.get("name")).and_then(Node::as_str).unwrap_or("?");
    writeln!(out, "  model:          {class} \"{name}\"")?;
    if let Some(config) = root.get("config") {
        for (label, key) in [("inputs:        ", "input_layers"), ("outputs:       ", "output_layers")] {
            if let Some(ends) = config.get(key) {
                writeln!(out, "  {label} {}", endpoint_names(ends).join(", "))?;
            }
        }
    }
    writeln!(out)?;
    layer_table(out, &config.text, &root, model)?;
    Ok(())
}

/// `input_layers` is `[[name, node, tensor], ...]`, or a single triple for one input.
fn endpoint_names(ends: &Node) -> Vec<String> {
    let Some(items) = ends.as_array() else {
        return Vec::new();
    };
    if items.first().and_then(Node::as_str).is_some() {
        return items.first().and_then(Node::as_str).map(str::to_string).into_iter().collect();
    }
    items
        .iter()
        .filter_map(|item| item.as_array().and_then(|t| t.first()).and_then(Node::as_str))
        .map(str::to_string)
        .collect()
}

/// Fields worth seeing at a glance, in this order.
const KEY_FIELDS: [&str; 12] = [
    "batch_shape",
    "batch_input_shape",
    "units",
    "input_dim",
    "output_dim",
    "filters",
    "kernel_size",
    "strides",
    "num_heads",
    "key_dim",
    "target_shape",
    "output_shape",
];

fn layer_table(out: &mut impl Write, text: &[u8], root: &Node, model: &Model) -> Result<()> {
    let layer_weights = if model.format == Format::Hdf5 {
        h5::layer_weights(&model.real_path).unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut rows: Vec<[String; 4]> = Vec::new();
    schema::walk(root, &mut |visit: &schema::Visit<'_, '_>| {
        // The model itself is the first visit; its layers (and theirs) follow, parents first.
        let Some(config) = visit.config else { return };
        if visit.role != schema::Role::Layer || visit.pointer.tokens().is_empty() {
            return;
        }
        let depth = visit.path.len().saturating_sub(2);
        let indent = "  ".repeat(depth);
        let name = config.get("name").and_then(Node::as_str).unwrap_or("").to_string();
        let fields: Vec<String> = KEY_FIELDS
            .iter()
            .filter_map(|key| config.get(key).map(|v| format!("{key}={}", json::compact_python(text, v))))
            .collect();
        let weights = if depth == 0 {
            layer_weights.iter().find(|(n, _)| *n == name).map_or(String::new(), |(_, c)| c.to_string())
        } else {
            String::new()
        };
        rows.push([
            format!("{indent}{}", shorten(&name)),
            visit.class_name.to_string(),
            fields.join(" "),
            weights,
        ]);
    });
    let header = ["layer", "class", "key fields", if model.format == Format::Hdf5 { "weights" } else { "" }];
    let width = |col: usize| {
        rows.iter().map(|r| r[col].chars().count()).chain([header[col].len()]).max().unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let line = |r: &[String; 4]| {
        format!("  {:w0$}  {:w1$}  {:w2$}  {}", r[0], r[1], r[2], r[3]).trim_end().to_string()
    };
    writeln!(out, "{}", line(&header.map(str::to_string)))?;
    for row in &rows {
        writeln!(out, "{}", line(row))?;
    }
    Ok(())
}

fn print_weights(out: &mut impl Write, model: &Model) -> Result<()> {
    let datasets = match model.format {
        Format::Hdf5 => h5::list_datasets(&model.real_path)?,
        Format::KerasDir | Format::KerasZip => {
            let entry =
                model.weights_entry.as_deref().ok_or_else(|| anyhow!("the archive has no weights entry"))?;
            if !entry.ends_with(".h5") {
                writeln!(out, "{entry}: NumPy weights archive (datasets not listed)")?;
                return Ok(());
            }
            if model.format == Format::KerasDir {
                h5::list_datasets(&model.real_path.join(entry))?
            } else {
                list_archived_weights(&model.real_path, entry)?
            }
        }
    };
    if datasets.is_empty() {
        writeln!(out, "(no weight datasets)")?;
    }
    let width = datasets.iter().map(|d| d.path.chars().count()).max().unwrap_or(0);
    for d in datasets {
        // Python's tuple spelling, as h5py prints shapes: `()`, `(4,)`, `(8, 4)`.
        let shape = match d.shape.as_slice() {
            [one] => format!("({one},)"),
            dims => format!("({})", dims.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")),
        };
        writeln!(out, "{:width$}  {shape:<12}  {}", d.path, d.dtype)?;
    }
    Ok(())
}

/// HDF5 cannot open a file inside a zip, so the weights entry is streamed to a private temporary
/// (constant memory) and its metadata listed from there.
fn list_archived_weights(archive: &Path, entry: &str) -> Result<Vec<h5::WeightInfo>> {
    let dir = std::env::temp_dir().join(format!("kerasfix-weights-{}", std::process::id()));
    std::fs::create_dir_all(&dir).context("creating a temporary directory")?;
    let path = dir.join("model.weights.h5");
    let _ = std::fs::remove_file(&path);
    let listed = container::archive::extract_entry(archive, entry, &path)
        .map_err(anyhow::Error::from)
        .and_then(|()| h5::list_datasets(&path).map_err(anyhow::Error::from));
    let _ = std::fs::remove_dir_all(&dir);
    listed
}

/// Keeps the table readable when a layer name is very long (the full name is in `--json`).
fn shorten(name: &str) -> String {
    const MAX: usize = 40;
    if name.chars().count() <= MAX {
        name.to_string()
    } else {
        name.chars().take(MAX - 1).chain(['…']).collect()
    }
}
