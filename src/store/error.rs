//! The one error type of the store: every message names the store file and what failed.

use std::path::PathBuf;

/// A store operation that failed. Each message names the store path and the step.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The directory the store file goes in could not be created.
    #[error("opening store `{path}`: creating its directory")]
    CreateDir {
        /// The store file.
        path: PathBuf,
        /// Why creating the directory failed.
        #[source]
        source: std::io::Error,
    },
    /// SQLite could not open the file or set it up (pragmas, schema migrations).
    #[error("opening store `{path}`: {step}")]
    Open {
        /// The store file.
        path: PathBuf,
        /// What was being done, such as `setting the WAL journal mode`.
        step: String,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The file exists but is not a feedmill store (not SQLite at all, or another
    /// program's database).
    #[error("opening store `{path}`: not a feedmill store: {reason}")]
    NotAStore {
        /// The file.
        path: PathBuf,
        /// What gave it away.
        reason: String,
    },
    /// The store was written by a newer feedmill whose schema this one does not know.
    #[error(
        "opening store `{path}`: schema version {found} was written by a newer feedmill \
         (this one knows versions up to {supported})"
    )]
    TooNew {
        /// The store file.
        path: PathBuf,
        /// The schema version the file has.
        found: i64,
        /// The newest schema version this build can read and write.
        supported: i64,
    },
    /// A query or write failed.
    #[error("{action} in store `{path}`")]
    Query {
        /// The store file (`:memory:` for an in-memory store).
        path: PathBuf,
        /// What was being done, such as ``remembering articles of source `world/a` ``.
        action: String,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// A value could not be written as JSON.
    #[error("{action} in store `{path}`: encoding JSON")]
    Encode {
        /// The store file.
        path: PathBuf,
        /// What was being done.
        action: String,
        /// What serde_json said.
        #[source]
        source: serde_json::Error,
    },
}

/// A failure inside one operation, before the store adds its path and the action.
#[derive(Debug)]
pub(super) enum Failure {
    Sql(rusqlite::Error),
    Json(serde_json::Error),
}

impl From<rusqlite::Error> for Failure {
    fn from(error: rusqlite::Error) -> Self {
        Failure::Sql(error)
    }
}

impl From<serde_json::Error> for Failure {
    fn from(error: serde_json::Error) -> Self {
        Failure::Json(error)
    }
}

impl Failure {
    /// The public error, naming the store path and the action.
    pub(super) fn into_error(self, path: PathBuf, action: String) -> StoreError {
        match self {
            Failure::Sql(source) => StoreError::Query {
                path,
                action,
                source,
            },
            Failure::Json(source) => StoreError::Encode {
                path,
                action,
                source,
            },
        }
    }
}
