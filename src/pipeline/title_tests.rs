use super::*;

const HOUR: i64 = 3600;

fn input(title: &str, source: usize, hour: i64) -> TitleInput<'_> {
    TitleInput {
        title: Some(title),
        source,
        date: Some(hour * HOUR),
    }
}

/// The groups (of input indices) that title matching forms.
fn groups(inputs: &[TitleInput<'_>], threshold: f64, window_hours: i64) -> Vec<Vec<usize>> {
    let mut sets = DisjointSets::new(inputs.len());
    link_similar_titles(inputs, threshold, window_hours * HOUR, &mut sets);
    sets.groups().into_iter().filter(|g| g.len() > 1).collect()
}

#[test]
fn near_identical_titles_of_different_sources_match() {
    let inputs = [
        input("Kim Jong Un visits Russian far east", 0, 0),
        input("Kim Jong-un visits Russian Far East", 1, 3),
        input("Kim Jong Un visited Russian far east", 2, 5),
        input("Seoul markets close higher on chip rally", 3, 1),
    ];
    assert_eq!(groups(&inputs, 0.9, 48), [vec![0, 1, 2]]);
}

#[test]
fn titles_outside_the_window_do_not_match() {
    let inputs = [
        input("Kim Jong Un visits Russian far east", 0, 0),
        input("Kim Jong Un visits Russian far east", 1, 49),
        input("Kim Jong Un visits Russian far east!", 2, 98),
    ];
    assert!(groups(&inputs, 0.9, 48).is_empty());
    assert_eq!(groups(&inputs, 0.9, 49), [vec![0, 1, 2]]);
}

#[test]
fn titles_of_one_source_never_match() {
    let inputs = [
        input("Live updates: the summit in Hanoi", 0, 0),
        input("Live updates: the summit in Hanoi", 0, 1),
    ];
    assert!(groups(&inputs, 0.9, 48).is_empty());
}

#[test]
fn different_headlines_do_not_match() {
    let inputs = [
        input("North Korea fires missile into sea", 0, 0),
        input("Missile fired into sea by North Korea", 1, 0),
        input("Japan protests missile launch near its waters", 2, 0),
    ];
    assert!(groups(&inputs, 0.9, 48).is_empty());
}

#[test]
fn a_word_swapped_for_an_unrelated_one_is_another_story() {
    // "north" → "south" is 2 edits of 34 characters (0.94), but a different word.
    let inputs = [
        input("North Korea fires missile into sea", 0, 0),
        input("South Korea fires missile into sea", 1, 0),
    ];
    assert!(groups(&inputs, 0.9, 48).is_empty());
    // Inflections, dropped or added words and respellings are the same story.
    for (a, b) in [
        (
            "Kim visits Minsk for trade talks",
            "Kim visited Minsk for trade talks",
        ),
        (
            "North Korea fires missile into sea",
            "North Korea fires a missile into the sea",
        ),
        (
            "Belarusian leader says he is ready to visit",
            "Belarusian leader says he's ready to visit",
        ),
    ] {
        let pair = [input(a, 0, 0), input(b, 1, 0)];
        assert_eq!(groups(&pair, 0.85, 48), [vec![0, 1]], "{a} / {b}");
    }
}

#[test]
fn short_generic_and_undated_titles_are_not_matched() {
    let inputs = [
        input("Daily briefing", 0, 0),
        input("Daily briefing", 1, 0),
        TitleInput {
            title: Some("An undated but long title here"),
            source: 2,
            date: None,
        },
        TitleInput {
            title: Some("An undated but long title here"),
            source: 3,
            date: Some(0),
        },
        TitleInput {
            title: None,
            source: 4,
            date: Some(0),
        },
    ];
    assert!(groups(&inputs, 0.9, 48).is_empty());
}

#[test]
fn unspaced_titles_match_when_long_enough() {
    let inputs = [
        input("北朝鮮がミサイル発射", 0, 0),
        input("北朝鮮がミサイル発射", 1, 1),
        input("東京", 2, 0),
        input("東京", 3, 0),
    ];
    assert_eq!(groups(&inputs, 0.9, 48), [vec![0, 1]]);
}

#[test]
fn identical_titles_match_even_when_every_word_is_common() {
    // 150 sources carry the same headline: one distinct title, its articles paired
    // by date without comparing titles.
    let inputs: Vec<TitleInput<'_>> = (0..150)
        .map(|source| input("Wire story about the same event", source, 0))
        .collect();
    let found = groups(&inputs, 0.9, 48);
    assert_eq!(found, [(0..150).collect::<Vec<_>>()]);
}

#[test]
fn threshold_above_one_matches_nothing_and_one_matches_identical_only() {
    let inputs = [
        input("Kim Jong Un visits Russian far east", 0, 0),
        input("Kim Jong Un visits Russian far east", 1, 0),
        input("Kim Jong Un visits Russian far east.", 2, 0),
        input("Kim Jong Un visit Russian far east", 3, 0),
    ];
    assert!(groups(&inputs, 1.01, 48).is_empty());
    // Punctuation folds away; a changed letter does not.
    assert_eq!(groups(&inputs, 1.0, 48), [vec![0, 1, 2]]);
}

#[test]
fn words_beyond_the_budget_find_no_candidates() {
    // "summit" and "hanoi" are in six titles each: 15 pairs per word.
    let inputs: Vec<TitleInput<'_>> = [
        "summit in hanoi opens",
        "summit in hanoi opened",
        "summit in hanoi ends with a deal",
        "summit in hanoi ends without deal",
        "summit in hanoi draws protest",
        "summit in hanoi draws protests",
    ]
    .iter()
    .enumerate()
    .map(|(source, title)| input(title, source, 0))
    .collect();
    let grouped = |budget: u64| {
        let mut sets = DisjointSets::new(inputs.len());
        link_with_budget(&inputs, 0.9, 48 * HOUR, budget, &mut sets);
        sets.groups().into_iter().filter(|g| g.len() > 1).count()
    };
    // Every word fits: "opens"/"opened", "protest"/"protests" and the two "ends"
    // titles (3 edits of 33) pair up.
    assert_eq!(grouped(1000), 3);
    // Only words in at most `ALWAYS_RARE` titles: "ends" and "draws" (2 titles each)
    // still find their pairs; "opens"/"opened" share only the common words.
    assert_eq!(grouped(0), 2);
}

