//! Block times (milliseconds since the Unix epoch) as UTC calendar dates, with integer
//! arithmetic only (the proleptic Gregorian calendar; days from the epoch to civil dates as in
//! Howard Hinnant's `civil_from_days`). For display and export, never for consensus.

use std::fmt;

/// A UTC date and time to the millisecond.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct UtcDateTime {
    /// Year (e.g. 2026).
    pub year: i64,
    /// Month, 1..=12.
    pub month: u8,
    /// Day of the month, 1..=31.
    pub day: u8,
    /// Hour, 0..=23.
    pub hour: u8,
    /// Minute, 0..=59.
    pub minute: u8,
    /// Second, 0..=59.
    pub second: u8,
    /// Millisecond, 0..=999.
    pub millisecond: u16,
}

impl UtcDateTime {
    /// The UTC date and time `ms` milliseconds after 1970-01-01T00:00:00Z.
    pub fn from_unix_ms(ms: u64) -> Self {
        let days = i64::try_from(ms / 86_400_000).unwrap_or(i64::MAX / 2);
        let in_day = ms % 86_400_000;
        let (year, month, day) = civil_from_days(days);
        Self {
            year,
            month: month as u8,
            day: day as u8,
            hour: (in_day / 3_600_000) as u8,
            minute: (in_day / 60_000 % 60) as u8,
            second: (in_day / 1_000 % 60) as u8,
            millisecond: (in_day % 1_000) as u16,
        }
    }

    /// RFC 3339 with milliseconds and `Z`, e.g. `2026-11-23T23:42:07.287Z`.
    pub fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second, self.millisecond
        )
    }
}

/// `2026-11-23 23:42 UTC`.
impl fmt::Display for UtcDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02} {:02}:{:02} UTC", self.year, self.month, self.day, self.hour, self.minute)
    }
}

/// The proleptic Gregorian (year, month, day) of `days` since 1970-01-01 (H. Hinnant's
/// algorithm: the epoch is shifted to 0000-03-01 so that leap days end a 400-year era).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of the proleptic Gregorian `year`-`month`-`day`: the inverse of
/// [`civil_from_days`].
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_instants() {
        assert_eq!(UtcDateTime::from_unix_ms(0).rfc3339(), "1970-01-01T00:00:00.000Z");
        assert_eq!(UtcDateTime::from_unix_ms(951_782_400_000).rfc3339(), "2000-02-29T00:00:00.000Z");
        assert_eq!(UtcDateTime::from_unix_ms(1_700_000_000_000).rfc3339(), "2023-11-14T22:13:20.000Z");
        assert_eq!(UtcDateTime::from_unix_ms(1_795_478_507_287).rfc3339(), "2026-11-24T00:01:47.287Z");
        assert_eq!(UtcDateTime::from_unix_ms(4_102_444_799_999).rfc3339(), "2099-12-31T23:59:59.999Z");
        assert_eq!(UtcDateTime::from_unix_ms(1_700_000_000_000).to_string(), "2023-11-14 22:13 UTC");
    }

    proptest! {
        /// Consecutive days are consecutive dates: the day advances by one, or the month (or
        /// year) rolls over to day 1.
        #[test]
        fn days_follow_each_other(day in 0u64..100_000) {
            let today = UtcDateTime::from_unix_ms(day * 86_400_000);
            let tomorrow = UtcDateTime::from_unix_ms((day + 1) * 86_400_000);
            prop_assert!(tomorrow > today);
            if tomorrow.day != today.day + 1 {
                prop_assert_eq!(tomorrow.day, 1);
                prop_assert!(tomorrow.month == today.month + 1 || (today.month == 12 && tomorrow.month == 1 && tomorrow.year == today.year + 1));
            }
        }
    }
}
