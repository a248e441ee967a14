//! A block context over genesis state, as every suite builds one, and the storage a pallet
//! changed in it.

use std::fmt::Debug;

use tracechain_primitives::{hashing::twox_128, BlockNumber, Moment};
use tracechain_support::{Context, Overlay, StateReader, StorageValue, ValueQuery};

/// Builds a block's context: an overlay over `state` with the genesis of the pallets a suite
/// needs, the block's time, then the block number.
///
/// ```text
/// let ctx: Ctx<'_> = ContextBuilder::new(state)
///     .genesis(pallet_membership::build_genesis, &consortium().config())
///     .time(&pallet_timestamp::NOW, NOW)
///     .at_block(BLOCK);
/// ```
pub struct ContextBuilder<'s> {
    overlay: Overlay<'s>,
}

impl<'s> ContextBuilder<'s> {
    /// An overlay over `state`, nothing written yet.
    pub fn new(state: &'s dyn StateReader) -> Self {
        ContextBuilder { overlay: Overlay::new(state) }
    }

    /// Writes a pallet's genesis: `build` is its `build_genesis`, `config` its genesis config.
    ///
    /// # Panics
    /// If `build` refuses `config`: the suite's genesis is malformed.
    pub fn genesis<C, E: Debug>(
        mut self,
        build: impl FnOnce(&mut Overlay<'s>, &C) -> Result<(), E>,
        config: &C,
    ) -> Self {
        if let Err(error) = build(&mut self.overlay, config) {
            panic!("the suite's genesis config is refused: {error:?}");
        }
        self
    }

    /// Sets the block's time in `clock` (pallet-timestamp's `NOW`) to `now`.
    pub fn time(mut self, clock: &StorageValue<Moment, ValueQuery>, now: Moment) -> Self {
        clock.put(&mut self.overlay, &now);
        self
    }

    /// The context of block `number` over what was written.
    pub fn at_block<E>(self, number: BlockNumber) -> Context<'s, E> {
        Context::new(self.overlay, number)
    }
}

/// Every change `overlay` committed under the pallet `pallet_name`'s storage prefix, to check
/// that a failed call changed nothing.
pub fn pallet_changes(overlay: &Overlay<'_>, pallet_name: &str) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    let prefix = twox_128(pallet_name.as_bytes());
    overlay
        .committed_changes()
        .iter()
        .filter(|(key, _)| key.starts_with(&prefix))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use tracechain_support::StorageWrite;

    use super::*;

    const CLOCK: StorageValue<Moment, ValueQuery> = StorageValue::new("Clock", "Now");
    const FLAG: StorageValue<bool, ValueQuery> = StorageValue::new("Flags", "Set");

    fn raise(storage: &mut impl StorageWrite, value: &bool) -> Result<(), String> {
        FLAG.put(storage, value);
        Ok(())
    }

    #[test]
    fn genesis_and_time_are_written_before_the_block_starts() {
        let state = BTreeMap::new();
        let ctx: Context<'_, ()> = ContextBuilder::new(&state).genesis(raise, &true).time(&CLOCK, 42).at_block(7);
        assert_eq!((ctx.block_number(), CLOCK.get(&ctx), FLAG.get(&ctx)), (7, 42, true));
        assert_eq!(pallet_changes(&ctx.overlay, "Flags"), vec![(FLAG.key(), Some(vec![1]))], "SCALE true");
    }

    #[test]
    #[should_panic(expected = "refused")]
    fn a_refused_genesis_fails_the_suite() {
        let state = BTreeMap::new();
        let _ = ContextBuilder::new(&state).genesis(|_: &mut Overlay<'_>, _: &()| Err("no founders"), &());
    }
}
