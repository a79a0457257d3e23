//! Merging the articles of many sources into one list, one article per story.
//!
//! Two articles are one story when, by the enabled [`DedupOptions`]:
//! - their canonical URLs ([`canonical_url`] of the link, or of an id that is a URL) are
//!   equal (hash map);
//! - they state the same id (`IdOrigin::Stated` only: derived ids say nothing the link or
//!   the hash does not). Numeric or short ids (`4711`, `p-12`, under
//!   [`GLOBAL_ID_MIN_LEN`] characters) only join articles of the same source, since two
//!   sites can number their posts alike; longer ids (`tag:`, `urn:`, URLs) join across
//!   sources (hash map);
//! - their titles are near-identical and their dates within the window (see
//!   `title.rs`: identical titles by hash map, similar ones through an inverted index of
//!   each title's rarest words).
//!
//! "Same story" is transitive (union-find). The whole merge is linear in the number of
//! articles plus the candidate pairs title blocking finds.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use xxhash_rust::xxh3::xxh3_128;

use super::order::{article_date, sort_newest_first};
use super::title::{TitleInput, link_similar_titles};
use super::{DedupOptions, TagAliases, canonical_url};
use crate::model::{Article, IdOrigin, SourceRef, Text, TextKind, Timestamp};

/// Stated ids shorter than this, or made only of digits, are compared within their
/// source only.
pub const GLOBAL_ID_MIN_LEN: usize = 12;

/// The articles one configured source gave, for [`merge`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceArticles {
    /// The source, recorded in each merged article's `merged_from` (and as its `source`
    /// when the reader left that empty).
    pub source: SourceRef,
    /// Its articles, in document order.
    pub articles: Vec<Article>,
}

/// Merges the articles of `sources` (given in definition order) into one list with one
/// article per story, newest first (published, else updated; undated last; ties keep
/// definition order).
///
/// A merged article is the first one found in definition order (then document order),
/// so its id is stable across runs as long as the first source carries it, with:
/// - gaps filled from the others in order: title, link, summary, image, comments,
///   language, rights, duration, explicit, authors, enclosures and links (lists only when
///   empty); content: the longest (as plain text) wins;
/// - the earliest `published` and the latest `updated` of all;
/// - the union of the tags, by [`TagAliases::normalize`] key, aliases rewritten
///   ([`TagAliases::apply`]), first occurrence kept;
/// - `merged_from`: each source that carried the story, once, in definition order;
/// - `source`: its own, else its configured source.
///
/// Every article gets `merged_from` and aliases applied, merged or not.
pub fn merge(
    sources: Vec<SourceArticles>,
    options: &DedupOptions,
    aliases: &TagAliases,
) -> Vec<Article> {
    let mut pool = MergePool::with_capacity(sources.len());
    for source in sources {
        pool.add(source);
    }
    merge_pool(pool, options, aliases)
}

/// [`merge`] of the sources gathered in `pool`.
pub fn merge_pool(pool: MergePool, options: &DedupOptions, aliases: &TagAliases) -> Vec<Article> {
    let mut merged = Vec::new();
    merge_stories(pool, options, aliases, |story| merged.push(story));
    sort_newest_first(&mut merged);
    merged
}

/// The newest `limit` stories of [`merge_pool`] that `keep` accepts (it may change them,
/// e.g. clean their links, before judging), newest first: what filtering its result with
/// `keep`, then cutting it to `limit`, gives. Stories are judged as they are combined and
/// only the newest ones are held, so a merge of tens of thousands of articles for a
/// feed of a hundred never holds a second list of them all.
pub fn merge_newest(
    pool: MergePool,
    options: &DedupOptions,
    aliases: &TagAliases,
    limit: usize,
    mut keep: impl FnMut(&mut Article) -> bool,
) -> Vec<Article> {
    let mut newest = Newest::new(limit);
    merge_stories(pool, options, aliases, |mut story| {
        if keep(&mut story) {
            newest.push(story);
        }
    });
    newest.finish()
}

/// The newest of a sequence of articles, at most `limit` of them, as sorting them all
/// ([`sort_newest_first`], stable) and cutting the list would keep: those held are
/// sorted and cut whenever they reach twice the limit.
struct Newest {
    limit: usize,
    held: Vec<Article>,
}

impl Newest {
    fn new(limit: usize) -> Self {
        Newest {
            limit,
            held: Vec::new(),
        }
    }

    fn push(&mut self, article: Article) {
        self.held.push(article);
        if self.held.len() >= self.limit.saturating_mul(2).max(64) {
            self.cut();
        }
    }

    fn cut(&mut self) {
        // The held list is already the newest of all before it, in their sorted order,
        // followed by later articles: a stable sort puts ties in arrival order, as one
        // sort of everything would.
        sort_newest_first(&mut self.held);
        self.held.truncate(self.limit);
    }

    fn finish(mut self) -> Vec<Article> {
        self.cut();
        self.held.shrink_to_fit();
        self.held
    }
}

