//! Dates for scenario steps. A commit's hash depends on its dates, so setup
//! never reads the clock: every step gets a date from the scenario, passed to
//! git in its raw form (`<unix seconds> <+hhmm>`), which no locale or time zone
//! of the machine can change.

use std::fmt;

/// A moment with the UTC offset it was written in (git keeps both).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GitDate {
    pub unix: i64,
    pub offset_minutes: i32,
}

/// When a scenario does not say `start`: a fixed Monday morning.
pub const DEFAULT_START: GitDate = GitDate {
    unix: 1_736_154_000, // 2025-01-06T09:00:00Z
    offset_minutes: 0,
};

/// Each step happens this long after the one before.
pub const STEP_SECONDS: i64 = 60;

impl GitDate {
    /// `2025-01-06T09:00:00Z`, `2025-01-06 09:00+01:00`, `2025-01-06T09:00:00-0500`.
    pub fn parse(text: &str) -> Result<GitDate, String> {
        let text = text.trim();
        let bad = || {
            format!(
                "`{text}` is not a date this format knows: write `YYYY-MM-DDTHH:MM:SSZ` or with an offset, e.g. `2025-01-06T09:00:00+01:00`"
            )
        };
        let (date, rest) = text.split_at_checked(10).ok_or_else(bad)?;
        let mut parts = date.split('-');
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let year: i64 = number(y, 4).ok_or_else(bad)?;
        let month: u32 = number(m, 2).ok_or_else(bad)?;
        let day: u32 = number(d, 2).ok_or_else(bad)?;
        let rest = rest.strip_prefix(['T', ' ']).ok_or_else(bad)?;
        // Time: HH:MM or HH:MM:SS, then the zone.
        let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
        let (time, zone) = rest.split_at(zone_at);
        let mut fields = time.split(':');
        let hour: u32 = fields.next().and_then(|h| number(h, 2)).ok_or_else(bad)?;
        let minute: u32 = fields.next().and_then(|m| number(m, 2)).ok_or_else(bad)?;
        let second: u32 = match fields.next() {
            Some(s) => number(s, 2).ok_or_else(bad)?,
            None => 0,
        };
        if fields.next().is_some() {
            return Err(bad());
        }
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return Err(format!("`{text}` is not a real date and time"));
        }
        let offset_minutes = parse_zone(zone).ok_or_else(bad)?;
        let local = days_from_civil(year, month, day) * 86_400
            + i64::from(hour) * 3600
            + i64::from(minute) * 60
            + i64::from(second);
        Ok(GitDate {
            unix: local - i64::from(offset_minutes) * 60,
            offset_minutes,
        })
    }

    pub fn plus_seconds(self, seconds: i64) -> GitDate {
        GitDate {
            unix: self.unix + seconds,
            ..self
        }
    }
}

/// git's raw date format, as `GIT_AUTHOR_DATE` and `GIT_COMMITTER_DATE` take it.
impl fmt::Display for GitDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let abs = self.offset_minutes.abs();
        write!(f, "{} {sign}{:02}{:02}", self.unix, abs / 60, abs % 60)
    }
}

fn number<T: std::str::FromStr>(text: &str, digits: usize) -> Option<T> {
    if text.len() == digits && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

fn parse_zone(zone: &str) -> Option<i32> {
    match zone {
        "" | "Z" | "z" => Some(0),
        _ => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits = zone[1..].replace(':', "");
            let hours: i32 = number(digits.get(..2)?, 2)?;
            let minutes: i32 = number(digits.get(2..)?, 2)?;
            (hours <= 14 && minutes < 60).then_some(sign * (hours * 60 + minutes))
        }
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_utc_and_offsets() {
        assert_eq!(GitDate::parse("1970-01-01T00:00:00Z").unwrap().unix, 0);
        assert_eq!(GitDate::parse("2025-01-06T09:00:00Z").unwrap(), DEFAULT_START);
        let paris = GitDate::parse("2025-01-06 10:00+01:00").unwrap();
        assert_eq!(paris.unix, DEFAULT_START.unix);
        assert_eq!(paris.to_string(), "1736154000 +0100");
        let ny = GitDate::parse("2025-01-06T04:00:00-0500").unwrap();
        assert_eq!(ny.unix, DEFAULT_START.unix);
        assert_eq!(ny.to_string(), "1736154000 -0500");
        assert_eq!(
            GitDate::parse("2024-02-29T12:00:00Z").unwrap().unix,
            1_709_208_000
        );
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for bad in [
            "",
            "yesterday",
            "2025-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2025-01-06T24:00:00Z",
            "2025-01-06",
            "2025-01-06T09:00:00+2",
            "2025-1-6T09:00:00Z",
        ] {
            assert!(GitDate::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
