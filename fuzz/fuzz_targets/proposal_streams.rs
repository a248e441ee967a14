//! Proposal-stream assembly under any sequence of messages from many publishers: parts out of
//! order, repeated, oversized, never finished, refused at `Init`, and time passing. After every
//! message the stated bounds of `tracechain_bft::streams` must hold; a panic or a broken bound
//! is a crash.
#![no_main]

use std::time::{Duration, Instant};

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use malachitebft_core_types::Round;
use malachitebft_engine::util::streaming::{StreamContent, StreamId, StreamMessage};
use parity_scale_codec::{Decode, Encode};
use tracechain_bft::streams::{
    ProposalStreams, MAX_BUFFERED_BYTES, MAX_PUBLISHERS, MAX_STREAMS_PER_PUBLISHER, MAX_STREAM_BYTES,
    MAX_STREAM_MESSAGES,
};
use tracechain_consensus::{Address, Height, ProposalFin, ProposalInit, ProposalPart, Signature};

/// One step the fuzzer chooses.
#[derive(Encode, Decode)]
enum Step {
    /// A message from publisher `publisher` (one of 256) on its stream `stream`.
    Message { publisher: u8, stream: u8, sequence: u16, content: Content },
    /// Time passes (idle streams expire after 30 s).
    Wait { seconds: u8 },
}

#[derive(Encode, Decode)]
enum Content {
    /// `Init`; a defined `pol_round` is refused by the admission check, as the node refuses it.
    Init { height: u32, round: u8, pol_round: Option<u8>, proposer: u8 },
    /// `length` bytes of block data (up to 64 KiB per part, so a stream can reach its byte cap).
    Data { length: u16, fill: u8 },
    /// `Fin` with a signature.
    Fin { signature: u8 },
    /// The end-of-stream marker.
    End,
    /// A part that has no place in a proposal stream.
    Transactions { count: u8 },
}

fn message(stream: u8, publisher: u8, sequence: u16, content: Content) -> StreamMessage<ProposalPart> {
    let id = StreamId::new(Bytes::from(vec![publisher, stream]));
    let part = match content {
        Content::Init { height, round, pol_round, proposer } => ProposalPart::Init(ProposalInit {
            height: Height(height),
            round: Round::new(u32::from(round)),
            pol_round: pol_round.map_or(Round::Nil, |round| Round::new(u32::from(round))),
            proposer: Address([proposer; 32]),
        }),
        Content::Data { length, fill } => ProposalPart::Data(vec![fill; usize::from(length)]),
        Content::Fin { signature } => ProposalPart::Fin(ProposalFin { signature: Signature([signature; 64]) }),
        Content::Transactions { count } => ProposalPart::Transactions(vec![vec![count]; usize::from(count)]),
        Content::End => return StreamMessage::new(id, u64::from(sequence), StreamContent::Fin),
    };
    StreamMessage::new(id, u64::from(sequence), StreamContent::Data(part))
}

fuzz_target!(|data: &[u8]| {
    let mut input = data;
    let mut streams = ProposalStreams::default();
    let mut now = Instant::now();
    while let Ok(step) = Step::decode(&mut input) {
        match step {
            Step::Wait { seconds } => now += Duration::from_secs(u64::from(seconds)),
            Step::Message { publisher, stream, sequence, content } => {
                let message = message(stream, publisher, sequence, content);
                let admit = |init: &ProposalInit| match init.pol_round {
                    Round::Nil => Ok(()),
                    _ => Err("a re-proposal".to_string()),
                };
                if let Ok(Some(proposal)) = streams.insert(format!("peer-{publisher}"), message, now, admit) {
                    assert!(proposal.block_bytes.len() <= MAX_STREAM_BYTES, "an assembled block over the cap");
                    assert!(proposal.messages.len() as u64 <= MAX_STREAM_MESSAGES, "a stream over the message cap");
                }
            }
        }
        assert!(streams.buffered_bytes() <= MAX_BUFFERED_BYTES, "buffered bytes over the total cap");
        assert!(streams.open_streams() <= MAX_PUBLISHERS * MAX_STREAMS_PER_PUBLISHER, "too many open streams");
    }
});