/// Links the articles of `pool` into stories and hands each story to `story`, in the
/// order of its first member; each source's list is freed once its stories are out.
fn merge_stories(
    mut pool: MergePool,
    options: &DedupOptions,
    aliases: &TagAliases,
    mut story: impl FnMut(Article),
) {
    for article in pool.sources.iter_mut().flatten() {
        aliases.apply(article);
    }
    let mut sets = DisjointSets::new(pool.len());
    if options.by_url {
        link_by_key(
            &mut sets,
            pool.articles().map(|(article, _)| url_keys(article)),
        );
    }
    if options.by_id {
        let keys = pool
            .articles()
            .map(|(article, source)| id_key(article, source));
        link_by_key(&mut sets, keys);
    }
    if options.by_title {
        pool.link_titles(options, &mut sets);
    }
    let MergePool { refs, sources, .. } = pool;
    // Where each source's articles start in the numbering `sets` uses.
    let starts: Vec<usize> = (sources.iter())
        .scan(0, |next, articles| {
            let start = *next;
            *next += articles.len();
            Some(start)
        })
        .collect();
    let locate = |idx: usize| {
        let source = starts.partition_point(|start| *start <= idx) - 1;
        (source, idx - starts[source])
    };
    let mut slots: Vec<Vec<Option<Article>>> = (sources.into_iter())
        .map(|articles| articles.into_iter().map(Some).collect())
        .collect();
    let mut freed = 0;
    for group in sets.groups() {
        let Some(&first) = group.first() else {
            continue;
        };
        let (first_source, _) = locate(first);
        // Every article of an earlier source belongs to a story already out.
        for done in &mut slots[freed..first_source] {
            *done = Vec::new();
        }
        freed = freed.max(first_source);
        let members = group.iter().filter_map(|idx| {
            let (source, at) = locate(*idx);
            slots[source][at].take()
        });
        let sources = group.iter().map(|idx| &refs[locate(*idx).0]);
        if let Some(merged) = combine(members, sources, aliases) {
            story(merged);
        }
    }
}

/// Every source's articles, in definition then document order: what [`merge_pool`]
/// merges. Each source's list is kept as given (its articles are not copied into one
/// list for all, which the largest merges would hold twice over while copying).
#[derive(Debug, Default)]
pub struct MergePool {
    /// The sources, in definition order.
    refs: Vec<Arc<SourceRef>>,
    /// Each source's articles, by its position in `refs`.
    sources: Vec<Vec<Article>>,
    /// How many articles in all.
    len: usize,
}

impl MergePool {
    /// An empty pool with room for `sources` sources.
    pub fn with_capacity(sources: usize) -> MergePool {
        MergePool {
            refs: Vec::with_capacity(sources),
            sources: Vec::with_capacity(sources),
            len: 0,
        }
    }

    /// Adds the next source (in definition order), filling each article's empty
    /// `source` with it.
    pub fn add(&mut self, source: SourceArticles) {
        let SourceArticles {
            source,
            mut articles,
        } = source;
        let source = Arc::new(source);
        for article in &mut articles {
            if article.source.is_none() {
                article.source = Some(Arc::clone(&source));
            }
        }
        self.len += articles.len();
        self.sources.push(articles);
        self.refs.push(source);
    }

    /// How many articles the pool holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the pool holds no article.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every article with the position of its source, in pool order.
    fn articles(&self) -> impl Iterator<Item = (&Article, usize)> {
        (self.sources.iter().enumerate())
            .flat_map(|(source, articles)| articles.iter().map(move |article| (article, source)))
    }

    /// Unions the articles whose titles are near-identical within the window.
    fn link_titles(&self, options: &DedupOptions, sets: &mut DisjointSets) {
        // Plain titles are borrowed; only HTML ones are stripped into new strings.
        let plain_titles: Vec<Option<Cow<'_, str>>> = self
            .articles()
            .map(|(article, _)| {
                article.title.as_ref().map(|title| match title.kind {
                    TextKind::Plain => Cow::Borrowed(title.value.as_str()),
                    TextKind::Html => Cow::Owned(title.to_plain()),
                })
            })
            .collect();
        let inputs: Vec<TitleInput<'_>> = (self.articles().zip(&plain_titles))
            .map(|((article, source), title)| TitleInput {
                title: title.as_deref(),
                source,
                date: article_date(article).map(|date| date.timestamp()),
            })
            .collect();
        let window = i64::try_from(options.title_window.as_secs()).unwrap_or(i64::MAX);
        link_similar_titles(&inputs, options.title_similarity, window, sets);
    }
}

/// The canonical URLs an article is known by: its link's and its id's.
fn url_keys(article: &Article) -> impl Iterator<Item = String> + use<> {
    let link = article.link.as_deref().and_then(canonical_url);
    let id = if article.link.as_deref() == Some(article.id.as_str()) {
        None
    } else {
        canonical_url(&article.id).filter(|id| Some(id) != link.as_ref())
    };
    link.into_iter().chain(id)
}

