//! JSON-RPC over HTTP, and signing and submitting extrinsics through it.
//!
//! Only Substrate's method names are used (`chain_*`, `state_*`, `author_*`, `system_*`), so this
//! module works against any node that serves them; `trace_*` answers are read as plain JSON.

use std::time::{Duration, Instant};

use parity_scale_codec::{Decode, Encode};
use serde_json::{json, Value};
use tracechain_primitives::{
    era::Era,
    extrinsic::{AdditionalSigned, SignedExtra},
    hashing::blake2_256,
    keyring::Sr25519Pair,
    storage_key, AccountId32, BlockNumber, Nonce, H256,
};
use tracechain_runtime::{RuntimeCall, RuntimeEvent, UncheckedExtrinsic};
use tracechain_support::{EventRecord, Phase};

use crate::ClientError;

/// How long one call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// How often finalized blocks are polled while waiting for inclusion.
const POLL: Duration = Duration::from_millis(100);

/// Where an extrinsic was included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inclusion {
    /// The block's number.
    pub block: BlockNumber,
    /// The block's hash.
    pub block_hash: H256,
    /// The extrinsic's index in the block.
    pub index: u32,
    /// The events the extrinsic emitted.
    pub events: Vec<RuntimeEvent>,
}

/// A node's JSON-RPC endpoint and what signing for its chain needs.
pub struct RpcClient {
    url: String,
    agent: ureq::Agent,
    genesis_hash: H256,
    spec_version: u32,
    transaction_version: u32,
    /// How long to wait for a transaction to be finalized.
    pub timeout: Duration,
}

impl RpcClient {
    /// Connects to `url` (`http://…`) and reads the genesis hash and runtime version.
    pub fn connect(url: &str) -> Result<Self, ClientError> {
        let agent = ureq::AgentBuilder::new().timeout(CALL_TIMEOUT).build();
        let mut client = Self {
            url: url.to_string(),
            agent,
            genesis_hash: H256::zero(),
            spec_version: 0,
            transaction_version: 0,
            timeout: Duration::from_secs(60),
        };
        client.genesis_hash = client.block_hash(0)?.ok_or_else(|| unexpected("chain_getBlockHash", "no genesis"))?;
        let version = client.call("state_getRuntimeVersion", json!([]))?;
        client.spec_version =
            json_u32(&version["specVersion"]).ok_or_else(|| unexpected("state_getRuntimeVersion", "specVersion"))?;
        client.transaction_version = json_u32(&version["transactionVersion"])
            .ok_or_else(|| unexpected("state_getRuntimeVersion", "transactionVersion"))?;
        Ok(client)
    }

    /// The chain's genesis hash.
    pub fn genesis_hash(&self) -> H256 {
        self.genesis_hash
    }

    /// Calls `method` with `params`; the `result`, or the node's error.
    pub fn call(&self, method: &str, params: Value) -> Result<Value, ClientError> {
        call_with(&self.agent, &self.url, method, params)
    }

    /// The canonical block hash at `number`.
    pub fn block_hash(&self, number: BlockNumber) -> Result<Option<H256>, ClientError> {
        let hash = self.call("chain_getBlockHash", json!([number]))?;
        if hash.is_null() {
            return Ok(None);
        }
        parse_hash(&hash).map(Some).ok_or_else(|| unexpected("chain_getBlockHash", "not a hash"))
    }

    /// The number of the last finalized block.
    pub fn finalized_number(&self) -> Result<BlockNumber, ClientError> {
        let hash = self.call("chain_getFinalizedHead", json!([]))?;
        let header = self.call("chain_getHeader", json!([hash]))?;
        header["number"]
            .as_str()
            .and_then(|number| u32::from_str_radix(number.trim_start_matches("0x"), 16).ok())
            .ok_or_else(|| unexpected("chain_getHeader", "number"))
    }

