use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::{HumanDateContext, parse_human};

/// Wednesday 2025-09-10 12:00 UTC, the `now` every relative date counts back from.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 9, 10, 12, 0, 0)
        .single()
        .expect("a valid instant")
}

fn context(zone: Option<Tz>) -> HumanDateContext {
    HumanDateContext::new(zone, now())
}

fn with_format(format: &str, zone: Option<Tz>) -> HumanDateContext {
    HumanDateContext {
        format: Some(format.to_owned()),
        ..context(zone)
    }
}

#[track_caller]
fn check_in(context: &HumanDateContext, input: &str, expected: Option<&str>) {
    let actual = parse_human(input, context).map(|found| found.to_rfc3339());
    assert_eq!(actual.as_deref(), expected, "input {input:?}");
}

#[track_caller]
fn check(zone: Tz, input: &str, expected: &str) {
    check_in(&context(Some(zone)), input, Some(expected));
}

#[track_caller]
fn check_utc(input: &str, expected: &str) {
    check_in(&context(None), input, Some(expected));
}

const SEOUL: Tz = chrono_tz::Asia::Seoul;
const BERLIN: Tz = chrono_tz::Europe::Berlin;

#[test]
fn the_seed_example_is_read_in_seoul() {
    check(
        SEOUL,
        "Published: 09 Sep. 2025, 18:21",
        "2025-09-09T18:21:00+09:00",
    );
    check(SEOUL, "09 Sep. 2025, 18:21", "2025-09-09T18:21:00+09:00");
}

#[test]
fn berlin_dates_carry_summer_or_winter_offsets() {
    check(BERLIN, "09.09.2025 18:21", "2025-09-09T18:21:00+02:00");
    check(BERLIN, "09.12.2025 18:21", "2025-12-09T18:21:00+01:00");
}

#[test]
fn a_time_inside_the_spring_gap_moves_to_the_end_of_the_gap() {
    check(BERLIN, "30.03.2025 02:30", "2025-03-30T03:00:00+02:00");
}

#[test]
fn a_time_that_happens_twice_in_autumn_is_the_earlier_instant() {
    check(BERLIN, "26.10.2025 02:30", "2025-10-26T02:30:00+02:00");
}

#[test]
fn us_gaps_and_overlaps_follow_the_same_rules() {
    let new_york = chrono_tz::America::New_York;
    check(new_york, "3/9/2025 2:30 AM", "2025-03-09T03:00:00-04:00");
    check(new_york, "11/2/2025 1:30 AM", "2025-11-02T01:30:00-04:00");
    check(new_york, "11/3/2025 1:30 AM", "2025-11-03T01:30:00-05:00");
}

#[test]
fn without_a_zone_dates_are_utc() {
    check_utc("9 September 2025", "2025-09-09T00:00:00+00:00");
}

#[test]
fn common_english_forms_are_detected() {
    check_utc("Sep 9, 2025 6:21 PM", "2025-09-09T18:21:00+00:00");
    check_utc(
        "September 9th, 2025 at 6:21 am",
        "2025-09-09T06:21:00+00:00",
    );
    check_utc(
        "Posted on Tuesday, 9 September 2025",
        "2025-09-09T00:00:00+00:00",
    );
    check_utc("Updated | 9 Sep 2025 6pm", "2025-09-09T18:00:00+00:00");
}

#[test]
fn numeric_forms_are_detected() {
    check_utc("2025.09.09 18:21", "2025-09-09T18:21:00+00:00");
    check_utc("2025/09/09", "2025-09-09T00:00:00+00:00");
    check_utc("09.09.2025 18:21:05", "2025-09-09T18:21:05+00:00");
    check_utc("Posted 2025-09-09 18:21", "2025-09-09T18:21:00+00:00");
}

#[test]
fn ambiguous_slashed_dates_are_day_first_except_in_us_zones() {
    check_utc("3/9/2025", "2025-09-03T00:00:00+00:00");
    check(
        chrono_tz::America::New_York,
        "3/9/2025",
        "2025-03-09T00:00:00-05:00",
    );
    check_utc("9/13/2025", "2025-09-13T00:00:00+00:00");
    check_utc("13/9/2025", "2025-09-13T00:00:00+00:00");
    check_utc("9/9/25", "2025-09-09T00:00:00+00:00");
}

