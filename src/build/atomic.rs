//! Atomic file writes: a temporary file next to the target, synced, then renamed over
//! it, so a reader (or a crash) sees the old file or the new one, never half of one.
//! The directory is synced after the rename, so the new name survives a power loss too.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// The name a temporary file starts with (`.feedmill-XXXXXX.tmp`): hidden, and never a
/// feed's extension.
pub(crate) const TEMP_PREFIX: &str = ".feedmill-";
/// The name a temporary file ends with.
pub(crate) const TEMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to a temporary file next to `path`, then renames it over `path`, so
/// readers see the old file or the new one, never half of one. An existing file keeps
/// its permissions; a new one gets the usual `0o666` less the umask.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temp = written_temp_file(path, bytes)?;
    // On failure the temporary file is deleted when the returned error drops it.
    temp.persist(path).map_err(|err| err.error)?;
    sync_parent(path)
}

/// Like [`write_atomically`], but an existing `path` is left alone and is an
/// [`io::ErrorKind::AlreadyExists`] error (checked by the rename itself, so no race).
pub fn write_atomically_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temp = written_temp_file(path, bytes)?;
    temp.persist_noclobber(path).map_err(|err| err.error)?;
    sync_parent(path)
}

/// Flushes the directory holding `path`, so a rename into it is on disk.
fn sync_parent(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(parent_dir(path))?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// The directory `path` is in (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// A synced temporary file next to `path` holding `bytes`, with the permissions of the
/// file at `path` if there is one.
fn written_temp_file(path: &Path, bytes: &[u8]) -> io::Result<tempfile::NamedTempFile> {
    let dir = parent_dir(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(dir)?;
    temp.write_all(bytes)?;
    if let Ok(existing) = fs::metadata(path) {
        temp.as_file().set_permissions(existing.permissions())?;
    }
    temp.as_file().sync_all()?;
    Ok(temp)
}

/// Like [`write_atomically`], but leaves `path` alone when it already holds exactly
/// `bytes`: a feed that did not change keeps its file and its modification time (so
/// HTTP caches and mirrors see no change), and costs no flush to disk.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let same_length = fs::metadata(path).is_ok_and(|meta| meta.len() == bytes.len() as u64);
    if same_length && fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    write_atomically(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.xml");
        fs::write(&path, "old").expect("seed file");

        write_atomically(&path, b"new").expect("atomic write");

        assert_eq!(fs::read(&path).expect("read back"), b"new");
        let n_entries = fs::read_dir(dir.path()).expect("list dir").count();
        assert_eq!(n_entries, 1);
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_keeps_the_permissions_of_the_file_it_replaces() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.xml");
        fs::write(&path, "old").expect("seed file");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");

        write_atomically(&path, b"new").expect("atomic write");

        let mode = fs::metadata(&path).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[test]
    fn atomic_write_into_a_missing_directory_fails_and_creates_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("missing/out.xml");

        assert!(write_atomically(&path, b"new").is_err());
        assert_eq!(fs::read_dir(dir.path()).expect("list dir").count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn an_unchanged_file_is_left_alone_and_a_changed_one_replaced() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.atom");
        write_if_changed(&path, b"<feed/>").unwrap();
        let inode = fs::metadata(&path).unwrap().ino();
        write_if_changed(&path, b"<feed/>").unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().ino(),
            inode,
            "same bytes: same file"
        );
        write_if_changed(&path, b"<feed></feed>").unwrap();
        assert_ne!(fs::metadata(&path).unwrap().ino(), inode, "renamed over");
        assert_eq!(fs::read(&path).unwrap(), b"<feed></feed>");
        // Same length, other bytes: still replaced.
        write_if_changed(&path, b"<feed>..</feed>").unwrap();
        write_if_changed(&path, b"<feed>!!</feed>").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"<feed>!!</feed>");
    }
}
