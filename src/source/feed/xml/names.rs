//! Namespaces the reader knows, and the prefix bindings in scope while reading.
//!
//! Policy: a prefix that was never declared but is a well-known one (`dc`, `content`,
//! `media`, `itunes`, `atom` …) still means its usual namespace, as in feedparser.

/// The vocabularies the reader maps to the model. RSS 0.9x/2.0 elements have no namespace;
/// the RSS 1.0 and 0.90 namespaces are read the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ns {
    /// No namespace, or one of the RSS namespaces.
    Rss,
    Atom10,
    Atom03,
    Rdf,
    Dc,
    DcTerms,
    Content,
    Media,
    Itunes,
    Xhtml,
    Svg,
    MathMl,
    /// Any other namespace: its elements are not read into the model.
    Other,
}

impl Ns {
    /// The URI to declare for a foreign vocabulary embedded in HTML.
    pub(super) fn html_xmlns(self) -> Option<&'static str> {
        match self {
            Ns::Svg => Some("http://www.w3.org/2000/svg"),
            Ns::MathMl => Some("http://www.w3.org/1998/Math/MathML"),
            _ => None,
        }
    }

    pub(super) fn from_uri(uri: &str) -> Ns {
        let uri = uri.trim();
        let lower;
        let uri = if uri.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = uri.to_ascii_lowercase();
            lower.as_str()
        } else {
            uri
        };
        match uri.trim_end_matches('/') {
            "" => Ns::Rss,
            "http://www.w3.org/2005/atom" => Ns::Atom10,
            "http://purl.org/atom/ns#" | "http://purl.org/atom/ns#draft-ietf-atompub-format-08" => {
                Ns::Atom03
            }
            "http://purl.org/rss/1.0"
            | "http://my.netscape.com/rdf/simple/0.9"
            | "http://backend.userland.com/rss2"
            | "http://blogs.law.harvard.edu/tech/rss"
            | "http://backend.userland.com/rss"
            | "http://purl.org/net/rss1.1#" => Ns::Rss,
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#" => Ns::Rdf,
            "http://purl.org/dc/elements/1.1" | "http://purl.org/dc/elements/1.0" => Ns::Dc,
            "http://purl.org/dc/terms" => Ns::DcTerms,
            "http://purl.org/rss/1.0/modules/content" => Ns::Content,
            "http://search.yahoo.com/mrss" | "http://search.yahoo.com/rss" => Ns::Media,
            "http://www.itunes.com/dtds/podcast-1.0.dtd"
            | "http://www.itunes.com/dtd/podcast-1.0.dtd" => Ns::Itunes,
            "http://www.w3.org/1999/xhtml" => Ns::Xhtml,
            "http://www.w3.org/2000/svg" => Ns::Svg,
            "http://www.w3.org/1998/math/mathml" => Ns::MathMl,
            _ => Ns::Other,
        }
    }

    /// The namespace a conventional prefix means when the document did not declare it.
    fn from_conventional_prefix(prefix: &str) -> Ns {
        match prefix {
            "atom" | "atom10" => Ns::Atom10,
            "rdf" => Ns::Rdf,
            "dc" => Ns::Dc,
            "dcterms" => Ns::DcTerms,
            "content" => Ns::Content,
            "media" => Ns::Media,
            "itunes" => Ns::Itunes,
            "xhtml" => Ns::Xhtml,
            _ => Ns::Other,
        }
    }
}

/// Prefix bindings in scope, innermost last.
#[derive(Debug, Default)]
pub(super) struct Scopes {
    bindings: Vec<(String, Ns)>,
}

impl Scopes {
    /// How many bindings are in scope; pass it to [`Scopes::truncate`] when the element
    /// that declared the later ones ends.
    pub(super) fn len(&self) -> usize {
        self.bindings.len()
    }

    pub(super) fn truncate(&mut self, len: usize) {
        self.bindings.truncate(len);
    }

    pub(super) fn declare(&mut self, prefix: &str, uri: &str) {
        self.bindings.push((prefix.to_owned(), Ns::from_uri(uri)));
    }

    /// Binds `prefix` to a vocabulary directly: used when a feed's root declares an
    /// unknown namespace URI for what is plainly RSS or Atom.
    pub(super) fn declare_ns(&mut self, prefix: &str, ns: Ns) {
        self.bindings.push((prefix.to_owned(), ns));
    }

    /// The namespace of an element written with `prefix` (`""` for none), and whether
    /// the prefix was declared (an undeclared one is taken by convention).
    pub(super) fn element_ns(&self, prefix: &str) -> (Ns, bool) {
        match self
            .bindings
            .iter()
            .rev()
            // Most lookups are for the default namespace (`""`): equal lengths first,
            // which also spares a call to compare two empty strings.
            .find(|(bound, _)| {
                bound.len() == prefix.len() && (prefix.is_empty() || bound == prefix)
            }) {
            Some((_, ns)) => (*ns, true),
            None if prefix.is_empty() => (Ns::Rss, true),
            None => (
                Ns::from_conventional_prefix(&prefix.to_ascii_lowercase()),
                false,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undeclared_conventional_prefixes_keep_their_meaning() {
        let scopes = Scopes::default();
        assert_eq!(scopes.element_ns("dc"), (Ns::Dc, false));
        assert_eq!(scopes.element_ns("foo"), (Ns::Other, false));
        assert_eq!(scopes.element_ns(""), (Ns::Rss, true));
    }

    #[test]
    fn inner_declarations_shadow_outer_ones() {
        let mut scopes = Scopes::default();
        scopes.declare("", "http://www.w3.org/2005/Atom");
        let outer = scopes.len();
        scopes.declare("", "http://www.w3.org/1999/xhtml");
        assert_eq!(scopes.element_ns("").0, Ns::Xhtml);
        scopes.truncate(outer);
        assert_eq!(scopes.element_ns("").0, Ns::Atom10);
    }
}
