//! Writes a built feed's files: one per format, and with `per-tag` one per tag and
//! format plus an index, each written atomically (a temporary file renamed over the old).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::config::FeedMeta;
use crate::emit::{self, EmitOptions, OutputFormat};
use crate::fetch::map_bounded;
use crate::model::{Article, Feed, Generator, Text};
use crate::pipeline::{TagAliases, TagFeed, split_by_tag};

/// The file extension of a format: `rss`, `atom`, `json`.
pub fn extension(format: OutputFormat) -> &'static str {
    match format {
        OutputFormat::Rss => "rss",
        OutputFormat::Atom => "atom",
        OutputFormat::Json => "json",
    }
}

/// The feed document for `meta` holding `articles`: title, description, link, id, and
/// as `updated` the newest article's date (so an unchanged feed writes the same bytes),
/// else `now`.
pub fn compose_feed(
    meta: &FeedMeta,
    title: &str,
    articles: Vec<Article>,
    now: DateTime<Utc>,
) -> Feed {
    let newest = articles
        .iter()
        .filter_map(|article| article.updated.max(article.published))
        .max();
    Feed {
        title: Some(Text::plain(title)),
        link: meta.link.as_ref().map(ToString::to_string),
        id: Some(meta.feed_id()),
        description: meta.description.clone().map(Text::plain),
        updated: Some(newest.unwrap_or_else(|| now.fixed_offset())),
        generator: Some(Generator {
            name: "feedmill".to_owned(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
        articles,
        ..Feed::default()
    }
}

/// Writes `feed` in every format of `meta` under `dir` as `STEM.EXT`; returns the paths.
pub fn write_formats(
    feed: &Feed,
    formats: &[OutputFormat],
    dir: &Path,
    stem: &str,
) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    // Cleaning the feed (sanitizing every article's HTML) is most of the cost; once for
    // all formats.
    let documents = emit::write_formats(feed, formats, &EmitOptions::default())
        .map_err(|error| io::Error::other(error.to_string()))?;
    for (&format, bytes) in formats.iter().zip(documents) {
        let path = dir.join(format!("{stem}.{}", extension(format)));
        write_if_changed(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// Writes one feed per tag under `DIR/NAME/tags/` (`SLUG.EXT`) and an `index.html`
/// listing them; removes tag files of earlier runs whose tag is gone. Returns the paths
/// written and the tag feeds.
pub fn write_per_tag(
    meta: &FeedMeta,
    articles: &[Article],
    aliases: &TagAliases,
    output_dir: &Path,
    now: DateTime<Utc>,
) -> io::Result<(Vec<PathBuf>, Vec<TagFeed>)> {
    let dir = output_dir.join(&meta.name).join("tags");
    let tags = split_by_tag(articles, aliases);
    // Tag feeds are independent: written on every core, their disk flushes overlapping.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let results = map_bounded(&tags, workers, |tag| {
        let title = format!("{} — {}", meta.title, tag.label);
        let feed = compose_feed(meta, &title, tag.articles.clone(), now);
        write_formats(&feed, &meta.formats, &dir, &tag.slug)
    });
    let mut written = Vec::new();
    for paths in results {
        written.extend(paths?);
    }
    let index = dir.join("index.html");
    write_if_changed(&index, tag_index_html(meta, &tags).as_bytes())?;
    written.push(index);
    remove_stale(&dir, &written)?;
    Ok((written, tags))
}

/// Deletes feed files in `dir` (`*.rss`, `*.atom`, `*.json`) that this run did not write.
fn remove_stale(dir: &Path, written: &[PathBuf]) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let is_feed = path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| matches!(ext, "rss" | "atom" | "json"));
        if is_feed && !written.contains(&path) {
            fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// A plain HTML page linking every tag feed in every format, with feed auto-discovery
/// links for the first format.
fn tag_index_html(meta: &FeedMeta, tags: &[TagFeed]) -> String {
    let title = escape(&format!("{} — tags", meta.title));
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n"
    );
    if let Some(&first) = meta.formats.first() {
        for tag in tags {
            html.push_str(&format!(
                "<link rel=\"alternate\" type=\"{}\" title=\"{}\" href=\"{}.{}\">\n",
                media_type(first),
                escape(&tag.label),
                escape(&tag.slug),
                extension(first)
            ));
        }
    }
    html.push_str(&format!("</head>\n<body>\n<h1>{title}</h1>\n<ul>\n"));
    for tag in tags {
        html.push_str(&format!(
            "<li>{} ({} articles):",
            escape(&tag.label),
            tag.articles.len()
        ));
        for &format in &meta.formats {
            let ext = extension(format);
            html.push_str(&format!(
                " <a href=\"{}.{ext}\">{ext}</a>",
                escape(&tag.slug)
            ));
        }
        html.push_str("</li>\n");
    }
    html.push_str("</ul>\n</body>\n</html>\n");
    html
}

/// The media type a format is served with.
pub fn media_type(format: OutputFormat) -> &'static str {
    match format {
        OutputFormat::Rss => "application/rss+xml",
        OutputFormat::Atom => "application/atom+xml",
        OutputFormat::Json => "application/feed+json",
    }
}

fn escape(text: &str) -> String {
    crate::model::escape_html(text)
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

/// Writes `bytes` to a temporary file next to `path`, then renames it over `path`, so
/// readers see the old file or the new one, never half of one. An existing file keeps
/// its permissions; a new one gets the usual `0o666` less the umask.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".feedmill-").suffix(".tmp");
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
    // On failure the temporary file is deleted when the returned error drops it.
    temp.persist(path).map_err(|err| err.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
