//! Running `check` or `fix` over many paths: expand them, resolve each model's settings from
//! its configuration, process each model, report as it goes, and turn the whole run into one
//! exit status. A bad file is reported and remembered; it never stops the batch.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Result, anyhow};

use crate::config::{Config, Discovery};
use crate::container::{ContainerError, WriteReport};
use crate::dirlock::{self, DirLocks};
use crate::exit::ExitStatus;
use crate::lint::{self, FixMode, ModelError, ModelReport};
use crate::paths;
use crate::report::{self, Format, Record};
use crate::rules::Settings;
use crate::walk::{self, Excludes, Found};

/// Everything `check` and `fix` share, already checked.
#[derive(Debug)]
pub struct BatchOptions {
    pub paths: Vec<PathBuf>,
    pub files_from: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub format: Format,
    pub quiet: bool,
    pub verbose: bool,
    pub target: Option<crate::cli::Target>,
    pub fail_on: Option<crate::cli::Severity>,
    pub mode: FixMode,
}

/// Totals across the batch.
#[derive(Debug, Default)]
struct Totals {
    /// Models read; a model that could not be read counts in `errors` only.
    models: usize,
    errors: usize,
    fixed: usize,
    files_fixed: usize,
    remaining: usize,
    /// Findings left that are at least as severe as `--fail-on` (all of them by default).
    failing: usize,
    files_with_findings: usize,
}

pub fn run(options: &BatchOptions) -> Result<ExitStatus> {
    let mut discovery = Discovery::new(options.config.as_deref()).map_err(|e| anyhow!("{e}"))?;
    let mut roots = options.paths.clone();
    if let Some(list) = &options.files_from {
        let listed = walk::read_path_list(list).map_err(|e| anyhow!("{}: {e}", paths::display(list)))?;
        roots.extend(listed);
    }
    if roots.is_empty() && options.files_from.is_none() {
        roots.push(PathBuf::from("."));
    }
    let mut totals = Totals::default();
    let mut models = Vec::new();
    for root in &roots {
        let excludes = excludes_for(&mut discovery, root)?;
        let excluded = |p: &Path| excludes.matches(p);
        walk::walk_known(std::slice::from_ref(root), &excluded, &mut |found, known| match found {
            Found::Model(path) => models.push((path, known)),
            Found::Leftover(path) => {
                if !options.quiet {
                    eprintln!(
                        "warning: {}: temporary left by an interrupted kerasfix run; the model beside it is intact and this file can be deleted",
                        paths::display(&path)
                    );
                }
            }
            Found::Error { path, message } => {
                eprintln!("error: {}: {message}", paths::display(&path));
                totals.errors += 1;
            }
        });
    }

    walk::dedupe_known(&mut models, roots.len() == 1);
    let (models, known): (Vec<PathBuf>, Vec<walk::Known>) = models.into_iter().unzip();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let progress = !options.quiet && models.len() > 1 && std::io::stderr().is_terminal();
    let mut settings_cache: HashMap<Option<PathBuf>, Arc<Settings>> = HashMap::new();
    let mut settings = Vec::with_capacity(models.len());
    for (path, known) in models.iter().zip(&known) {
        let config = discovery.for_model(path, Some(known.is_dir)).map_err(|e| anyhow!("{e}"))?;
        settings.push(settings_for(&config, options, &mut settings_cache)?);
    }
    let writing = matches!(options.mode, FixMode::Apply { dry_run: false, .. });
    let mut all_records: Vec<Record> = Vec::new();
    let mut done = 0;
    // While one chunk's fixes are committed (synced and renamed, mostly waiting on the disk),
    // the next chunk is already being processed; see `dirlock` for how their locks overlap.
    let mut committing: Option<(DirLocks, Vec<ModelReport>)> = None;
    for chunk in chunks(&models, writing) {
        // Locks for the whole chunk, held until the chunk's fixes are committed.
        let locks = if writing {
            let dirs = dirlock::lock_dirs_of(&models[chunk.clone()]);
            match committing.as_ref().and_then(|(held, _)| held.extend(&dirs)) {
                Some(locks) => locks,
                None => {
                    if let Some(chunk) = committing.take() {
                        let (waiting, committed) = commit_chunk(chunk);
                        report_committed(
                            waiting,
                            committed,
                            &mut totals,
                            options,
                            &mut out,
                            &mut all_records,
                        )?;
                    }
                    DirLocks::acquire(&dirs)
                }
            }
        } else {
            DirLocks::default()
        };
        let mut show_progress = |path: &Path| {
            done += 1;
            eprint!("\r\x1b[2K[{done}/{}] {}", models.len(), paths::display(path));
        };
        let previous = committing.take();
        let (results, previous) = std::thread::scope(|scope| {
            let committer = previous.map(|chunk| scope.spawn(move || commit_chunk(chunk)));
            let results = process_parallel(
                &models[chunk.clone()],
                &known[chunk.clone()],
                &settings[chunk.clone()],
                &options.mode,
                if progress { Some(&mut show_progress) } else { None },
            );
            (results, committer.map(|c| c.join()))
        });
        if progress {
            eprint!("\r\x1b[2K");
        }
        match previous {
            Some(Ok((waiting, committed))) => {
                report_committed(waiting, committed, &mut totals, options, &mut out, &mut all_records)?
            }
            Some(Err(_)) => return Err(anyhow!("internal error: committing fixes panicked")),
            None => {}
        }
        let mut waiting = Vec::new();
        for (path, result) in models[chunk].iter().zip(results) {
            totals.models += usize::from(result.is_ok());
            match result {
                Ok(model_report) if !model_report.prepared.is_empty() => waiting.push(model_report),
                Ok(model_report) => {
                    if options.verbose && model_report.weights_only {
                        eprintln!(
                            "{}: weights only (no model_config): nothing to check",
                            paths::display(path)
                        );
                    }
                    emit(model_report, &mut totals, options, &mut out, &mut all_records)?;
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    totals.errors += 1;
                }
            }
        }
        committing = Some((locks, waiting));
    }
    if let Some(chunk) = committing.take() {
        let (waiting, committed) = commit_chunk(chunk);
        report_committed(waiting, committed, &mut totals, options, &mut out, &mut all_records)?;
    }
    if options.format == Format::Json {
        report::render(&mut out, options.format, &all_records)?;
    }
    out.flush()?;
    if !options.quiet {
        summary(&options.mode, options.format, &totals)?;
    }
    Ok(status(&options.mode, &totals))
}

