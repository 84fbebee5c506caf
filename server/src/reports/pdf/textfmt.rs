//! Number, date and time formatting shared by both documents; never yields "NaN".

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

/// Shown where a value is missing or undefined.
pub(super) const DASH: &str = "—";

/// A score with at most `decimals` decimals, trailing zeros dropped ("86", "85.5").
pub(super) fn num(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return DASH.to_string();
    }
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

/// Like [`num`] for an optional value.
pub(super) fn opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| DASH.to_string(), |v| num(v, decimals))
}

/// A value with exactly `decimals` decimals (statistics such as KR-20), or a dash.
pub(super) fn fixed(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => DASH.to_string(),
    }
}

/// `part / whole` as a fraction in 0..=1, or `None` when `whole` is zero or not finite.
pub(super) fn ratio(part: f64, whole: f64) -> Option<f64> {
    let r = part / whole;
    (whole > 0.0 && r.is_finite()).then(|| r.clamp(0.0, 1.0))
}

/// `part / whole` as "85.7%", or a dash when `whole` is zero.
pub(super) fn pct(part: u32, whole: u32) -> String {
    match ratio(f64::from(part), f64::from(whole)) {
        Some(r) => format!("{:.1}%", r * 100.0),
        None => DASH.to_string(),
    }
}

/// A date as 2026-11-20.
pub(super) fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A UTC instant in China time (UTC+8) as 2026-11-23 16:05.
pub(super) fn china_time(t: DateTime<Utc>) -> String {
    let naive = t.naive_utc();
    naive
        .checked_add_signed(TimeDelta::hours(8))
        .unwrap_or(naive)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Chinese ordinal for section numbers: 一, 二, … 十, then arabic numerals.
pub(super) fn cn_ordinal(n: usize) -> String {
    const DIGITS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    match n.checked_sub(1).and_then(|i| DIGITS.get(i)) {
        Some(d) => (*d).to_string(),
        None => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_never_print_nan() {
        assert_eq!(num(86.0, 1), "86");
        assert_eq!(num(85.46, 1), "85.5");
        assert_eq!(num(f64::NAN, 1), DASH);
        assert_eq!(num(-0.01, 1), "0");
        assert_eq!(pct(0, 0), DASH);
        assert_eq!(pct(30, 35), "85.7%");
        assert_eq!(fixed(Some(f64::INFINITY), 3), DASH);
        assert_eq!(ratio(5.0, 0.0), None);
        assert_eq!(cn_ordinal(3), "三");
        assert_eq!(cn_ordinal(0), "0");
    }

    #[test]
    fn china_time_is_utc_plus_8() {
        let t = DateTime::parse_from_rfc3339("2026-11-23T08:05:00Z")
            .map(|t| t.with_timezone(&Utc))
            .ok();
        assert_eq!(t.map(china_time).as_deref(), Some("2026-11-23 16:05"));
    }
}
