//! Words relative human dates are written with, per language: units, "ago" markers, words
//! for one, "just now" phrases and day words (`yesterday`, `gestern`, `어제`, `昨天`).
//!
//! Policy: words are stored as [`tokens`](super::tokens) normalizes them; lookups are exact.
//! Entry points: [`unit`], [`day_offset`] and the word lists.

/// What a relative date counts back in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// Unit words, singular and plural, in every language.
const UNITS: &[(Unit, &[&str])] = &[
    (
        Unit::Second,
        &[
            "s",
            "sec",
            "secs",
            "second",
            "seconds",
            "sekunde",
            "sekunden",
            "seconde",
            "secondes",
            "segundo",
            "segundos",
            "secondo",
            "secondi",
            "сек",
            "секунда",
            "секунду",
            "секунды",
            "секунд",
            "초",
            "秒",
        ],
    ),
    (
        Unit::Minute,
        &[
            "m",
            "min",
            "mins",
            "minute",
            "minutes",
            "minuten",
            "minuto",
            "minutos",
            "minuti",
            "мин",
            "минута",
            "минуту",
            "минуты",
            "минут",
            "분",
            "分",
            "分钟",
            "分鐘",
        ],
    ),
    (
        Unit::Hour,
        &[
            "h",
            "hr",
            "hrs",
            "hour",
            "hours",
            "stunde",
            "stunden",
            "std",
            "heure",
            "heures",
            "hora",
            "horas",
            "ora",
            "ore",
            "ч",
            "час",
            "часа",
            "часов",
            "시간",
            "時間",
            "小时",
            "小時",
            "个小时",
            "個小時",
        ],
    ),
    (
        Unit::Day,
        &[
            "d", "day", "days", "tag", "tage", "tagen", "jour", "jours", "dia", "dias", "giorno",
            "giorni", "день", "дня", "дней", "일", "日", "天",
        ],
    ),
    (
        Unit::Week,
        &[
            "w",
            "wk",
            "wks",
            "week",
            "weeks",
            "woche",
            "wochen",
            "semaine",
            "semaines",
            "semana",
            "semanas",
            "settimana",
            "settimane",
            "неделя",
            "неделю",
            "недели",
            "недель",
            "주",
            "週",
            "週間",
            "周",
            "星期",
            "个星期",
            "個星期",
        ],
    ),
    (
        Unit::Month,
        &[
            "mo",
            "mos",
            "month",
            "months",
            "monat",
            "monate",
            "monaten",
            "mois",
            "mes",
            "meses",
            "mese",
            "mesi",
            "месяц",
            "месяца",
            "месяцев",
            "개월",
            "달",
            "ヶ月",
            "か月",
            "カ月",
            "ヵ月",
            "ケ月",
            "个月",
            "個月",
        ],
    ),
    (
        Unit::Year,
        &[
            "y", "yr", "yrs", "year", "years", "jahr", "jahre", "jahren", "an", "ans", "annee",
            "annees", "ano", "anos", "anno", "anni", "год", "года", "лет", "년", "年",
        ],
    ),
];

/// Words written after a count to mean "before now" (`3 hours ago`, `3 часа назад`, `3시간 전`).
pub(super) const AGO_AFTER: &[&str] = &["ago", "fa", "atras", "назад", "전", "前", "以前", "之前"];

/// Words written before a count to mean "before now" (`vor 3 Stunden`, `hace 2 días`, `há 2
/// dias`); French `il y a` ends in `a`, checked with its two words before.
pub(super) const AGO_BEFORE: &[&str] = &["vor", "hace", "ha"];

/// Words that count as one (`an hour ago`, `vor einer Stunde`, `il y a un jour`).
pub(super) const ONE: &[&str] = &[
    "a", "an", "one", "ein", "eine", "einer", "einem", "einen", "un", "une", "uno", "una", "um",
    "uma", "один", "одна", "одну", "한", "一",
];

/// Phrases meaning "a moment ago", as word sequences.
pub(super) const JUST_NOW: &[&[&str]] = &[
    &["just", "now"],
    &["right", "now"],
    &["now"],
    &["gerade", "eben"],
    &["soeben"],
    &["jetzt"],
    &["l'instant"],
    &["maintenant"],
    &["ahora", "mismo"],
    &["ahora"],
    &["adesso"],
    &["proprio", "ora"],
    &["agora", "mesmo"],
    &["agora"],
    &["только", "что"],
    &["сейчас"],
    &["방금"],
    &["지금"],
    &["たった今"],
    &["さっき"],
    &["刚刚"],
    &["剛剛"],
    &["刚才"],
    &["剛才"],
];

/// Words naming a day relative to today, with how many days back they are.
const DAY_WORDS: &[(&str, i64)] = &[
    ("today", 0),
    ("yesterday", 1),
    ("heute", 0),
    ("gestern", 1),
    ("vorgestern", 2),
    ("aujourd'hui", 0),
    ("hier", 1),
    ("avant-hier", 2),
    ("hoy", 0),
    ("ayer", 1),
    ("anteayer", 2),
    ("oggi", 0),
    ("ieri", 1),
    ("hoje", 0),
    ("ontem", 1),
    ("сегодня", 0),
    ("вчера", 1),
    ("позавчера", 2),
    ("오늘", 0),
    ("어제", 1),
    ("그제", 2),
    ("그저께", 2),
    ("今日", 0),
    ("昨日", 1),
    ("一昨日", 2),
    ("今天", 0),
    ("昨天", 1),
    ("前天", 2),
];

/// The unit a normalized word names.
pub(super) fn unit(word: &str) -> Option<Unit> {
    UNITS
        .iter()
        .find(|(_, words)| words.contains(&word))
        .map(|(unit, _)| *unit)
}

/// How many days before today a word (`yesterday`, `gestern`, `어제`, `昨天`) means.
pub(super) fn day_offset(word: &str) -> Option<i64> {
    DAY_WORDS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|(_, days)| *days)
}

#[cfg(test)]
mod tests {
    use super::{Unit, day_offset, unit};

    #[test]
    fn units_and_day_words_are_found() {
        assert_eq!(unit("stunden"), Some(Unit::Hour));
        assert_eq!(unit("時間"), Some(Unit::Hour));
        assert_eq!(unit("сентября"), None);
        assert_eq!(day_offset("вчера"), Some(1));
        assert_eq!(day_offset("前天"), Some(2));
    }
}