#[test]
fn feed_dates_keep_their_written_zone() {
    check(
        SEOUL,
        "Tue, 09 Sep 2025 18:21:00 +0200",
        "2025-09-09T18:21:00+02:00",
    );
    check(SEOUL, "2025-09-09T18:21:00Z", "2025-09-09T18:21:00+00:00");
    check(SEOUL, "2025-09-09 18:21", "2025-09-09T18:21:00+09:00");
}

#[test]
fn a_zone_written_after_the_time_beats_the_context_zone() {
    check(
        SEOUL,
        "Sep. 9, 2025 at 6:21 p.m. EDT",
        "2025-09-09T18:21:00-04:00",
    );
    check(
        SEOUL,
        "09 Sep 2025 18:21 (CEST)",
        "2025-09-09T18:21:00+02:00",
    );
    check(
        SEOUL,
        "09 Sep 2025 18:21 +0100",
        "2025-09-09T18:21:00+01:00",
    );
    // Two-letter words are not read as zones: `et` is French for "and".
    check(
        SEOUL,
        "9 sept. 2025 à 18:21 et plus",
        "2025-09-09T18:21:00+09:00",
    );
}

#[test]
fn german_dates_are_read() {
    check(
        BERLIN,
        "9. September 2025, 18:21 Uhr",
        "2025-09-09T18:21:00+02:00",
    );
    check(
        BERLIN,
        "Dienstag, 9. März 2025",
        "2025-03-09T00:00:00+01:00",
    );
    check(
        BERLIN,
        "am 1. Okt. 2025 um 7:05",
        "2025-10-01T07:05:00+02:00",
    );
}

#[test]
fn french_dates_are_read() {
    let paris = chrono_tz::Europe::Paris;
    check(
        paris,
        "mardi 9 septembre 2025 à 18h21",
        "2025-09-09T18:21:00+02:00",
    );
    check(paris, "1er févr. 2025", "2025-02-01T00:00:00+01:00");
    check(paris, "le 15 août 2025", "2025-08-15T00:00:00+02:00");
}

#[test]
fn spanish_dates_are_read() {
    let madrid = chrono_tz::Europe::Madrid;
    check(
        madrid,
        "9 de septiembre de 2025, 18:21",
        "2025-09-09T18:21:00+02:00",
    );
    check(madrid, "25 dic. 2024", "2024-12-25T00:00:00+01:00");
}

#[test]
fn italian_dates_are_read() {
    let rome = chrono_tz::Europe::Rome;
    check(
        rome,
        "9 settembre 2025 alle 18:21",
        "2025-09-09T18:21:00+02:00",
    );
    check(rome, "3 gen 2025", "2025-01-03T00:00:00+01:00");
}

#[test]
fn portuguese_dates_are_read() {
    let lisbon = chrono_tz::Europe::Lisbon;
    check(
        lisbon,
        "9 de setembro de 2025 às 18:21",
        "2025-09-09T18:21:00+01:00",
    );
    check(lisbon, "2 de março de 2025", "2025-03-02T00:00:00+00:00");
}

#[test]
fn russian_dates_are_read_in_the_genitive() {
    let moscow = chrono_tz::Europe::Moscow;
    check(
        moscow,
        "9 сентября 2025 г., 18:21",
        "2025-09-09T18:21:00+03:00",
    );
    check(moscow, "1 Мая 2025", "2025-05-01T00:00:00+03:00");
    check(moscow, "Ёлка 31 дек. 2024", "2024-12-31T00:00:00+03:00");
}

#[test]
fn korean_dates_are_read_with_morning_and_afternoon() {
    check(SEOUL, "2025년 9월 9일 18:21", "2025-09-09T18:21:00+09:00");
    check(
        SEOUL,
        "2025년 9월 9일 오후 6:21",
        "2025-09-09T18:21:00+09:00",
    );
    check(
        SEOUL,
        "2025. 9. 9. 오전 9시 5분",
        "2025-09-09T09:05:00+09:00",
    );
    check(SEOUL, "2025.09.09 18:21", "2025-09-09T18:21:00+09:00");
}

#[test]
fn korean_forms_follow_the_context_zone_not_kst() {
    check_utc("2025년 9월 9일 18:21", "2025-09-09T18:21:00+00:00");
}

