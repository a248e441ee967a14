//! Reassembly of proposal streams received from the network, within stated bounds.
//!
//! Gossip may deliver a stream's messages out of order, twice, or never complete it, and any
//! peer that can publish on the topic may send junk. A stream is keyed by its publishing peer
//! and its stream id; it is complete when its `Fin` marker and every sequence number before it
//! have arrived, and then its first part must be [`ProposalPart::Init`], its last part
//! [`ProposalPart::Fin`] and everything between [`ProposalPart::Data`].
//!
//! ## Bounds
//! Every buffer is bounded, and a publisher can only ever evict its own streams (except when it
//! is the one holding the most, see the total below):
//!
//! | bound | value | when reached |
//! |---|---|---|
//! | open streams per publisher | [`MAX_STREAMS_PER_PUBLISHER`] = 4 | the publisher's oldest stream is dropped |
//! | publishers with open streams | [`MAX_PUBLISHERS`] = 128 | the publisher silent the longest is dropped |
//! | block data per stream | [`MAX_STREAM_BYTES`] = block length limit + 64 KiB | the stream is dropped |
//! | messages per stream | [`MAX_STREAM_MESSAGES`] = 1,024 | the stream is dropped |
//! | block data over all streams | [`MAX_BUFFERED_BYTES`] = 64 MiB | the publisher holding the most loses its oldest stream |
//! | silence of a stream | [`STREAM_IDLE`] = 30 s | the stream is dropped |
//! | refused stream ids remembered per publisher | [`REMEMBERED_REFUSALS`] = 16 | the oldest is forgotten |
//!
//! When a stream's `Init` arrives, the caller's admission check sees it (the consensus module
//! checks height, round and proposer there, before any block data is kept for long); a refused
//! stream is dropped at once and its id remembered, so that its later parts do not reopen it.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use malachitebft_app_channel::app::streaming::{StreamContent, StreamId, StreamMessage};
use tracechain_consensus::{ProposalInit, ProposalPart, Signature};

