//! A journey proof across a governance change of the validator set: the verifier starts from
//! the chain spec's validator (//Alice), follows the proven change to //Bob's key, and checks
//! the final certificate with the new set. Without the change, or with it forged, verification
//! fails and says why.

use std::sync::Arc;

use parity_scale_codec::Encode;
use tracechain_engine::{commit_message, Certificate};
use tracechain_node::{
    chain::Chain,
    db::{memory::MemoryDatabase, Database},
    metrics::Metrics,
    pool::{Pool, PoolLimits},
    replay::{replay, ReplayOptions, ReplaySource},
    service::Node,
};
use tracechain_primitives::{
    header::Block,
    keyring::{dev_sr25519, Ed25519Pair},
    H256,
};
use tracechain_rpc::{proof::journey_proof, trace::ItemRef};
use tracechain_runtime::{
    workload::{supply_chain_workload, WORKLOAD_GTIN},
    ChainSpec, InMemoryChain, RuntimeCall, SignatureCheck,
};
use tracechain_verify::{verify_journey_proof, VerifyError};

use pallet_membership::{
    types::{Action, ValidatorInfo},
    Call as MembershipCall,
};

/// Signs block `block`'s commit with `keys` (validator indices 0..).
fn certificate(genesis: H256, block: &Block, keys: &[&Ed25519Pair]) -> Vec<u8> {
    let (number, hash) = (block.header.number, block.hash());
    let signatures = keys
        .iter()
        .enumerate()
        .map(|(index, key)| (index as u32, key.sign(&commit_message(genesis, number, 0, hash))))
        .collect();
    Certificate { height: number, round: 0, block_hash: hash, signatures }.encode()
}

/// A chain whose validator set changes from //Alice to //Bob by governance, two blocks past the
/// change, each block certified as consensus certifies it.
struct ChainAcrossAChange {
    spec: ChainSpec,
    node: Node,
    item: H256,
    change_at: u32,
    first_phase_time: u64,
}

fn chain_across_a_change() -> ChainAcrossAChange {
    let spec = ChainSpec::development().expect("spec");
    let alice_validator = Ed25519Pair::from_suri("//Alice").expect("key");
    let bob_validator = Ed25519Pair::from_suri("//Bob").expect("key");
    let mut author = InMemoryChain::new(&spec).expect("genesis");
    let genesis = author.genesis_hash();
    let db: Arc<dyn Database> = Arc::new(MemoryDatabase::new());
    let stored = Chain::open(db, spec.clone(), None).expect("chain");

    // Items first (certified by the genesis validator).
    let workload = supply_chain_workload(&spec, 2, 1_700_000_006_000).expect("workload");
    for block in workload.blocks() {
        author.import_block(block).expect("import");
        stored.import(block, Some(certificate(genesis, block, &[&alice_validator]))).expect("store");
    }
    // Governance: Château X proposes //Bob's key as the validator, Shanghai Customs approves.
    let mut time = workload.phases.last().expect("phases").time;
    let mut next = |author: &mut InMemoryChain, extrinsics: Vec<Vec<u8>>| {
        time += 6_000;
        let (block, results) = author.build_block(time, &extrinsics, SignatureCheck::Verify).expect("block");
        assert!(results.iter().all(|result| matches!(result, Ok(Ok(())))), "{results:?}");
        block
    };
    let proposal = author.read(|state| pallet_membership::NEXT_PROPOSAL_ID.get(state));
    let set = vec![ValidatorInfo { org: 0, consensus_key: bob_validator.public() }];
    let (alice, dave) = (dev_sr25519("Alice"), dev_sr25519("Dave"));
    let propose =
        RuntimeCall::Membership(MembershipCall::propose { action: Action::SetValidators { validators: set } });
    let approve = RuntimeCall::Membership(MembershipCall::approve { proposal });
    let extrinsics = vec![
        author.sign(&alice, propose, author.account_nonce(&alice.public())),
        author.sign(&dave, approve, author.account_nonce(&dave.public())),
    ];
    let mut blocks = vec![next(&mut author, extrinsics)];
    let (change_at, _) = author.read(|state| pallet_membership::pending_validators(state)).expect("scheduled");
    while author.head().number < change_at + 2 {
        blocks.push(next(&mut author, Vec::new()));
    }
    for block in &blocks {
        // Blocks up to the change are certified by the set before it; later ones by the new set.
        let signer = if block.header.number <= change_at { &alice_validator } else { &bob_validator };
        stored.import(block, Some(certificate(genesis, block, &[signer]))).expect("store");
    }

    let node = Node::new(stored, Pool::new(PoolLimits::default()), "test".into(), Metrics::new());
    let gtin = pallet_products::types::Gtin::parse(WORKLOAD_GTIN.as_bytes()).expect("gtin");
    let item = pallet_products::types::serial_item_id(&gtin, b"2");
    let first_phase_time = workload.phases[1].time;
    ChainAcrossAChange { spec, node, item, change_at, first_phase_time }
}

