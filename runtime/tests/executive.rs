//! The executive end to end: blocks of signed extrinsics built, executed and re-executed, and
//! every kind of invalid transaction refused with its own error, leaving the state untouched.

mod common;

use common::*;
use parity_scale_codec::Encode;
use tracechain_primitives::{era::Era, header::Block, keyring::Sr25519Pair, H256};
use tracechain_runtime::{
    BlockError, InMemoryChain, Runtime, RuntimeCall, RuntimeEvent, SignatureCheck, TransactionError,
};
use tracechain_support::{dispatch::DispatchError, Phase};

#[test]
fn a_block_of_1000_signed_extrinsics_re_executes_to_the_same_roots() {
    let (spec, members) = spec_with_members(4, 50);
    let mut author = InMemoryChain::new(&spec).unwrap();
    let mut auditor = InMemoryChain::new(&spec).unwrap();
    assert_eq!(author.head(), auditor.head(), "same spec, same genesis");

    // 200 accounts, 5 transactions each.
    let mut extrinsics = Vec::new();
    for nonce in 0..5 {
        for (index, member) in members.iter().enumerate() {
            extrinsics.push(author.sign(member, remark(format!("lot {index}/{nonce}").as_bytes()), nonce));
        }
    }
    assert_eq!(extrinsics.len(), 1000);
    let (block, results) = next_block(&mut author, &extrinsics);
    assert!(results.iter().all(|result| matches!(result, Ok(Ok(())))), "every extrinsic applies");
    assert_eq!(block.extrinsics.len(), 1001, "timestamp inherent + 1000");

    // Another node re-executes it from the wire encoding and gets the same header.
    let received = <Block as parity_scale_codec::Decode>::decode(&mut &block.encode()[..]).unwrap();
    auditor.import_block(&received).unwrap();
    assert_eq!(auditor.head(), author.head());
    assert_eq!(auditor.head().hash(), block.hash());

    // Each account's nonce is 5, and the block emitted success for all.
    assert_eq!(auditor.account_nonce(&members[17].public()), 5);
    let successes = auditor
        .head_events()
        .iter()
        .filter(|record| matches!(record.event, RuntimeEvent::System(pallet_system::Event::ExtrinsicSuccess { .. })))
        .count();
    assert_eq!(successes, 1001);

    // Re-executing the same block again on its parent gives the same roots.
    let again = author.re_execute(&block).unwrap();
    assert_eq!(again.block.header, block.header);
}

#[test]
fn a_tampered_block_is_refused_with_the_root_that_differs() {
    let mut author = dev_chain();
    let mut auditor = dev_chain();
    let alice = dev("Alice");
    let bytes = author.sign(&alice, remark(b"bottle 17"), 0);
    let (block, _) = next_block(&mut author, &[bytes]);

    let mut wrong_state = block.clone();
    wrong_state.header.state_root = H256::repeat_byte(1);
    assert!(matches!(auditor.import_block(&wrong_state), Err(BlockError::StateRootMismatch { .. })));

    let mut wrong_body = block.clone();
    wrong_body.extrinsics.swap(0, 1);
    assert!(auditor.import_block(&wrong_body).is_err());

    let mut forged_signature = block.clone();
    forged_signature.extrinsics[1].0[40] ^= 1; // inside the signature: 0x84, address (33), tag, then 64 bytes
    assert!(matches!(
        auditor.import_block(&forged_signature),
        Err(BlockError::InvalidExtrinsic { index: 1, error: TransactionError::BadProof { .. } })
    ));

    auditor.import_block(&block).unwrap();
    assert_eq!(auditor.head(), author.head());
}

