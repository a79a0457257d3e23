//! Words absolute human dates are written with, per language: months, weekdays, meridiems,
//! and the CJK words runs are cut into (English, German, French, Spanish, Italian, Portuguese,
//! Russian, Korean, Japanese, Chinese); relative words are in `relative_words`.
//!
//! Policy: words are stored as [`tokens`](super::tokens) normalizes them (lowercase, no
//! diacritics, `ё` as `е`); lookups never guess a prefix. Entry points: [`month_number`],
//! [`weekday_index`], [`meridiem`], [`CJK_WORDS`].

use crate::source::date::Meridiem;

/// Month names and abbreviations, one table per language; index + 1 is the month.
const MONTHS: &[[&[&str]; 12]] = &[
    // English.
    [
        &["jan", "january"],
        &["feb", "february"],
        &["mar", "march"],
        &["apr", "april"],
        &["may"],
        &["jun", "june"],
        &["jul", "july"],
        &["aug", "august"],
        &["sep", "sept", "september"],
        &["oct", "october"],
        &["nov", "november"],
        &["dec", "december"],
    ],
    // German.
    [
        &["januar", "janner"],
        &["februar", "feber"],
        &["marz", "mrz", "maerz"],
        &["april"],
        &["mai"],
        &["juni"],
        &["juli"],
        &["august"],
        &["september"],
        &["okt", "oktober"],
        &["november"],
        &["dez", "dezember"],
    ],
    // French.
    [
        &["janv", "janvier"],
        &["fev", "fevr", "fevrier"],
        &["mars"],
        &["avr", "avril"],
        &["mai"],
        &["juin"],
        &["juil", "juillet"],
        &["aout"],
        &["septembre"],
        &["octobre"],
        &["novembre"],
        &["decembre"],
    ],
    // Spanish.
    [
        &["ene", "enero"],
        &["febrero"],
        &["marzo"],
        &["abr", "abril"],
        &["mayo"],
        &["junio"],
        &["julio"],
        &["ago", "agosto"],
        &["set", "septiembre", "setiembre"],
        &["octubre"],
        &["noviembre"],
        &["dic", "diciembre"],
    ],
    // Italian.
    [
        &["gen", "gennaio"],
        &["febbraio"],
        &["marzo"],
        &["aprile"],
        &["mag", "maggio"],
        &["giu", "giugno"],
        &["lug", "luglio"],
        &["agosto"],
        &["settembre"],
        &["ott", "ottobre"],
        &["novembre"],
        &["dicembre"],
    ],
    // Portuguese.
    [
        &["janeiro"],
        &["fevereiro"],
        &["marco"],
        &["abril"],
        &["maio"],
        &["junho"],
        &["julho"],
        &["agosto"],
        &["setembro"],
        &["out", "outubro"],
        &["novembro"],
        &["dezembro"],
    ],
    // Russian: nominative, genitive (`9 сентября`) and abbreviations.
    [
        &["янв", "январь", "января"],
        &["фев", "февр", "февраль", "февраля"],
        &["мар", "март", "марта"],
        &["апр", "апрель", "апреля"],
        &["май", "мая"],
        &["июн", "июнь", "июня"],
        &["июл", "июль", "июля"],
        &["авг", "август", "августа"],
        &["сен", "сент", "сентябрь", "сентября"],
        &["окт", "октябрь", "октября"],
        &["ноя", "нояб", "ноябрь", "ноября"],
        &["дек", "декабрь", "декабря"],
    ],
];

/// English month names chrono's `%b`/`%B` read, by month - 1.
pub(super) const ENGLISH_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Weekday names and abbreviations, one table per language, Monday first.
const WEEKDAYS: &[[&[&str]; 7]] = &[
    [
        &["mon", "monday"],
        &["tue", "tues", "tuesday"],
        &["wed", "wednesday"],
        &["thu", "thur", "thurs", "thursday"],
        &["fri", "friday"],
        &["sat", "saturday"],
        &["sun", "sunday"],
    ],
    [
        &["mo", "montag"],
        &["di", "dienstag"],
        &["mi", "mittwoch"],
        &["do", "donnerstag"],
        &["fr", "freitag"],
        &["sa", "samstag", "sonnabend"],
        &["so", "sonntag"],
    ],
    [
        &["lun", "lundi"],
        &["mar", "mardi"],
        &["mer", "mercredi"],
        &["jeu", "jeudi"],
        &["ven", "vendredi"],
        &["sam", "samedi"],
        &["dim", "dimanche"],
    ],
    [
        &["lunes"],
        &["martes"],
        &["mie", "miercoles"],
        &["jue", "jueves"],
        &["vie", "viernes"],
        &["sab", "sabado"],
        &["dom", "domingo"],
    ],
    [
        &["lunedi"],
        &["martedi"],
        &["mercoledi"],
        &["gio", "giovedi"],
        &["venerdi"],
        &["sabato"],
        &["domenica"],
    ],
    [
        &["seg", "segunda", "segunda-feira"],
        &["ter", "terca", "terca-feira"],
        &["qua", "quarta", "quarta-feira"],
        &["qui", "quinta", "quinta-feira"],
        &["sex", "sexta", "sexta-feira"],
        &["sabado"],
        &["domingo"],
    ],
    [
        &["пн", "понедельник"],
        &["вт", "вторник"],
        &["ср", "среда"],
        &["чт", "четверг"],
        &["пт", "пятница"],
        &["сб", "суббота"],
        &["вс", "воскресенье"],
    ],
    [
        &["월요일"],
        &["화요일"],
        &["수요일"],
        &["목요일"],
        &["금요일"],
        &["토요일"],
        &["일요일"],
    ],
    [
        &["月曜日", "星期一", "周一", "週一"],
        &["火曜日", "星期二", "周二", "週二"],
        &["水曜日", "星期三", "周三", "週三"],
        &["木曜日", "星期四", "周四", "週四"],
        &["金曜日", "星期五", "周五", "週五"],
        &["土曜日", "星期六", "周六", "週六"],
        &["日曜日", "星期日", "星期天", "周日", "週日"],
    ],
];

