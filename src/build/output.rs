//! Writes a built feed's files: one per format, and with `per-tag` one per tag and
//! format plus an index, each written atomically (a temporary file renamed over the old).
//! The feed is cleaned once ([`clean`]) and written once per format; its tag feeds are
//! joined from those documents' pieces ([`emit::CleanFeed::write_part_from`]), never
//! cleaning or writing an article again.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::atomic::write_if_changed;
use crate::config::FeedMeta;
use crate::emit::{CleanFeed, EmitOptions, FeedPart, FeedPieces, OutputFormat};
use crate::fetch::map_bounded;
use crate::model::{Article, Feed, Generator, Text, Timestamp};
use crate::pipeline::TagFeed;

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
    Feed {
        title: Some(Text::plain(title)),
        link: meta.link.as_ref().map(ToString::to_string),
        id: Some(meta.feed_id()),
        description: meta.description.clone().map(Text::plain),
        updated: Some(newest_or(&articles, now)),
        generator: Some(Generator {
            name: "feedmill".to_owned(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
        articles,
        ..Feed::default()
    }
}

/// The newest article's date (the later of updated and published), else `now`: a
/// composed feed's `updated`.
fn newest_or<'a>(articles: impl IntoIterator<Item = &'a Article>, now: DateTime<Utc>) -> Timestamp {
    articles
        .into_iter()
        .filter_map(|article| article.updated.max(article.published))
        .max()
        .unwrap_or_else(|| now.fixed_offset())
}

/// `feed` cleaned for writing, once for the feed and all its tag feeds.
pub(super) fn clean(feed: &Feed) -> CleanFeed {
    CleanFeed::new(feed, &EmitOptions::default())
}

/// A file written, with its [`stamp`].
pub(super) type Written = (PathBuf, String);

/// What tells a file from the one written: its length and modification time, as
/// `LENGTH:NANOSECONDS` (the quick check `rsync` and `make` trust; reading back and
/// hashing every output would cost more than writing it).
fn stamp(path: &Path) -> io::Result<String> {
    let meta = fs::metadata(path)?;
    let modified = meta
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    Ok(format!("{}:{modified}", meta.len()))
}

/// `feed` written in each of `formats`, cut for its tag feeds.
pub(super) fn pieces(feed: &CleanFeed, formats: &[OutputFormat]) -> io::Result<FeedPieces> {
    feed.pieces(formats)
        .map_err(|error| io::Error::other(error.to_string()))
}

/// Writes the documents of `pieces`, one per format of `formats`, under `dir` as
/// `STEM.EXT`; returns the files.
pub(super) fn write_formats(
    pieces: &FeedPieces,
    formats: &[OutputFormat],
    dir: &Path,
    stem: &str,
) -> io::Result<Vec<Written>> {
    write_documents(formats, pieces.documents(), dir, stem)
}

/// Writes `documents`, one per format of `formats`, under `dir` as `STEM.EXT`.
fn write_documents<'d>(
    formats: &[OutputFormat],
    documents: impl IntoIterator<Item = &'d [u8]>,
    dir: &Path,
    stem: &str,
) -> io::Result<Vec<Written>> {
    fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (&format, bytes) in formats.iter().zip(documents) {
        let path = dir.join(format!("{stem}.{}", extension(format)));
        write_if_changed(&path, bytes)?;
        let stamp = stamp(&path)?;
        written.push((path, stamp));
    }
    Ok(written)
}

/// Writes one feed per tag under `DIR/NAME/tags/` (`SLUG.EXT`) and an `index.html`
/// listing them; removes tag files of earlier runs whose tag is gone. Returns the files
/// written.
///
/// `feed` is the feed [`clean`]ed, `articles` its articles as composed (the tags'
/// positions point into them): each tag feed has the bytes [`compose_feed`] of its
/// articles would write.
pub(super) fn write_per_tag(
    meta: &FeedMeta,
    feed: &CleanFeed,
    pieces: &FeedPieces,
    articles: &[Article],
    tags: &[TagFeed],
    output_dir: &Path,
    now: DateTime<Utc>,
) -> io::Result<Vec<Written>> {
    let dir = output_dir.join(&meta.name).join("tags");
    // Tag feeds are independent: written on every core, their disk flushes overlapping.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let results = map_bounded(tags, workers, |tag| {
        let part = FeedPart {
            title: Some(Text::plain(tag_title(meta, tag))),
            updated: Some(newest_or(tag.articles(articles), now)),
            positions: &tag.positions,
        };
        let documents = feed
            .write_part_from(pieces, &part)
            .map_err(|error| io::Error::other(error.to_string()))?;
        write_documents(
            &meta.formats,
            documents.iter().map(Vec::as_slice),
            &dir,
            &tag.slug,
        )
    });
    let mut written = Vec::new();
    for paths in results {
        written.extend(paths?);
    }
    fs::create_dir_all(&dir)?;
    let index = dir.join("index.html");
    let html = tag_index_html(meta, tags);
    write_if_changed(&index, html.as_bytes())?;
    let stamp = stamp(&index)?;
    written.push((index, stamp));
    let paths: Vec<PathBuf> = written.iter().map(|(path, _)| path.clone()).collect();
    remove_stale(&dir, &paths)?;
    Ok(written)
}