/// The stated-id key: `source:id` for ids only meaningful within their source.
fn id_key(article: &Article, source: usize) -> Option<String> {
    if article.id_origin != IdOrigin::Stated {
        return None;
    }
    let id = article.id.trim();
    if id.is_empty() {
        return None;
    }
    let local = id.chars().count() < GLOBAL_ID_MIN_LEN || id.bytes().all(|b| b.is_ascii_digit());
    Some(if local {
        // A NUL cannot be in a feed's id, so local keys never equal global ones.
        format!("{source}\0{id}")
    } else {
        id.to_owned()
    })
}

/// Unions every two articles that share a key. Keys are held as 128-bit hashes
/// (XXH3), not strings: with tens of thousands of articles the strings would be tens
/// of megabytes, and two distinct keys sharing a hash is not a practical concern.
fn link_by_key<K>(sets: &mut DisjointSets, keys_per_article: impl Iterator<Item = K>)
where
    K: IntoIterator<Item = String>,
{
    let mut first_with: HashMap<u128, usize> = HashMap::new();
    for (idx, keys) in keys_per_article.enumerate() {
        for key in keys {
            let first = *first_with.entry(xxh3_128(key.as_bytes())).or_insert(idx);
            sets.union(first, idx);
        }
    }
}

/// One article from a story's members (in definition order) and their sources.
fn combine<'s>(
    mut members: impl Iterator<Item = Article>,
    sources: impl Iterator<Item = &'s Arc<SourceRef>>,
    aliases: &TagAliases,
) -> Option<Article> {
    let mut merged = members.next()?;
    let mut n_members = 1;
    // The plain-text length of the content kept so far, once some member has content
    // to compare (stripping HTML is the costly part of combining).
    let mut content_len = None;
    for other in members {
        fill_gaps(&mut merged, other, &mut content_len);
        n_members += 1;
    }
    if n_members > 1 {
        // Drops the tags whose key repeats an earlier member's.
        aliases.apply(&mut merged);
    }
    for source in sources {
        if !merged.merged_from.contains(source) {
            merged.merged_from.push(Arc::clone(source));
        }
    }
    Some(merged)
}

/// Takes from `other` what `merged` lacks; dates widen; tags are appended (the caller
/// removes repeated keys once).
fn fill_gaps(merged: &mut Article, other: Article, content_len: &mut Option<usize>) {
    fn gap<T>(mine: &mut Option<T>, theirs: Option<T>) {
        if mine.is_none() {
            *mine = theirs;
        }
    }
    fn gap_list<T>(mine: &mut Vec<T>, theirs: Vec<T>) {
        if mine.is_empty() {
            *mine = theirs;
        }
    }
    gap(&mut merged.title, other.title);
    gap(&mut merged.link, other.link);
    gap(&mut merged.summary, other.summary);
    gap(&mut merged.image, other.image);
    gap(&mut merged.comments, other.comments);
    gap(&mut merged.language, other.language);
    gap(&mut merged.rights, other.rights);
    gap(&mut merged.duration_seconds, other.duration_seconds);
    gap(&mut merged.explicit, other.explicit);
    gap_list(&mut merged.authors, other.authors);
    gap_list(&mut merged.enclosures, other.enclosures);
    gap_list(&mut merged.links, other.links);
    if let Some(theirs) = other.content.as_ref().map(plain_len) {
        let mine = *content_len.get_or_insert_with(|| merged.content.as_ref().map_or(0, plain_len));
        if theirs > mine {
            merged.content = other.content;
            *content_len = Some(theirs);
        }
    }
    merged.published = earliest(merged.published, other.published);
    merged.updated = match (merged.updated, other.updated) {
        (Some(mine), Some(theirs)) => Some(mine.max(theirs)),
        (mine, theirs) => mine.or(theirs),
    };
    merged.tags.extend(other.tags);
}

fn earliest(mine: Option<Timestamp>, theirs: Option<Timestamp>) -> Option<Timestamp> {
    match (mine, theirs) {
        (Some(mine), Some(theirs)) => Some(mine.min(theirs)),
        (mine, theirs) => mine.or(theirs),
    }
}

fn plain_len(text: &Text) -> usize {
    text.to_plain().chars().count()
}

/// Union-find over article indices, with path halving and union by size.
#[derive(Debug, Clone)]
pub(crate) struct DisjointSets {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl DisjointSets {
    pub(crate) fn new(n: usize) -> Self {
        DisjointSets {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    pub(crate) fn find(&mut self, mut idx: usize) -> usize {
        while self.parent[idx] != idx {
            self.parent[idx] = self.parent[self.parent[idx]];
            idx = self.parent[idx];
        }
        idx
    }

    pub(crate) fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }

    /// Every set as its members in ascending order, sets ordered by their first member.
    pub(crate) fn groups(&mut self) -> Vec<Vec<usize>> {
        let mut group_of_root: HashMap<usize, usize> = HashMap::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for idx in 0..self.parent.len() {
            let root = self.find(idx);
            let group = *group_of_root.entry(root).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[group].push(idx);
        }
        groups
    }
}

#[cfg(test)]
#[path = "dedup_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "dedup_scale_tests.rs"]
mod scale_tests;