/// English weekday names chrono's `%a`/`%A` read, Monday first.
pub(super) const ENGLISH_WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Words CJK and Hangul runs are cut into; see [`tokens`](super::tokens).
pub(super) const CJK_WORDS: &[&str] = &[
    // Korean.
    "년",
    "월",
    "일",
    "시",
    "분",
    "초",
    "오전",
    "오후",
    "시간",
    "전",
    "주",
    "개월",
    "달",
    "어제",
    "오늘",
    "그제",
    "그저께",
    "방금",
    "지금",
    "월요일",
    "화요일",
    "수요일",
    "목요일",
    "금요일",
    "토요일",
    "일요일",
    "한",
    // Japanese.
    "年",
    "月",
    "日",
    "時",
    "分",
    "秒",
    "午前",
    "午後",
    "時間",
    "前",
    "週",
    "週間",
    "ヶ月",
    "か月",
    "カ月",
    "ヵ月",
    "ケ月",
    "昨日",
    "今日",
    "一昨日",
    "たった今",
    "さっき",
    "月曜日",
    "火曜日",
    "水曜日",
    "木曜日",
    "金曜日",
    "土曜日",
    "日曜日",
    // Chinese.
    "号",
    "號",
    "时",
    "点",
    "點",
    "上午",
    "下午",
    "早上",
    "晚上",
    "小时",
    "小時",
    "个小时",
    "個小時",
    "分钟",
    "分鐘",
    "天",
    "周",
    "星期",
    "个星期",
    "個星期",
    "个月",
    "個月",
    "以前",
    "之前",
    "昨天",
    "今天",
    "前天",
    "刚刚",
    "剛剛",
    "刚才",
    "剛才",
    "星期一",
    "星期二",
    "星期三",
    "星期四",
    "星期五",
    "星期六",
    "星期日",
    "星期天",
    "周一",
    "周二",
    "周三",
    "周四",
    "周五",
    "周六",
    "周日",
    "週一",
    "週二",
    "週三",
    "週四",
    "週五",
    "週六",
    "週日",
    "一",
];

/// The month (1–12) a normalized word names, in any language.
pub(super) fn month_number(word: &str) -> Option<u32> {
    let word = word.strip_suffix('.').unwrap_or(word);
    MONTHS.iter().find_map(|language| {
        let index = language.iter().position(|names| names.contains(&word))?;
        u32::try_from(index + 1).ok()
    })
}

/// The weekday (0 = Monday) a normalized word names, in any language.
pub(super) fn weekday_index(word: &str) -> Option<usize> {
    WEEKDAYS
        .iter()
        .find_map(|language| language.iter().position(|names| names.contains(&word)))
}

/// The half of the day a word (`pm`, `오후`, `午後`, `下午`) names.
pub(super) fn meridiem(word: &str) -> Option<Meridiem> {
    match word {
        "am" | "오전" | "午前" | "上午" | "早上" => Some(Meridiem::Am),
        "pm" | "오후" | "午後" | "下午" | "晚上" => Some(Meridiem::Pm),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{month_number, weekday_index};

    #[test]
    fn months_are_found_in_every_latin_and_cyrillic_language() {
        for (word, month) in [
            ("sep", 9),
            ("sept.", 9),
            ("marz", 3),
            ("fevrier", 2),
            ("septiembre", 9),
            ("dic", 12),
            ("gennaio", 1),
            ("outubro", 10),
            ("сентября", 9),
            ("май", 5),
        ] {
            assert_eq!(month_number(word), Some(month), "{word}");
        }
        assert_eq!(month_number("septembe"), None);
    }

    #[test]
    fn weekdays_are_found_in_latin_and_cjk_scripts() {
        assert_eq!(weekday_index("dienstag"), Some(1));
        assert_eq!(weekday_index("火曜日"), Some(1));
        assert_eq!(weekday_index("sep"), None);
    }
}
