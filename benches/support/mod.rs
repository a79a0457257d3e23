//! Benchmark documents: a ~4 MB RSS 2.0 feed and a ~4 MB Atom 1.0 feed of 2,000 articles
//! each, generated in memory so every run and every machine parses the same bytes.
//!
//! Policy: deterministic (a fixed-seed xorshift generator, no clock, no files) and valid
//! (both documents are well-formed and parse without warnings), with what real news and
//! podcast feeds carry: escaped HTML summaries, CDATA content, several tags, authors,
//! dates in a few offsets and an enclosure on every fifth article.
//! Entry points: [`rss_document`], [`atom_document`] and [`parsers_agree`]; [`rss_feed`]
//! and [`atom_feed`] write smaller feeds of any site from a [`FeedSpec`] (the `build`
//! benchmark serves a thousand of them).

use std::fmt::Write as _;

/// Articles in each generated document.
pub const N_ARTICLES: usize = 2_000;

/// Bytes each article takes on average, markup included; 2,000 of them make ~4 MB.
const MEAN_ARTICLE_BYTES: usize = 2_000;

/// What one generated feed holds. [`rss_document`] and [`atom_document`] are
/// [`FeedSpec::DOCUMENT`] with two seeds.
#[derive(Debug, Clone, Copy)]
pub struct FeedSpec<'a> {
    /// The generator's seed: the same spec always gives the same bytes.
    pub seed: u64,
    /// How many articles.
    pub n_articles: usize,
    /// The site's host name: the feed's, the articles' links and ids point there.
    pub host: &'a str,
    /// The feed's title (plain text; escaped when written).
    pub title: &'a str,
    /// Whether articles carry their full content (about 2 kB an article, markup
    /// included); otherwise a summary only (about 0.8 kB).
    pub full_content: bool,
}

impl FeedSpec<'static> {
    /// The two big benchmark documents: 2,000 articles with full content.
    pub const DOCUMENT: FeedSpec<'static> = FeedSpec {
        seed: 0,
        n_articles: N_ARTICLES,
        host: "news.example.com",
        title: "The Daily Mill & Friends",
        full_content: true,
    };
}

/// An RSS 2.0 document of [`N_ARTICLES`] items, about 4 MB, always the same bytes.
pub fn rss_document() -> Vec<u8> {
    rss_feed(&FeedSpec {
        seed: 0x5253_5332, // "RSS2" in ASCII
        ..FeedSpec::DOCUMENT
    })
}