#[test]
fn rare_limit_admits_whole_frequencies_rarest_first() {
    // Two words in 5 titles (10 pairs each), one in 8 (28 pairs).
    let frequency = [1, 5, 5, 8, 1];
    assert_eq!(rare_limit(&frequency, 0), ALWAYS_RARE);
    assert_eq!(rare_limit(&frequency, 19), ALWAYS_RARE);
    assert_eq!(rare_limit(&frequency, 20), 5);
    assert_eq!(rare_limit(&frequency, 47), 5);
    assert_eq!(rare_limit(&frequency, 48), 8);
}

#[test]
fn max_edits_bounds_the_longer_title_too() {
    assert_eq!(max_edits(90, 0.9), 10);
    assert_eq!(max_edits(10, 0.9), 1);
    assert_eq!(max_edits(10, 1.0), 0);
    assert_eq!(max_edits(10, 0.0), 10);
}

#[test]
fn bag_distance_is_a_lower_bound_of_the_edit_distance() {
    let hist = |s: &str| {
        let mut h = [0u8; 64];
        for ch in s.chars() {
            h[(ch as u32 % 64) as usize] += 1;
        }
        h
    };
    for (a, b) in [
        ("kitten", "sitting"),
        ("abc", "cba"),
        ("", "abc"),
        ("same", "same"),
    ] {
        let edits = levenshtein::distance(a.chars(), b.chars());
        assert!(bag_distance(&hist(a), &hist(b)) <= edits, "{a} {b}");
    }
    assert_eq!(bag_distance(&hist("abc"), &hist("abd")), 1);
}

#[test]
fn titles_stating_different_numbers_are_different_stories() {
    let inputs = [
        input("Story 0 from source 1", 0, 0),
        input("Story 0 from source 2", 1, 0),
        input("Five killed as storm hits the coast on day 3", 0, 0),
        input("Five killed as storm hits the coast on day 4", 1, 1),
        input("Story 1 from source 0", 1, 0),
    ];
    assert!(groups(&inputs, 0.9, 48).is_empty());
    let same = [
        input("Storm hits the coast on day 3, five killed", 0, 0),
        input("Storm hits the coast on day 3; five killed", 1, 1),
    ];
    assert_eq!(groups(&same, 0.9, 48), [vec![0, 1]]);
}
