//! Equivocation reports: validators that proposed or voted twice in one round, proven by their
//! signatures and recorded against their organisation.

use tracechain_primitives::{
    consensus_message::{vote_message, VoteKind},
    keyring::Ed25519Pair,
    H256,
};

use super::*;

const GENESIS: H256 = H256([0x6e; 32]);
/// Blocks in which a new validator set took effect.
const SET_CHANGED_AT: BlockNumber = 40;

fn validator_key(n: u8) -> Ed25519Pair {
    Ed25519Pair::from_seed(&[n; 32])
}

/// The story's consortium with two real validator keys (the winery's and customs'), at block
/// `BLOCK`, whose current validator set took effect in block `SET_CHANGED_AT`.
fn validator_ctx(state: &BTreeMap<Vec<u8>, Vec<u8>>) -> Context<'_, Event> {
    let mut config = genesis();
    config.validators[0].consensus_key = validator_key(1).public();
    config.validators[1].consensus_key = validator_key(2).public();
    let mut overlay = Overlay::new(state);
    build_genesis(&mut overlay, &config).unwrap();
    pallet_system::BLOCK_HASH.insert(&mut overlay, &0, &GENESIS);
    VALIDATOR_SET_CHANGES.put(&mut overlay, &vec![SET_CHANGED_AT]);
    Context::new(overlay, BLOCK)
}

fn vote(key: &Ed25519Pair, kind: VoteKind, height: BlockNumber, round: u32, block: Option<H256>) -> ReportedVote {
    ReportedVote { block, signature: key.sign(&vote_message(GENESIS, kind, height, round, block)) }
}

/// Validator 1 prevoted for two blocks at height 90, round 1.
fn double_prevote() -> EquivocationReport {
    let key = validator_key(1);
    EquivocationReport {
        offender: key.public(),
        height: 90,
        round: 1,
        kind: VoteKind::Prevote,
        first: vote(&key, VoteKind::Prevote, 90, 1, Some(H256([0xa; 32]))),
        second: vote(&key, VoteKind::Prevote, 90, 1, Some(H256([0xb; 32]))),
    }
}

fn report(ctx: &mut Context<'_, Event>, report: EquivocationReport) -> DispatchResult {
    dispatch(ctx, &Origin::None, Call::report_equivocation { report })
}

#[test]
fn two_blocks_proposed_for_one_round_are_recorded_as_a_proposal_equivocation() {
    let state = BTreeMap::new();
    let mut ctx = validator_ctx(&state);
    let key = validator_key(2);
    let proposal = |block| vote(&key, VoteKind::Proposal, 90, 3, Some(block));
    let proof = EquivocationReport {
        offender: key.public(),
        height: 90,
        round: 3,
        kind: VoteKind::Proposal,
        first: proposal(H256([0xa; 32])),
        second: proposal(H256([0xb; 32])),
    };
    // A "proposal" of nil is no proposal, and a prevote's signature is not a proposal's.
    let mut nil = proof.clone();
    nil.second = vote(&key, VoteKind::Proposal, 90, 3, None);
    assert_refused(
        &mut ctx,
        &Origin::None,
        Call::report_equivocation { report: nil },
        module_error(Error::NilProposal),
    );
    let mut prevote = proof.clone();
    prevote.second = vote(&key, VoteKind::Prevote, 90, 3, Some(H256([0xb; 32])));
    assert_refused(
        &mut ctx,
        &Origin::None,
        Call::report_equivocation { report: prevote },
        module_error(Error::InvalidVoteSignature),
    );
    report(&mut ctx, proof.clone()).unwrap();
    assert_eq!(
        events(&ctx),
        vec![Event::EquivocationRecorded {
            org: CUSTOMS_ORG,
            offender: proof.offender,
            height: 90,
            round: 3,
            kind: VoteKind::Proposal
        }]
    );
}

#[test]
fn a_proven_double_vote_is_recorded_once_against_the_validators_organisation() {
    let state = BTreeMap::new();
    let mut ctx = validator_ctx(&state);
    let proof = double_prevote();
    report(&mut ctx, proof.clone()).unwrap();
    assert_eq!(
        events(&ctx),
        vec![Event::EquivocationRecorded {
            org: WINERY_ORG,
            offender: proof.offender,
            height: 90,
            round: 1,
            kind: VoteKind::Prevote
        }]
    );
    let record = equivocation::equivocation(&ctx, &proof.offence()).expect("recorded");
    assert_eq!(record, EquivocationRecord { org: WINERY_ORG, report: proof.clone(), recorded_in: BLOCK });
    assert!(!equivocation::is_recordable(&ctx, BLOCK, &proof));

    // The same offence again, even with another conflicting pair, is not recorded twice.
    let key = validator_key(1);
    let mut again = proof;
    again.second = vote(&key, VoteKind::Prevote, 90, 1, None);
    assert_refused(
        &mut ctx,
        &Origin::None,
        Call::report_equivocation { report: again },
        module_error(Error::EquivocationAlreadyRecorded),
    );
}

