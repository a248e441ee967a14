//! What a dispatched call sees: the block's storage overlay, the block number, the phase of
//! execution and the block's events, with storage and events rolled back together.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use tracechain_primitives::{BlockNumber, H256};

use crate::{dispatch::DispatchError, overlay::Overlay};

/// How deeply transactional layers may nest before a call fails with `Exhausted`.
pub const MAX_TRANSACTION_DEPTH: usize = 255;

/// Where in the block an event was emitted (`frame_system::Phase`, indices fixed by clients).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tracechain_support", "frame_system"), replace_segment("context", "pallet"))]
pub enum Phase {
    /// While applying the extrinsic at this index.
    ApplyExtrinsic(u32),
    /// While finalizing the block.
    Finalization,
    /// While initializing the block.
    Initialization,
}

/// An event with its phase and topics (`frame_system::EventRecord`).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tracechain_support", "frame_system"), replace_segment("context", "pallet"))]
pub struct EventRecord<E> {
    /// When it was emitted.
    pub phase: Phase,
    /// The event.
    pub event: E,
    /// Topics for filtering (unused so far: always empty).
    pub topics: Vec<H256>,
}

/// Storage reads, for typed storage items.
pub trait StorageRead {
    /// The current value at `key`.
    fn storage_get(&self, key: &[u8]) -> Option<Vec<u8>>;
    /// Records that a stored value could not be decoded.
    fn note_corruption(&self, reason: String);
}

/// Storage writes, for typed storage items.
pub trait StorageWrite: StorageRead {
    /// Writes `value` at `key`.
    fn storage_set(&mut self, key: Vec<u8>, value: Vec<u8>);
    /// Deletes `key`.
    fn storage_remove(&mut self, key: Vec<u8>);
}

impl StorageRead for Overlay<'_> {
    fn storage_get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.get(key)
    }
    fn note_corruption(&self, reason: String) {
        Overlay::note_corruption(self, reason);
    }
}

impl StorageWrite for Overlay<'_> {
    fn storage_set(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.set(key, value);
    }
    fn storage_remove(&mut self, key: Vec<u8>) {
        self.remove(key);
    }
}

/// The execution context of one block.
pub struct Context<'a, E> {
    /// The block's storage.
    pub overlay: Overlay<'a>,
    block_number: BlockNumber,
    phase: Phase,
    events: Vec<EventRecord<E>>,
}

impl<'a, E> Context<'a, E> {
    /// A context for executing block `block_number` over `overlay`.
    pub fn new(overlay: Overlay<'a>, block_number: BlockNumber) -> Self {
        Self { overlay, block_number, phase: Phase::Initialization, events: Vec::new() }
    }

    /// The number of the block being built or executed.
    pub fn block_number(&self) -> BlockNumber {
        self.block_number
    }

    /// The current phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Sets the phase for events emitted from now on.
    pub fn set_phase(&mut self, phase: Phase) {
        self.phase = phase;
    }

    /// Emits an event in the current phase.
    pub fn deposit_event(&mut self, event: impl Into<E>) {
        self.events.push(EventRecord { phase: self.phase, event: event.into(), topics: Vec::new() });
    }

    /// The events emitted so far.
    pub fn events(&self) -> &[EventRecord<E>] {
        &self.events
    }

    /// Takes the events emitted so far, leaving none.
    pub fn take_events(&mut self) -> Vec<EventRecord<E>> {
        std::mem::take(&mut self.events)
    }

    /// Runs `f` in a transactional layer: its storage writes and events are kept if it returns
    /// `Ok` and discarded if it returns `Err`.
    pub fn transactional<R>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<R, DispatchError>,
    ) -> Result<R, DispatchError> {
        if self.overlay.depth() >= MAX_TRANSACTION_DEPTH {
            return Err(DispatchError::Exhausted);
        }
        let events_before = self.events.len();
        self.overlay.start_transaction();
        let result = f(self);
        if result.is_ok() {
            self.overlay.commit_transaction();
        } else {
            self.overlay.rollback_transaction();
            self.events.truncate(events_before);
        }
        result
    }

    /// Consumes the context, returning the overlay and the events.
    pub fn into_parts(self) -> (Overlay<'a>, Vec<EventRecord<E>>) {
        (self.overlay, self.events)
    }
}

impl<E> StorageRead for Context<'_, E> {
    fn storage_get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.overlay.get(key)
    }
    fn note_corruption(&self, reason: String) {
        self.overlay.note_corruption(reason);
    }
}

impl<E> StorageWrite for Context<'_, E> {
    fn storage_set(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.overlay.set(key, value);
    }
    fn storage_remove(&mut self, key: Vec<u8>) {
        self.overlay.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn failed_call_rolls_back_storage_and_events() {
        let state = BTreeMap::new();
        let mut ctx: Context<'_, u8> = Context::new(Overlay::new(&state), 1);
        ctx.set_phase(Phase::ApplyExtrinsic(0));
        let outcome: Result<(), _> = ctx.transactional(|ctx| {
            ctx.storage_set(b"k".to_vec(), b"v".to_vec());
            ctx.deposit_event(1u8);
            Err(DispatchError::BadOrigin)
        });
        assert_eq!(outcome, Err(DispatchError::BadOrigin));
        assert!(ctx.events().is_empty());
        assert_eq!(ctx.storage_get(b"k"), None);

        ctx.transactional(|ctx| {
            ctx.storage_set(b"k".to_vec(), b"v".to_vec());
            ctx.deposit_event(2u8);
            Ok(())
        })
        .unwrap();
        assert_eq!(ctx.events()[0].event, 2);
        assert_eq!(ctx.events()[0].phase, Phase::ApplyExtrinsic(0));
        assert_eq!(ctx.storage_get(b"k"), Some(b"v".to_vec()));
    }

    #[test]
    fn phase_encodings_are_substrates() {
        assert_eq!(Phase::ApplyExtrinsic(1).encode(), vec![0, 1, 0, 0, 0]);
        assert_eq!(Phase::Finalization.encode(), vec![1]);
        assert_eq!(Phase::Initialization.encode(), vec![2]);
    }
}
