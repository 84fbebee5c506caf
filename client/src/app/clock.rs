//! Server time as seen from this terminal. The deadline is the server's; the terminal only
//! measures how far its own clock is from the server's (skew) at every reply and counts
//! down against `deadline − (local now + skew)`, never a free-running local timer.

use chrono::{DateTime, TimeDelta, Utc};

/// Offset of the server's clock from this terminal's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerClock {
    skew: TimeDelta,
}

impl ServerClock {
    /// Record a reply in which the server said `server_now`; `local` is this terminal's
    /// time half-way through the request (so half the round trip cancels out).
    pub fn observe(&mut self, server_now: DateTime<Utc>, local: DateTime<Utc>) {
        self.skew = server_now - local;
    }

    /// The server's time at local time `local_now`.
    pub fn server_time(&self, local_now: DateTime<Utc>) -> DateTime<Utc> {
        local_now + self.skew
    }

    /// Time left until `deadline` (server time) at local time `local_now`; never negative.
    pub fn remaining(&self, deadline: DateTime<Utc>, local_now: DateTime<Utc>) -> TimeDelta {
        (deadline - self.server_time(local_now)).max(TimeDelta::zero())
    }
}

/// `mm:ss`, or `h:mm:ss` from an hour up. Rounded up to whole seconds, so `00:00` appears
/// only when the time is really over.
pub fn format_clock(d: TimeDelta) -> String {
    let ms = d.num_milliseconds().max(0);
    let secs = (ms + 999) / 1000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).expect("valid")
    }

    #[test]
    fn remaining_time_uses_the_server_clock_not_the_local_one() {
        let mut clock = ServerClock::default();
        // The terminal's clock is 90 s behind the server's.
        clock.observe(at(100), at(10));
        assert_eq!(clock.server_time(at(10)), at(100));
        let deadline = at(3700);
        // Locally 10 s: the server says 100 s, so 3600 s are left, not 3690.
        assert_eq!(clock.remaining(deadline, at(10)), TimeDelta::seconds(3600));
    }

    #[test]
    fn a_new_measurement_replaces_the_old_skew() {
        let mut clock = ServerClock::default();
        clock.observe(at(100), at(10));
        clock.observe(at(200), at(230));
        assert_eq!(clock.server_time(at(300)), at(270));
    }

    #[test]
    fn remaining_time_never_goes_negative() {
        let clock = ServerClock::default();
        assert_eq!(clock.remaining(at(0), at(5)), TimeDelta::zero());
    }

    #[test]
    fn clock_rounds_up_to_whole_seconds() {
        assert_eq!(format_clock(TimeDelta::milliseconds(59_001)), "01:00");
        assert_eq!(format_clock(TimeDelta::milliseconds(1)), "00:01");
        assert_eq!(format_clock(TimeDelta::zero()), "00:00");
        assert_eq!(format_clock(TimeDelta::seconds(3600)), "1:00:00");
        assert_eq!(format_clock(TimeDelta::seconds(3599)), "59:59");
    }
}
