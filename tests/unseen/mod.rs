//! The expectations of `page_unseen.rs`, written blind, before the page reader was read:
//! what each unseen article page and each listing in `tests/fixtures/pages/unseen/` must
//! become. Kept apart from the runners so the data reads as one list.

/// What one unseen article page must become.
pub struct ArticleCase {
    pub file: &'static str,
    /// The URL the page is served or converted as.
    pub url: &'static str,
    pub zone: chrono_tz::Tz,
    pub title: &'static str,
    pub link: &'static str,
    /// RFC 3339 in UTC.
    pub published: &'static str,
    pub tags: &'static [&'static str],
    /// The first words of every body paragraph, in order.
    pub body: &'static [&'static str],
    /// Texts of navigation, ads, comments, newsletters and related lists.
    pub boilerplate: &'static [&'static str],
}

pub const ARTICLES: &[ArticleCase] = &[
    ArticleCase {
        file: "wordpress_post.html",
        url: "https://benchnotes.lanternworks.example/2025/11/03/brass-lantern-restoration/",
        zone: chrono_tz::America::New_York,
        title: "Bringing a Tarnished Brass Lantern Back to Life",
        link: "https://benchnotes.lanternworks.example/2025/11/03/brass-lantern-restoration/",
        published: "2025-11-03T21:15:00Z",
        tags: &["brass", "restoration", "soldering", "Repairs"],
        body: &[
            "Quillfeather market opens",
            "Cleaning came first",
            "The seam below the chimney",
            "New glass was cut",
            "Lit on the back step",
        ],
        boilerplate: &[
            "Repairs Archive Menu",
            "Share on Facebook",
            "Sponsored: Polishing cloths",
            "Commenter Harwell here",
            "Author reply:",
            "Painter's tape, of course",
            "Sidebar widget text",
            "Recent Posts",
            "Footer: Proudly powered",
            "Leave a Reply",
            "Truing the pendulum",
        ],
    },
    ArticleCase {
        file: "ghost_post.html",
        url: "https://crumbledger.example/why-my-starter-sulks-in-november/",
        zone: chrono_tz::Europe::London,
        title: "Why My Sourdough Starter Sulks in November",
        link: "https://crumbledger.example/why-my-starter-sulks-in-november/",
        published: "2025-10-28T08:30:00Z",
        tags: &["Sourdough", "Fermentation", "Winter Baking"],
        body: &[
            "Every year around the clocks",
            "Temperature is the whole story",
            "First, warmer water",
            "Within four days",
        ],
        boilerplate: &[
            "Recipes index",
            "Comment thread:",
            "Comment reply:",
            "Newsletter: get new bakes",
            "Related post:",
            "Rye crackers from starter discard",
        ],
    },
    ArticleCase {
        file: "news_big.html",
        url: "https://www.meridiancourier.example/local/2025/11/03/night-ferry-winter-extension",
        zone: chrono_tz::America::New_York,
        // og:title is the page's own metadata; the h1 is longer.
        title: "Council extends night ferry service through winter",
        link: "https://www.meridiancourier.example/local/2025/11/03/night-ferry-winter-extension",
        published: "2025-11-03T21:15:00Z",
        tags: &["Ferries", "City Council", "Public Transit"],
        body: &[
            "Night riders on the harbor ferry",
            "The service, which carries",
            "\u{201c}These are nurses",
            "The two members who voted",
            "The transit department will report",
            "Fares will stay at",
        ],
        boilerplate: &[
            "Cookie notice:",
            "Ticker:",
            "Transit and commuting coverage",
            "Top banner ad",
            "Inline ad:",
            "Newsletter pitch:",
            "Related:",
            "Disqus comment:",
            "Disqus reply:",
            "Most read:",
            "Rail ad:",
            "Footer:",
            "Share this story",
        ],
    },
    ArticleCase {
        file: "german_news.html",
        url: "https://www.weserstaedter-anzeiger.example/lokales/stadtrat-fahrradstrassen-muehlenufer-a-48213.html",
        zone: chrono_tz::Europe::Berlin,
        title: "Stadtrat beschließt neue Fahrradstraßen am Mühlenufer",
        link: "https://www.weserstaedter-anzeiger.example/lokales/stadtrat-fahrradstrassen-muehlenufer-a-48213.html",
        published: "2025-11-03T15:15:00Z",
        tags: &["Verkehr", "Radverkehr", "Stadtrat"],
        body: &[
            "Mit knapper Mehrheit",
            "Die Verwaltung rechnet",
            "Anwohnerinnen und Anwohner",
            "Der Fahrradclub begrüßte",
        ],
        boilerplate: &[
            "Datenschutzhinweis",
            "Jetzt Abo abschließen",
            "Werbung: Jetzt Winterreifen",
            "Newsletter-Hinweis",
            "Mehr zum Thema:",
            "Leserkommentar:",
            "Fußzeile",
            "Artikel teilen",
        ],
    },
    ArticleCase {
        file: "microdata_article.html",
        url: "https://www.diariodelestrecho.example/puerto/2025/11/03/cooperativa-pescadores-nueva-lonja.html?utm_source=home",
        zone: chrono_tz::Europe::Madrid,
        title: "La cooperativa de pescadores estrena una lonja con subasta digital",
        link: "https://www.diariodelestrecho.example/puerto/2025/11/03/cooperativa-pescadores-nueva-lonja.html",
        published: "2025-11-03T15:15:00Z",
        tags: &["Pesca", "Puerto", "Cooperativas"],
        body: &[
            "La cooperativa de pescadores del puerto inauguró",
            "La principal novedad",
            "El presidente de la cooperativa",
            "Las primeras subastas",
        ],
        boilerplate: &[
            "Publicidad:",
            "Relacionada:",
            "Comentario de lector",
            "Suscríbete al diario",
            "Pie de página",
        ],
    },
    ArticleCase {
        file: "japanese_news.html",
        url: "https://www.wangan-nippo.example/articles/20251103/k00/00m/040/123000c",
        zone: chrono_tz::Asia::Tokyo,
        title: "港町の朝市、冬季も毎週日曜に開催へ",
        link: "https://www.wangan-nippo.example/articles/20251103/k00/00m/040/123000c",
        published: "2025-11-03T07:15:00Z",
        tags: &["朝市", "漁協", "商店街"],
        body: &[
            "港町の名物として知られる",
            "朝市は毎年四月から",
            "商店会の会長は",
            "初回の冬季朝市は",
        ],
        boilerplate: &[
            "広告：",
            "関連記事：",
            "ランキング：",
            "有料会員登録",
            "フッター：",
        ],
    },
];

