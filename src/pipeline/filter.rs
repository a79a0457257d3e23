//! Filter rules: which articles a source or feed keeps.
//!
//! Every rule that is set must pass. A rule that cannot judge an article (no date for
//! `since`/`until`, no language for `languages`) keeps it.

use std::collections::HashSet;

use chrono::TimeDelta;

use super::keyword::Keyword;
use super::order::{article_date, sort_newest_first};
use super::text::fold;
use super::{FilterRules, TagAliases, TextField, TextMatcher, TimeBound};
use crate::model::{Article, Text, Timestamp};

impl FilterRules {
    /// True when no rule is set: the rules keep every article.
    pub fn is_empty(&self) -> bool {
        self.tags_any.is_empty()
            && self.tags_all.is_empty()
            && self.tags_none.is_empty()
            && self.include.is_empty()
            && self.exclude.is_empty()
            && self.since.is_none()
            && self.until.is_none()
            && self.languages.is_empty()
            && self.limit.is_none()
    }

    /// True when `article` passes every rule but `limit` (which needs the other
    /// articles). `now` resolves relative bounds (`since = "30d"`); `aliases` normalize
    /// tags on both sides.
    pub fn keeps(&self, article: &Article, now: Timestamp, aliases: &TagAliases) -> bool {
        Prepared::new(self, now, aliases).keeps(article)
    }

    /// [`FilterRules::keeps`] for many articles: the rules are worked out once.
    pub fn prepare<'r>(&'r self, now: Timestamp, aliases: &'r TagAliases) -> PreparedRules<'r> {
        PreparedRules(Prepared::new(self, now, aliases))
    }

    /// The articles that pass every rule. Without a `limit` they keep their order; with
    /// one, the `limit` newest (by published, else updated; undated last) are kept,
    /// newest first.
    pub fn apply(
        &self,
        articles: Vec<Article>,
        now: Timestamp,
        aliases: &TagAliases,
    ) -> Vec<Article> {
        if self.is_empty() {
            return articles;
        }
        let prepared = Prepared::new(self, now, aliases);
        let mut kept: Vec<Article> = articles
            .into_iter()
            .filter(|article| prepared.keeps(article))
            .collect();
        if let Some(limit) = self.limit {
            sort_newest_first(&mut kept);
            kept.truncate(limit);
        }
        kept
    }
}

impl TimeBound {
    /// The instant this bound stands for at `now`; `None` when it is out of the range
    /// dates can hold (then the bound is not applied).
    pub fn instant(&self, now: Timestamp) -> Option<Timestamp> {
        match *self {
            TimeBound::At(instant) => Some(instant),
            TimeBound::Ago(duration) => {
                let delta = TimeDelta::from_std(duration).ok()?;
                now.checked_sub_signed(delta)
            }
        }
    }
}

/// Filter rules ready to judge articles: [`FilterRules::prepare`].
pub struct PreparedRules<'r>(Prepared<'r>);

impl PreparedRules<'_> {
    /// True when `article` passes every rule but `limit`.
    pub fn keeps(&self, article: &Article) -> bool {
        self.0.keeps(article)
    }
}

/// The rules with everything that does not depend on the article worked out once.
struct Prepared<'r> {
    aliases: &'r TagAliases,
    tags_any: HashSet<String>,
    tags_all: HashSet<String>,
    tags_none: HashSet<String>,
    include: Vec<Matcher<'r>>,
    exclude: Vec<Matcher<'r>>,
    fields: Vec<TextField>,
    since: Option<Timestamp>,
    until: Option<Timestamp>,
    languages: HashSet<String>,
}

/// A [`TextMatcher`] ready to run: keywords folded once.
enum Matcher<'r> {
    Keyword(Keyword),
    Regex(&'r regex::Regex),
    /// A blank keyword: matches nothing.
    Nothing,
}

const ALL_FIELDS: [TextField; 6] = [
    TextField::Title,
    TextField::Summary,
    TextField::Content,
    TextField::Author,
    TextField::Link,
    TextField::Tags,
];

