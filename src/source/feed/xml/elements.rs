//! Which element means what: the one table mapping (context, namespace, name) to an
//! action for RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and the common extensions.
//!
//! Policy: element names match case-insensitively; unknown elements are transparent
//! (their children are still read), so odd nesting loses nothing.

use super::names::Ns;

/// Where in the document the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Context {
    /// Feed level: inside the root, `<channel>` or `<feed>`.
    Feed,
    /// Inside an `<item>` or `<entry>`.
    Article,
    /// Inside an Atom `<author>` or `<contributor>`.
    Person,
    /// Inside an RSS `<image>`.
    Image,
}

/// What to do with an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Action {
    /// Start an article.
    Article,
    /// Start a person (Atom author or contributor).
    Person,
    /// Start the feed image.
    Image,
    /// Capture the element's content into a field.
    Field(Field),
    /// Read the element's attributes only.
    Attributes(AttrElement),
    /// Ignore the element and everything inside it.
    Skip,
    /// Not meaningful itself; read its children in the current context.
    Transparent,
}

/// Fields whose value is the element's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Title,
    Link,
    Summary,
    Content,
    Id,
    Guid,
    Published,
    Updated,
    /// Atom 0.3 `created`: a published date that loses to `issued`.
    Created,
    /// `dc:date`: a date that fills published or updated when they are missing.
    DcDate,
    /// RSS `author`, `managingEditor`: `email (Name)`.
    RssAuthor,
    /// `dc:creator`, `itunes:author`: a name.
    Creator,
    Category,
    /// `itunes:keywords` or `media:keywords`: comma-separated tags.
    Keywords,
    Comments,
    Language,
    Rights,
    Generator,
    Icon,
    Logo,
    /// RSS `<source url="…">Title</source>`.
    Source,
    Duration,
    Explicit,
    /// `media:description`, `itunes:summary`, `itunes:subtitle`: a summary when none is given.
    FallbackSummary,
    /// `dc:title` and friends: a title when none is given.
    FallbackTitle,
    PersonName,
    PersonEmail,
    PersonUri,
    ImageUrl,
    ImageTitle,
    ImageLink,
}

impl Field {
    /// Fields whose [`Text`](crate::model::Text) value goes into the model whole, kind
    /// and all, rather than being read as a string.
    pub(super) fn is_text_construct(self) -> bool {
        matches!(
            self,
            Field::Title
                | Field::FallbackTitle
                | Field::Summary
                | Field::FallbackSummary
                | Field::Content
                | Field::Rights
        )
    }
}

/// Elements read from their attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AttrElement {
    AtomLink,
    AtomCategory,
    Enclosure,
    MediaContent,
    MediaThumbnail,
    ItunesImage,
    ItunesCategory,
}

/// Classifies an element by where it is and its lowercased local name.
pub(super) fn classify(context: Context, ns: Ns, local: &str) -> Action {
    match context {
        Context::Person => person_field(ns, local),
        Context::Image => image_field(ns, local),
        Context::Feed | Context::Article => {
            let in_article = context == Context::Article;
            match (ns, local) {
                (Ns::Rss, "item") | (Ns::Atom10 | Ns::Atom03, "entry") if !in_article => {
                    Action::Article
                }
                (Ns::Atom10 | Ns::Atom03, "author" | "contributor") => Action::Person,
                (Ns::Rss, "image") if !in_article => Action::Image,
                (Ns::Rss, "textinput" | "items" | "skiphours" | "skipdays" | "cloud") => {
                    Action::Skip
                }
                (Ns::Atom10 | Ns::Atom03, "source") => Action::Skip,
                (Ns::Itunes, "owner") => Action::Skip,
                _ => common_field(ns, local, in_article),
            }
        }
    }
}

