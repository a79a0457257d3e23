//! When to ask a server again: its `Retry-After`, and backoff for sources that keep failing.
//!
//! Policy: believe a server's `Retry-After` up to a cap (a huge number or a date in year
//! 9999 is cut to the cap, never an overflow); back off exponentially from a source that
//! keeps failing, but never come back sooner than the server asked. Pure: the clock comes
//! in as an argument. Entry points: [`backoff_delay`] and `parse_retry_after`.

use std::time::{Duration, SystemTime};

/// The wait after the second failure in a row; it doubles with each further one.
const FIRST_BACKOFF: Duration = Duration::from_secs(5 * 60);

/// The longest backoff: a source that keeps failing is still tried once a day.
const MAX_BACKOFF: Duration = Duration::from_secs(24 * 60 * 60);

/// How long to leave a source alone after `consecutive_failures` failed fetches in a row,
/// given the last failure's `Retry-After` (see [`FetchError::retry_after`]).
///
/// The schedule: no wait after none or one failure (the next regular run tries again, so
/// one blip costs nothing), then 5 minutes after the second, doubling with each further
/// failure (10, 20, 40 minutes …) up to 24 hours. The result is never less than
/// `retry_after`.
///
/// ```
/// use std::time::Duration;
/// use feedmill::fetch::backoff_delay;
///
/// assert_eq!(backoff_delay(1, None), Duration::ZERO);
/// assert_eq!(backoff_delay(3, None), Duration::from_secs(10 * 60));
/// let asked = Duration::from_secs(2 * 60 * 60);
/// assert_eq!(backoff_delay(3, Some(asked)), asked);
/// ```
///
/// [`FetchError::retry_after`]: super::FetchError::retry_after
pub fn backoff_delay(consecutive_failures: u32, retry_after: Option<Duration>) -> Duration {
    let backoff = match consecutive_failures.checked_sub(2) {
        None => Duration::ZERO,
        // 2^9 × 5 minutes is already past a day, so the shift never overflows.
        Some(doublings) => FIRST_BACKOFF
            .saturating_mul(1 << doublings.min(9))
            .min(MAX_BACKOFF),
    };
    backoff.max(retry_after.unwrap_or(Duration::ZERO))
}

/// Reads a `Retry-After` value (RFC 9110 §10.2.3): delta-seconds, or an HTTP-date counted
/// from `now` (a date in the past means now). The result is at most `max`; a number too
/// large for any integer also gives `max`. `None` when the value is neither.
pub(super) fn parse_retry_after(value: &str, now: SystemTime, max: Duration) -> Option<Duration> {
    let value = value.trim();
    let wait = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // All digits: only overflow can make the parse fail, and that means "very long".
        value.parse().map_or(max, Duration::from_secs)
    } else {
        let date = httpdate::parse_http_date(value).ok()?;
        date.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(wait.min(max))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);
    const HOUR: Duration = Duration::from_secs(60 * 60);

    #[test]
    fn backoff_waits_nothing_at_first_then_doubles_from_five_minutes() {
        assert_eq!(backoff_delay(0, None), Duration::ZERO);
        assert_eq!(backoff_delay(1, None), Duration::ZERO);
        assert_eq!(backoff_delay(2, None), 5 * MINUTE);
        assert_eq!(backoff_delay(3, None), 10 * MINUTE);
        assert_eq!(backoff_delay(4, None), 20 * MINUTE);
        assert_eq!(backoff_delay(10, None), 1280 * MINUTE);
    }

    #[test]
    fn backoff_stops_growing_at_a_day_however_many_failures() {
        assert_eq!(backoff_delay(11, None), 24 * HOUR);
        assert_eq!(backoff_delay(12, None), 24 * HOUR);
        assert_eq!(backoff_delay(u32::MAX, None), 24 * HOUR);
    }

    #[test]
    fn backoff_is_never_shorter_than_the_server_asked() {
        assert_eq!(backoff_delay(1, Some(2 * MINUTE)), 2 * MINUTE);
        assert_eq!(backoff_delay(2, Some(2 * MINUTE)), 5 * MINUTE);
        assert_eq!(backoff_delay(3, Some(6 * HOUR)), 6 * HOUR);
        // Even past the daily cap: the server's word wins.
        assert_eq!(backoff_delay(20, Some(48 * HOUR)), 48 * HOUR);
    }

    fn at(text: &str) -> SystemTime {
        httpdate::parse_http_date(text).expect("an HTTP-date")
    }

    #[test]
    fn retry_after_in_seconds_is_read_and_capped() {
        let now = SystemTime::UNIX_EPOCH;
        assert_eq!(parse_retry_after("120", now, 6 * HOUR), Some(2 * MINUTE));
        assert_eq!(
            parse_retry_after(" 0 ", now, 6 * HOUR),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("1000000000000", now, 6 * HOUR),
            Some(6 * HOUR)
        );
        let beyond_u64 = "9".repeat(40);
        assert_eq!(
            parse_retry_after(&beyond_u64, now, 6 * HOUR),
            Some(6 * HOUR)
        );
    }

    #[test]
    fn retry_after_as_a_date_counts_from_now_and_is_capped() {
        let now = at("Wed, 21 Oct 2015 07:28:00 GMT");
        let in_an_hour = "Wed, 21 Oct 2015 08:28:00 GMT";
        assert_eq!(parse_retry_after(in_an_hour, now, 6 * HOUR), Some(HOUR));
        // The two obsolete forms HTTP still accepts.
        let rfc850 = "Wednesday, 21-Oct-15 07:30:00 GMT";
        assert_eq!(parse_retry_after(rfc850, now, 6 * HOUR), Some(2 * MINUTE));
        let asctime = "Wed Oct 21 07:29:00 2015";
        assert_eq!(parse_retry_after(asctime, now, 6 * HOUR), Some(MINUTE));
        let far = "Fri, 31 Dec 9999 23:59:59 GMT";
        assert_eq!(parse_retry_after(far, now, 6 * HOUR), Some(6 * HOUR));
        let past = "Tue, 20 Oct 2015 07:28:00 GMT";
        assert_eq!(parse_retry_after(past, now, 6 * HOUR), Some(Duration::ZERO));
    }

    #[test]
    fn retry_after_that_is_neither_is_ignored() {
        let now = SystemTime::UNIX_EPOCH;
        for value in [
            "",
            "-5",
            "1.5",
            "soon",
            "120 s",
            "Wed, 32 Oct 2015 07:28:00 GMT",
        ] {
            assert_eq!(parse_retry_after(value, now, HOUR), None, "{value:?}");
        }
    }
}
