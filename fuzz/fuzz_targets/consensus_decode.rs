//! Any bytes as each consensus message a peer can send (votes, proposals, proposal parts,
//! streams, sync requests and responses): decoded with the node's wire codec. Must never panic.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use malachitebft_codec::Codec;
use malachitebft_core_consensus::{LivenessMsg, SignedConsensusMsg};
use malachitebft_engine::util::streaming::StreamMessage;
use malachitebft_sync::{Request, Response, Status};
use tracechain_consensus::{codec::WireCodec, ProposalPart, TracechainContext as Ctx};

fuzz_target!(|data: &[u8]| {
    let bytes = Bytes::copy_from_slice(data);
    let codec = WireCodec;
    let _: Result<ProposalPart, _> = codec.decode(bytes.clone());
    let _: Result<SignedConsensusMsg<Ctx>, _> = codec.decode(bytes.clone());
    let _: Result<LivenessMsg<Ctx>, _> = codec.decode(bytes.clone());
    let _: Result<StreamMessage<ProposalPart>, _> = codec.decode(bytes.clone());
    let _: Result<Request<Ctx>, _> = codec.decode(bytes.clone());
    let _: Result<Response<Ctx>, _> = codec.decode(bytes.clone());
    let _: Result<Status<Ctx>, _> = codec.decode(bytes);
});
