//! Fixture and property tests of the consensus types.

use bytes::Bytes;
use malachitebft_codec::Codec;
use malachitebft_core_consensus::SignedConsensusMsg;
use malachitebft_core_types::{Context, NilOrVal, Round, ValidatorProof};
use malachitebft_engine::util::streaming::{StreamContent, StreamId, StreamMessage};
use malachitebft_signing::{Signer as _, Verifier as _};
use proptest::prelude::*;
use tracechain_primitives::{keyring::Ed25519Pair, H256};

use crate::{
    codec::WireCodec,
    signing::{vote_message, Signer, Verifier},
    *,
};

fn alice() -> Ed25519Pair {
    Ed25519Pair::from_suri("//Alice").expect("dev key")
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    // The signer and verifier are async only by the engine's interface; they never wait.
    let waker = std::task::Waker::noop();
    let mut context = std::task::Context::from_waker(waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

#[test]
fn proposer_rotates_per_height_and_round() {
    let set = ValidatorSet::from_keys([[1; 32], [2; 32], [3; 32], [4; 32]]);
    let proposer =
        |height, round| TracechainContext.select_proposer(&set, Height(height), Round::new(round)).address.0[0];
    assert_eq!([proposer(1, 0), proposer(2, 0), proposer(3, 0), proposer(4, 0)], [2, 3, 4, 1]);
    assert_eq!([proposer(1, 1), proposer(1, 2), proposer(1, 3)], [3, 4, 1]);
    assert_eq!(TracechainContext::proposer_index(0, Height(1), Round::new(0)), None);
    assert_eq!(TracechainContext::proposer_index(4, Height(1), Round::Nil), None);
}

#[test]
fn a_precommit_signs_the_commit_message_of_the_certificate() {
    let genesis = H256([7; 32]);
    let block = H256([9; 32]);
    let vote = TracechainContext.new_precommit(
        Height(5),
        Round::new(2),
        NilOrVal::Val(block.into()),
        Address(alice().public()),
    );
    assert_eq!(vote_message(genesis, &vote), commit_message(genesis, 5, 2, block));
    // A prevote for the same block signs something else.
    let prevote =
        TracechainContext.new_prevote(Height(5), Round::new(2), NilOrVal::Val(block.into()), Address(alice().public()));
    assert_ne!(vote_message(genesis, &prevote), commit_message(genesis, 5, 2, block));
    let nil = TracechainContext.new_precommit(Height(5), Round::new(2), NilOrVal::Nil, Address(alice().public()));
    assert_ne!(vote_message(genesis, &nil), vote_message(genesis, &prevote));
}

#[test]
fn commit_message_is_pinned() {
    // Stored certificates sign these bytes: a change breaks every existing chain.
    let message = commit_message(H256([0; 32]), 1, 0, H256([0xff; 32]));
    // A fixed-size tag (no length prefix), the genesis hash, height and round little-endian.
    assert_eq!(&message[..20], b"tracechain/commit/v1");
    assert_eq!(&message[52..60], &[1, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(message.len(), 20 + 32 + 4 + 4 + 32);
}

#[test]
fn signatures_verify_only_on_their_chain_and_message() {
    let genesis = H256([7; 32]);
    let signer = Signer::new(genesis, alice());
    let public = PublicKey(alice().public());
    let vote = TracechainContext.new_prevote(Height(3), Round::new(0), NilOrVal::Nil, Address(alice().public()));
    let signed = block_on(signer.sign_vote(vote.clone())).expect("signs");
    assert!(block_on(Verifier::new(genesis).verify_signed_vote(&vote, &signed.signature, &public))
        .expect("verifies")
        .is_valid());
    assert!(block_on(Verifier::new(H256([8; 32])).verify_signed_vote(&vote, &signed.signature, &public))
        .expect("verifies")
        .is_invalid());
    let other = TracechainContext.new_prevote(Height(4), Round::new(0), NilOrVal::Nil, Address(alice().public()));
    assert!(block_on(Verifier::new(genesis).verify_signed_vote(&other, &signed.signature, &public))
        .expect("verifies")
        .is_invalid());

    let proof = block_on(signer.sign_validator_proof(public.0.to_vec(), vec![1, 2, 3])).expect("signs");
    assert!(block_on(Verifier::new(genesis).verify_validator_proof(&proof)).expect("verifies").is_valid());
    let forged = ValidatorProof::new(public.0.to_vec(), vec![1, 2, 4], proof.signature);
    assert!(block_on(Verifier::new(genesis).verify_validator_proof(&forged)).expect("verifies").is_invalid());
}

#[test]
fn codec_round_trips_and_refuses_garbage() {
    let genesis = H256([7; 32]);
    let signer = Signer::new(genesis, alice());
    let vote = TracechainContext.new_precommit(
        Height(3),
        Round::new(1),
        NilOrVal::Val(BlockId([5; 32])),
        Address(alice().public()),
    );
    let message = SignedConsensusMsg::Vote(block_on(signer.sign_vote(vote)).expect("signs"));
    let bytes = Codec::<SignedConsensusMsg<TracechainContext>>::encode(&WireCodec, &message).expect("encodes");
    let decoded: SignedConsensusMsg<TracechainContext> = WireCodec.decode(bytes.clone()).expect("decodes");
    assert_eq!(decoded, message);
    let mut trailing = bytes.to_vec();
    trailing.push(0);
    assert!(Codec::<SignedConsensusMsg<TracechainContext>>::decode(&WireCodec, Bytes::from(trailing)).is_err());

    let part = StreamMessage::new(
        StreamId::new(Bytes::from_static(b"s")),
        1,
        StreamContent::Data(ProposalPart::Data(vec![1, 2, 3])),
    );
    let bytes = Codec::<StreamMessage<ProposalPart>>::encode(&WireCodec, &part).expect("encodes");
    assert_eq!(Codec::<StreamMessage<ProposalPart>>::decode(&WireCodec, bytes).expect("decodes"), part);
}

#[test]
fn proposal_part_tags_are_pinned() {
    // Nodes of different builds gossip these: a variant's tag never changes, new ones go last.
    let tag = |part: ProposalPart| borsh::to_vec(&part).expect("encodes")[0];
    assert_eq!(tag(ProposalPart::Data(vec![])), 1);
    assert_eq!(tag(ProposalPart::Transactions(vec![])), 3);
    assert_eq!(tag(ProposalPart::PeerRecord(vec![])), 4);
    assert_eq!(borsh::to_vec(&ProposalPart::PeerRecord(vec![9])).expect("encodes"), vec![4, 1, 0, 0, 0, 9]);
}

proptest! {
    #[test]
    fn no_bytes_panic_the_decoders(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let bytes = Bytes::from(bytes);
        let _ = Codec::<SignedConsensusMsg<TracechainContext>>::decode(&WireCodec, bytes.clone());
        let _ = Codec::<StreamMessage<ProposalPart>>::decode(&WireCodec, bytes.clone());
        let _ = Codec::<malachitebft_sync::Response<TracechainContext>>::decode(&WireCodec, bytes.clone());
        let _ = Codec::<malachitebft_sync::Request<TracechainContext>>::decode(&WireCodec, bytes.clone());
        let _ = Codec::<ValidatorProof<TracechainContext>>::decode(&WireCodec, bytes);
    }
}