/// Models written beside their originals before one durable commit of them all.
const COMMIT_BATCH: usize = 256;
/// Or fewer, when their copies reach this many bytes on disk.
const COMMIT_BYTES: u64 = 1 << 30;

/// Splits the models into the chunks that are processed, committed and reported together:
/// at most [`COMMIT_BATCH`] models, and when writing, at most [`COMMIT_BYTES`] of them on disk
/// (each pending fix holds a full copy of its model beside the original).
fn chunks(models: &[PathBuf], writing: bool) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (index, path) in models.iter().enumerate() {
        let size = if writing { std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) } else { 0 };
        if index > start && (index - start >= COMMIT_BATCH || bytes + size > COMMIT_BYTES) {
            out.push(start..index);
            start = index;
            bytes = 0;
        }
        bytes += size;
    }
    if start < models.len() {
        out.push(start..models.len());
    }
    out
}

/// Takes the write locks of every directory holding one of `models`, in path order.
pub(crate) fn lock_dirs(models: &[PathBuf]) -> DirLocks {
    DirLocks::acquire(&dirlock::lock_dirs_of(models))
}

/// Processes `models` on all cores and returns their results in the models' order. With
/// `finished`, it is called (on this thread) as each model completes, for the progress line;
/// without it, workers keep their results until they are done, so a sweep of small models does
/// not wake this thread once per model. libhdf5 calls are serialized by hdf5-metno's lock; zip
/// reading, JSON and the rules run in parallel.
fn process_parallel(
    models: &[PathBuf],
    known: &[walk::Known],
    settings: &[Arc<Settings>],
    mode: &FixMode,
    mut finished: Option<&mut dyn FnMut(&Path)>,
) -> Vec<Result<ModelReport, ModelError>> {
    static WORKERS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let workers = *WORKERS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()).min(8));
    let workers = workers.min(models.len()).max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<Result<ModelReport, ModelError>>> = models.iter().map(|_| None).collect();
    let listed = |index: usize| known[index].listed && !known[index].is_dir;
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::channel();
        let report_each = finished.is_some();
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let sender = sender.clone();
                let next = &next;
                scope.spawn(move || {
                    let mut kept = Vec::new();
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(path) = models.get(index) else { break };
                        let result = lint::process(path, listed(index), &settings[index], mode);
                        if !report_each {
                            kept.push((index, result));
                        } else if sender.send((index, result)).is_err() {
                            break;
                        }
                    }
                    kept
                })
            })
            .collect();
        drop(sender);
        if let Some(finished) = finished.as_mut() {
            for (index, result) in receiver {
                finished(&models[index]);
                results[index] = Some(result);
            }
        }
        for handle in handles {
            // A worker that panicked leaves its models unprocessed; they are reported below.
            for (index, result) in handle.join().unwrap_or_default() {
                results[index] = Some(result);
            }
        }
    });
    results
        .into_iter()
        .enumerate()
        .map(|(index, result)| match result {
            // Its copy may have failed only beside the others, which are now done: once more,
            // alone (a disk nearly full still gets every model fixed that fits).
            Some(Err(e)) if e.out_of_space => {
                lint::process(&models[index], listed(index), &settings[index], mode)
            }
            Some(result) => result,
            None => Err(format!("{}: not processed", paths::display(&models[index])).into()),
        })
        .collect()
}