impl<'r> Prepared<'r> {
    fn new(rules: &'r FilterRules, now: Timestamp, aliases: &'r TagAliases) -> Self {
        let keys = |tags: &[String]| -> HashSet<String> {
            tags.iter()
                .map(|tag| aliases.normalize(tag))
                .filter(|key| !key.is_empty())
                .collect()
        };
        let matchers = |matchers: &'r [TextMatcher]| -> Vec<Matcher<'r>> {
            matchers
                .iter()
                .map(|matcher| match matcher {
                    TextMatcher::Keyword(word) => {
                        Keyword::new(word).map_or(Matcher::Nothing, Matcher::Keyword)
                    }
                    TextMatcher::Regex(regex) => Matcher::Regex(regex),
                })
                .collect()
        };
        let fields = if rules.fields.is_empty() {
            ALL_FIELDS.to_vec()
        } else {
            rules.fields.clone()
        };
        Prepared {
            aliases,
            tags_any: keys(&rules.tags_any),
            tags_all: keys(&rules.tags_all),
            tags_none: keys(&rules.tags_none),
            include: matchers(&rules.include),
            exclude: matchers(&rules.exclude),
            fields,
            since: rules.since.and_then(|bound| bound.instant(now)),
            until: rules.until.and_then(|bound| bound.instant(now)),
            languages: rules
                .languages
                .iter()
                .filter_map(|lang| primary_subtag(lang))
                .collect(),
        }
    }

    fn keeps(&self, article: &Article) -> bool {
        self.keeps_date(article)
            && self.keeps_language(article)
            && self.keeps_tags(article)
            && self.keeps_text(article)
    }

    fn keeps_date(&self, article: &Article) -> bool {
        let Some(date) = article_date(article) else {
            return true;
        };
        self.since.is_none_or(|since| date >= since) && self.until.is_none_or(|until| date <= until)
    }

    fn keeps_language(&self, article: &Article) -> bool {
        if self.languages.is_empty() {
            return true;
        }
        match article.language.as_deref().and_then(primary_subtag) {
            Some(language) => self.languages.contains(&language),
            None => true,
        }
    }

    fn keeps_tags(&self, article: &Article) -> bool {
        if self.tags_any.is_empty() && self.tags_all.is_empty() && self.tags_none.is_empty() {
            return true;
        }
        // A tag is known by its term and by its label (`term="nk" label="North Korea"`).
        let keys: HashSet<String> = article
            .tags
            .iter()
            .flat_map(|tag| std::iter::once(&tag.term).chain(tag.label.as_ref()))
            .map(|written| self.aliases.normalize(written))
            .collect();
        (self.tags_any.is_empty() || self.tags_any.iter().any(|key| keys.contains(key)))
            && self.tags_all.iter().all(|key| keys.contains(key))
            && !self.tags_none.iter().any(|key| keys.contains(key))
    }

    fn keeps_text(&self, article: &Article) -> bool {
        if self.include.is_empty() && self.exclude.is_empty() {
            return true;
        }
        let texts = FieldTexts::new(article, &self.fields);
        (self.include.is_empty() || self.include.iter().any(|m| texts.matches(m)))
            && !self.exclude.iter().any(|m| texts.matches(m))
    }
}

/// The chosen fields of one article as plain text, and folded for keywords.
struct FieldTexts {
    plain: Vec<String>,
    folded: Vec<String>,
}

impl FieldTexts {
    fn new(article: &Article, fields: &[TextField]) -> Self {
        let mut plain = Vec::new();
        for field in fields {
            field_text(article, *field, &mut plain);
        }
        let folded = plain.iter().map(|text| fold(text)).collect();
        FieldTexts { plain, folded }
    }

    fn matches(&self, matcher: &Matcher<'_>) -> bool {
        match matcher {
            Matcher::Keyword(keyword) => self.folded.iter().any(|text| keyword.is_in(text)),
            Matcher::Regex(regex) => self.plain.iter().any(|text| regex.is_match(text)),
            Matcher::Nothing => false,
        }
    }
}

/// Pushes the plain texts of `field` (one per author, tag …) onto `out`.
fn field_text(article: &Article, field: TextField, out: &mut Vec<String>) {
    let text = |value: &Option<Text>| value.as_ref().map(Text::to_plain);
    match field {
        TextField::Title => out.extend(text(&article.title)),
        TextField::Summary => out.extend(text(&article.summary)),
        TextField::Content => out.extend(text(&article.content)),
        TextField::Link => out.extend(article.link.clone()),
        TextField::Author => {
            for person in &article.authors {
                out.extend(person.name.clone());
                out.extend(person.email.clone());
            }
        }
        TextField::Tags => {
            for tag in &article.tags {
                out.push(tag.term.clone());
                out.extend(tag.label.clone());
            }
        }
    }
}

/// The primary language subtag, lowercase: `en` for `en-GB`, `EN_us` or ` en `.
fn primary_subtag(language: &str) -> Option<String> {
    let primary = language.trim().split(['-', '_']).next()?.trim();
    (!primary.is_empty()).then(|| primary.to_ascii_lowercase())
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;