    /// The raw storage value at `key` in the state of block `at` (the best block if `None`).
    pub fn storage(&self, key: &[u8], at: Option<H256>) -> Result<Option<Vec<u8>>, ClientError> {
        let value = self.call("state_getStorage", json!([hex0x(key), at.map(|hash| format!("{hash:?}"))]))?;
        match value.as_str() {
            None => Ok(None),
            Some(text) => hex::decode(text.trim_start_matches("0x"))
                .map(Some)
                .map_err(|_| unexpected("state_getStorage", "not hex")),
        }
    }

    /// The next nonce of `account`, counting its pooled transactions.
    pub fn next_nonce(&self, account: &AccountId32) -> Result<Nonce, ClientError> {
        let nonce = self.call("system_accountNextIndex", json!([account.to_string()]))?;
        json_u32(&nonce).ok_or_else(|| unexpected("system_accountNextIndex", "not a number"))
    }

    /// `call` signed by `pair` with `nonce`, immortal, for this chain: length-prefixed bytes.
    pub fn sign(&self, pair: &Sr25519Pair, call: RuntimeCall, nonce: Nonce) -> Vec<u8> {
        let extra = SignedExtra { era: Era::Immortal, nonce, tip: 0 };
        let additional = AdditionalSigned {
            spec_version: self.spec_version,
            transaction_version: self.transaction_version,
            genesis_hash: self.genesis_hash,
            era_block_hash: self.genesis_hash,
        };
        UncheckedExtrinsic::new_signed(call, pair, extra, &additional).encode()
    }

    /// Signs each call by its signer with consecutive nonces (from the node's next nonce of each
    /// signer), submits them all, and waits until every one is in a finalized block. A call that
    /// failed on chain is [`ClientError::Dispatch`] naming `what`.
    pub fn execute(&self, what: &str, calls: Vec<(&Sr25519Pair, RuntimeCall)>) -> Result<Vec<Inclusion>, ClientError> {
        let mut nonces: std::collections::BTreeMap<AccountId32, Nonce> = std::collections::BTreeMap::new();
        let mut signed = Vec::new();
        for (pair, call) in calls {
            let account = pair.public();
            let nonce = match nonces.get(&account) {
                Some(nonce) => *nonce,
                None => self.next_nonce(&account)?,
            };
            nonces.insert(account, nonce + 1);
            signed.push(self.sign(pair, call, nonce));
        }
        self.submit_and_wait(what, &signed)
    }

    /// Submits length-prefixed extrinsics and waits until each is in a finalized block; their
    /// inclusions in order. A failed call is [`ClientError::Dispatch`].
    pub fn submit_and_wait(&self, what: &str, extrinsics: &[Vec<u8>]) -> Result<Vec<Inclusion>, ClientError> {
        let mut next_block = self.finalized_number()? + 1;
        for bytes in extrinsics {
            self.call("author_submitExtrinsic", json!([hex0x(bytes)]))?;
        }
        let wanted: Vec<String> = extrinsics.iter().map(|bytes| hex0x(bytes)).collect();
        let mut found: Vec<Option<Inclusion>> = vec![None; extrinsics.len()];
        let started = Instant::now();
        while found.iter().any(Option::is_none) {
            if started.elapsed() > self.timeout {
                return Err(ClientError::Timeout { what: what.to_string(), seconds: self.timeout.as_secs() });
            }
            let finalized = self.finalized_number()?;
            while next_block <= finalized {
                self.collect_block(next_block, &wanted, &mut found)?;
                next_block += 1;
            }
            std::thread::sleep(POLL);
        }
        let inclusions: Vec<Inclusion> = found.into_iter().flatten().collect();
        for inclusion in &inclusions {
            for event in &inclusion.events {
                if let RuntimeEvent::System(pallet_system::Event::ExtrinsicFailed { dispatch_error, .. }) = event {
                    return Err(ClientError::Dispatch {
                        what: what.to_string(),
                        block: inclusion.block,
                        error: dispatch_error.describe(),
                    });
                }
            }
        }
        Ok(inclusions)
    }