/// Removes tag files under `DIR/NAME/tags/` that are not among `files`, as
/// [`write_per_tag`] does after writing them.
pub(super) fn remove_stale_tag_feeds(
    meta: &FeedMeta,
    output_dir: &Path,
    files: &[PathBuf],
) -> io::Result<()> {
    remove_stale(&output_dir.join(&meta.name).join("tags"), files)
}

/// True when every file still has the [`stamp`] it had when written.
pub(super) fn unchanged_on_disk(files: &[Written]) -> bool {
    files
        .iter()
        .all(|(path, written)| stamp(path).is_ok_and(|now| now == *written))
}

/// The title of a per-tag feed: `FEED — TAG`.
pub fn tag_title(meta: &FeedMeta, tag: &TagFeed) -> String {
    format!("{} — {}", meta.title, tag.label)
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
            tag.positions.len()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit;
    use crate::model::Tag;
    use crate::pipeline::{TagAliases, split_by_tag};

    fn article(link: &str, published: Option<&str>, tags: &[&str]) -> Article {
        Article {
            id: format!("https://world.example{link}"),
            title: Some(Text::plain(format!("Story {link} <b>"))),
            link: Some(link.to_owned()),
            published: published.map(|at| DateTime::parse_from_rfc3339(at).unwrap()),
            summary: Some(Text::html(
                "<p onclick=\"x()\">Read <a href=\"more\">more</a></p><script>y()</script>\
                 <img src=\"../img/a.png\">",
            )),
            tags: tags.iter().map(|term| Tag::new(*term)).collect(),
            ..Article::default()
        }
    }

    #[test]
    fn tag_feeds_have_the_bytes_their_own_composed_feeds_write() {
        let definition = crate::config::validate(
            Path::new("feeds/world.toml"),
            "[feed]\ntitle = \"World\"\nname = \"world\"\nlink = \"https://world.example/news/\"\n\
             per-tag = true\nformats = [\"rss\", \"atom\", \"json\"]\n\n\
             [[source]]\nname = \"wire\"\nurl = \"https://wire.example/feed.xml\"\n",
        )
        .expect("a valid definition");
        let meta = &definition.feed;
        let now = DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
            .unwrap()
            .to_utc();
        let articles = vec![
            article(
                "/a/1",
                Some("2026-11-24T09:00:00+09:00"),
                &["Seoul", "Trade"],
            ),
            article("/b/2", None, &["Undated"]),
            article("c/3", Some("2026-11-20T09:00:00-05:00"), &["trade"]),
        ];
        let tags = split_by_tag(&articles, &TagAliases::default());
        assert_eq!(tags.len(), 3);
        let feed = compose_feed(meta, &meta.title, articles, now);
        let dir = tempfile::tempdir().unwrap();
        let clean = clean(&feed);
        let pieces = pieces(&clean, &meta.formats).unwrap();
        write_per_tag(
            meta,
            &clean,
            &pieces,
            &feed.articles,
            &tags,
            dir.path(),
            now,
        )
        .unwrap();
        for tag in &tags {
            let articles = tag.articles(&feed.articles).cloned().collect();
            let own = compose_feed(meta, &tag_title(meta, tag), articles, now);
            let expected = emit::write_formats(&own, &meta.formats, &EmitOptions::default());
            for (format, bytes) in meta.formats.iter().zip(expected.unwrap()) {
                let name = format!("{}.{}", tag.slug, extension(*format));
                let path = dir.path().join("world/tags").join(name);
                let written = fs::read_to_string(&path).unwrap();
                assert_eq!(
                    written,
                    String::from_utf8(bytes).unwrap(),
                    "{}",
                    path.display()
                );
                assert!(!written.contains("onclick") && !written.contains("y()"));
            }
        }
    }
}
