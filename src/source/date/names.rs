//! Month and weekday names in the languages feeds write them in: English, Greek, Hungarian.
//!
//! Policy: case and Greek accents are ignored, and a trailing `.` (`Sept.`, `febr.`) is
//! dropped; anything else must match a full name or a usual abbreviation exactly, so
//! `Janxyz` is not January. Entry points: [`month_number`], [`is_weekday`].

/// Month names and abbreviations, already lowercased and without Greek accents.
const MONTHS: [&[&str]; 12] = [
    &[
        "jan",
        "january",
        "ιαν",
        "ιανουαριοσ",
        "ιανουαριου",
        "január",
    ],
    &[
        "feb",
        "february",
        "φεβ",
        "φεβρουαριοσ",
        "φεβρουαριου",
        "február",
        "febr",
    ],
    &[
        "mar",
        "march",
        "μαρ",
        "μαρτιοσ",
        "μαρτιου",
        "március",
        "márc",
    ],
    &[
        "apr",
        "april",
        "απρ",
        "απριλιοσ",
        "απριλιου",
        "április",
        "ápr",
    ],
    &["may", "μαι", "μαιοσ", "μαιου", "május", "máj"],
    &["jun", "june", "ιουν", "ιουνιοσ", "ιουνιου", "június", "jún"],
    &["jul", "july", "ιουλ", "ιουλιοσ", "ιουλιου", "július", "júl"],
    &[
        "aug",
        "august",
        "αυγ",
        "αυγουστοσ",
        "αυγουστου",
        "augusztus",
    ],
    &[
        "sep",
        "sept",
        "september",
        "σεπ",
        "σεπτεμβριοσ",
        "σεπτεμβριου",
        "szept",
        "szeptember",
    ],
    &[
        "oct",
        "october",
        "οκτ",
        "οκτωβριοσ",
        "οκτωβριου",
        "okt",
        "október",
    ],
    &["nov", "november", "νοε", "νοεμβριοσ", "νοεμβριου"],
    &["dec", "december", "δεκ", "δεκεμβριοσ", "δεκεμβριου"],
];

/// Weekday names and abbreviations, already lowercased and without Greek accents.
const WEEKDAYS: &[&str] = &[
    "mon",
    "monday",
    "tue",
    "tues",
    "tuesday",
    "wed",
    "wednesday",
    "thu",
    "thur",
    "thurs",
    "thursday",
    "fri",
    "friday",
    "sat",
    "saturday",
    "sun",
    "sunday",
    "δευ",
    "δευτερα",
    "τρι",
    "τριτη",
    "τετ",
    "τεταρτη",
    "πεμ",
    "πεμπτη",
    "παρ",
    "παρασκευη",
    "σαβ",
    "σαββατο",
    "κυρ",
    "κυριακη",
];

/// The month (1–12) a name or abbreviation stands for.
pub(super) fn month_number(name: &str) -> Option<u32> {
    let index = MONTHS.iter().position(|names| is_one_of(name, names))?;
    u32::try_from(index + 1).ok()
}

/// Whether a token names a day of the week (which the parsers read past and never check).
pub(super) fn is_weekday(name: &str) -> bool {
    is_one_of(name, WEEKDAYS)
}

/// Whether `name` is one of the lowercase `names`, ignoring case, accents and a trailing
/// `.`. ASCII names (nearly all of them) are compared without allocating.
fn is_one_of(name: &str, names: &[&str]) -> bool {
    let bare = name.strip_suffix('.').unwrap_or(name);
    if bare.is_ascii() {
        return names.iter().any(|known| known.eq_ignore_ascii_case(bare));
    }
    let key = normalize(name);
    names.contains(&key.as_str())
}

/// Lowercases, drops one trailing `.`, and strips Greek accents so `Ιούλ` matches `ιουλ`.
fn normalize(name: &str) -> String {
    let name = name.strip_suffix('.').unwrap_or(name);
    name.chars()
        .flat_map(char::to_lowercase)
        .map(|letter| match letter {
            'ά' => 'α',
            'έ' => 'ε',
            'ή' => 'η',
            'ί' | 'ϊ' | 'ΐ' => 'ι',
            'ό' => 'ο',
            'ύ' | 'ϋ' | 'ΰ' => 'υ',
            'ώ' => 'ω',
            'ς' => 'σ',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{is_weekday, month_number};

    #[test]
    fn english_months_match_in_any_case_full_or_abbreviated() {
        assert_eq!(month_number("Jan"), Some(1));
        assert_eq!(month_number("january"), Some(1));
        assert_eq!(month_number("SEPT."), Some(9));
        assert_eq!(month_number("dec"), Some(12));
    }

    #[test]
    fn greek_months_match_with_or_without_accents() {
        assert_eq!(month_number("Ιούλ"), Some(7));
        assert_eq!(month_number("ΙΟΥΛ"), Some(7));
        assert_eq!(month_number("Μαΐου"), Some(5));
        assert_eq!(month_number("Δεκεμβρίου"), Some(12));
    }

    #[test]
    fn hungarian_months_match_full_or_abbreviated() {
        assert_eq!(month_number("július"), Some(7));
        assert_eq!(month_number("szept."), Some(9));
        assert_eq!(month_number("október"), Some(10));
    }

    #[test]
    fn names_that_only_start_like_a_month_do_not_match() {
        assert_eq!(month_number("Janxyz"), None);
        assert_eq!(month_number("zzz"), None);
        assert_eq!(month_number(""), None);
        assert_eq!(month_number("."), None);
    }

    #[test]
    fn weekdays_are_recognised_in_english_and_greek() {
        assert!(is_weekday("Thu"));
        assert!(is_weekday("thursday"));
        assert!(is_weekday("Κυρ"));
        assert!(!is_weekday("Jan"));
    }
}
