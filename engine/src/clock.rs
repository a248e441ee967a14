//! The wall clock, read only where consensus needs it: to choose a block's timestamp and when to
//! build it. The runtime never reads it; a block's time is the timestamp inherent it carries.

use std::time::{SystemTime, UNIX_EPOCH};

use tracechain_primitives::Moment;

/// The wall clock in milliseconds since the Unix epoch (0 if the clock is before it).
pub fn wall_clock_ms() -> Moment {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|elapsed| elapsed.as_millis() as Moment).unwrap_or(0)
}