/// An RSS 2.0 document as `spec` says, always the same bytes for the same spec.
pub fn rss_feed(spec: &FeedSpec<'_>) -> Vec<u8> {
    let mut rng = Rng::new(spec.seed);
    let host = spec.host;
    let title = escape(spec.title);
    let mut out = String::with_capacity(spec.n_articles * MEAN_ARTICLE_BYTES + 4096);
    out.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "\n",
        r#"<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/""#,
        r#" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">"#,
        "\n<channel>\n",
    ));
    let _ = write!(
        out,
        concat!(
            "<title>{title}</title>\n",
            "<link>https://{host}/</link>\n",
            "<description>News, analysis &amp; podcasts from the mill.</description>\n",
            "<language>en-us</language>\n",
            "<copyright>Copyright 2024 The Daily Mill</copyright>\n",
            "<lastBuildDate>Sat, 30 Mar 2024 18:04:11 +0000</lastBuildDate>\n",
            "<generator>benchgen 1.0</generator>\n",
            "<ttl>30</ttl>\n",
            r#"<atom:link href="https://{host}/feed.xml" rel="self" type="application/rss+xml"/>"#,
            "\n<image><url>https://{host}/logo.png</url><title>{title}</title>",
            "<link>https://{host}/</link><width>144</width><height>64</height></image>\n",
        ),
        title = title,
        host = host,
    );
    for idx in 0..spec.n_articles {
        let start_len = out.len();
        let article = Article::new(idx, host, &mut rng);
        let _ = write!(
            out,
            "<item>\n<title>{title}</title>\n<link>{link}</link>\n\
             <guid isPermaLink=\"false\">tag:{host},2024:article-{idx}</guid>\n\
             <pubDate>{date}</pubDate>\n",
            title = escape(&article.title),
            link = article.link,
            date = article.rss_date,
        );
        if idx.is_multiple_of(3) {
            let _ = writeln!(out, "<dc:creator>{}</dc:creator>", article.author_name);
        } else {
            let _ = writeln!(
                out,
                "<author>{} ({})</author>",
                article.author_email, article.author_name
            );
        }
        for tag in &article.tags {
            let _ = writeln!(
                out,
                "<category domain=\"https://news.example.com/topics\">{}</category>",
                escape(tag)
            );
        }
        if let Some(enclosure) = &article.enclosure {
            let _ = writeln!(
                out,
                "<enclosure url=\"{}\" length=\"{}\" type=\"audio/mpeg\"/>",
                enclosure.url, enclosure.length
            );
        }
        let _ = writeln!(out, "<comments>{}#comments</comments>", article.link);
        let _ = writeln!(
            out,
            "<description>{}</description>",
            escape(&article.summary_html)
        );
        if !spec.full_content {
            out.push_str("</item>\n");
            continue;
        }
        // The content fills the article up to its drawn size.
        let used = out.len() - start_len
            + "<content:encoded><![CDATA[]]></content:encoded>\n</item>\n".len();
        let content = article.content_html(&mut rng, article.size.saturating_sub(used));
        let _ = write!(
            out,
            "<content:encoded><![CDATA[{content}]]></content:encoded>\n</item>\n"
        );
    }
    out.push_str("</channel>\n</rss>\n");
    out.into_bytes()
}

/// An Atom 1.0 document of [`N_ARTICLES`] entries, about 4 MB, always the same bytes.
pub fn atom_document() -> Vec<u8> {
    atom_feed(&FeedSpec {
        seed: 0x4154_4f4d, // "ATOM" in ASCII
        ..FeedSpec::DOCUMENT
    })
}

