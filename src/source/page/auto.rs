//! Auto-extraction: decides whether a page is one article or a listing, and fills the feed
//! from JSON-LD (`jsonld`), then OpenGraph and meta tags (`meta`), then microdata, `<time>`
//! and `<title>`, or from a guessed listing (`listing`).
//!
//! Policy: a higher source wins field by field; tags come from every source, de-duplicated
//! case-insensitively. Nothing here fails: missing metadata only means fewer fields.
//! Entry point: [`extract`].

use crate::model::{Article, Feed, IdOrigin, Link, Person, Tag, Text, Timestamp};

use super::document::{Page, warning};
use super::{PageKind, Warning, WarningKind, jsonld, listing, meta, taglinks, visible};

/// Article-level fields one metadata source gave; every field is optional.
#[derive(Debug, Clone, Default)]
pub(super) struct Fields {
    /// Headline.
    pub title: Option<String>,
    /// Canonical URL, already absolute where a base was known.
    pub url: Option<String>,
    /// When the article was published.
    pub published: Option<Timestamp>,
    /// When it last changed.
    pub updated: Option<Timestamp>,
    /// Authors.
    pub authors: Vec<Person>,
    /// Tags, sections (scheme `section`) and keywords.
    pub tags: Vec<Tag>,
    /// Description or excerpt.
    pub description: Option<String>,
    /// Representative image, absolute where a base was known.
    pub image: Option<String>,
    /// The site or publisher's name.
    pub site_name: Option<String>,
    /// Language tag.
    pub language: Option<String>,
}

impl Fields {
    /// Fills every field `self` lacks from `lower` (a source of lower precedence), and
    /// adds `lower`'s tags.
    pub(super) fn merge(&mut self, lower: Fields) {
        fn fill<T>(field: &mut Option<T>, lower: Option<T>) {
            if field.is_none() {
                *field = lower;
            }
        }
        fill(&mut self.title, lower.title);
        fill(&mut self.url, lower.url);
        fill(&mut self.published, lower.published);
        fill(&mut self.updated, lower.updated);
        fill(&mut self.description, lower.description);
        fill(&mut self.image, lower.image);
        fill(&mut self.site_name, lower.site_name);
        fill(&mut self.language, lower.language);
        if self.authors.is_empty() {
            self.authors = lower.authors;
        }
        self.tags.extend(lower.tags);
    }
}

/// A tag, or a section tag when `scheme` is `Some("section")`; `None` for blank terms.
pub(super) fn tag(term: &str, scheme: Option<&str>) -> Option<Tag> {
    let term = super::document::collapse(term);
    (!term.is_empty()).then(|| Tag {
        term,
        label: None,
        scheme: scheme.map(str::to_owned),
    })
}

/// Tags from a comma-separated keyword list (`a, b,c`).
pub(super) fn keyword_tags(keywords: &str) -> impl Iterator<Item = Tag> + '_ {
    keywords
        .split([',', ';'])
        .filter_map(|term| tag(term, None))
}

/// Reads the page into a feed, as `expect` says or as its content suggests.
pub(super) fn extract(
    page: &Page,
    expect: Option<PageKind>,
    warnings: &mut Vec<Warning>,
) -> (Feed, PageKind) {
    let structured = jsonld::extract(page, warnings);
    let published_known = structured
        .article
        .as_ref()
        .is_some_and(|article| article.published.is_some());
    let tags_meta = meta::extract(page, published_known, warnings);
    let has_article_metadata = structured.article.is_some() || tags_meta.is_article;

    let mut fields = structured.article.unwrap_or_default();
    let crumbs = structured.breadcrumb.iter();
    fields
        .tags
        .extend(crumbs.filter_map(|crumb| tag(crumb, Some("section"))));
    let site_name = fields.site_name.clone();
    fields.merge(tags_meta.primary);
    fields.merge(tags_meta.fallback);
    if let Some(site_name) = tags_meta.site_name.or(site_name) {
        fields.site_name = Some(site_name);
    }
    dedup_tags(&mut fields.tags);

    let as_listing = match expect {
        Some(kind) => kind == PageKind::Listing,
        None => !has_article_metadata,
    };
    if as_listing {
        if let Some(feed) = listing_feed(page, &structured.listing, &fields, warnings) {
            return (feed, PageKind::Listing);
        }
        if expect == Some(PageKind::Listing) {
            warnings.push(warning(
                WarningKind::Value,
                "asked for a listing, but found no repeated group of article links".into(),
            ));
            return (page_feed(page, &fields, Vec::new()), PageKind::Listing);
        }
        warnings.push(warning(
            WarningKind::Value,
            "the page has no article metadata and no recognisable listing; read as one article"
                .into(),
        ));
    }
    if fields.published.is_none()
        && fields.updated.is_none()
        && let Some((date, role)) = visible::find(page, warnings)
    {
        match role {
            visible::Role::Published => fields.published = Some(date),
            visible::Role::Updated => fields.updated = Some(date),
        }
    }
    if fields.tags.iter().all(|tag| tag.scheme.is_some()) {
        fields.tags.extend(taglinks::find(page));
        dedup_tags(&mut fields.tags);
    }
    let article = article_from(page, fields.clone(), warnings);
    (page_feed(page, &fields, vec![article]), PageKind::Article)
}