    /// Records which of `wanted` block `number` includes, with their events.
    fn collect_block(
        &self,
        number: BlockNumber,
        wanted: &[String],
        found: &mut [Option<Inclusion>],
    ) -> Result<(), ClientError> {
        let hash =
            self.block_hash(number)?.ok_or_else(|| unexpected("chain_getBlockHash", "finalized block missing"))?;
        let block = self.call("chain_getBlock", json!([format!("{hash:?}")]))?;
        let extrinsics =
            block["block"]["extrinsics"].as_array().ok_or_else(|| unexpected("chain_getBlock", "extrinsics"))?;
        let mut events: Option<Vec<EventRecord<RuntimeEvent>>> = None;
        for (index, extrinsic) in extrinsics.iter().enumerate() {
            let Some(position) = wanted.iter().position(|bytes| extrinsic.as_str() == Some(bytes)) else { continue };
            if events.is_none() {
                events = Some(self.events(hash)?);
            }
            let index = index as u32;
            let own = events
                .iter()
                .flatten()
                .filter(|record| record.phase == Phase::ApplyExtrinsic(index))
                .map(|record| record.event.clone())
                .collect();
            found[position] = Some(Inclusion { block: number, block_hash: hash, index, events: own });
        }
        Ok(())
    }

    /// The events of block `hash`, from its `System.Events`.
    pub fn events(&self, hash: H256) -> Result<Vec<EventRecord<RuntimeEvent>>, ClientError> {
        let key = storage_key::storage_prefix("System", "Events");
        match self.storage(&key, Some(hash))? {
            None => Ok(Vec::new()),
            Some(bytes) => Vec::<EventRecord<RuntimeEvent>>::decode(&mut &bytes[..])
                .map_err(|error| unexpected("state_getStorage", &format!("System.Events does not decode: {error}"))),
        }
    }

    /// The hash of an extrinsic as the node reports it.
    pub fn extrinsic_hash(bytes: &[u8]) -> H256 {
        H256(blake2_256(bytes))
    }
}

/// One call of `method` with `params` at `url`, for tools that need no signing (`tracechain
/// verify`, `qr`, `epcis`): the `result`, or the node's JSON-RPC error.
pub fn call(url: &str, method: &str, params: Value) -> Result<Value, ClientError> {
    let agent = ureq::AgentBuilder::new().timeout(CALL_TIMEOUT).build();
    call_with(&agent, url, method, params)
}

fn call_with(agent: &ureq::Agent, url: &str, method: &str, params: Value) -> Result<Value, ClientError> {
    let request = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
    let transport = |reason: String| ClientError::Transport { url: url.to_string(), reason };
    let response: Value = match agent.post(url).send_json(request) {
        Ok(response) => response.into_json().map_err(|error| transport(error.to_string()))?,
        // JSON-RPC errors may come with an HTTP error status: read the body anyway.
        Err(ureq::Error::Status(_, response)) => response.into_json().map_err(|error| transport(error.to_string()))?,
        Err(error) => return Err(transport(error.to_string())),
    };
    if let Some(error) = response.get("error") {
        return Err(ClientError::Rpc {
            method: method.to_string(),
            code: error["code"].as_i64().unwrap_or_default(),
            message: error["message"].as_str().unwrap_or_default().to_string(),
            data: error.get("data").map(|data| data.as_str().map_or_else(|| data.to_string(), str::to_string)),
        });
    }
    response.get("result").cloned().ok_or_else(|| unexpected(method, "neither result nor error"))
}

fn unexpected(method: &str, reason: &str) -> ClientError {
    ClientError::Unexpected { method: method.to_string(), reason: reason.to_string() }
}

fn json_u32(value: &Value) -> Option<u32> {
    value.as_u64().and_then(|number| u32::try_from(number).ok())
}

fn parse_hash(value: &Value) -> Option<H256> {
    let bytes = hex::decode(value.as_str()?.trim_start_matches("0x")).ok()?;
    Some(H256(bytes.try_into().ok()?))
}

/// `0x` + lowercase hex.
pub fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}
