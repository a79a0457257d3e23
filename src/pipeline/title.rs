//! Near-duplicate titles: which articles of different sources carry the same headline,
//! published within a window, without comparing every pair.
//!
//! Similarity is the normalized Levenshtein similarity (1 − edits ÷ longer length, in
//! characters; computed with `rapidfuzz`'s bit-parallel Levenshtein, stopped early once
//! the edits exceed what the threshold allows) of the titles folded to words (NFKC,
//! lowercase, punctuation as spaces). Edits catch what copies of one headline differ
//! by (a typo, `Kim Jong-un`/`Kim Jong Un`, `visits`/`visited`, a dropped article) while
//! staying order-sensitive, so two headlines made of the same words in another sense
//! stay apart; a token measure (Jaccard) would treat one changed word in a six-word
//! title as a third of it. Titles must state the same numbers (`day 3` is not `day 4`):
//! one changed digit is a small edit but a different story.
//!
//! Blocking, so the cost grows with the number of similar pairs and not with n²:
//! - titles are folded and grouped first (hash map); each distinct title is compared
//!   once, however many sources carry it, and articles with identical titles are paired
//!   by source and date without comparing anything;
//! - two distinct titles are compared only when they share a word of their
//!   *signatures*: each title's `2d + 1` rarest words, `d` being the most edits its
//!   similarity bound allows (a character edit changes at most two words, so titles
//!   within `d` edits share a signature word: prefix filtering over an inverted index);
//! - words are admitted to signatures rarest first while the comparisons they can cause
//!   stay within [`PAIR_BUDGET`]; a word in too many titles finds no candidates, so
//!   titles that share *only* such words are never compared (a deliberate trade: the
//!   cost stays bounded when a batch repeats a word thousands of times);
//! - a candidate pair is dropped before the edit distance is computed when its dates
//!   cannot be within the window, or when the lengths or the character counts (a bag
//!   distance, a lower bound of the edit distance) already show more edits than the
//!   threshold allows.
//!
//! Articles of one source are never paired by title: a source that gives two articles
//! with distinct links and ids means two articles.

use std::collections::{HashMap, HashSet};

use rapidfuzz::distance::levenshtein::{self, Args};
use xxhash_rust::xxh3::xxh3_128;

use super::dedup::DisjointSets;
use super::text::fold_words;

/// How many title comparisons the posting lists may offer in all: words are admitted to
/// signatures rarest first while the pairs their titles form (`n(n − 1)/2` for a word in
/// `n` titles) fit in this budget. In release builds a comparison that fails the cheap
/// checks costs tens of nanoseconds, so this keeps the comparisons to some tens of
/// milliseconds whatever the titles.
const PAIR_BUDGET: u64 = 1_000_000;

/// The comparisons a batch's titles may offer in all, per title: a batch's budget grows
/// with its size, from [`MIN_PAIR_BUDGET`] up to [`PAIR_BUDGET`], so merging many small
/// feeds does not spend the largest merge's budget on each of them.
const PAIRS_PER_TITLE: u64 = 200;

/// The smallest budget a batch gets, however few its titles.
const MIN_PAIR_BUDGET: u64 = 50_000;

/// Words in at most this many titles are always admitted, whatever the budget.
const ALWAYS_RARE: u32 = 4;

/// Titles with fewer words are too generic ("Daily briefing") to match by title, unless
/// they are one long unspaced word of a script written without spaces.
const MIN_WORDS: usize = 3;

/// How long (in characters) a title written without spaces must be to match by title.
const MIN_UNSPACED_CHARS: usize = 6;

/// One article as title matching sees it.
pub(crate) struct TitleInput<'a> {
    /// The title as written (plain text); `None` when the article has none.
    pub title: Option<&'a str>,
    /// Which source the article came from; titles of one source are never matched.
    pub source: usize,
    /// Published (else updated), as Unix seconds; undated articles are never matched.
    pub date: Option<i64>,
}

