//! Project configuration, found the way ruff finds its own: `kerasfix.toml` (or `.kerasfix.toml`),
//! or a `[tool.kerasfix]` table in `pyproject.toml`, in the checked path's directory or the
//! nearest ancestor that has one. Unknown keys are errors naming the file and the key, so a typo
//! never silently turns a rule off.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

/// The settings a configuration file may hold.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileConfig {
    /// Rule codes or prefixes to enable (default: all).
    pub select: Option<Vec<String>>,
    /// Rule codes or prefixes to disable.
    pub ignore: Option<Vec<String>>,
    /// Glob patterns of paths to leave out of directory walks.
    pub exclude: Option<Vec<String>>,
    /// Extra integer fields: `"MyLayer.num_experts"`, `"*.class_ids"`.
    pub extend_integer_fields: Option<Vec<String>>,
    /// Where the models must load (`keras3` or `tf-keras`), as `--target`.
    pub target: Option<crate::cli::Target>,
    /// Python packages of your own custom objects (`my_company.layers`): referenced from a model
    /// they are reported as custom objects (SEC005, info), not as foreign modules (SEC003).
    pub allowed_modules: Option<Vec<String>>,
}

/// A configuration and the file it came from.
#[derive(Debug, Default, Clone)]
pub struct Config {
    pub source: Option<PathBuf>,
    pub file: FileConfig,
}

#[derive(Deserialize)]
struct PyProject {
    tool: Option<PyProjectTool>,
}

#[derive(Deserialize)]
struct PyProjectTool {
    kerasfix: Option<toml::Value>,
}

/// Why a configuration file was refused.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub message: String,
}

/// Reads one configuration file (`kerasfix.toml`, or `pyproject.toml` with `[tool.kerasfix]`);
/// `Ok(None)` for a pyproject without the table.
pub fn load(path: &Path) -> Result<Option<FileConfig>, ConfigError> {
    let shown = crate::paths::display(path);
    let error = |message: String| ConfigError { path: shown.clone(), message };
    let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
    // toml's messages name the key and line ("unknown field `selct`, expected one of ...").
    let flatten = |e: toml::de::Error| {
        e.to_string().lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join(" ")
    };
    if path.file_name().is_some_and(|n| n == "pyproject.toml") {
        let project: PyProject = toml::from_str(&text).map_err(|e| error(flatten(e)))?;
        let Some(table) = project.tool.and_then(|t| t.kerasfix) else {
            return Ok(None);
        };
        let config =
            FileConfig::deserialize(table).map_err(|e| error(format!("[tool.kerasfix]: {}", flatten(e))))?;
        return Ok(Some(config));
    }
    toml::from_str(&text).map(Some).map_err(|e| error(flatten(e)))
}

/// Finds and caches the configuration that applies to each directory.
#[derive(Debug, Default)]
pub struct Discovery {
    /// An explicit `--config FILE` overrides discovery.
    explicit: Option<Arc<Config>>,
    cache: HashMap<PathBuf, Arc<Config>>,
    /// The directory (as spelled) of the last file [`Discovery::for_model`] was asked about.
    last_file_dir: Option<(PathBuf, Arc<Config>)>,
}

const CANDIDATES: [&str; 3] = [".kerasfix.toml", "kerasfix.toml", "pyproject.toml"];

impl Discovery {
    pub fn new(explicit: Option<&Path>) -> Result<Discovery, ConfigError> {
        let explicit = match explicit {
            None => None,
            Some(path) => {
                let file = load(path)?.unwrap_or_default();
                Some(Arc::new(Config { source: Some(path.to_path_buf()), file }))
            }
        };
        Ok(Discovery { explicit, cache: HashMap::new(), last_file_dir: None })
    }

    /// The configuration for a model at `path`: the nearest one in its directory or above.
    pub fn for_path(&mut self, path: &Path) -> Result<Arc<Config>, ConfigError> {
        self.for_model(path, None)
    }

    /// [`Discovery::for_path`] for a model already known to be a directory or a file, which
    /// spares a `stat`; a file in the same directory (as spelled) as the one before it costs
    /// nothing more.
    pub fn for_model(&mut self, path: &Path, is_dir: Option<bool>) -> Result<Arc<Config>, ConfigError> {
        if let Some(explicit) = &self.explicit {
            return Ok(explicit.clone());
        }
        let parent = match is_dir {
            Some(false) if path.file_name().is_some() => path.parent(),
            _ => None,
        };
        if let (Some(parent), Some((last, config))) = (parent, &self.last_file_dir)
            && parent == last
        {
            return Ok(config.clone());
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let start = if is_dir.unwrap_or_else(|| absolute.is_dir()) {
            absolute.clone()
        } else {
            absolute.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let config = self.for_dir(&start)?;
        if let Some(parent) = parent {
            self.last_file_dir = Some((parent.to_path_buf(), config.clone()));
        }
        Ok(config)
    }

    fn for_dir(&mut self, dir: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(found) = self.cache.get(dir) {
            return Ok(found.clone());
        }
        let mut found = None;
        for name in CANDIDATES {
            let candidate = dir.join(name);
            if candidate.is_file()
                && let Some(file) = load(&candidate)?
            {
                found = Some(Arc::new(Config { source: Some(candidate), file }));
                break;
            }
        }
        let config = match (found, dir.parent()) {
            (Some(config), _) => config,
            (None, Some(parent)) => self.for_dir(parent)?,
            (None, None) => Arc::new(Config::default()),
        };
        self.cache.insert(dir.to_path_buf(), config.clone());
        Ok(config)
    }
}