/// An Atom 1.0 document as `spec` says, always the same bytes for the same spec.
pub fn atom_feed(spec: &FeedSpec<'_>) -> Vec<u8> {
    let mut rng = Rng::new(spec.seed);
    let host = spec.host;
    let mut out = String::with_capacity(spec.n_articles * MEAN_ARTICLE_BYTES + 4096);
    let _ = write!(
        out,
        concat!(
            r#"<?xml version="1.0" encoding="utf-8"?>"#,
            "\n",
            r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">"#,
            "\n<title type=\"text\">{title}</title>\n",
            "<subtitle type=\"html\">News, analysis &amp;amp; &lt;em&gt;podcasts&lt;/em&gt;</subtitle>\n",
            "<id>tag:{host},2024:feed</id>\n",
            "<updated>2024-03-30T18:04:11Z</updated>\n",
            r#"<link rel="alternate" type="text/html" href="https://{host}/"/>"#,
            "\n",
            r#"<link rel="self" type="application/atom+xml" href="https://{host}/atom.xml"/>"#,
            "\n<author><name>The Daily Mill</name><uri>https://{host}/</uri></author>\n",
            "<rights>Copyright 2024 The Daily Mill</rights>\n",
            r#"<generator uri="https://example.com/benchgen" version="1.0">benchgen</generator>"#,
            "\n<icon>https://{host}/favicon.png</icon>\n",
            "<logo>https://{host}/logo.png</logo>\n",
        ),
        title = escape(spec.title),
        host = host,
    );
    for idx in 0..spec.n_articles {
        let start_len = out.len();
        let article = Article::new(idx, host, &mut rng);
        let _ = write!(
            out,
            "<entry>\n<title type=\"text\">{title}</title>\n\
             <link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n\
             <id>tag:{host},2024:article-{idx}</id>\n\
             <published>{published}</published>\n<updated>{updated}</updated>\n\
             <author><name>{name}</name><email>{email}</email></author>\n",
            title = escape(&article.title),
            link = article.link,
            published = article.atom_published,
            updated = article.atom_updated,
            name = article.author_name,
            email = article.author_email,
        );
        for tag in &article.tags {
            let _ = writeln!(
                out,
                "<category term=\"{term}\" scheme=\"https://news.example.com/topics\" label=\"{label}\"/>",
                term = escape(&tag.to_ascii_lowercase().replace(' ', "-")),
                label = escape(tag),
            );
        }
        if let Some(enclosure) = &article.enclosure {
            let _ = writeln!(
                out,
                "<link rel=\"enclosure\" type=\"audio/mpeg\" length=\"{}\" href=\"{}\"/>",
                enclosure.length, enclosure.url
            );
        }
        let _ = writeln!(
            out,
            "<summary type=\"html\">{}</summary>",
            escape(&article.summary_html)
        );
        if !spec.full_content {
            out.push_str("</entry>\n");
        } else if idx % 10 == 9 {
            // Some publishers inline XHTML instead of escaping HTML.
            let closing = "</div></content>\n</entry>\n";
            let used = out.len() - start_len
                + "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">".len()
                + closing.len();
            let content = article.content_html(&mut rng, article.size.saturating_sub(used));
            let _ = write!(
                out,
                "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">{content}{closing}"
            );
        } else {
            let closing = "]]></content>\n</entry>\n";
            let used =
                out.len() - start_len + "<content type=\"html\"><![CDATA[".len() + closing.len();
            let content = article.content_html(&mut rng, article.size.saturating_sub(used));
            let _ = write!(out, "<content type=\"html\"><![CDATA[{content}{closing}");
        }
    }
    out.push_str("</feed>\n");
    out.into_bytes()
}

/// Checks that every parser in the comparison sees all articles of both documents, so a
/// fast result can never come from a parser giving up early.
pub fn parsers_agree(rss: &[u8], atom: &[u8]) {
    let options = feedmill::source::feed::ReadOptions::default();
    for (name, bytes) in [("RSS", rss), ("Atom", atom)] {
        let outcome = feedmill::source::feed::read(bytes, &options)
            .unwrap_or_else(|err| panic!("feedmill rejects the {name} document: {err}"));
        assert!(
            outcome.warnings.is_empty(),
            "feedmill warns on the {name} document: {:?}",
            &outcome.warnings[..outcome.warnings.len().min(3)]
        );
        assert_eq!(outcome.feed.articles.len(), N_ARTICLES, "feedmill, {name}");
        let parsed = feed_rs::parser::parse(bytes)
            .unwrap_or_else(|err| panic!("feed-rs rejects the {name} document: {err}"));
        assert_eq!(parsed.entries.len(), N_ARTICLES, "feed-rs, {name}");
    }
    let channel = rss::Channel::read_from(rss).expect("rss rejects the RSS document");
    assert_eq!(channel.items().len(), N_ARTICLES, "rss");
    let feed = atom_syndication::Feed::read_from(atom)
        .expect("atom_syndication rejects the Atom document");
    assert_eq!(feed.entries().len(), N_ARTICLES, "atom_syndication");
}

/// The fields one article is written from, shared by both formats.
struct Article {
    title: String,
    link: String,
    rss_date: String,
    atom_published: String,
    atom_updated: String,
    author_name: &'static str,
    author_email: String,
    tags: Vec<&'static str>,
    enclosure: Option<Enclosure>,
    summary_html: String,
    /// Bytes the whole article should take, markup included.
    size: usize,
}

struct Enclosure {
    url: String,
    length: u64,
}

