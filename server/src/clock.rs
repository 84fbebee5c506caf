//! Server time: the only clock exam deadlines are measured against.

use chrono::{DateTime, TimeZone, Utc};

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
