//! Tests of the system pallet against an in-memory state.

use std::collections::BTreeMap;

use parity_scale_codec::Encode;
use tracechain_primitives::{AccountId32, H256};
use tracechain_support::{dispatch::DispatchError, Context, ModuleError, Origin, Overlay, StorageRead};

use super::*;

fn alice() -> AccountId32 {
    AccountId32([1; 32])
}

#[test]
fn account_info_encoding_is_frames() {
    let info = AccountInfo { nonce: 3, consumers: 0, providers: 1, sufficients: 0, data: () };
    assert_eq!(info.encode(), vec![3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn nonce_increments_and_first_use_creates_account() {
    let state = BTreeMap::new();
    let mut ctx: Context<'_, Event> = Context::new(Overlay::new(&state), 1);
    assert_eq!(account_nonce(&ctx, &alice()), 0);
    inc_account_nonce(&mut ctx, &alice());
    inc_account_nonce(&mut ctx, &alice());
    assert_eq!(account_nonce(&ctx, &alice()), 2);
    assert_eq!(ctx.events().len(), 1, "NewAccount only once");
}

#[test]
fn remark_with_event_and_limits() {
    let state = BTreeMap::new();
    let mut ctx: Context<'_, Event> = Context::new(Overlay::new(&state), 1);
    dispatch(&mut ctx, &Origin::Signed(alice()), Call::remark_with_event { remark: b"hello".to_vec() }).unwrap();
    assert!(matches!(ctx.events()[0].event, Event::Remarked { .. }));
    let too_long = vec![0; MAX_REMARK_LEN as usize + 1];
    assert_eq!(
        dispatch(&mut ctx, &Origin::Signed(alice()), Call::remark { remark: too_long }),
        Err(DispatchError::Module(ModuleError { index: 0, error: [0, 0, 0, 0] }))
    );
    assert_eq!(dispatch(&mut ctx, &Origin::None, Call::remark { remark: vec![] }), Err(DispatchError::BadOrigin));
}

#[test]
fn block_hashes_are_pruned_but_genesis_is_kept() {
    let state = BTreeMap::new();
    let mut overlay = Overlay::new(&state);
    for number in 1..=(BLOCK_HASH_COUNT + 5) {
        initialize(&mut overlay, number, H256::from_low_u64_be(u64::from(number) - 1));
        finalize::<Event>(&mut overlay, number, &[]);
    }
    assert_eq!(block_hash(&overlay, 0), Some(H256::zero()));
    assert_eq!(block_hash(&overlay, 1), None);
    assert!(block_hash(&overlay, 5).is_some());
    assert_eq!(overlay.storage_get(&NUMBER.key()), Some((BLOCK_HASH_COUNT + 5).encode()));
}

#[test]
fn call_indices_are_frames() {
    assert_eq!(Call::remark { remark: vec![] }.encode(), vec![0, 0]);
    assert_eq!(Call::remark_with_event { remark: vec![] }.encode(), vec![7, 0]);
}