impl Article {
    fn new(idx: usize, host: &str, rng: &mut Rng) -> Article {
        let n_title_words = 4 + rng.below(7);
        let mut title = sentence(rng, n_title_words);
        title.pop(); // The period.
        if idx.is_multiple_of(7) {
            title.push_str(" & what \"it\" means");
        }
        let slug: String = title
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
            .collect::<String>()
            .to_ascii_lowercase()
            .split_whitespace()
            .take(6)
            .collect::<Vec<_>>()
            .join("-");
        // Newest first, one article every ~20 minutes going back from 30 March 2024.
        let minutes_ago = idx * 20 + rng.below(15);
        let (day, hour, minute) = day_hour_minute(minutes_ago);
        let link = format!("https://{host}/2024/03/{day:02}/{slug}-{idx}");
        let (zone, offset_hours) = ZONES[rng.below(ZONES.len())];
        let local_hour = (hour as i64 + offset_hours).rem_euclid(24);
        let second = rng.below(60);
        let rss_date = format!(
            "{weekday}, {day:02} Mar 2024 {local_hour:02}:{minute:02}:{second:02} {zone}",
            weekday = weekday(day),
        );
        let atom_offset = if offset_hours == 0 {
            "Z".to_owned()
        } else {
            format!("{:+03}:00", offset_hours)
        };
        let atom_published =
            format!("2024-03-{day:02}T{local_hour:02}:{minute:02}:{second:02}{atom_offset}");
        let atom_updated = format!(
            "2024-03-{day:02}T{local_hour:02}:{:02}:{second:02}.{:03}{atom_offset}",
            (minute + 7).min(59),
            rng.below(1000)
        );
        let (author_name, author_login) = AUTHORS[rng.below(AUTHORS.len())];
        let author_email = format!("{author_login}@{host}");
        let n_tags = 1 + rng.below(4);
        let mut tags = Vec::with_capacity(n_tags);
        while tags.len() < n_tags {
            let tag = TAGS[rng.below(TAGS.len())];
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let enclosure = idx.is_multiple_of(5).then(|| Enclosure {
            url: format!("https://cdn.example.com/audio/episode-{idx}.mp3"),
            length: 4_000_000 + rng.below(60_000_000) as u64,
        });
        let n_summary_words = 25 + rng.below(30);
        let summary_html = format!(
            "<p>{} <a href=\"{link}?utm_source=rss&amp;utm_medium=feed\">Read more&hellip;</a></p>",
            sentence(rng, n_summary_words)
        );
        let size = MEAN_ARTICLE_BYTES * 3 / 4 + rng.below(MEAN_ARTICLE_BYTES / 2);
        Article {
            title,
            link,
            rss_date,
            atom_published,
            atom_updated,
            author_name,
            author_email,
            tags,
            enclosure,
            summary_html,
            size,
        }
    }

    /// Well-formed XHTML (so it also serves as inline Atom content) of about `len` bytes:
    /// paragraphs with links, emphasis, an image and now and then a list or a quote.
    fn content_html(&self, rng: &mut Rng, len: usize) -> String {
        let mut html = String::with_capacity(len + 400);
        let mut block = String::new();
        for n_paragraph in 0.. {
            block.clear();
            match (n_paragraph, rng.below(8)) {
                (1, _) => {
                    let _ = write!(
                        block,
                        "<figure><img src=\"https://cdn.example.com/img/{}.jpg\" alt=\"{}\" width=\"640\" height=\"360\"/></figure>",
                        rng.below(100_000),
                        sentence(rng, 5).trim_end_matches('.')
                    );
                }
                (_, 0) => {
                    block.push_str("<ul>");
                    for _ in 0..3 {
                        let n_words = 4 + rng.below(6);
                        let _ = write!(block, "<li>{}</li>", sentence(rng, n_words));
                    }
                    block.push_str("</ul>");
                }
                (_, 1) => {
                    let n_words = 12 + rng.below(12);
                    let _ = write!(
                        block,
                        "<blockquote><p>{}</p></blockquote>",
                        sentence(rng, n_words)
                    );
                }
                _ => {
                    let n_words = 20 + rng.below(40);
                    let text = sentence(rng, n_words);
                    let words: Vec<&str> = text.split(' ').collect();
                    let cut = words.len() / 3;
                    let _ = write!(
                        block,
                        "<p>{} <a href=\"{}?ref=p{n_paragraph}\">{}</a> <em>{}</em> {}</p>",
                        words[..cut].join(" "),
                        self.link,
                        words[cut],
                        words[cut + 1],
                        words[cut + 2..].join(" "),
                    );
                }
            }
            // Stop at the block boundary nearest to `len`, so sizes average out to it.
            if n_paragraph > 0 && html.len() + block.len() / 2 > len {
                break;
            }
            html.push_str(&block);
        }
        html
    }
}

/// XML-escapes text for element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A capitalised sentence of `n_words` words ending in a period.
fn sentence(rng: &mut Rng, n_words: usize) -> String {
    let mut out = String::with_capacity(n_words * 8);
    for word_idx in 0..n_words {
        let word = WORDS[rng.below(WORDS.len())];
        if word_idx == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(word);
        }
    }
    out.push('.');
    out
}

