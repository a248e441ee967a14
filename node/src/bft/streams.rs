//! Reassembly of proposal streams received from the network.
//!
//! Gossip may deliver a stream's messages out of order, twice, or never complete it. A stream is
//! complete when its `Fin` marker and every sequence number before it have arrived; then its
//! first part must be [`ProposalPart::Init`], its last part [`ProposalPart::Fin`] and everything
//! between [`ProposalPart::Data`]. Buffers are bounded: at most [`MAX_STREAMS`] open streams
//! (the oldest is dropped) and [`MAX_STREAM_BYTES`] per stream.

use std::collections::BTreeMap;

use malachitebft_app_channel::app::streaming::{StreamContent, StreamId, StreamMessage};
use tracechain_consensus::{ProposalInit, ProposalPart, Signature};

/// Most streams buffered at once.
pub const MAX_STREAMS: usize = 64;
/// Most bytes of block data in one stream.
pub const MAX_STREAM_BYTES: usize = 32 * 1024 * 1024;
/// Most messages in one stream.
pub const MAX_STREAM_MESSAGES: u64 = 1_024;

/// Why a stream was dropped.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum StreamError {
    /// The stream's parts are not Init, Data…, Fin.
    #[error("stream {stream} is malformed: {reason}")]
    Malformed {
        /// The stream.
        stream: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The stream is larger than any block may be.
    #[error("stream {stream} exceeds {limit}")]
    TooLarge {
        /// The stream.
        stream: String,
        /// The limit.
        limit: String,
    },
}

/// A complete block proposal.
#[derive(Clone, Debug)]
pub struct AssembledProposal {
    /// Its first part.
    pub init: ProposalInit,
    /// The SCALE-encoded block.
    pub block_bytes: Vec<u8>,
    /// The proposer's signature in its last part.
    pub signature: Signature,
    /// The stream as received, to re-publish it when the engine asks.
    pub messages: Vec<StreamMessage<ProposalPart>>,
}

#[derive(Default)]
struct Stream {
    messages: BTreeMap<u64, StreamMessage<ProposalPart>>,
    end: Option<u64>,
    bytes: usize,
    arrival: u64,
}

/// Streams being received, by publisher and stream id.
#[derive(Default)]
pub struct ProposalStreams {
    streams: BTreeMap<(String, StreamId), Stream>,
    arrivals: u64,
}

impl ProposalStreams {
    /// Adds a message from `publisher`; returns the proposal it completes, if any.
    pub fn insert(
        &mut self,
        publisher: String,
        message: StreamMessage<ProposalPart>,
    ) -> Result<Option<AssembledProposal>, StreamError> {
        let key = (publisher, message.stream_id.clone());
        let stream_name = || message.stream_id.to_string();
        if message.sequence >= MAX_STREAM_MESSAGES {
            self.streams.remove(&key);
            return Err(StreamError::TooLarge {
                stream: stream_name(),
                limit: format!("{MAX_STREAM_MESSAGES} messages"),
            });
        }
        if !self.streams.contains_key(&key) && self.streams.len() >= MAX_STREAMS {
            let oldest = self.streams.iter().min_by_key(|(_, stream)| stream.arrival).map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                self.streams.remove(&oldest);
            }
        }
        self.arrivals += 1;
        let arrivals = self.arrivals;
        let stream =
            self.streams.entry(key.clone()).or_insert_with(|| Stream { arrival: arrivals, ..Stream::default() });
        if let StreamContent::Data(ProposalPart::Data(chunk)) = &message.content {
            stream.bytes = stream.bytes.saturating_add(chunk.len());
        }
        if stream.bytes > MAX_STREAM_BYTES {
            self.streams.remove(&key);
            return Err(StreamError::TooLarge { stream: stream_name(), limit: format!("{MAX_STREAM_BYTES} bytes") });
        }
        if message.is_fin() {
            stream.end = Some(message.sequence);
        }
        stream.messages.insert(message.sequence, message.clone());
        let complete = stream.end.is_some_and(|end| (0..=end).all(|sequence| stream.messages.contains_key(&sequence)));
        if !complete {
            return Ok(None);
        }
        let Some(stream) = self.streams.remove(&key) else { return Ok(None) };
        assemble(stream_name(), stream.messages.into_values().collect()).map(Some)
    }

    /// Drops every buffered stream.
    pub fn clear(&mut self) {
        self.streams.clear();
    }
}

