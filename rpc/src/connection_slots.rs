//! A per-connection count of long-lived things (follow subscriptions, broadcasts, archive
//! storage streams), so that one connection cannot hold more than its bound.
//!
//! A slot is held by a [`Slot`] guard and given back when the guard is dropped, however the
//! holder ends (finished, unsubscribed, connection closed, task aborted). A connection's entry
//! disappears with its last slot, so the map never outgrows the connections that hold slots.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use jsonrpsee::ConnectionId;

/// Slots per connection, at most `max` each.
#[derive(Debug)]
pub struct ConnectionSlots {
    max: usize,
    held: Mutex<HashMap<ConnectionId, usize>>,
}

impl ConnectionSlots {
    /// At most `max` slots per connection.
    pub fn new(max: usize) -> Arc<Self> {
        Arc::new(Self { max, held: Mutex::new(HashMap::new()) })
    }

    /// The bound per connection.
    pub fn max(&self) -> usize {
        self.max
    }

    /// A slot for `connection`, or `None` when it already holds `max`.
    pub fn acquire(self: &Arc<Self>, connection: ConnectionId) -> Option<Slot> {
        self.acquire_many(connection, 1)
    }

    /// `count` slots at once for `connection` (a subscription that costs `count`), or `None`
    /// when they would pass `max`.
    pub fn acquire_many(self: &Arc<Self>, connection: ConnectionId, count: usize) -> Option<Slot> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let current = held.entry(connection).or_insert(0);
        if current.saturating_add(count) > self.max || count == 0 {
            if *current == 0 {
                held.remove(&connection);
            }
            return None;
        }
        *current += count;
        Some(Slot { slots: Arc::clone(self), connection, count })
    }

    /// Slots `connection` holds now.
    pub fn held_by(&self, connection: ConnectionId) -> usize {
        self.held.lock().unwrap_or_else(PoisonError::into_inner).get(&connection).copied().unwrap_or(0)
    }
}

/// One held slot; dropping it gives it back.
#[derive(Debug)]
pub struct Slot {
    slots: Arc<ConnectionSlots>,
    connection: ConnectionId,
    count: usize,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self.slots.held.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = held.get_mut(&self.connection) {
            *count = count.saturating_sub(self.count);
            if *count == 0 {
                held.remove(&self.connection);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_bounded_per_connection_and_given_back() {
        let slots = ConnectionSlots::new(2);
        let first = slots.acquire(ConnectionId(1)).unwrap();
        let _second = slots.acquire(ConnectionId(1)).unwrap();
        assert!(slots.acquire(ConnectionId(1)).is_none());
        let _other = slots.acquire(ConnectionId(2)).unwrap();
        drop(first);
        assert!(slots.acquire(ConnectionId(1)).is_some());
        let weighted = ConnectionSlots::new(10);
        let seven = weighted.acquire_many(ConnectionId(3), 7).unwrap();
        assert!(weighted.acquire_many(ConnectionId(3), 4).is_none());
        assert_eq!(weighted.held_by(ConnectionId(3)), 7);
        drop(seven);
        assert!(weighted.acquire_many(ConnectionId(3), 10).is_some());
        let zero = ConnectionSlots::new(0);
        assert!(zero.acquire(ConnectionId(1)).is_none());
        assert!(zero.held.lock().unwrap().is_empty());
    }
}