/// Day of March 2024 (counting back from the 30th, 18:00 UTC), hour and minute.
fn day_hour_minute(minutes_ago: usize) -> (usize, usize, usize) {
    const MINUTES_PER_DAY: usize = 24 * 60;
    let newest = 29 * MINUTES_PER_DAY + 18 * 60;
    // Past the 1st of March, wrap around: the documents only need plausible dates.
    let minute_of_month = newest - minutes_ago % (29 * MINUTES_PER_DAY);
    let day = 1 + minute_of_month / MINUTES_PER_DAY;
    let hour = minute_of_month / 60 % 24;
    (day, hour, minute_of_month % 60)
}

/// English weekday name abbreviation of a day of March 2024 (the 1st was a Friday).
fn weekday(day: usize) -> &'static str {
    ["Fri", "Sat", "Sun", "Mon", "Tue", "Wed", "Thu"][(day - 1) % 7]
}

/// A fixed-seed xorshift64* generator: enough to vary the documents, the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const ZONES: [(&str, i64); 6] = [
    ("+0000", 0),
    ("GMT", 0),
    ("-0500", -5),
    ("+0100", 1),
    ("+0900", 9),
    ("-0700", -7),
];

const AUTHORS: [(&str, &str); 8] = [
    ("Jane Doe", "jane"),
    ("Kwame Mensah", "kwame"),
    ("Ana Lúcia Ferreira", "ana"),
    ("Jürgen Weiß", "juergen"),
    ("Priya Raman", "priya"),
    ("Tom O'Neill", "tom"),
    ("Chen Wei", "chen"),
    ("Sofia Kowalska", "sofia"),
];

const TAGS: [&str; 16] = [
    "World",
    "Politics",
    "Business",
    "Technology",
    "Science",
    "Health",
    "Climate",
    "Sport",
    "Culture",
    "Books",
    "Film & TV",
    "Music",
    "Travel",
    "Food",
    "Opinion",
    "Podcasts",
];

const WORDS: [&str; 64] = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "on",
    "council",
    "market",
    "river",
    "election",
    "report",
    "minister",
    "research",
    "team",
    "city",
    "energy",
    "budget",
    "season",
    "museum",
    "festival",
    "court",
    "vote",
    "harbour",
    "school",
    "data",
    "storm",
    "bridge",
    "company",
    "study",
    "players",
    "album",
    "novel",
    "recipe",
    "train",
    "rates",
    "prices",
    "workers",
    "scientists",
    "residents",
    "officials",
    "announced",
    "warned",
    "reported",
    "opened",
    "rejected",
    "approved",
    "expected",
    "early",
    "local",
    "new",
    "record",
    "public",
    "quarterly",
    "rural",
    "café",
    "naïve",
];
