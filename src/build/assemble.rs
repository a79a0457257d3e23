//! One definition's output made from its sources' articles: merged, filtered, sorted,
//! cut to the limit, split by tag and written to disk. Touches no store, so outputs
//! are assembled on worker threads, several at a time, while the run's thread reads
//! the next definition's articles and records what the last one emitted.
//! Entry point: [`assemble`].

use std::borrow::Cow;

use super::BuildOptions;
use super::output::{self, Written};
use super::report::BuiltFeed;
use crate::config::FeedDefinition;
use crate::model::Article;
use crate::pipeline::{self, MergePool};

/// One definition's output as assembled.
pub(super) struct Assembled {
    /// The feed as emitted and its per-tag split.
    pub built: BuiltFeed,
    /// The files written (none without an output directory, or after an error).
    pub files: Vec<Written>,
    /// Why some file could not be written.
    pub error: Option<String>,
}

/// Merges the sources in `pool` into `definition`'s feed and (with an output
/// directory) writes it in every format, with its per-tag feeds when asked for.
pub(super) fn assemble(
    definition: &FeedDefinition,
    pool: MergePool,
    options: &BuildOptions,
) -> Assembled {
    let meta = &definition.feed;
    let now = options.now.fixed_offset();
    let filter = meta.filter.prepare(now, &definition.aliases);
    let limit = meta.limit.min(meta.filter.limit.unwrap_or(usize::MAX));
    // Merged, links cleaned, filtered, sorted and cut to the limit in one pass.
    let articles =
        pipeline::merge_newest(pool, &meta.dedup, &definition.aliases, limit, |article| {
            if let Some(link) = &article.link
                && let Cow::Owned(clean) = pipeline::without_tracking(link)
            {
                article.link = Some(clean);
            }
            filter.keeps(article)
        });
    let built = compose(definition, articles, options);
    let mut assembled = Assembled {
        built,
        files: Vec::new(),
        error: None,
    };
    if let Some(dir) = &options.output_dir {
        // Cleaned once for the feed and every tag feed: a tag feed's articles are the
        // feed's, and clean the same.
        let clean = output::clean(&assembled.built.feed);
        // Written once per format; the tag feeds are joined from these documents.
        let written = output::pieces(&clean, &meta.formats).and_then(|pieces| {
            output::write_formats(&pieces, &meta.formats, dir, &meta.name)
                .map(|written| (written, pieces))
        });
        match written {
            Ok((written, pieces)) => {
                assembled.files = written;
                if meta.per_tag {
                    let built = &assembled.built;
                    let articles = &built.feed.articles;
                    let tags = &built.tags;
                    match output::write_per_tag(
                        meta,
                        &clean,
                        &pieces,
                        articles,
                        tags,
                        dir,
                        options.now,
                    ) {
                        Ok(written) => assembled.files.extend(written),
                        Err(error) => {
                            assembled.error = Some(format!(
                                "writing the per-tag feeds of `{}`: {error}",
                                meta.name
                            ));
                        }
                    }
                }
            }
            Err(error) => {
                assembled.error = Some(format!(
                    "writing `{}`: {error}",
                    dir.join(&meta.name).display()
                ));
            }
        }
    }
    assembled
}

/// The feed `definition` emits as `articles` (final: filtered, sorted, cut) and, with
/// `per-tag`, its split by tag.
pub(super) fn compose(
    definition: &FeedDefinition,
    articles: Vec<Article>,
    options: &BuildOptions,
) -> BuiltFeed {
    let meta = &definition.feed;
    let tags = if meta.per_tag {
        pipeline::split_by_tag(&articles, &definition.aliases)
    } else {
        Vec::new()
    };
    BuiltFeed {
        name: meta.name.clone(),
        feed: output::compose_feed(meta, &meta.title, articles, options.now),
        tags,
    }
}
