//! Finds and reads the definition files and the settings file of a run: `feeds/` (every
//! `*.toml` but `feedmill.toml`) or the files named, and the settings next to them.
//!
//! The only file IO in `config`; [`super::validate`] and [`super::validate_settings`]
//! stay pure. Every problem in every file is collected before failing.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::settings::{SETTINGS_FILE_NAME, Settings, validate_settings};
use super::{ConfigError, FeedDefinition, validate};

/// The definitions and settings of a run.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The definitions, in the order found (files as given; a directory's sorted by name).
    pub definitions: Vec<FeedDefinition>,
    /// The settings, from the settings file if there is one, else the defaults.
    pub settings: Settings,
    /// The settings file read, if any.
    pub settings_path: Option<PathBuf>,
}

/// Why a run's configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A file or directory could not be read.
    #[error("reading `{}`", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: io::Error,
    },
    /// A directory held no definition file.
    #[error("`{}` holds no feed definition (`*.toml` other than `{SETTINGS_FILE_NAME}`)", path.display())]
    Empty {
        /// The directory.
        path: PathBuf,
    },
    /// Files are invalid: every problem of every file.
    #[error("invalid configuration: {} problem(s), first: {}", errors.len(), errors.first().map(ToString::to_string).unwrap_or_default())]
    Invalid {
        /// The problems, file by file.
        errors: Vec<ConfigError>,
    },
}

/// Loads the definitions at `paths` (files, or directories of `*.toml` files) and the
/// settings: `settings` when given, else `feedmill.toml` in the first path's directory
/// when it exists, else [`Settings::default`].
pub fn load(paths: &[PathBuf], settings: Option<&Path>) -> Result<LoadedConfig, LoadError> {
    let mut files = Vec::new();
    let mut settings_path = settings.map(Path::to_path_buf);
    for path in paths {
        let metadata = fs::metadata(path).map_err(|source| LoadError::Io {
            path: path.clone(),
            source,
        })?;
        let dir = if metadata.is_dir() {
            let found = definition_files(path)?;
            if found.is_empty() {
                return Err(LoadError::Empty { path: path.clone() });
            }
            files.extend(found);
            path.clone()
        } else {
            files.push(path.clone());
            path.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        if settings_path.is_none() {
            let candidate = dir.join(SETTINGS_FILE_NAME);
            if candidate.is_file() {
                settings_path = Some(candidate);
            }
        }
    }
    let mut errors = Vec::new();
    let settings = match &settings_path {
        Some(path) => match validate_settings(path, &read(path)?) {
            Ok(settings) => settings,
            Err(invalid) => {
                errors.extend(invalid.errors);
                Settings::default()
            }
        },
        None => Settings::default(),
    };
    let mut definitions = Vec::new();
    for file in &files {
        match validate(file, &read(file)?) {
            Ok(definition) => definitions.push(definition),
            Err(invalid) => errors.extend(invalid.errors),
        }
    }
    if errors.is_empty() {
        Ok(LoadedConfig {
            definitions,
            settings,
            settings_path,
        })
    } else {
        Err(LoadError::Invalid { errors })
    }
}

/// The `*.toml` files of `dir` other than the settings file, sorted by name.
fn definition_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io_error = |source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_error)? {
        let path = entry.map_err(io_error)?.path();
        let is_definition = path.extension().is_some_and(|ext| ext == "toml")
            && path
                .file_name()
                .is_some_and(|name| name != SETTINGS_FILE_NAME)
            && path.is_file();
        if is_definition {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

fn read(path: &Path) -> Result<String, LoadError> {
    fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })
}