#[test]
fn japanese_dates_are_read() {
    let tokyo = chrono_tz::Asia::Tokyo;
    check(tokyo, "2025年9月9日 18時21分", "2025-09-09T18:21:00+09:00");
    check(
        tokyo,
        "2025年9月9日(火) 午後6時21分",
        "2025-09-09T18:21:00+09:00",
    );
    check(tokyo, "２０２５年９月９日", "2025-09-09T00:00:00+09:00");
}

#[test]
fn chinese_dates_are_read() {
    let shanghai = chrono_tz::Asia::Shanghai;
    check(shanghai, "2025年9月9日 18:21", "2025-09-09T18:21:00+08:00");
    check(
        shanghai,
        "2025年9月9日 下午6:21",
        "2025-09-09T18:21:00+08:00",
    );
    check(shanghai, "2025年9月9日上午9点", "2025-09-09T09:00:00+08:00");
    check(shanghai, "发布于 9月9日 18:21", "2025-09-09T18:21:00+08:00");
}

#[test]
fn dates_without_a_year_are_the_latest_not_after_tomorrow() {
    check_utc("Sep 9", "2025-09-09T00:00:00+00:00");
    check_utc("12 Dec", "2024-12-12T00:00:00+00:00");
}

#[test]
fn english_relative_dates_count_back_from_now() {
    check_utc("3 hours ago", "2025-09-10T09:00:00+00:00");
    check_utc("5 minutes ago", "2025-09-10T11:55:00+00:00");
    check_utc("2 days ago", "2025-09-08T12:00:00+00:00");
    check_utc("an hour ago", "2025-09-10T11:00:00+00:00");
    check_utc("Updated 2 weeks ago", "2025-08-27T12:00:00+00:00");
    check_utc("1 month ago", "2025-08-10T12:00:00+00:00");
    check_utc("just now", "2025-09-10T12:00:00+00:00");
}

#[test]
fn compact_and_abbreviated_relative_dates_are_read() {
    check_utc("3d ago", "2025-09-07T12:00:00+00:00");
    check_utc("2h ago", "2025-09-10T10:00:00+00:00");
    check_utc("vor 5 Min.", "2025-09-10T11:55:00+00:00");
    check_utc("5 мин. назад", "2025-09-10T11:55:00+00:00");
    check_in(&context(None), "1.5 hours ago", None);
    check_utc("1 hour, 5 minutes ago", "2025-09-10T10:55:00+00:00");
    check_utc("vor 1 Stunde und 5 Minuten", "2025-09-10T10:55:00+00:00");
    check_utc("1시간 5분 전", "2025-09-10T10:55:00+00:00");
    check_utc("1時間5分前", "2025-09-10T10:55:00+00:00");
    check_in(&context(None), "in 3 days", None);
    check_in(&context(None), "5 min read", None);
}

#[test]
fn relative_days_are_local_to_the_context_zone() {
    check(SEOUL, "yesterday 14:00", "2025-09-09T14:00:00+09:00");
    check(SEOUL, "today", "2025-09-10T00:00:00+09:00");
    check(SEOUL, "3 hours ago", "2025-09-10T18:00:00+09:00");
    check(BERLIN, "gestern um 14:00", "2025-09-09T14:00:00+02:00");
}

#[test]
fn relative_dates_are_read_in_every_language() {
    for (input, expected) in [
        ("vor 3 Stunden", "2025-09-10T09:00:00+00:00"),
        ("vor einer Stunde", "2025-09-10T11:00:00+00:00"),
        ("il y a 2 jours", "2025-09-08T12:00:00+00:00"),
        ("hier à 14h30", "2025-09-09T14:30:00+00:00"),
        ("hace 2 días", "2025-09-08T12:00:00+00:00"),
        ("ayer", "2025-09-09T00:00:00+00:00"),
        ("3 ore fa", "2025-09-10T09:00:00+00:00"),
        ("há 2 dias", "2025-09-08T12:00:00+00:00"),
        ("3 dias atrás", "2025-09-07T12:00:00+00:00"),
        ("3 часа назад", "2025-09-10T09:00:00+00:00"),
        ("час назад", "2025-09-10T11:00:00+00:00"),
        ("вчера в 14:00", "2025-09-09T14:00:00+00:00"),
        ("3시간 전", "2025-09-10T09:00:00+00:00"),
        ("5분전", "2025-09-10T11:55:00+00:00"),
        ("어제 오후 2시", "2025-09-09T14:00:00+00:00"),
        ("3時間前", "2025-09-10T09:00:00+00:00"),
        ("昨日 14:00", "2025-09-09T14:00:00+00:00"),
        ("3小时前", "2025-09-10T09:00:00+00:00"),
        ("2天前", "2025-09-08T12:00:00+00:00"),
        ("刚刚", "2025-09-10T12:00:00+00:00"),
        ("gerade eben", "2025-09-10T12:00:00+00:00"),
        ("à l'instant", "2025-09-10T12:00:00+00:00"),
        ("방금", "2025-09-10T12:00:00+00:00"),
    ] {
        check_utc(input, expected);
    }
}