/// What a committed chunk hands back: its reports and each model's commit result.
type Committed = (Vec<ModelReport>, Vec<Result<WriteReport, ContainerError>>);

/// Makes a chunk's waiting replacements durable and renames them into place, in one batch,
/// then lets the chunk's directory locks go. Runs beside the next chunk's processing: it only
/// touches the models' own temporaries.
fn commit_chunk((held, mut waiting): (DirLocks, Vec<ModelReport>)) -> Committed {
    let prepared = waiting.iter_mut().map(|r| std::mem::take(&mut r.prepared)).collect();
    let committed = crate::container::commit(prepared);
    drop(held);
    (waiting, committed)
}

/// Reports each committed model: one whose replacement failed becomes an error, and its
/// findings are reported as not applied.
fn report_committed(
    waiting: Vec<ModelReport>,
    committed: Vec<Result<WriteReport, ContainerError>>,
    totals: &mut Totals,
    options: &BatchOptions,
    out: &mut dyn Write,
    all_records: &mut Vec<Record>,
) -> Result<()> {
    for (mut model_report, result) in waiting.into_iter().zip(committed) {
        if let Err(e) = result {
            eprintln!("error: {}: {e}; the file is unchanged", model_report.path);
            totals.errors += 1;
            model_report.remaining += model_report.fixed;
            model_report.fixed = 0;
            for record in &mut model_report.records {
                record.applied = Some(false);
            }
        }
        emit(model_report, totals, options, out, all_records)?;
    }
    Ok(())
}

/// Prints (or, for JSON, keeps) one model's findings and adds it to the totals.
fn emit(
    model_report: ModelReport,
    totals: &mut Totals,
    options: &BatchOptions,
    out: &mut dyn Write,
    all_records: &mut Vec<Record>,
) -> Result<()> {
    tally(totals, &model_report, options.fail_on);
    if !model_report.diff.is_empty() {
        out.write_all(model_report.diff.as_bytes())?;
    }
    if options.format == Format::Json {
        all_records.extend(model_report.records);
    } else if options.verbose || options.format == Format::Github {
        report::render(out, options.format, &model_report.records)?;
    } else {
        // What was fixed is in the summary (and, with --verbose, listed); what is left to
        // look at, or what --dry-run would do, is always listed, except that with --diff the
        // diff already shows every fix (as `ruff --diff` does) and only the unfixable remain.
        let diffed = matches!(options.mode, FixMode::Apply { diff: true, .. });
        let shown: Vec<Record> = model_report
            .records
            .into_iter()
            .filter(|r| r.applied != Some(true) && !(diffed && r.new.is_some()))
            .collect();
        report::render(out, options.format, &shown)?;
    }
    Ok(())
}