#[test]
fn re_execution_checks_every_signature_the_caller_did_not_verify() {
    let mut author = dev_chain();
    let auditor = dev_chain();
    let alice = dev("Alice");
    let bob = dev("Bob");
    let first = author.sign(&alice, remark(b"pallet 1"), 0);
    let second = author.sign(&bob, remark(b"pallet 2"), 0);
    let (block, _) = next_block(&mut author, &[first, second]);
    let parent = auditor.state();

    // Vouching for every extrinsic still re-executes to the same header.
    let vouched = auditor.runtime().execute_block_with(&parent, &block, |_| true).unwrap();
    assert_eq!(vouched.block.header, block.header);

    // A forged signature on an extrinsic nobody vouched for is found, whatever else was vouched.
    let mut forged = block.clone();
    forged.extrinsics[2].0[40] ^= 1;
    let vouched_for = block.extrinsics[1].hash();
    assert!(matches!(
        auditor.runtime().execute_block_with(&parent, &forged, |hash| *hash == vouched_for),
        Err(BlockError::InvalidExtrinsic { index: 2, error: TransactionError::BadProof { .. } })
    ));
}

#[test]
fn a_batch_is_validated_as_each_of_its_transactions_would_be() {
    let (spec, members) = spec_with_members(2, 40);
    let chain = InMemoryChain::new(&spec).unwrap();
    let mut batch: Vec<Vec<u8>> = members.iter().map(|member| chain.sign(member, remark(b"case 12"), 0)).collect();
    batch[3][50] ^= 1; // a forged signature in the first batch of 64
    batch[70][50] ^= 1; // and one in the second
    batch[5] = vec![0x04, 0x00]; // malformed
    batch.push(chain.sign(&members[0], remark(b"later"), 7)); // a future nonce: valid, waits

    let state = chain.state();
    let source = tracechain_runtime::TransactionSource::External;
    let together = chain.runtime().validate_transactions(&state, chain.head().hash(), source, &batch);
    assert_eq!(together.len(), batch.len());
    for (index, (bytes, verdict)) in batch.iter().zip(&together).enumerate() {
        let alone = chain.validate(bytes);
        assert_eq!(format!("{verdict:?}"), format!("{alone:?}"), "transaction {index}");
    }
    assert!(matches!(together[3], Err(TransactionError::BadProof { .. })));
    assert!(matches!(together[70], Err(TransactionError::BadProof { .. })));
    assert!(matches!(together[5], Err(TransactionError::Malformed { .. })));
    assert_eq!(together.iter().filter(|verdict| verdict.is_ok()).count(), batch.len() - 3);
}