#[test]
fn a_proof_follows_the_validator_set_from_genesis_through_a_governance_change() {
    let ChainAcrossAChange { spec, node, item, change_at, first_phase_time } = chain_across_a_change();
    let proof = journey_proof(&node, &ItemRef::Id(item), None).expect("proof").expect("the item exists");
    assert_eq!(proof.validator_set_changes.len(), 1);
    let item_text = format!("{item:?}");
    let verified = verify_journey_proof(&spec, &item_text, &proof).expect("verifies across the change");
    assert_eq!(verified.block, change_at + 2);
    assert_eq!(verified.validator_set_changes, 1);
    assert_eq!(verified.journey.custodian.name, "Atlantic Freight");
    // Commissioning, alone in its block, takes the block's proven time.
    assert_eq!(proof.block_times.len(), 1);
    let commissioning = &verified.journey.steps[0];
    assert_eq!(commissioning.biz_step, "commissioning");
    assert_eq!(commissioning.time, Some(first_phase_time));

    // A past block's time whose header is not the chain's block is refused.
    let mut wrong_time = proof.clone();
    let header_hex = wrong_time.block_times[0].header.clone();
    let mut header_bytes = hex::decode(header_hex.trim_start_matches("0x")).expect("hex");
    header_bytes[40] ^= 0x01;
    wrong_time.block_times[0].header = format!("0x{}", hex::encode(header_bytes));
    let error = verify_journey_proof(&spec, &item_text, &wrong_time).expect_err("refused");
    assert!(matches!(error, VerifyError::BlockTime { .. }), "{error}");

    // Without the change, the final certificate (by //Bob) fails against the genesis set.
    let mut without = proof.clone();
    without.validator_set_changes.clear();
    let error = verify_journey_proof(&spec, &item_text, &without).expect_err("refused");
    assert!(matches!(error, VerifyError::Certificate { .. }), "{error}");

    // A forged change (another key slipped into its proof) does not verify.
    let mut forged = proof.clone();
    let node_hex = forged.validator_set_changes[0].proof[0].clone();
    let mut bytes = hex::decode(node_hex.trim_start_matches("0x")).expect("hex");
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    forged.validator_set_changes[0].proof[0] = format!("0x{}", hex::encode(bytes));
    let error = verify_journey_proof(&spec, &item_text, &forged).expect_err("refused");
    assert!(matches!(error, VerifyError::ValidatorSetChange { .. }), "{error}");

    // The auditor's replay follows the same change: every certificate checks out.
    let report =
        replay(&spec, ReplaySource::Database(node.chain()), ReplayOptions::default(), &mut |_, _| {}).expect("replay");
    assert!(report.is_clean(), "{:?}", report.mismatch);
    assert_eq!(report.certificates, change_at + 2);
}

/// The block hash at `number` on `node`'s chain.
fn hash_at(node: &Node, number: u32) -> H256 {
    node.chain().hash_of(number).expect("database").expect("block exists")
}

#[test]
fn proofs_at_the_change_block_and_either_side_of_it_verify() {
    let ChainAcrossAChange { spec, node, item, change_at, .. } = chain_across_a_change();
    let item_text = format!("{item:?}");
    // The change block is certified by the set before it; the block after it by the new set.
    for (number, changes) in [(change_at - 1, 0), (change_at, 0), (change_at + 1, 1)] {
        let proof = journey_proof(&node, &ItemRef::Id(item), Some(hash_at(&node, number)))
            .expect("proof")
            .expect("the item exists");
        assert_eq!(proof.validator_set_changes.len(), changes, "block #{number}");
        let verified = verify_journey_proof(&spec, &item_text, &proof)
            .unwrap_or_else(|error| panic!("a genuine proof at block #{number} verifies: {error}"));
        assert_eq!((verified.block, verified.validator_set_changes), (number, changes));
    }
}

#[test]
fn a_proof_that_applies_a_change_to_its_own_block_is_refused() {
    let ChainAcrossAChange { spec, node, item, change_at, .. } = chain_across_a_change();
    let item_text = format!("{item:?}");
    let later = journey_proof(&node, &ItemRef::Id(item), None).expect("proof").expect("item");
    let mut at_change =
        journey_proof(&node, &ItemRef::Id(item), Some(hash_at(&node, change_at))).expect("proof").expect("item");
    // The change block's own certificate is by the old set: following the change first is wrong.
    at_change.validator_set_changes = later.validator_set_changes.clone();
    let error = verify_journey_proof(&spec, &item_text, &at_change).expect_err("refused");
    assert!(matches!(error, VerifyError::ValidatorSetChange { block, .. } if block == change_at), "{error}");
}