/// The feed around a page's articles: titled after the site, linked to its root.
fn page_feed(page: &Page, fields: &Fields, articles: Vec<Article>) -> Feed {
    let title = fields
        .site_name
        .clone()
        .or_else(|| meta::document_title(page));
    Feed {
        title: title.map(Text::plain),
        link: page.site_root(fields.url.as_deref()),
        language: fields.language.clone(),
        articles,
        ..Feed::default()
    }
}

/// The one article of an article page; the related links the page lists become links
/// with `rel="related"`.
fn article_from(page: &Page, fields: Fields, warnings: &mut Vec<Warning>) -> Article {
    let link = fields
        .url
        .or_else(|| page.url.as_ref().map(|u| u.as_str().to_owned()));
    let mut links: Vec<Link> = link
        .iter()
        .map(|href| Link {
            href: href.clone(),
            rel: Some("alternate".into()),
            ..Link::default()
        })
        .collect();
    if let Some(found) = listing::find(page, false, warnings) {
        let related = found
            .items
            .into_iter()
            .filter(|item| Some(&item.link) != link.as_ref())
            .map(|item| Link {
                href: item.link,
                rel: Some("related".into()),
                title: Some(item.title),
                ..Link::default()
            });
        links.extend(related);
    }
    let mut article = Article {
        id: link.clone().unwrap_or_default(),
        id_origin: IdOrigin::FromLink,
        title: fields.title.map(Text::plain),
        link,
        links,
        published: fields.published,
        updated: fields.updated,
        authors: fields.authors,
        summary: fields.description.map(Text::plain),
        tags: fields.tags,
        image: fields.image,
        language: fields.language,
        ..Article::default()
    };
    article.ensure_id();
    article
}

/// The feed of a listing page: from a JSON-LD `ItemList` when the page has one, else from
/// the guessed group of repeated article links; `None` when neither is found.
fn listing_feed(
    page: &Page,
    structured: &[listing::Item],
    fields: &Fields,
    warnings: &mut Vec<Warning>,
) -> Option<Feed> {
    let items = if structured.is_empty() {
        let found = listing::find(page, true, warnings)?;
        warnings.push(warning(
            WarningKind::Value,
            format!(
                "the listing was guessed: {} repeated blocks of article links at `{}`",
                found.items.len(),
                found.css_path
            ),
        ));
        found.items
    } else {
        structured.to_vec()
    };
    let articles = items.into_iter().map(listing::Item::into_article).collect();
    let mut feed = page_feed(page, fields, articles);
    feed.link = page
        .url
        .as_ref()
        .map(|u| u.as_str().to_owned())
        .or(feed.link);
    feed.description = fields.description.clone().map(Text::plain);
    Some(feed)
}

/// Removes tags whose term and scheme repeat an earlier one's, ignoring case.
fn dedup_tags(tags: &mut Vec<Tag>) {
    let mut seen = std::collections::HashSet::new();
    tags.retain(|tag| {
        seen.insert((
            tag.term.to_lowercase(),
            tag.scheme.as_deref().map(str::to_lowercase),
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_deduplicated_ignoring_case_but_not_scheme() {
        let mut tags: Vec<Tag> = ["Belarus", "belarus", "North Korea"]
            .iter()
            .filter_map(|t| tag(t, None))
            .chain(tag("North Korea", Some("section")))
            .collect();
        dedup_tags(&mut tags);
        let terms: Vec<_> = tags.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(terms, ["Belarus", "North Korea", "North Korea"]);
    }

    #[test]
    fn keywords_are_split_on_commas() {
        let terms: Vec<_> = keyword_tags("a, b ,, c d").map(|t| t.term).collect();
        assert_eq!(terms, ["a", "b", "c d"]);
    }
}
