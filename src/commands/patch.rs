//! `kerasfix patch`: an RFC 6902 JSON Patch applied to many models, all-or-nothing per model.
//!
//! The same fix often has to reach a whole fleet of saved models, and a hand-written loop of
//! `kerasfix set` calls cannot make several edits to one model atomic. Here every model gets
//! the whole patch or nothing: the operations run against its text in memory, and only a
//! model whose every operation succeeded is written (two-phase, as `fix` writes its batches).
//! A failing model is reported and the batch goes on.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};

use super::open_part;
use crate::cli::PatchArgs;
use crate::config::Discovery;
use crate::container::{self, Prepared, WriteOptions};
use crate::exit::ExitStatus;
use crate::json::{self, Operation};
use crate::paths;
use crate::walk::{self, Found};

/// Models written beside their originals before one durable commit of them all.
const COMMIT_BATCH: usize = 256;

/// A model whose patched text is written beside it, waiting for the commit.
struct Waiting {
    shown: String,
    line: String,
    prepared: Prepared,
}

#[derive(Default)]
struct Totals {
    models: usize,
    changed: usize,
    errors: usize,
}

pub fn run(args: &PatchArgs) -> Result<ExitStatus> {
    let shown_patch = if args.patch == Path::new("-") {
        "standard input (--patch -)".to_owned()
    } else {
        paths::display(&args.patch)
    };
    let text = read_patch(&args.patch).map_err(|e| anyhow!("{shown_patch}: {e}"))?;
    let ops = json::parse_patch(&text).map_err(|e| anyhow!("{shown_patch}: not a valid JSON Patch: {e}"))?;

    let mut totals = Totals::default();
    let models = expand(&args.paths, &mut totals)?;
    let options = WriteOptions { backup_suffix: args.backup.clone() };
    for chunk in models.chunks(COMMIT_BATCH) {
        // As in `fix`: the chunk's directories are locked (in path order) until its commit, so a
        // concurrent kerasfix never edits one of these models from the same original.
        let _locks = if args.dry_run { Default::default() } else { crate::batch::lock_dirs(chunk) };
        let mut waiting: Vec<Waiting> = Vec::new();
        for path in chunk {
            totals.models += 1;
            match patch_one(path, args, &ops, &options) {
                Ok(None) => {}
                Ok(Some(model)) if args.dry_run => {
                    totals.changed += 1;
                    println!("{}", model.line);
                }
                Ok(Some(model)) => waiting.push(model),
                Err(message) => {
                    eprintln!("error: {message}");
                    totals.errors += 1;
                }
            }
        }
        commit(&mut waiting, &mut totals);
    }
    summary(args.dry_run, &totals);
    let base = if args.dry_run && totals.changed > 0 { ExitStatus::Findings } else { ExitStatus::Success };
    Ok(if totals.errors > 0 { base.max(ExitStatus::Error) } else { base })
}

fn read_patch(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin().lock().read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(path)?.read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// The models named or found under the given paths, each once, skipping what the
/// configuration's `exclude` globs name (as `check` and `fix` do); unreadable paths are
/// reported and counted as errors.
fn expand(roots: &[PathBuf], totals: &mut Totals) -> Result<Vec<PathBuf>> {
    let mut discovery = Discovery::new(None).map_err(|e| anyhow!("{e}"))?;
    let mut models = Vec::new();
    for root in roots {
        let excludes = crate::batch::excludes_for(&mut discovery, root)?;
        walk::walk(std::slice::from_ref(root), &|p: &Path| excludes.matches(p), &mut |found| match found {
            Found::Model(path) => models.push(path),
            // Leftovers are `check`'s and `fix`'s to mention; they are not models to patch.
            Found::Leftover(_) => {}
            Found::Error { path, message } => {
                eprintln!("error: {}: {message}", paths::display(&path));
                totals.errors += 1;
            }
        });
    }
    walk::dedupe(&mut models);
    Ok(models)
}

/// Applies the patch to one model and, unless dry-running, prepares its replacement.
/// `None` when the patch changes nothing; errors read `PATH: what is wrong`.
fn patch_one(
    path: &Path,
    args: &PatchArgs,
    ops: &[Operation],
    options: &WriteOptions,
) -> Result<Option<Waiting>, String> {
    let shown = paths::display(path);
    let opened = open_part(path, args.part).map_err(|e| format!("{e:#}"))?;
    let part = opened.part_name();
    let new_text =
        json::apply_patch(opened.text(), &opened.base, ops).map_err(|e| format!("{shown}: {e}"))?;
    // Never write a document Keras could not read back.
    json::parse(&new_text)
        .map_err(|e| format!("{shown}: {part}: the patch would break the JSON ({e}); nothing written"))?;
    if new_text == opened.text() {
        return Ok(None);
    }
    let count = ops.len();
    let noun = if count == 1 { "operation" } else { "operations" };
    if args.dry_run {
        let line = format!("{shown}: {part}: would apply {count} {noun}");
        return Ok(Some(Waiting { shown, line, prepared: Prepared::default() }));
    }
    let prepared = container::prepare(&opened.model, &[(opened.index, new_text)], options)
        .map_err(|e| format!("{shown}: {e}; the file is unchanged"))?;
    let line = format!("{shown}: {part}: {count} {noun} applied");
    Ok(Some(Waiting { shown, line, prepared }))
}

/// Makes the waiting replacements durable and reports each model.
fn commit(waiting: &mut Vec<Waiting>, totals: &mut Totals) {
    let models = std::mem::take(waiting);
    let (reports, prepared): (Vec<(String, String)>, Vec<Prepared>) =
        models.into_iter().map(|m| ((m.shown, m.line), m.prepared)).unzip();
    for ((shown, line), result) in reports.into_iter().zip(container::commit(prepared)) {
        match result {
            Ok(_) => {
                totals.changed += 1;
                println!("{line}");
            }
            Err(e) => {
                eprintln!("error: {shown}: {e}; the file is unchanged");
                totals.errors += 1;
            }
        }
    }
}

fn summary(dry_run: bool, totals: &Totals) {
    let verb = if dry_run { "would patch" } else { "patched" };
    let mut line = format!("{verb} {} of {} models", totals.changed, totals.models);
    if totals.errors > 0 {
        line.push_str(&format!("; {} failed and were left untouched (see errors above)", totals.errors));
    }
    println!("{line}");
}