#[test]
fn a_weekday_with_a_time_is_the_latest_such_day() {
    // `now` is a Wednesday.
    check_utc("Monday 14:00", "2025-09-08T14:00:00+00:00");
    check_utc("Mittwoch 9:00", "2025-09-10T09:00:00+00:00");
    check_in(&context(None), "Monday", None);
}

#[test]
fn an_explicit_format_is_tried_first_inside_surrounding_text() {
    let format = with_format("%d %b. %Y, %H:%M", Some(SEOUL));
    check_in(
        &format,
        "Published: 09 Sep. 2025, 18:21 | 3 comments",
        Some("2025-09-09T18:21:00+09:00"),
    );
    // The format decides the order a detector would have guessed otherwise.
    let format = with_format("%m/%d/%Y", None);
    check_in(
        &format,
        "Posted on 03/09/2025",
        Some("2025-03-09T00:00:00+00:00"),
    );
}

#[test]
fn an_explicit_format_reads_names_in_other_languages_and_keeps_offsets() {
    let format = with_format("%A, %d. %B %Y", Some(BERLIN));
    check_in(
        &format,
        "Dienstag, 09. September 2025",
        Some("2025-09-09T00:00:00+02:00"),
    );
    let format = with_format("%d %b %Y %H:%M %z", Some(SEOUL));
    check_in(
        &format,
        "09 sept. 2025 18:21 +0100",
        Some("2025-09-09T18:21:00+01:00"),
    );
}

#[test]
fn an_explicit_format_reads_russian_genitive_months() {
    let format = with_format("%d %B %Y, %H:%M", Some(chrono_tz::Europe::Moscow));
    check_in(
        &format,
        "Опубликовано: 09 сентября 2025, 18:21",
        Some("2025-09-09T18:21:00+03:00"),
    );
}

#[test]
fn an_explicit_format_without_a_time_gives_local_midnight() {
    let format = with_format("%d.%m.%Y", Some(BERLIN));
    check_in(
        &format,
        "Stand: 09.09.2025 18:21",
        Some("2025-09-09T00:00:00+02:00"),
    );
}

#[test]
fn a_format_that_does_not_match_falls_back_to_detection() {
    let format = with_format("%Y-%m-%d", Some(SEOUL));
    check_in(&format, "09 Sep. 2025", Some("2025-09-09T00:00:00+09:00"));
}

#[test]
fn garbage_is_none() {
    for input in [
        "",
        "   ",
        "hello world",
        "3 comments",
        "18:21",
        "version 1.2.3",
        "1.2.3.4",
        "Sep",
        "32 Sep 2025",
        "2025-13-45",
        "99/99/9999",
        "ago",
        "vor",
        "年月日",
        "前",
        "오후",
    ] {
        check_in(&context(Some(SEOUL)), input, None);
    }
}

#[test]
fn odd_inputs_never_panic() {
    let samples = [
        "Published: 09 Sep. 2025, 18:21",
        "2025年9月9日(火) 午後6時21分",
        "2025년 9월 9일 오후 6:21",
        "9 сентября 2025 г., 18:21",
        "il y a 2 jours",
        "99999999999 hours ago",
        "4294967295 years ago",
        "9/9/9999999999",
        "0 Sep 0",
        "\u{0}\u{FFFF}ａ.ｍ.",
    ];
    let formats = [
        None,
        Some("%d %b. %Y, %H:%M".to_owned()),
        Some("%s".to_owned()),
    ];
    for format in formats {
        let context = HumanDateContext {
            format,
            ..context(Some(BERLIN))
        };
        for sample in samples {
            for (end, _) in sample.char_indices() {
                let _ = parse_human(&sample[..end], &context);
                let _ = parse_human(&sample[end..], &context);
            }
        }
        let _ = parse_human(&"9 Sep 2025 ".repeat(100), &context);
    }
}