fn common_field(ns: Ns, local: &str, in_article: bool) -> Action {
    use Field::*;
    let field = match (ns, local) {
        (Ns::Rss | Ns::Atom10 | Ns::Atom03, "title") => Title,
        (Ns::Rss, "link") => Link,
        (Ns::Atom10 | Ns::Atom03, "link") => return Action::Attributes(AttrElement::AtomLink),
        (Ns::Rss, "description") => Summary,
        (Ns::Atom10 | Ns::Atom03, "summary") if in_article => Summary,
        (Ns::Atom10 | Ns::Atom03, "subtitle" | "tagline") if !in_article => Summary,
        (Ns::Atom10 | Ns::Atom03, "content") => Content,
        (Ns::Content, "encoded") | (Ns::Xhtml, "body") => Content,
        (Ns::Rss, "summary" | "fullitem" | "body") if in_article => Content,
        (Ns::Rss, "guid") => Guid,
        (Ns::Atom10 | Ns::Atom03, "id") => Id,
        (Ns::Rss, "pubdate") => Published,
        (Ns::Atom10 | Ns::Atom03, "published" | "issued") => Published,
        (Ns::DcTerms, "issued" | "created") => Published,
        (Ns::Atom03, "created") => Created,
        (Ns::Atom10 | Ns::Atom03, "updated" | "modified") | (Ns::DcTerms, "modified") => Updated,
        (Ns::Rss, "lastbuilddate") => Updated,
        (Ns::Dc, "date") => DcDate,
        (Ns::Rss, "author" | "managingeditor") => RssAuthor,
        (Ns::Rss, "webmaster") if !in_article => return Action::Skip,
        (Ns::Dc, "creator" | "author" | "publisher") | (Ns::Itunes, "author") => Creator,
        (Ns::Rss | Ns::Dc, "category" | "subject") => Category,
        (Ns::Atom10 | Ns::Atom03, "category") => {
            return Action::Attributes(AttrElement::AtomCategory);
        }
        (Ns::Itunes | Ns::Media, "keywords") => Keywords,
        (Ns::Rss, "comments") => Comments,
        (Ns::Rss | Ns::Dc, "language") => Language,
        (Ns::Rss, "copyright") | (Ns::Dc, "rights") | (Ns::DcTerms, "rights") => Rights,
        (Ns::Atom10 | Ns::Atom03, "rights" | "copyright") => Rights,
        (Ns::Rss | Ns::Atom10 | Ns::Atom03, "generator") => Generator,
        (Ns::Atom10, "icon") => Icon,
        (Ns::Atom10, "logo") => Logo,
        (Ns::Rss, "source") if in_article => Source,
        (Ns::Itunes, "duration") => Duration,
        (Ns::Itunes, "explicit") => Explicit,
        (Ns::Media, "description") | (Ns::Itunes, "summary" | "subtitle") => FallbackSummary,
        (Ns::Dc, "description") => FallbackSummary,
        (Ns::Dc, "title") | (Ns::Media, "title") => FallbackTitle,
        (Ns::Dc, "identifier") if in_article => Id,
        (Ns::Rss, "enclosure") => return Action::Attributes(AttrElement::Enclosure),
        (Ns::Media, "content") => return Action::Attributes(AttrElement::MediaContent),
        (Ns::Media, "thumbnail") => return Action::Attributes(AttrElement::MediaThumbnail),
        (Ns::Itunes, "image") => return Action::Attributes(AttrElement::ItunesImage),
        (Ns::Itunes, "category") => return Action::Attributes(AttrElement::ItunesCategory),
        _ => return Action::Transparent,
    };
    Action::Field(field)
}

fn person_field(ns: Ns, local: &str) -> Action {
    match (ns, local) {
        (Ns::Atom10 | Ns::Atom03 | Ns::Rss, "name") => Action::Field(Field::PersonName),
        (Ns::Atom10 | Ns::Atom03 | Ns::Rss, "email") => Action::Field(Field::PersonEmail),
        (Ns::Atom10 | Ns::Atom03 | Ns::Rss, "uri" | "url" | "homepage") => {
            Action::Field(Field::PersonUri)
        }
        _ => Action::Transparent,
    }
}

fn image_field(ns: Ns, local: &str) -> Action {
    match (ns, local) {
        (Ns::Rss, "url") => Action::Field(Field::ImageUrl),
        (Ns::Rss, "title") => Action::Field(Field::ImageTitle),
        (Ns::Rss, "link") => Action::Field(Field::ImageLink),
        _ => Action::Skip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_start_articles_only_at_feed_level() {
        assert_eq!(classify(Context::Feed, Ns::Rss, "item"), Action::Article);
        assert_eq!(
            classify(Context::Article, Ns::Rss, "item"),
            Action::Transparent
        );
    }

    #[test]
    fn atom_links_are_read_from_attributes() {
        assert_eq!(
            classify(Context::Article, Ns::Atom10, "link"),
            Action::Attributes(AttrElement::AtomLink)
        );
        assert_eq!(
            classify(Context::Article, Ns::Rss, "link"),
            Action::Field(Field::Link)
        );
    }
}