/// Most streams of one publisher buffered at once.
pub const MAX_STREAMS_PER_PUBLISHER: usize = 4;
/// Most publishers with streams buffered at once.
pub const MAX_PUBLISHERS: usize = 128;
/// Most bytes of block data in one stream: a block's extrinsics may be
/// [`tracechain_support::weight::DEFAULT_BLOCK_LIMITS`]`.max_length` long, and its header
/// and the extrinsics' length prefixes fit in the margin.
pub const MAX_STREAM_BYTES: usize = tracechain_support::weight::DEFAULT_BLOCK_LIMITS.max_length as usize + 64 * 1024;
/// Most messages in one stream.
pub const MAX_STREAM_MESSAGES: u64 = 1_024;
/// Most bytes of block data buffered over all streams.
pub const MAX_BUFFERED_BYTES: usize = 64 * 1024 * 1024;
/// A stream that receives nothing for this long is dropped.
pub const STREAM_IDLE: Duration = Duration::from_secs(30);
/// Refused stream ids remembered per publisher.
pub const REMEMBERED_REFUSALS: usize = 16;

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
    /// The admission check refused the stream's `Init`.
    #[error("stream {stream} refused: {reason}")]
    Refused {
        /// The stream.
        stream: String,
        /// Why.
        reason: String,
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

struct Stream {
    messages: BTreeMap<u64, StreamMessage<ProposalPart>>,
    end: Option<u64>,
    bytes: usize,
    arrival: u64,
    last_seen: Instant,
}

struct Publisher {
    streams: BTreeMap<StreamId, Stream>,
    refused: VecDeque<StreamId>,
    bytes: usize,
    last_seen: Instant,
}

impl Publisher {
    fn new(now: Instant) -> Self {
        Self { streams: BTreeMap::new(), refused: VecDeque::new(), bytes: 0, last_seen: now }
    }

    fn remove(&mut self, id: &StreamId) -> Option<Stream> {
        let stream = self.streams.remove(id)?;
        self.bytes -= stream.bytes;
        Some(stream)
    }

    fn oldest(&self) -> Option<StreamId> {
        self.streams.iter().min_by_key(|(_, stream)| stream.arrival).map(|(id, _)| id.clone())
    }

    /// Remembers a refused stream (already dropped) so that its later parts are ignored.
    fn refuse(&mut self, id: StreamId) {
        if self.refused.len() >= REMEMBERED_REFUSALS {
            self.refused.pop_front();
        }
        self.refused.push_back(id);
    }
}

/// Streams being received, by publisher and stream id.
#[derive(Default)]
pub struct ProposalStreams {
    publishers: BTreeMap<String, Publisher>,
    bytes: usize,
    arrivals: u64,
    last_sweep: Option<Instant>,
}

impl ProposalStreams {
    /// Adds a message from `publisher` received at `now`; returns the proposal it completes, if
    /// any. `admit` sees the stream's `Init` when it arrives and may refuse the stream.
    pub fn insert(
        &mut self,
        publisher: String,
        message: StreamMessage<ProposalPart>,
        now: Instant,
        admit: impl FnOnce(&ProposalInit) -> Result<(), String>,
    ) -> Result<Option<AssembledProposal>, StreamError> {
        self.drop_idle(now);
        let id = message.stream_id.clone();
        let stream_name = || id.to_string();
        if self.publishers.get(&publisher).is_some_and(|known| known.refused.contains(&id)) {
            return Err(StreamError::Refused { stream: stream_name(), reason: "refused earlier".into() });
        }
        if message.sequence >= MAX_STREAM_MESSAGES {
            self.drop_stream(&publisher, &id);
            return Err(StreamError::TooLarge {
                stream: stream_name(),
                limit: format!("{MAX_STREAM_MESSAGES} messages"),
            });
        }
        if let StreamContent::Data(ProposalPart::Init(init)) = &message.content {
            if let Err(reason) = admit(init) {
                self.drop_stream(&publisher, &id);
                self.ensure_publisher(&publisher, now).refuse(id.clone());
                return Err(StreamError::Refused { stream: stream_name(), reason });
            }
        }
        self.make_room(&publisher, &id);
        let chunk = match &message.content {
            StreamContent::Data(ProposalPart::Data(chunk)) => chunk.len(),
            _ => 0,
        };
        self.arrivals += 1;
        let arrival = self.arrivals;
        let owner = self.ensure_publisher(&publisher, now);
        owner.last_seen = now;
        let stream = owner.streams.entry(id.clone()).or_insert_with(|| Stream {
            messages: BTreeMap::new(),
            end: None,
            bytes: 0,
            arrival,
            last_seen: now,
        });
        stream.last_seen = now;
        if stream.messages.contains_key(&message.sequence) {
            return Ok(None);
        }
        if stream.bytes + chunk > MAX_STREAM_BYTES {
            self.drop_stream(&publisher, &id);
            return Err(StreamError::TooLarge { stream: stream_name(), limit: format!("{MAX_STREAM_BYTES} bytes") });
        }
        stream.bytes += chunk;
        owner.bytes += chunk;
        if message.is_fin() {
            stream.end = Some(message.sequence);
        }
        let sequence = message.sequence;
        stream.messages.insert(sequence, message);
        let complete = stream.end.is_some_and(|end| (0..=end).all(|sequence| stream.messages.contains_key(&sequence)));
        self.bytes += chunk;
        if self.bytes > MAX_BUFFERED_BYTES {
            self.shed_largest();
        }
        if !complete {
            return Ok(None);
        }
        let Some(stream) = self.take_stream(&publisher, &id) else { return Ok(None) };
        assemble(stream_name(), stream.messages.into_values().collect()).map(Some)
    }

    /// Drops every buffered stream.
    pub fn clear(&mut self) {
        self.publishers.clear();
        self.bytes = 0;
    }

    /// Bytes of block data buffered.
    pub fn buffered_bytes(&self) -> usize {
        self.bytes
    }

    /// Streams buffered.
    pub fn open_streams(&self) -> usize {
        self.publishers.values().map(|publisher| publisher.streams.len()).sum()
    }

    /// The publisher's entry, made room for among at most [`MAX_PUBLISHERS`] by dropping the
    /// publisher silent the longest.
    fn ensure_publisher(&mut self, publisher: &str, now: Instant) -> &mut Publisher {
        if !self.publishers.contains_key(publisher) && self.publishers.len() >= MAX_PUBLISHERS {
            let silent = self.publishers.iter().min_by_key(|(_, other)| other.last_seen).map(|(key, _)| key.clone());
            if let Some(evicted) = silent.and_then(|silent| self.publishers.remove(&silent)) {
                self.bytes -= evicted.bytes;
            }
        }
        self.publishers.entry(publisher.to_string()).or_insert_with(|| Publisher::new(now))
    }

    fn take_stream(&mut self, publisher: &str, id: &StreamId) -> Option<Stream> {
        let owner = self.publishers.get_mut(publisher)?;
        let stream = owner.remove(id)?;
        self.bytes -= stream.bytes;
        Some(stream)
    }

    fn drop_stream(&mut self, publisher: &str, id: &StreamId) {
        self.take_stream(publisher, id);
    }

    /// Before a message of a new stream `id` of `publisher`: evicts the publisher's own oldest
    /// stream when it has its share.
    fn make_room(&mut self, publisher: &str, id: &StreamId) {
        let Some(owner) = self.publishers.get(publisher) else { return };
        if !owner.streams.contains_key(id) && owner.streams.len() >= MAX_STREAMS_PER_PUBLISHER {
            if let Some(oldest) = owner.oldest() {
                self.drop_stream(publisher, &oldest);
            }
        }
    }

    /// Over the total bound: the publisher holding the most bytes loses its oldest stream.
    fn shed_largest(&mut self) {
        while self.bytes > MAX_BUFFERED_BYTES {
            let largest = self.publishers.iter().max_by_key(|(_, owner)| owner.bytes).map(|(key, _)| key.clone());
            let Some(largest) = largest else { return };
            let oldest = self.publishers.get(&largest).and_then(Publisher::oldest);
            let Some(oldest) = oldest else { return };
            self.drop_stream(&largest, &oldest);
        }
    }

    /// Drops the streams silent for [`STREAM_IDLE`], at most once a second.
    fn drop_idle(&mut self, now: Instant) {
        if self.last_sweep.is_some_and(|last| now.saturating_duration_since(last) < Duration::from_secs(1)) {
            return;
        }
        self.last_sweep = Some(now);
        let mut freed = 0;
        for owner in self.publishers.values_mut() {
            let idle: Vec<StreamId> = owner
                .streams
                .iter()
                .filter(|(_, stream)| now.saturating_duration_since(stream.last_seen) > STREAM_IDLE)
                .map(|(id, _)| id.clone())
                .collect();
            for id in idle {
                freed += owner.remove(&id).map_or(0, |stream| stream.bytes);
            }
        }
        self.bytes -= freed;
        self.publishers.retain(|_, owner| {
            !owner.streams.is_empty() || now.saturating_duration_since(owner.last_seen) <= STREAM_IDLE
        });
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

    fn stream_with_id(id: &[u8], bytes: &[u8], chunk: usize) -> Vec<StreamMessage<ProposalPart>> {
        proposal_stream(StreamId::new(Bytes::from(id.to_vec())), init(), bytes, Signature([2; 64]), chunk)
    }

    fn stream(bytes: &[u8]) -> Vec<StreamMessage<ProposalPart>> {
        stream_with_id(b"p", bytes, 4)
    }

    fn admit_all(_: &ProposalInit) -> Result<(), String> {
        Ok(())
    }

    fn open(streams: &mut ProposalStreams, publisher: &str, id: u32, now: Instant) {
        let id = StreamId::new(Bytes::from(id.to_le_bytes().to_vec()));
        let message = StreamMessage::new(id, 0, StreamContent::Data(ProposalPart::Init(init())));
        assert!(streams.insert(publisher.into(), message, now, admit_all).expect("ok").is_none());
    }

    #[test]
    fn reassembles_out_of_order_and_once() {
        let block: Vec<u8> = (0..11).collect();
        let mut messages = stream(&block);
        assert_eq!(messages.len(), 1 + 3 + 1 + 1);
        messages.reverse();
        let mut streams = ProposalStreams::default();
        let now = Instant::now();
        let mut completed = Vec::new();
        for message in messages.iter().cloned().chain(messages.iter().take(2).cloned()) {
            if let Some(proposal) = streams.insert("peer".into(), message, now, admit_all).expect("well formed") {
                completed.push(proposal);
            }
        }
        // The replayed tail starts a new stream that never completes.
        assert_eq!(completed.len(), 1);
        assert_eq!(completed[0].block_bytes, block);
        assert_eq!(completed[0].init, init());
        assert_eq!(completed[0].signature, Signature([2; 64]));
        assert_eq!(streams.buffered_bytes(), 0, "the replayed tail carries no data");
    }

    #[test]
    fn streams_of_different_publishers_do_not_mix() {
        let messages = stream(&[1, 2, 3, 4, 5]);
        let mut streams = ProposalStreams::default();
        let now = Instant::now();
        let (first, rest) = messages.split_at(2);
        for message in first {
            assert!(streams.insert("a".into(), message.clone(), now, admit_all).expect("ok").is_none());
        }
        for message in rest {
            assert!(streams.insert("b".into(), message.clone(), now, admit_all).expect("ok").is_none());
        }
    }

    #[test]
    fn malformed_and_oversized_streams_are_refused() {
        let id = StreamId::new(Bytes::from_static(b"x"));
        let mut streams = ProposalStreams::default();
        let now = Instant::now();
        let no_init = [
            StreamMessage::new(id.clone(), 0, StreamContent::Data(ProposalPart::Data(vec![1]))),
            StreamMessage::new(id.clone(), 1, StreamContent::Fin),
        ];
        let outcome = no_init.into_iter().map(|message| streams.insert("p".into(), message, now, admit_all)).last();
        assert!(matches!(outcome, Some(Err(StreamError::Malformed { .. }))));
        let far = StreamMessage::new(id.clone(), MAX_STREAM_MESSAGES, StreamContent::Fin);
        assert!(matches!(streams.insert("p".into(), far, now, admit_all), Err(StreamError::TooLarge { .. })));
        // Block data beyond the block length limit (in chunks of 1 MiB) drops the stream.
        let big = vec![0u8; MAX_STREAM_BYTES + 1];
        let mut outcome = Ok(None);
        for message in stream_with_id(b"big", &big, 1024 * 1024) {
            outcome = streams.insert("p".into(), message, now, admit_all);
            if outcome.is_err() {
                break;
            }
        }
        assert!(matches!(outcome, Err(StreamError::TooLarge { .. })), "{outcome:?}");
        assert_eq!(streams.buffered_bytes(), 0);
    }

    #[test]
    fn a_flooding_publisher_evicts_only_its_own_streams() {
        let mut streams = ProposalStreams::default();
        let now = Instant::now();
        // An honest proposer's stream, half received.
        let honest = stream_with_id(b"honest", &[7; 40], 4);
        let (first, rest) = honest.split_at(3);
        for message in first {
            assert!(streams.insert("honest".into(), message.clone(), now, admit_all).expect("ok").is_none());
        }
        for index in 0..10_000 {
            open(&mut streams, "flooder", index, now);
        }
        assert_eq!(streams.open_streams(), 1 + MAX_STREAMS_PER_PUBLISHER);
        let mut completed = None;
        for message in rest {
            completed = streams.insert("honest".into(), message.clone(), now, admit_all).expect("ok");
        }
        assert_eq!(completed.expect("the honest stream completes").block_bytes, vec![7; 40]);
    }

    #[test]
    fn publishers_are_bounded_and_the_longest_silent_goes_first() {
        let mut streams = ProposalStreams::default();
        let start = Instant::now();
        open(&mut streams, "first", 0, start);
        for index in 0..(MAX_PUBLISHERS as u32 + 20) {
            open(&mut streams, &format!("sybil-{index}"), 0, start + Duration::from_millis(1 + u64::from(index)));
        }
        assert_eq!(streams.publishers.len(), MAX_PUBLISHERS);
        assert!(!streams.publishers.contains_key("first"));
    }

    #[test]
    fn total_bytes_are_bounded_by_shedding_the_largest_holder() {
        let mut streams = ProposalStreams::default();
        let now = Instant::now();
        let chunk = vec![1u8; 1024 * 1024];
        let data = |id: u32, sequence: u64| {
            StreamMessage::new(
                StreamId::new(Bytes::from(id.to_le_bytes().to_vec())),
                sequence,
                StreamContent::Data(ProposalPart::Data(chunk.clone())),
            )
        };
        // Many publishers each hold 4 streams of 5 MiB less a little: more than the total bound.
        for publisher in 0..8u32 {
            for id in 0..4 {
                for sequence in 1..=5 {
                    let _ = streams.insert(format!("peer-{publisher}"), data(id, sequence), now, admit_all);
                }
            }
        }
        assert!(streams.buffered_bytes() <= MAX_BUFFERED_BYTES, "{}", streams.buffered_bytes());
        let small = stream_with_id(b"small", &[3; 10], 4);
        let mut completed = None;
        for message in small {
            completed = streams.insert("honest".into(), message, now, admit_all).expect("ok");
        }
        assert!(completed.is_some(), "a small stream still completes under the total bound");
    }

    #[test]
    fn idle_streams_are_dropped() {
        let mut streams = ProposalStreams::default();
        let start = Instant::now();
        open(&mut streams, "slow", 1, start);
        open(&mut streams, "other", 1, start + STREAM_IDLE + Duration::from_secs(2));
        assert_eq!(streams.open_streams(), 1);
    }

    #[test]
    fn a_refused_init_drops_the_stream_and_its_later_parts() {
        let mut streams = ProposalStreams::default();
        let now = Instant::now();
        let messages = stream_with_id(b"junk", &[9; 12], 4);
        let refuse = |_: &ProposalInit| Err("round far beyond the current one".to_string());
        let first = streams.insert("p".into(), messages[0].clone(), now, refuse);
        assert!(matches!(first, Err(StreamError::Refused { .. })), "{first:?}");
        for message in &messages[1..] {
            assert!(streams.insert("p".into(), message.clone(), now, admit_all).is_err());
        }
        assert_eq!(streams.open_streams(), 0);
        assert_eq!(streams.buffered_bytes(), 0);
    }
}
