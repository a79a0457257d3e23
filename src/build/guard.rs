//! One build at a time per output directory, and what a killed build left behind swept
//! away before the next one writes.
//!
//! Policy: the lock is an advisory `flock` on `OUTPUT_DIR/.feedmill.lock`, held for the
//! whole run and released by the kernel when the process ends, however it ends, so a
//! killed build never leaves a stale lock. A second build on the same directory waits
//! for the first. Holding the lock, every temporary file of [`super::atomic`]'s writes
//! (`.feedmill-*.tmp`) under the directory is a leftover of a killed run, and is removed.
//! Entry point: [`lock_output_dir`].

use std::fs::{self, File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

use super::atomic::{TEMP_PREFIX, TEMP_SUFFIX};

/// The lock file's name inside the output directory.
pub const LOCK_FILE: &str = ".feedmill.lock";

/// How deep under the output directory outputs are written (`NAME/tags/SLUG.EXT`).
const OUTPUT_DEPTH: usize = 3;

/// The output directory, locked for this process until dropped.
#[derive(Debug)]
pub struct OutputLock {
    _file: File,
}

/// Creates `dir` if needed, waits for the exclusive lock on it, then removes the
/// temporary files an earlier, killed build left there. Returns the lock.
pub fn lock_output_dir(dir: &Path) -> io::Result<OutputLock> {
    fs::create_dir_all(dir)?;
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            tracing::info!(dir = %dir.display(), "another build is writing here; waiting for it");
            file.lock()?;
        }
        Err(TryLockError::Error(error)) => return Err(error),
    }
    let removed = remove_leftovers(dir, OUTPUT_DEPTH)?;
    if !removed.is_empty() {
        tracing::info!(?removed, "removed temporary files a killed build left");
    }
    Ok(OutputLock { _file: file })
}

/// Removes `.feedmill-*.tmp` files in `dir` and its subdirectories down to `depth`.
fn remove_leftovers(dir: &Path, depth: usize) -> io::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() && depth > 1 {
            removed.extend(remove_leftovers(&path, depth - 1)?);
        } else if kind.is_file() && is_temporary(&entry.file_name().to_string_lossy()) {
            fs::remove_file(&path)?;
            removed.push(path);
        }
    }
    Ok(removed)
}

fn is_temporary(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftover_temporary_files_are_removed_and_outputs_kept() {
        let dir = tempfile::tempdir().unwrap();
        let tags = dir.path().join("world/tags");
        fs::create_dir_all(&tags).unwrap();
        for kept in ["world.rss", "world/tags/a.atom", "world/tags/index.html"] {
            fs::write(dir.path().join(kept), "kept").unwrap();
        }
        for gone in [".feedmill-abc.tmp", "world/tags/.feedmill-x1Y.tmp"] {
            fs::write(dir.path().join(gone), "half").unwrap();
        }

        let lock = lock_output_dir(dir.path()).unwrap();

        assert!(dir.path().join("world.rss").is_file());
        assert!(tags.join("a.atom").is_file());
        assert!(tags.join("index.html").is_file());
        assert!(!dir.path().join(".feedmill-abc.tmp").exists());
        assert!(!tags.join(".feedmill-x1Y.tmp").exists());
        drop(lock);
    }

    #[test]
    fn a_second_lock_waits_for_the_first_to_be_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock_output_dir(dir.path()).unwrap();
        let other = File::options()
            .write(true)
            .open(dir.path().join(LOCK_FILE))
            .unwrap();
        assert!(other.try_lock().is_err(), "held by the first");
        drop(first);
        assert!(other.try_lock().is_ok(), "free once dropped");
    }
}