/// Unions, in `sets`, the articles whose titles have a similarity of at least
/// `threshold` and whose dates are at most `window_secs` apart.
pub(crate) fn link_similar_titles(
    inputs: &[TitleInput<'_>],
    threshold: f64,
    window_secs: i64,
    sets: &mut DisjointSets,
) {
    let budget = (inputs.len() as u64)
        .saturating_mul(PAIRS_PER_TITLE)
        .clamp(MIN_PAIR_BUDGET, PAIR_BUDGET);
    link_with_budget(inputs, threshold, window_secs, budget, sets);
}

fn link_with_budget(
    inputs: &[TitleInput<'_>],
    threshold: f64,
    window_secs: i64,
    pair_budget: u64,
    sets: &mut DisjointSets,
) {
    if threshold > 1.0 || threshold.is_nan() {
        return;
    }
    let mut titles = distinct_titles(inputs);
    for title in &mut titles {
        title
            .members
            .sort_by_key(|member| (member.date, member.index));
        link_identical(&title.members, window_secs, sets);
    }
    link_near(&titles, threshold, window_secs, pair_budget, sets);
}

/// One distinct folded title and the articles that carry it.
struct Title {
    folded: String,
    chars: usize,
    /// Distinct word ids, sorted.
    words: Vec<u32>,
    /// The words holding a digit (`3`, `2025`, `g7`), in title order: titles that state
    /// different numbers tell different stories (scores, counts, episodes).
    numbers: Vec<String>,
    /// Character counts by `char as u32 % 64`, for the bag-distance bound.
    histogram: [u8; 64],
    /// The articles with this title (after [`link_similar_titles`] sorts them: by date).
    members: Vec<Member>,
    /// The earliest and latest member date.
    first_date: i64,
    last_date: i64,
}

/// An article carrying a title.
#[derive(Debug, Clone, Copy)]
struct Member {
    /// Index into the inputs (and `sets`).
    index: usize,
    source: usize,
    date: i64,
}

/// The titles that can be matched, each once, in order of first appearance.
fn distinct_titles(inputs: &[TitleInput<'_>]) -> Vec<Title> {
    let mut word_ids: HashMap<String, u32> = HashMap::new();
    // Folded titles are looked up by 128-bit hash (XXH3): keying by the strings would
    // hold each one twice.
    let mut title_ids: HashMap<u128, usize> = HashMap::new();
    let mut titles: Vec<Title> = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.iter().enumerate() {
        let (Some(title), Some(date)) = (input.title, input.date) else {
            continue;
        };
        let member = Member {
            index,
            source: input.source,
            date,
        };
        let folded = fold_words(title);
        let key = xxh3_128(folded.as_bytes());
        if let Some(&id) = title_ids.get(&key) {
            let title = &mut titles[id];
            title.members.push(member);
            title.first_date = title.first_date.min(date);
            title.last_date = title.last_date.max(date);
            continue;
        }
        let n_words = folded.split(' ').count();
        let chars = folded.chars().count();
        let unspaced_ok = n_words == 1 && !folded.is_ascii() && chars >= MIN_UNSPACED_CHARS;
        if folded.is_empty() || (n_words < MIN_WORDS && !unspaced_ok) {
            continue;
        }
        let mut words: Vec<u32> = folded
            .split(' ')
            .map(|word| match word_ids.get(word) {
                Some(id) => *id,
                None => {
                    let id = u32::try_from(word_ids.len()).unwrap_or(u32::MAX);
                    word_ids.insert(word.to_owned(), id);
                    id
                }
            })
            .collect();
        words.sort_unstable();
        words.dedup();
        let numbers: Vec<String> = folded
            .split(' ')
            .filter(|word| word.chars().any(|ch| ch.is_numeric()))
            .map(str::to_owned)
            .collect();
        let mut histogram = [0u8; 64];
        for ch in folded.chars() {
            let bucket = &mut histogram[(ch as u32 % 64) as usize];
            *bucket = bucket.saturating_add(1);
        }
        title_ids.insert(key, titles.len());
        titles.push(Title {
            folded,
            chars,
            words,
            numbers,
            histogram,
            members: vec![member],
            first_date: date,
            last_date: date,
        });
    }
    titles
}

/// Articles with one title (`members`, sorted by date): each joins the latest earlier
/// one of another source within the window.
fn link_identical(members: &[Member], window_secs: i64, sets: &mut DisjointSets) {
    for (position, member) in members.iter().enumerate() {
        let earlier = members[..position]
            .iter()
            .rev()
            .take_while(|earlier| member.date.saturating_sub(earlier.date) <= window_secs)
            .find(|earlier| earlier.source != member.source);
        if let Some(earlier) = earlier {
            sets.union(earlier.index, member.index);
        }
    }
}

/// Similar distinct titles found through their signatures' posting lists; their
/// articles are then paired by source and window.
fn link_near(
    titles: &[Title],
    threshold: f64,
    window_secs: i64,
    pair_budget: u64,
    sets: &mut DisjointSets,
) {
    let n_words = titles
        .iter()
        .flat_map(|title| title.words.iter())
        .max()
        .map_or(0, |max| *max as usize + 1);
    let mut frequency = vec![0u32; n_words];
    for word in titles.iter().flat_map(|title| title.words.iter()) {
        frequency[*word as usize] += 1;
    }
    let rare_limit = rare_limit(&frequency, pair_budget);
    // The edits each title allows against one no longer than itself, worked out once
    // rather than for every pair.
    let allowed: Vec<usize> = (titles.iter())
        .map(|title| floor_edits((1.0 - threshold) * title.chars as f64))
        .collect();
    // Posting lists hold the ids of earlier titles with that signature word.
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); n_words];
    // The last title each title was compared with, so a pair is compared once.
    let mut compared_with = vec![u32::MAX; titles.len()];
    for (id, title) in titles.iter().enumerate() {
        let max_edits = max_edits(title.chars, threshold);
        let signature = signature(&title.words, &frequency, rare_limit, 2 * max_edits + 1);
        let id = u32::try_from(id).unwrap_or(u32::MAX);
        for word in &signature {
            for &other_id in &postings[*word as usize] {
                let last = &mut compared_with[other_id as usize];
                if *last == id {
                    continue;
                }
                *last = id;
                let other = &titles[other_id as usize];
                // Edits allowed between the two: similarity = 1 − edits / longer.
                let allowed = if title.chars >= other.chars {
                    allowed[id as usize]
                } else {
                    allowed[other_id as usize]
                };
                if is_near(title, other, allowed, threshold, window_secs) {
                    link_members(&title.members, &other.members, window_secs, sets);
                }
            }
        }
        for word in signature {
            postings[word as usize].push(id);
        }
    }
}

/// Unions the articles of two similar titles that come from different sources within
/// the window.
fn link_members(a: &[Member], b: &[Member], window_secs: i64, sets: &mut DisjointSets) {
    for x in a {
        for y in b {
            if x.source != y.source && x.date.abs_diff(y.date) <= window_secs.unsigned_abs() {
                sets.union(x.index, y.index);
            }
        }
    }
}

/// The most edits a title of `chars` characters can be from another one whose
/// similarity reaches `threshold`: the other may be longer by up to that many edits, so
/// `d ≤ (1 − t)(chars + d)`, that is `d ≤ (1 − t) · chars / t`.
fn max_edits(chars: usize, threshold: f64) -> usize {
    if threshold <= 0.0 {
        return chars;
    }
    floor_edits((1.0 - threshold) * chars as f64 / threshold)
}

/// A count of edits from its real-valued bound, rounded down, tolerating the rounding
/// error of `1.0 - 0.9` (which is a little under 0.1).
fn floor_edits(bound: f64) -> usize {
    // The cast saturates; the bound is at most a title's length divided by the threshold.
    (bound + 1e-9).floor() as usize
}

/// The highest number of titles a word may be in and still find candidates: words are
/// admitted rarest first, a whole frequency at a time, while the pairs they form fit in
/// `pair_budget`; never below [`ALWAYS_RARE`].
fn rare_limit(frequency: &[u32], pair_budget: u64) -> u32 {
    let mut counts: Vec<u32> = frequency.iter().copied().filter(|n| *n > 1).collect();
    counts.sort_unstable();
    let mut spent = 0u64;
    let mut limit = ALWAYS_RARE;
    for group in counts.chunk_by(|a, b| a == b) {
        let n = u64::from(group[0]);
        spent = spent.saturating_add(n * (n - 1) / 2 * group.len() as u64);
        if spent > pair_budget {
            break;
        }
        limit = limit.max(group[0]);
    }
    limit
}

/// The `size` rarest words of a title that are not common, rarest first.
fn signature(words: &[u32], frequency: &[u32], rare_limit: u32, size: usize) -> Vec<u32> {
    let mut rare: Vec<u32> = words
        .iter()
        .copied()
        .filter(|word| frequency[*word as usize] <= rare_limit)
        .collect();
    rare.sort_unstable_by_key(|word| (frequency[*word as usize], *word));
    rare.truncate(size);
    rare
}

/// Whether two titles are one story's, `allowed` being the most edits their similarity
/// bound allows (the longer one's): the cheap checks first (dates, lengths, character
/// counts), the edit distance last.
fn is_near(a: &Title, b: &Title, allowed: usize, threshold: f64, window_secs: i64) -> bool {
    if a.first_date.saturating_sub(window_secs) > b.last_date
        || b.first_date.saturating_sub(window_secs) > a.last_date
    {
        return false;
    }
    if a.numbers != b.numbers {
        return false;
    }
    let longer = a.chars.max(b.chars);
    if a.chars.abs_diff(b.chars) > allowed || bag_distance(&a.histogram, &b.histogram) > allowed {
        return false;
    }
    let cutoff = Args::default().score_cutoff(allowed);
    levenshtein::distance_with_args(a.folded.chars(), b.folded.chars(), &cutoff)
        .is_some_and(|edits| similarity(edits, longer) >= threshold)
        && words_agree(&a.folded, &b.folded)
}

/// Whether the words of two close titles differ only in spelling, inflection or
/// insertions: when both have content words (4 letters or more) the other lacks, each
/// must have a kin on the other side sharing its first 3 letters (`visits`/`visited`).
/// `North Korea …`/`South Korea …` are a few edits apart but a different story.
fn words_agree(a: &str, b: &str) -> bool {
    const CONTENT: usize = 4;
    const KIN_PREFIX: usize = 3;
    let a_words: HashSet<&str> = a.split(' ').collect();
    let b_words: HashSet<&str> = b.split(' ').collect();
    let only = |this: &HashSet<&str>, other: &HashSet<&str>| -> Vec<String> {
        this.difference(other)
            .filter(|word| word.chars().count() >= CONTENT)
            .map(|word| word.chars().take(KIN_PREFIX).collect())
            .collect()
    };
    let a_only = only(&a_words, &b_words);
    let b_only = only(&b_words, &a_words);
    if a_only.is_empty() || b_only.is_empty() {
        return true;
    }
    a_only.iter().all(|prefix| b_only.contains(prefix))
        && b_only.iter().all(|prefix| a_only.contains(prefix))
}

/// 1 − edits ÷ longer length; 1 for two empty titles.
fn similarity(edits: usize, longer: usize) -> f64 {
    if longer == 0 {
        return 1.0;
    }
    1.0 - edits as f64 / longer as f64
}

/// A lower bound of the edit distance from character counts (by bucket): each edit
/// changes at most one count up and one down.
fn bag_distance(a: &[u8; 64], b: &[u8; 64]) -> usize {
    // Saturating byte differences, summed wide: the loop vectorizes (it runs for every
    // candidate pair, most of which it rejects).
    let (mut surplus, mut deficit) = (0u32, 0u32);
    for (x, y) in a.iter().zip(b) {
        surplus += u32::from(x.saturating_sub(*y));
        deficit += u32::from(y.saturating_sub(*x));
    }
    surplus.max(deficit) as usize
}

#[cfg(test)]
#[path = "title_tests.rs"]
mod tests;
