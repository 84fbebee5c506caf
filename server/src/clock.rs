//! Server time: the only clock exam deadlines are measured against.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

/// Milliseconds since the Unix epoch, as stored in the database.
pub type Millis = i64;

/// Now, in storage form.
pub fn now_millis() -> Millis {
    Utc::now().timestamp_millis()
}

/// Storage form to a UTC instant.
pub fn to_datetime(ms: Millis) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// China's zone (UTC+8, no daylight saving): what staff and candidates read.
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// An instant as Beijing time, with a chrono `format`.
pub fn in_beijing(t: DateTime<Utc>, format: &str) -> String {
    t.with_timezone(&beijing()).format(format).to_string()
}

/// The calendar date in China (UTC+8) of an instant: exam dates, result validity and
/// retake windows are counted in Beijing time whatever the server's zone.
pub fn china_date(ms: Millis) -> NaiveDate {
    to_datetime(ms).with_timezone(&beijing()).date_naive()
}