/// One item a listing must give.
pub struct ItemCase {
    pub title: &'static str,
    /// Path on the listing's host.
    pub path: &'static str,
    /// RFC 3339 in UTC.
    pub published: &'static str,
    pub tags: &'static [&'static str],
}

/// The French section page (no metadata at all), read at `FRENCH_NOW` in Europe/Paris.
pub const FRENCH_NOW: &str = "2025-11-04T12:00:00Z";
pub const FRENCH_ITEMS: &[ItemCase] = &[
    ItemCase {
        title: "Le phare de la Pointe rouvre ses portes après deux ans de travaux",
        path: "/culture/le-phare-de-la-pointe-rouvre-ses-portes",
        published: "2025-11-04T09:00:00Z",
        tags: &["Patrimoine"],
    },
    ItemCase {
        title: "Le festival des Quais dévoile une programmation très locale",
        path: "/culture/festival-des-quais-programmation",
        published: "2025-11-04T11:15:00Z",
        tags: &["Musique"],
    },
    ItemCase {
        title: "Le théâtre municipal mise sur les créations pour sa saison d'hiver",
        path: "/culture/theatre-municipal-saison-hiver",
        published: "2025-11-03T13:30:00Z",
        tags: &["Théâtre"],
    },
    ItemCase {
        title: "Le vieux lavoir de la rue des Tanneurs sauvé par une souscription",
        path: "/culture/lavoir-rue-des-tanneurs-sauve",
        published: "2025-11-02T23:00:00Z",
        tags: &["Patrimoine"],
    },
    ItemCase {
        title: "La librairie du Port fête ses cent ans avec une semaine de lectures",
        path: "/culture/librairie-du-port-fete-ses-cent-ans",
        published: "2025-10-30T23:00:00Z",
        tags: &["Livres"],
    },
    ItemCase {
        title: "Le cinéma Le Flore inaugure une troisième salle en sous-sol",
        path: "/culture/cinema-le-flore-nouvelle-salle",
        published: "2025-10-28T08:05:00Z",
        tags: &["Cinéma"],
    },
];

/// The paginated reading list (two pages), read with a few selectors in America/Chicago.
pub const READING_LIST: &[ItemCase] = &[
    ItemCase {
        title: "Bringing a tarnished brass lantern back to life",
        path: "/posts/brass-lantern",
        published: "2025-11-03T22:15:00Z",
        tags: &["Repairs", "Brass"],
    },
    ItemCase {
        title: "Why a sourdough starter sulks in November",
        path: "/posts/sulking-starter",
        published: "2025-10-28T08:30:00Z",
        tags: &["Baking"],
    },
    ItemCase {
        title: "Council keeps the night ferry running all winter",
        path: "/posts/night-ferry",
        published: "2025-11-02T04:05:00Z",
        tags: &["Transit"],
    },
    ItemCase {
        title: "Three cycle streets for the Mühlenufer",
        path: "/posts/fahrradstrassen",
        published: "2025-10-20T14:00:00Z",
        tags: &["Transit", "Cycling"],
    },
    ItemCase {
        title: "A fish market with a digital auction",
        path: "/posts/lonja",
        published: "2025-10-02T17:30:00Z",
        tags: &["Fishing"],
    },
];