/// Offers `bytes` to the pool and to a block; both must refuse it with `expected`, and the block
/// (holding only its timestamp) must leave the sender's nonce and all pallet state as it was.
fn assert_refused(
    chain: &mut InMemoryChain,
    bytes: Vec<u8>,
    sender: Option<&Sr25519Pair>,
    expected: impl Fn(&TransactionError) -> bool,
) {
    let pool_error = chain.validate(&bytes).expect_err("pool must refuse");
    assert!(expected(&pool_error), "pool error: {pool_error}");
    let nonce_before = sender.map(|pair| chain.account_nonce(&pair.public()));
    let state_before = chain.state().pairs().expect("state readable");
    let (block, results) = next_block(chain, &[bytes]);
    let error = results[0].as_ref().expect_err("block must refuse");
    assert!(expected(error), "block error: {error}");
    assert_eq!(block.extrinsics.len(), 1, "only the timestamp inherent");
    assert_eq!(sender.map(|pair| chain.account_nonce(&pair.public())), nonce_before);
    // Only System's per-block items and the timestamp changed.
    let changed: Vec<Vec<u8>> = chain
        .state()
        .pairs()
        .expect("state readable")
        .into_iter()
        .filter(|pair| !state_before.contains(pair))
        .map(|(key, _)| key)
        .collect();
    let system_prefix = tracechain_primitives::hashing::twox_128(b"System");
    let timestamp_prefix = tracechain_primitives::hashing::twox_128(b"Timestamp");
    for key in changed {
        assert!(
            key.starts_with(&system_prefix) || key.starts_with(&timestamp_prefix),
            "unexpected change under 0x{}",
            hex(&key)
        );
        assert_ne!(
            &key[..32],
            &tracechain_primitives::storage_key::storage_prefix("System", "Account"),
            "no account changed"
        );
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[test]
fn a_bad_signature_is_refused() {
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let mut bytes = chain.sign(&alice, remark(b"x"), 0);
    bytes[50] ^= 0x01; // a signature byte: after length(2), version(1), address(33), tag(1)
    assert_refused(&mut chain, bytes, Some(&alice), |error| matches!(error, TransactionError::BadProof { .. }));
}

#[test]
fn a_transaction_for_another_genesis_is_refused() {
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let other_chain = Runtime::new(H256::repeat_byte(0xee));
    let bytes = other_chain.sign(&alice, remark(b"x"), 0, Era::Immortal, H256::repeat_byte(0xee));
    let genesis = chain.genesis_hash();
    assert_refused(
        &mut chain,
        bytes,
        Some(&alice),
        |error| matches!(error, TransactionError::BadProof { genesis_hash, .. } if *genesis_hash == genesis),
    );
}

#[test]
fn stale_and_replayed_nonces_are_refused() {
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let first = chain.sign(&alice, remark(b"first"), 0);
    let (_, results) = next_block(&mut chain, std::slice::from_ref(&first));
    assert!(matches!(results[0], Ok(Ok(()))));
    // Replaying the very same bytes.
    assert_refused(&mut chain, first, Some(&alice), |error| {
        matches!(error, TransactionError::Stale { nonce: 0, expected: 1 })
    });
    // A new transaction with a used nonce.
    let stale = chain.sign(&alice, remark(b"again"), 0);
    assert_refused(&mut chain, stale, Some(&alice), |error| matches!(error, TransactionError::Stale { .. }));
}

#[test]
fn a_future_nonce_waits_in_the_pool_but_cannot_enter_a_block() {
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let future = chain.sign(&alice, remark(b"later"), 3);
    let valid = chain.validate(&future).unwrap();
    assert_eq!(valid.requires, vec![(alice.public(), 2u32).encode()]);
    assert_eq!(valid.provides, vec![(alice.public(), 3u32).encode()]);
    let (_, results) = next_block(&mut chain, &[future]);
    assert!(matches!(results[0], Err(TransactionError::Future { nonce: 3, expected: 0 })));
}

#[test]
fn an_expired_era_is_refused() {
    let mut chain = dev_chain();
    let alice = dev("Alice");
    for _ in 0..3 {
        next_block(&mut chain, &[]);
    }
    let mortal = chain.sign_mortal(&alice, remark(b"short-lived"), 0, 4);
    assert!(chain.validate(&mortal).is_ok(), "valid while alive");
    for _ in 0..5 {
        next_block(&mut chain, &[]);
    }
    assert_refused(&mut chain, mortal, Some(&alice), |error| matches!(error, TransactionError::Expired { .. }));
}

#[test]
fn a_non_member_is_refused() {
    let mut chain = dev_chain();
    let outsider = Sr25519Pair::from_suri("//Outsider").unwrap();
    let bytes = chain.sign(&outsider, remark(b"let me in"), 0);
    let account = outsider.public();
    assert_refused(
        &mut chain,
        bytes,
        Some(&outsider),
        |error| matches!(error, TransactionError::NotMember { account: who } if *who == account),
    );
}

#[test]
fn an_oversized_call_is_refused() {
    let mut chain = dev_chain();
    let alice = dev("Alice");
    let max = chain.runtime().max_extrinsic_length();
    let bytes = chain.sign(&alice, RuntimeCall::System(pallet_system::Call::remark { remark: vec![0; max] }), 0);
    assert_refused(&mut chain, bytes, Some(&alice), |error| matches!(error, TransactionError::Oversized { .. }));
}

#[test]
fn malformed_and_unsigned_extrinsics_are_refused() {
    let mut chain = dev_chain();
    assert_refused(&mut chain, vec![0x10, 0x84, 0xff, 0x00, 0x01], None, |error| {
        matches!(error, TransactionError::Malformed { .. })
    });
    assert_refused(&mut chain, vec![0x0c, 0x05, 0x00, 0x00], None, |error| {
        matches!(error, TransactionError::Malformed { .. })
    });
    let unsigned = tracechain_runtime::UncheckedExtrinsic::new_unsigned(remark(b"free")).encode();
    assert_refused(&mut chain, unsigned, None, |error| matches!(error, TransactionError::UnsignedNotAllowed));
    let tip_alice = dev("Alice");
    let extra = tracechain_primitives::extrinsic::SignedExtra { era: Era::Immortal, nonce: 0, tip: 5 };
    let additional = tracechain_primitives::extrinsic::AdditionalSigned {
        spec_version: tracechain_runtime::VERSION.spec_version,
        transaction_version: tracechain_runtime::VERSION.transaction_version,
        genesis_hash: chain.genesis_hash(),
        era_block_hash: chain.genesis_hash(),
    };
    let tipped =
        tracechain_runtime::UncheckedExtrinsic::new_signed(remark(b"tip"), &tip_alice, extra, &additional).encode();
    assert_refused(&mut chain, tipped, Some(&tip_alice), |error| {
        matches!(error, TransactionError::NonZeroTip { tip: 5 })
    });
}

#[test]
fn a_call_without_the_required_role_fails_and_changes_nothing_but_the_nonce() {
    let mut chain = dev_chain();
    let bob = dev("Bob"); // a carrier, not an admin
    let action = pallet_membership::types::Action::RemoveAccount { account: dev("Alice").public() };
    let call = RuntimeCall::Membership(pallet_membership::Call::propose { action });
    let bytes = chain.sign(&bob, call, 0);
    let membership_before = membership_state(&chain);
    let (_, results) = next_block(&mut chain, &[bytes]);
    let expected: DispatchError = pallet_membership::Error::NotAdmin.into();
    assert_eq!(results[0], Ok(Err(expected)));
    assert_eq!(chain.account_nonce(&bob.public()), 1, "the nonce is used, as in Substrate");
    assert_eq!(membership_state(&chain), membership_before);
    let recorded: Vec<_> = chain
        .head_events()
        .iter()
        .filter(|record| record.phase == Phase::ApplyExtrinsic(1))
        .filter_map(|record| match &record.event {
            RuntimeEvent::System(pallet_system::Event::ExtrinsicFailed { dispatch_error, .. }) => Some(*dispatch_error),
            _ => None,
        })
        .collect();
    assert_eq!(recorded, vec![expected], "ExtrinsicFailed records the module error");
}

fn membership_state(chain: &InMemoryChain) -> Vec<(Vec<u8>, Vec<u8>)> {
    let prefix = tracechain_primitives::hashing::twox_128(b"Membership");
    chain.state().pairs().expect("state readable").into_iter().filter(|(key, _)| key.starts_with(&prefix)).collect()
}

#[test]
fn membership_governance_end_to_end_with_the_threshold() {
    let mut chain = dev_chain();
    let alice = dev("Alice"); // winery: admin
    let dave = dev("Dave"); // customs: admin
    let terminal = Sr25519Pair::from_suri("//Terminal").unwrap();

    // The newcomer cannot transact yet.
    assert!(matches!(
        chain.validate(&chain.sign(&terminal, remark(b"hello"), 0)),
        Err(TransactionError::NotMember { .. })
    ));

    let action: pallet_membership::types::Action = serde_json::from_value(serde_json::json!({
        "admit": {
            "name": "Le Havre Terminal", "country": "FR", "companyPrefixes": [],
            "locations": [{"unLocode": "FRLEH"}], "accounts": [terminal.public().to_string()], "roles": ["carrier"]
        }
    }))
    .unwrap();
    let propose = RuntimeCall::Membership(pallet_membership::Call::propose { action });
    let bytes = chain.sign(&alice, propose, 0);
    let (_, results) = next_block(&mut chain, &[bytes]);
    assert_eq!(results[0], Ok(Ok(())));
    // Three admin organisations, strict majority: one approval is not enough.
    assert!(matches!(
        chain.validate(&chain.sign(&terminal, remark(b"hello"), 0)),
        Err(TransactionError::NotMember { .. })
    ));

    let approve = RuntimeCall::Membership(pallet_membership::Call::approve { proposal: 0 });
    let bytes = chain.sign(&dave, approve, 0);
    let (_, results) = next_block(&mut chain, &[bytes]);
    assert_eq!(results[0], Ok(Ok(())));
    assert!(chain.head_events().iter().any(|record| matches!(
        record.event,
        RuntimeEvent::Membership(pallet_membership::Event::Executed { proposal: 0, result: Ok(()) })
    )));

    // Now the terminal's account is a member.
    let hello = chain.sign(&terminal, remark(b"hello"), 0);
    chain.validate(&hello).unwrap();
    let (_, results) = next_block(&mut chain, &[hello]);
    assert_eq!(results[0], Ok(Ok(())));
}

#[test]
fn blocks_without_a_timestamp_or_out_of_order_inherents_are_invalid() {
    let chain = dev_chain();
    let state = chain.state();
    let builder = chain.runtime().block_builder(&state, chain.head(), Default::default()).unwrap();
    assert!(matches!(builder.finalize(), Err(BlockError::MissingTimestamp)));

    let mut builder = chain.runtime().block_builder(&state, chain.head(), Default::default()).unwrap();
    let alice = dev("Alice");
    builder.apply_extrinsic(&chain.sign(&alice, remark(b"x"), 0), SignatureCheck::Verify).unwrap().unwrap();
    assert!(matches!(builder.apply_timestamp(time_of(1)), Err(TransactionError::InherentOutOfOrder)));
}

/// The block-start work of closing expired custody proposals is charged to the block: its
/// weight is in `System.BlockWeight`, as mandatory weight, on top of the inherent's.
#[test]
fn expiring_proposals_are_charged_to_the_block_weight() {
    use pallet_custody::{EXPIRY_BASE_WEIGHT, EXPIRY_LIST_WEIGHT, EXPIRY_WEIGHT};
    use tracechain_runtime::story;

    let mut spec = tracechain_runtime::ChainSpec::development().expect("development spec");
    spec.genesis.custody.proposal_lifetime = Some(2);
    let mut chain = InMemoryChain::new(&spec).expect("genesis");
    let alice = dev("Alice");
    let winery = story::location(story::WINERY_GLN).expect("GLN");
    let serials: Vec<Vec<u8>> = (1..=3u32).map(|serial| serial.to_string().into_bytes()).collect();
    let setup = [
        chain.sign(&alice, story::register_class(), 0),
        chain.sign(&alice, story::commission(serials, winery.clone()), 1),
    ];
    let (_, results) = next_block(&mut chain, &setup);
    assert!(results.iter().all(|result| matches!(result, Ok(Ok(())))), "{results:?}");
    // Three proposals in block 2, due at the start of block 4.
    let gtin = pallet_products::types::Gtin::parse(story::GTIN.as_bytes()).expect("gtin");
    let proposals: Vec<Vec<u8>> = (1..=3u32)
        .map(|serial| {
            let subject = pallet_custody::types::Subject::Item(pallet_products::types::serial_item_id(
                &gtin,
                serial.to_string().as_bytes(),
            ));
            let call = RuntimeCall::Custody(pallet_custody::Call::propose_transfer {
                subject,
                kind: pallet_custody::types::TransferKind::Custody,
                to: 1,
                location: winery.clone(),
            });
            chain.sign(&alice, call, 1 + serial)
        })
        .collect();
    let (_, results) = next_block(&mut chain, &proposals);
    assert!(results.iter().all(|result| matches!(result, Ok(Ok(())))), "{results:?}");

    let timestamp = |chain: &InMemoryChain| {
        let now = time_of(chain.head().number);
        let call = RuntimeCall::Timestamp(pallet_timestamp::Call::set { now });
        chain.read(|state| chain.runtime().extrinsic_weight(state, &call))
    };
    let block_weight = |chain: &InMemoryChain| chain.read(|state| pallet_system::BLOCK_WEIGHT.get(state));
    // Every block start also checks for a scheduled validator set (pallet-membership).
    let start = |chain: &InMemoryChain| timestamp(chain).saturating_add(pallet_membership::VALIDATOR_SET_CHECK_WEIGHT);
    // Block 3: nothing due; the hook's look-up is still charged.
    next_block(&mut chain, &[]);
    assert_eq!(block_weight(&chain), start(&chain).saturating_add(EXPIRY_BASE_WEIGHT));
    // Block 4: three expiries.
    next_block(&mut chain, &[]);
    let expiries =
        EXPIRY_BASE_WEIGHT.saturating_add(EXPIRY_LIST_WEIGHT).saturating_add(EXPIRY_WEIGHT.saturating_mul(3));
    assert_eq!(block_weight(&chain), start(&chain).saturating_add(expiries));
    let expired = chain
        .head_events()
        .iter()
        .filter(|record| {
            record.phase == Phase::Initialization
                && matches!(record.event, RuntimeEvent::Custody(pallet_custody::Event::TransferExpired { .. }))
        })
        .count();
    assert_eq!(expired, 3);
}

/// The block-start work of applying a scheduled validator set is charged to the block: at the
/// activation height `System.BlockWeight` holds the hook's writes, on top of what every block
/// start costs, so a validator-set change is not free block space.
#[test]
fn a_validator_set_taking_effect_is_charged_to_the_block_weight() {
    use pallet_membership::{
        types::{Action, ValidatorInfo},
        VALIDATOR_SET_CHANGE_WEIGHT, VALIDATOR_SET_CHECK_WEIGHT, VALIDATOR_SET_DELAY,
    };
    use tracechain_primitives::keyring::Ed25519Pair;

    let mut chain = dev_chain();
    let (alice, dave) = (dev("Alice"), dev("Dave"));
    let org_of = |chain: &InMemoryChain, pair: &Sr25519Pair| {
        chain.read(|state| pallet_membership::organisation_of(state, &pair.public())).expect("member")
    };
    let validator = |pair: &Sr25519Pair, suri: &str| ValidatorInfo {
        org: org_of(&chain, pair),
        consensus_key: Ed25519Pair::from_suri(suri).expect("key").public(),
    };
    let validators = vec![validator(&alice, "//Alice"), validator(&dave, "//Dave")];
    // Two of the three admin organisations decide a new set in block 2.
    let propose = RuntimeCall::Membership(pallet_membership::Call::propose {
        action: Action::SetValidators { validators: validators.clone() },
    });
    let signed = chain.sign(&alice, propose, 0);
    let (_, results) = next_block(&mut chain, &[signed]);
    assert!(results.iter().all(|result| matches!(result, Ok(Ok(())))), "{results:?}");
    let approve = RuntimeCall::Membership(pallet_membership::Call::approve { proposal: 0 });
    let signed = chain.sign(&dave, approve, 0);
    let (_, results) = next_block(&mut chain, &[signed]);
    assert!(results.iter().all(|result| matches!(result, Ok(Ok(())))), "{results:?}");
    let at = chain.head().number + VALIDATOR_SET_DELAY;
    assert_eq!(chain.read(|state| pallet_membership::pending_validators(state)), Some((at, validators.clone())));

    let timestamp = |chain: &InMemoryChain| {
        let now = time_of(chain.head().number);
        let call = RuntimeCall::Timestamp(pallet_timestamp::Call::set { now });
        chain.read(|state| chain.runtime().extrinsic_weight(state, &call))
    };
    let block_weight = |chain: &InMemoryChain| chain.read(|state| pallet_system::BLOCK_WEIGHT.get(state));
    let start =
        timestamp(&chain).saturating_add(VALIDATOR_SET_CHECK_WEIGHT).saturating_add(pallet_custody::EXPIRY_BASE_WEIGHT);
    while chain.head().number < at - 1 {
        next_block(&mut chain, &[]);
    }
    // The block before: only the look-up.
    assert_eq!(block_weight(&chain), start);
    // The activation block: the look-up and the change.
    next_block(&mut chain, &[]);
    assert_eq!(chain.head().number, at);
    assert_eq!(block_weight(&chain), start.saturating_add(VALIDATOR_SET_CHANGE_WEIGHT));
    assert!(block_weight(&chain).ref_time > start.ref_time);
    assert_eq!(chain.read(|state| pallet_membership::validators(state)), validators);
    let changed = chain.head_events().iter().any(|record| {
        record.phase == Phase::Initialization
            && matches!(record.event, RuntimeEvent::Membership(pallet_membership::Event::ValidatorSetChanged { .. }))
    });
    assert!(changed, "the set changed at the block start");
    // After it, only the look-up again.
    next_block(&mut chain, &[]);
    assert_eq!(block_weight(&chain), start);
}