fn tally(totals: &mut Totals, model: &ModelReport, fail_on: Option<crate::rules::Severity>) {
    let threshold = fail_on.unwrap_or(crate::rules::Severity::Info);
    totals.failing +=
        model.records.iter().filter(|r| r.applied != Some(true) && r.severity >= threshold).count();
    totals.fixed += model.fixed;
    totals.remaining += model.remaining;
    if model.fixed > 0 {
        totals.files_fixed += 1;
    }
    if model.remaining > 0 || model.fixed > 0 {
        totals.files_with_findings += 1;
    }
}

/// The `exclude` globs of the configuration that governs `root` (what a walk from it skips).
pub(crate) fn excludes_for(discovery: &mut Discovery, root: &Path) -> Result<Excludes> {
    let config = discovery.for_path(root).map_err(|e| anyhow!("{e}"))?;
    Excludes::new(config.file.exclude.as_deref().unwrap_or_default())
        .map_err(|e| anyhow!("{}: exclude: {e}", config_name(&config)))
}

fn config_name(config: &Config) -> String {
    config.source.as_deref().map_or_else(|| "configuration".to_string(), paths::display)
}

/// The rule settings for a model: its configuration file's, with the command line on top
/// (`--select` replaces, `--ignore` adds), as ruff combines them.
fn settings_for(
    config: &Config,
    options: &BatchOptions,
    cache: &mut HashMap<Option<PathBuf>, Arc<Settings>>,
) -> Result<Arc<Settings>> {
    if let Some(found) = cache.get(&config.source) {
        return Ok(found.clone());
    }
    let select = options.select.clone().or_else(|| config.file.select.clone()).unwrap_or_default();
    let mut ignore = config.file.ignore.clone().unwrap_or_default();
    ignore.extend(options.ignore.iter().cloned());
    let extend = config.file.extend_integer_fields.clone().unwrap_or_default();
    let mut settings =
        Settings::new(&select, &ignore, extend).map_err(|e| anyhow!("{}: {e}", config_name(config)))?;
    settings.target = options.target.or(config.file.target);
    settings.allowed_modules = config.file.allowed_modules.clone().unwrap_or_default();
    let settings = Arc::new(settings);
    cache.insert(config.source.clone(), settings.clone());
    Ok(settings)
}

fn summary(mode: &FixMode, format: Format, totals: &Totals) -> std::io::Result<()> {
    let errors = if totals.errors > 0 {
        format!("; {} could not be read (see errors above)", totals.errors)
    } else {
        String::new()
    };
    let line = match mode {
        FixMode::Check if totals.remaining == 0 && totals.errors == 0 => {
            format!("All checked: no problems in {} models.", totals.models)
        }
        FixMode::Check if totals.remaining == 0 => {
            format!("No problems in {} models{errors}.", totals.models)
        }
        FixMode::Check => format!(
            "Found {} problems in {} of {} models{errors}.",
            totals.remaining, totals.files_with_findings, totals.models
        ),
        FixMode::Apply { dry_run, .. } => {
            let verb = if *dry_run { "would fix" } else { "fixed" };
            let mut line = format!("{verb} {} fields in {} files", totals.fixed, totals.files_fixed);
            if totals.remaining > 0 {
                line.push_str(&format!("; {} problems remain with no automatic fix", totals.remaining));
            }
            line + &errors
        }
    };
    // Machine formats keep stdout clean for their parsers.
    if matches!(format, Format::Json | Format::Github) {
        eprintln!("{line}");
        Ok(())
    } else {
        writeln!(std::io::stdout(), "{line}")
    }
}

fn status(mode: &FixMode, totals: &Totals) -> ExitStatus {
    let findings = match mode {
        FixMode::Check => totals.failing > 0,
        FixMode::Apply { dry_run: true, .. } => totals.remaining > 0 || totals.fixed > 0,
        FixMode::Apply { dry_run: false, .. } => totals.remaining > 0,
    };
    let base = if findings { ExitStatus::Findings } else { ExitStatus::Success };
    if totals.errors > 0 { base.max(ExitStatus::Error) } else { base }
}