fn assemble(stream: String, messages: Vec<StreamMessage<ProposalPart>>) -> Result<AssembledProposal, StreamError> {
    let malformed = |reason| StreamError::Malformed { stream: stream.clone(), reason };
    let parts: Vec<&ProposalPart> = messages.iter().filter_map(|message| message.content.as_data()).collect();
    let (Some(ProposalPart::Init(init)), Some(ProposalPart::Fin(fin))) = (parts.first(), parts.last()) else {
        return Err(malformed("it does not open with Init and close with Fin"));
    };
    if parts.len() + 1 != messages.len() {
        return Err(malformed("a stream marker is in the middle"));
    }
    let mut block_bytes = Vec::new();
    for part in &parts[1..parts.len() - 1] {
        match part {
            ProposalPart::Data(chunk) => block_bytes.extend_from_slice(chunk),
            _ => return Err(malformed("a part between Init and Fin is not Data")),
        }
    }
    Ok(AssembledProposal { init: init.clone(), block_bytes, signature: fin.signature, messages })
}

/// The stream of a proposal: Init, the block in chunks of `chunk_size`, Fin, end marker.
pub fn proposal_stream(
    stream_id: StreamId,
    init: ProposalInit,
    block_bytes: &[u8],
    signature: Signature,
    chunk_size: usize,
) -> Vec<StreamMessage<ProposalPart>> {
    let mut parts = vec![ProposalPart::Init(init)];
    parts.extend(block_bytes.chunks(chunk_size.max(1)).map(|chunk| ProposalPart::Data(chunk.to_vec())));
    parts.push(ProposalPart::Fin(tracechain_consensus::ProposalFin { signature }));
    let end = parts.len() as u64;
    let mut messages: Vec<_> = parts
        .into_iter()
        .enumerate()
        .map(|(sequence, part)| StreamMessage::new(stream_id.clone(), sequence as u64, StreamContent::Data(part)))
        .collect();
    messages.push(StreamMessage::new(stream_id, end, StreamContent::Fin));
    messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use malachitebft_app_channel::app::types::core::Round;
    use tracechain_consensus::{Address, Height};

    fn init() -> ProposalInit {
        ProposalInit { height: Height(3), round: Round::new(0), pol_round: Round::Nil, proposer: Address([1; 32]) }
    }

    fn stream(bytes: &[u8]) -> Vec<StreamMessage<ProposalPart>> {
        proposal_stream(StreamId::new(Bytes::from_static(b"p")), init(), bytes, Signature([2; 64]), 4)
    }

    #[test]
    fn reassembles_out_of_order_and_once() {
        let block: Vec<u8> = (0..11).collect();
        let mut messages = stream(&block);
        assert_eq!(messages.len(), 1 + 3 + 1 + 1);
        messages.reverse();
        let mut streams = ProposalStreams::default();
        let mut completed = Vec::new();
        for message in messages.iter().cloned().chain(messages.iter().take(2).cloned()) {
            if let Some(proposal) = streams.insert("peer".into(), message).expect("well formed") {
                completed.push(proposal);
            }
        }
        // The replayed tail starts a new stream that never completes.
        assert_eq!(completed.len(), 1);
        assert_eq!(completed[0].block_bytes, block);
        assert_eq!(completed[0].init, init());
        assert_eq!(completed[0].signature, Signature([2; 64]));
    }

    #[test]
    fn streams_of_different_publishers_do_not_mix() {
        let messages = stream(&[1, 2, 3, 4, 5]);
        let mut streams = ProposalStreams::default();
        let (first, rest) = messages.split_at(2);
        for message in first {
            assert!(streams.insert("a".into(), message.clone()).expect("ok").is_none());
        }
        for message in rest {
            assert!(streams.insert("b".into(), message.clone()).expect("ok").is_none());
        }
    }

    #[test]
    fn malformed_and_oversized_streams_are_refused() {
        let id = StreamId::new(Bytes::from_static(b"x"));
        let mut streams = ProposalStreams::default();
        let no_init = [
            StreamMessage::new(id.clone(), 0, StreamContent::Data(ProposalPart::Data(vec![1]))),
            StreamMessage::new(id.clone(), 1, StreamContent::Fin),
        ];
        let outcome = no_init.into_iter().map(|message| streams.insert("p".into(), message)).last();
        assert!(matches!(outcome, Some(Err(StreamError::Malformed { .. }))));
        let far = StreamMessage::new(id, MAX_STREAM_MESSAGES, StreamContent::Fin);
        assert!(matches!(streams.insert("p".into(), far), Err(StreamError::TooLarge { .. })));
    }

    #[test]
    fn open_streams_are_bounded() {
        let mut streams = ProposalStreams::default();
        for index in 0..(MAX_STREAMS as u32 + 10) {
            let id = StreamId::new(Bytes::from(index.to_le_bytes().to_vec()));
            let message = StreamMessage::new(id, 0, StreamContent::Data(ProposalPart::Init(init())));
            assert!(streams.insert("p".into(), message).expect("ok").is_none());
        }
        assert_eq!(streams.streams.len(), MAX_STREAMS);
    }
}
