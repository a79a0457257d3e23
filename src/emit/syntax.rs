//! What a value must look like before a writer may emit it.
//!
//! Policy: shape checks as the specs state them, no lookups in registries.
//! [`super::prepare`] repairs or drops values that fail, so no writer has to check again.

use crate::model::Timestamp;

/// True when RFC 822 and RFC 3339 can both write `at`: its year, as written and in
/// UTC, has four digits (1 to 9999).
pub(super) fn is_writable_date(at: &Timestamp) -> bool {
    use chrono::Datelike;
    let writable = |year: i32| (1..=9999).contains(&year);
    writable(at.year()) && writable(at.naive_utc().year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeZone, Utc};

    #[test]
    fn dates_outside_four_digit_years_are_not_writable() {
        let far = Utc.with_ymd_and_hms(12_345, 1, 1, 0, 0, 0).unwrap();
        assert!(!is_writable_date(&far.fixed_offset()));
        let year_zero_in_utc = DateTime::parse_from_rfc3339("0001-01-01T00:00:00+14:00").unwrap();
        assert!(!is_writable_date(&year_zero_in_utc));
        let fine = DateTime::parse_from_rfc3339("2025-09-09T18:21:00+09:00").unwrap();
        assert!(is_writable_date(&fine));
    }
}