#[test]
fn a_precommit_for_a_block_and_a_nil_precommit_are_an_equivocation() {
    let state = BTreeMap::new();
    let mut ctx = validator_ctx(&state);
    let key = validator_key(2);
    let proof = EquivocationReport {
        offender: key.public(),
        height: 41,
        round: 0,
        kind: VoteKind::Precommit,
        first: vote(&key, VoteKind::Precommit, 41, 0, Some(H256([0xc; 32]))),
        second: vote(&key, VoteKind::Precommit, 41, 0, None),
    };
    assert!(equivocation::is_recordable(&ctx, BLOCK, &proof));
    report(&mut ctx, proof.clone()).unwrap();
    assert_eq!(equivocation::equivocation(&ctx, &proof.offence()).map(|record| record.org), Some(CUSTOMS_ORG));
}

#[test]
fn false_or_unprovable_reports_are_refused_and_change_nothing() {
    let state = BTreeMap::new();
    let mut ctx = validator_ctx(&state);
    let key = validator_key(1);
    let refused = |ctx: &mut Context<'_, Event>, report: EquivocationReport, error: Error| {
        assert!(!equivocation::is_recordable(ctx, BLOCK, &report), "{error:?}");
        assert_refused(ctx, &Origin::None, Call::report_equivocation { report }, module_error(error));
    };

    // The same vote twice is no offence.
    let mut same = double_prevote();
    same.second = same.first.clone();
    refused(&mut ctx, same, Error::VotesDoNotConflict);

    // Heights not decided yet, or decided by the validator set before the current one.
    for height in [BLOCK, BLOCK + 1, SET_CHANGED_AT, 1] {
        let mut outside = double_prevote();
        outside.height = height;
        outside.first = vote(&key, VoteKind::Prevote, height, 1, outside.first.block);
        outside.second = vote(&key, VoteKind::Prevote, height, 1, outside.second.block);
        refused(&mut ctx, outside, Error::EquivocationOutsideTerm);
    }

    // A key that is not a validator's.
    let outsider = validator_key(9);
    let mut stranger = double_prevote();
    stranger.offender = outsider.public();
    stranger.first = vote(&outsider, VoteKind::Prevote, 90, 1, stranger.first.block);
    stranger.second = vote(&outsider, VoteKind::Prevote, 90, 1, stranger.second.block);
    refused(&mut ctx, stranger, Error::NotAValidator);

    // A forged signature: signed by someone else, for another round, another kind or another
    // chain; or simply garbage.
    let forgeries = [
        validator_key(2).sign(&vote_message(GENESIS, VoteKind::Prevote, 90, 1, Some(H256([0xb; 32])))),
        key.sign(&vote_message(GENESIS, VoteKind::Prevote, 90, 2, Some(H256([0xb; 32])))),
        key.sign(&vote_message(GENESIS, VoteKind::Precommit, 90, 1, Some(H256([0xb; 32])))),
        key.sign(&vote_message(H256([1; 32]), VoteKind::Prevote, 90, 1, Some(H256([0xb; 32])))),
        [0u8; 64],
    ];
    for signature in forgeries {
        let mut forged = double_prevote();
        forged.second.signature = signature;
        refused(&mut ctx, forged, Error::InvalidVoteSignature);
    }

    // Only as an unsigned inherent: a signed transaction cannot carry a report.
    assert_refused(
        &mut ctx,
        &signed(WINERY),
        Call::report_equivocation { report: double_prevote() },
        DispatchError::BadOrigin,
    );
    assert!(equivocation::is_recordable(&ctx, BLOCK, &double_prevote()));
}

#[test]
fn the_report_call_and_its_event_keep_their_indices() {
    assert_eq!(Call::report_equivocation { report: double_prevote() }.encode()[0], 4);
    let event =
        Event::EquivocationRecorded { org: 3, offender: [0; 32], height: 1, round: 0, kind: VoteKind::Precommit };
    assert_eq!(event.encode()[0], 15);
    assert_eq!(Error::VotesDoNotConflict as u8, 32);
    assert_eq!(Error::EquivocationAlreadyRecorded as u8, 36);
}
