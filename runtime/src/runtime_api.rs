//! The runtime APIs that clients call through `state_call`, declared once: [`RUNTIME_APIS`]
//! gives each API's Substrate name, version and methods (their parameters and result types),
//! from which `RuntimeVersion.apis` ([`crate::version`]) and the V15/V16 metadata's runtime-API
//! descriptions ([`crate::metadata`]) are both derived; the RPC's `state_call` answers exactly
//! the methods listed here.
//!
//! The pure answers live here too: the transaction-payment queries ([`query_info`],
//! [`query_fee_details`] and their call-only forms) and the argument splitting shared by the
//! methods that take an extrinsic. Tracechain charges no fees: every fee is zero and
//! `inclusion_fee` is `None` (FRAME's answer for `Pays::No`); the weight and class are the real
//! ones the executive charges.
//!
//! ## Failure
//! Arguments that do not decode, or leave bytes over, are a [`RuntimeApiError`] naming the
//! method and what was wrong; nothing is read or written.

use std::collections::BTreeMap;

use parity_scale_codec::{Compact, Decode, DecodeAll, Encode};
use scale_info::{meta_type, MetaType, TypeInfo};
use tracechain_primitives::{
    extrinsic::UncheckedExtrinsic,
    header::{Block, Header},
    AccountId32, Moment, Nonce, H256,
};
use tracechain_support::{
    dispatch::{DispatchClass, DispatchError},
    Overlay, StateReader, Weight,
};

use crate::{
    genesis::GenesisConfig,
    metadata::UncheckedExtrinsicType,
    validity::{TransactionSource, TransactionValidity, TransactionValidityError},
    ChainSpec, GenesisError, Runtime, RuntimeCall, RuntimeVersion,
};

/// The fee currency's unit, as `pallet_transaction_payment` reports fees (`u128`).
pub type Balance = u128;

/// One method of a runtime API: its name, parameters and result type.
pub struct ApiMethod {
    /// The method's name; `state_call` names it `<Api>_<method>`.
    pub name: &'static str,
    /// Parameter names and types, in order; the call data is their SCALE concatenation.
    pub inputs: Vec<(&'static str, MetaType)>,
    /// The result type.
    pub output: MetaType,
    /// What it answers.
    pub docs: &'static str,
}

/// One runtime API as Substrate declares it.
pub struct RuntimeApi {
    /// Substrate's name of the API; its id is `blake2_64(name)`.
    pub name: &'static str,
    /// The version implemented, Substrate's numbering.
    pub version: u32,
    /// What the API is for.
    pub docs: &'static str,
    /// Its methods (only the ones this runtime answers).
    pub methods: fn() -> Vec<ApiMethod>,
}

impl RuntimeApi {
    /// The `state_call` name of `method`.
    pub fn call_name(&self, method: &ApiMethod) -> String {
        format!("{}_{}", self.name, method.name)
    }
}

fn method(
    name: &'static str,
    inputs: Vec<(&'static str, MetaType)>,
    output: MetaType,
    docs: &'static str,
) -> ApiMethod {
    ApiMethod { name, inputs, output, docs }
}

/// `sp_core::OpaqueMetadata`: encoded metadata as bytes.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tracechain_runtime", "sp_core"), replace_segment("runtime_api", "opaque"))]
pub struct OpaqueMetadata(pub Vec<u8>);

/// `pallet_transaction_payment::types::RuntimeDispatchInfo`: what a transaction weighs and
/// costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(
    replace_segment("tracechain_runtime", "pallet_transaction_payment"),
    replace_segment("runtime_api", "types")
)]
pub struct RuntimeDispatchInfo {
    /// The weight the executive charges, base weight and bookkeeping included.
    pub weight: Weight,
    /// The dispatch class.
    pub class: DispatchClass,
    /// The fee, always zero.
    pub partial_fee: Balance,
}

/// `pallet_transaction_payment::types::InclusionFee`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(
    replace_segment("tracechain_runtime", "pallet_transaction_payment"),
    replace_segment("runtime_api", "types")
)]
pub struct InclusionFee {
    /// Fixed part.
    pub base_fee: Balance,
    /// By length.
    pub len_fee: Balance,
    /// By weight.
    pub adjusted_weight_fee: Balance,
}

/// `pallet_transaction_payment::types::FeeDetails`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(
    replace_segment("tracechain_runtime", "pallet_transaction_payment"),
    replace_segment("runtime_api", "types")
)]
pub struct FeeDetails {
    /// `None`: no inclusion fee is charged.
    pub inclusion_fee: Option<InclusionFee>,
    /// The tip, always zero (the runtime refuses tips).
    pub tip: Balance,
}

/// `sp_inherents::InherentIdentifier` of the timestamp inherent: its data is the block's time, a
/// SCALE `u64` of milliseconds.
pub const TIMESTAMP_INHERENT: [u8; 8] = *b"timstap0";

/// `sp_genesis_builder::DEV_RUNTIME_PRESET`: the development chain's genesis.
pub const DEVELOPMENT_PRESET: &str = "development";

/// `sp_inherents::InherentData`: an author's inputs to the inherents, by identifier.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tracechain_runtime", "sp_inherents"))]
pub struct InherentData {
    /// Each inherent's data, SCALE-encoded.
    pub data: BTreeMap<[u8; 8], Vec<u8>>,
}

/// `sp_inherents::CheckInherentsResult`: a block's inherents checked against an author's data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tracechain_runtime", "sp_inherents"))]
pub struct CheckInherentsResult {
    /// Whether every inherent passed.
    pub okay: bool,
    /// Whether an error makes the block invalid (every timestamp error does).
    pub fatal_error: bool,
    /// The errors, by inherent identifier, each SCALE-encoded.
    pub errors: InherentData,
}

/// `sp_timestamp::InherentError`, the encoding of a timestamp inherent's error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum TimestampInherentError {
    /// Less than `MINIMUM_PERIOD_MS` after the parent's time.
    TooEarly,
    /// More than `MAX_DRIFT_MS` ahead of the checker's time.
    TooFarInFuture,
}

/// `sp_genesis_builder::PresetId`: a genesis preset's name, as UTF-8 bytes.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("tracechain_runtime", "sp_genesis_builder"))]
pub struct PresetId(pub Vec<u8>);

/// `sp_runtime::ApplyExtrinsicResult` as the metadata describes it.
type ApplyExtrinsicResultType = Result<Result<(), DispatchError>, TransactionValidityError>;

/// The runtime APIs served, with Substrate's versions.
pub const RUNTIME_APIS: [RuntimeApi; 8] = [
    RuntimeApi {
        name: "Core",
        version: 5,
        docs: "The runtime's version.",
        methods: || vec![method("version", vec![], meta_type::<RuntimeVersion>(), "The runtime's version.")],
    },
    RuntimeApi {
        name: "Metadata",
        version: 2,
        docs: "The runtime's metadata, in each version served.",
        methods: || {
            vec![
                method("metadata", vec![], meta_type::<OpaqueMetadata>(), "The metadata, version 14."),
                method(
                    "metadata_at_version",
                    vec![("version", meta_type::<u32>())],
                    meta_type::<Option<OpaqueMetadata>>(),
                    "The metadata at `version`, or `None` when that version is not served.",
                ),
                method("metadata_versions", vec![], meta_type::<Vec<u32>>(), "The metadata versions served."),
            ]
        },
    },
    RuntimeApi {
        name: "BlockBuilder",
        version: 6,
        docs: "Applying extrinsics and inherents as a block would. `finalize_block` is not served: it \
               needs a block initialised by an earlier call of the same session, which `state_call` \
               never keeps; the node builds its blocks itself.",
        methods: || {
            vec![
                method(
                    "apply_extrinsic",
                    vec![("extrinsic", meta_type::<UncheckedExtrinsicType>())],
                    meta_type::<ApplyExtrinsicResultType>(),
                    "Applies the extrinsic in a block built on this one and discards the block: whether it \
                     could be included and whether its call succeeded (a dry run).",
                ),
                method(
                    "inherent_extrinsics",
                    vec![("inherent", meta_type::<InherentData>())],
                    meta_type::<Vec<UncheckedExtrinsicType>>(),
                    "The inherents an author puts first in a block with this data: `Timestamp.set`.",
                ),
                method(
                    "check_inherents",
                    vec![("block", meta_type::<Block>()), ("data", meta_type::<InherentData>())],
                    meta_type::<CheckInherentsResult>(),
                    "Checks the block's timestamp against this state (monotonic) and the data's time (drift).",
                ),
            ]
        },
    },
    RuntimeApi {
        name: "TaggedTransactionQueue",
        version: 3,
        docs: "Transaction validity, as the pool checks it.",
        methods: || {
            vec![method(
                "validate_transaction",
                vec![
                    ("source", meta_type::<TransactionSource>()),
                    ("tx", meta_type::<UncheckedExtrinsicType>()),
                    ("block_hash", meta_type::<H256>()),
                ],
                meta_type::<TransactionValidity>(),
                "Whether `tx` would be valid in the block after the best block, and its tags.",
            )]
        },
    },
    RuntimeApi {
        name: "AccountNonceApi",
        version: 1,
        docs: "Account nonces.",
        methods: || {
            vec![method(
                "account_nonce",
                vec![("account", meta_type::<AccountId32>())],
                meta_type::<Nonce>(),
                "The nonce the account's next transaction must carry.",
            )]
        },
    },
    RuntimeApi {
        name: "TransactionPaymentApi",
        version: 4,
        docs: "Weights and fees of extrinsics (fees are always zero on Tracechain).",
        methods: || {
            let inputs = || vec![("uxt", meta_type::<UncheckedExtrinsicType>()), ("len", meta_type::<u32>())];
            vec![
                method("query_info", inputs(), meta_type::<RuntimeDispatchInfo>(), "The extrinsic's weight and class."),
                method("query_fee_details", inputs(), meta_type::<FeeDetails>(), "The extrinsic's fee: none."),
            ]
        },
    },
    RuntimeApi {
        name: "TransactionPaymentCallApi",
        version: 3,
        docs: "Weights and fees of calls (fees are always zero on Tracechain).",
        methods: || {
            let inputs = || vec![("call", meta_type::<RuntimeCall>()), ("len", meta_type::<u32>())];
            vec![
                method("query_call_info", inputs(), meta_type::<RuntimeDispatchInfo>(), "The call's weight and class."),
                method("query_call_fee_details", inputs(), meta_type::<FeeDetails>(), "The call's fee: none."),
                method(
                    "query_weight_to_fee",
                    vec![("weight", meta_type::<Weight>())],
                    meta_type::<Balance>(),
                    "The fee of a weight: zero.",
                ),
                method(
                    "query_length_to_fee",
                    vec![("length", meta_type::<u32>())],
                    meta_type::<Balance>(),
                    "The fee of a length: zero.",
                ),
            ]
        },
    },
    RuntimeApi {
        name: "GenesisBuilder",
        version: 1,
        docs: "The genesis configuration: its presets, and whether a configuration builds.",
        methods: || {
            vec![
                method(
                    "build_state",
                    vec![("json", meta_type::<Vec<u8>>())],
                    meta_type::<Result<(), String>>(),
                    "Builds the genesis state of a full configuration (JSON, no defaults filled in): `Ok` when \
                     it builds, else why not. Under `state_call` the built state is discarded.",
                ),
                method(
                    "get_preset",
                    vec![("id", meta_type::<Option<PresetId>>())],
                    meta_type::<Option<Vec<u8>>>(),
                    "The configuration (JSON) of a named preset, or of the default one (`development`) for \
                     `None`; `None` for an unknown name.",
                ),
                method("preset_names", vec![], meta_type::<Vec<PresetId>>(), "The presets' names."),
            ]
        },
    },
];

/// Why a runtime API call's arguments were refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuntimeApiError {
    /// The arguments do not decode as the method's parameters.
    #[error("{method}: the arguments do not decode: {reason}")]
    BadArguments {
        /// The `state_call` name.
        method: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// The state the method reads could not be read, so no answer is given.
    #[error("{method}: the state cannot be read: {reason}")]
    State {
        /// The `state_call` name.
        method: &'static str,
        /// What failed.
        reason: String,
    },
}

/// Splits an argument list that starts with a length-prefixed extrinsic (`UncheckedExtrinsic`'s
/// encoding): the extrinsic with its prefix, as the pool takes it, and the bytes after it.
pub fn split_prefixed_extrinsic(input: &[u8]) -> Result<(&[u8], &[u8]), String> {
    let mut after_prefix = input;
    let length = Compact::<u32>::decode(&mut after_prefix)
        .map_err(|error| format!("the extrinsic's length prefix does not decode: {error}"))?
        .0 as usize;
    let prefix_length = input.len() - after_prefix.len();
    if after_prefix.len() < length {
        return Err(format!("the extrinsic claims {length} bytes but only {} follow its prefix", after_prefix.len()));
    }
    Ok(input.split_at(prefix_length + length))
}

fn decode_exactly<T: Decode>(method: &'static str, what: &str, bytes: &[u8]) -> Result<T, RuntimeApiError> {
    T::decode_all(&mut &bytes[..])
        .map_err(|error| RuntimeApiError::BadArguments { method, reason: format!("{what}: {error}") })
}

/// The weight and class of `call` as the executive charges it in `state`.
fn dispatch_info(runtime: &Runtime, state: &dyn StateReader, call: &RuntimeCall) -> RuntimeDispatchInfo {
    let overlay = Overlay::new(state);
    RuntimeDispatchInfo { weight: runtime.extrinsic_weight(&overlay, call), class: call.class(), partial_fee: 0 }
}

const NO_FEE: FeeDetails = FeeDetails { inclusion_fee: None, tip: 0 };

fn extrinsic_call(method: &'static str, input: &[u8]) -> Result<RuntimeCall, RuntimeApiError> {
    let bad = |reason: String| RuntimeApiError::BadArguments { method, reason };
    let (extrinsic, len) = split_prefixed_extrinsic(input).map_err(bad)?;
    decode_exactly::<u32>(method, "len (u32)", len)?;
    let extrinsic = UncheckedExtrinsic::decode_exact(extrinsic).map_err(|error| bad(format!("uxt: {error}")))?;
    Ok(extrinsic.function)
}

fn call_and_len(method: &'static str, input: &[u8]) -> Result<RuntimeCall, RuntimeApiError> {
    let (call, _len) = decode_exactly::<(RuntimeCall, u32)>(method, "(call, len)", input)?;
    Ok(call)
}

/// `TransactionPaymentApi_query_info(uxt, len)`.
pub fn query_info(runtime: &Runtime, state: &dyn StateReader, input: &[u8]) -> Result<Vec<u8>, RuntimeApiError> {
    let call = extrinsic_call("TransactionPaymentApi_query_info", input)?;
    Ok(dispatch_info(runtime, state, &call).encode())
}

/// `TransactionPaymentApi_query_fee_details(uxt, len)`.
pub fn query_fee_details(input: &[u8]) -> Result<Vec<u8>, RuntimeApiError> {
    extrinsic_call("TransactionPaymentApi_query_fee_details", input)?;
    Ok(NO_FEE.encode())
}

/// `TransactionPaymentCallApi_query_call_info(call, len)`.
pub fn query_call_info(runtime: &Runtime, state: &dyn StateReader, input: &[u8]) -> Result<Vec<u8>, RuntimeApiError> {
    let call = call_and_len("TransactionPaymentCallApi_query_call_info", input)?;
    Ok(dispatch_info(runtime, state, &call).encode())
}

/// `TransactionPaymentCallApi_query_call_fee_details(call, len)`.
pub fn query_call_fee_details(input: &[u8]) -> Result<Vec<u8>, RuntimeApiError> {
    call_and_len("TransactionPaymentCallApi_query_call_fee_details", input)?;
    Ok(NO_FEE.encode())
}

/// `TransactionPaymentCallApi_query_weight_to_fee(weight)`: zero.
pub fn query_weight_to_fee(input: &[u8]) -> Result<Vec<u8>, RuntimeApiError> {
    decode_exactly::<Weight>("TransactionPaymentCallApi_query_weight_to_fee", "weight", input)?;
    Ok(Balance::default().encode())
}

/// `TransactionPaymentCallApi_query_length_to_fee(length)`: zero.
pub fn query_length_to_fee(input: &[u8]) -> Result<Vec<u8>, RuntimeApiError> {
    decode_exactly::<u32>("TransactionPaymentCallApi_query_length_to_fee", "length (u32)", input)?;
    Ok(Balance::default().encode())
}

/// `BlockBuilder_apply_extrinsic(extrinsic)`: [`Runtime::dry_run`] in a block built on
/// `parent`, answered as `ApplyExtrinsicResult`.
pub fn apply_extrinsic<St: StateReader>(
    runtime: &Runtime,
    state: &St,
    parent: &Header,
    input: &[u8],
) -> Result<Vec<u8>, RuntimeApiError> {
    const METHOD: &str = "BlockBuilder_apply_extrinsic";
    let bad = |reason: String| RuntimeApiError::BadArguments { method: METHOD, reason };
    let (extrinsic, rest) = split_prefixed_extrinsic(input).map_err(bad)?;
    if !rest.is_empty() {
        return Err(bad(format!("{} bytes follow the extrinsic", rest.len())));
    }
    UncheckedExtrinsic::<RuntimeCall>::decode_exact(extrinsic).map_err(|error| bad(format!("extrinsic: {error}")))?;
    let outcome = runtime
        .dry_run(state, parent, extrinsic)
        .map_err(|error| RuntimeApiError::State { method: METHOD, reason: error.to_string() })?;
    let answer: ApplyExtrinsicResultType = outcome.map_err(|error| error.validity_error());
    Ok(answer.encode())
}

fn block_time(method: &'static str, data: &InherentData) -> Result<Option<Moment>, RuntimeApiError> {
    data.data
        .get(&TIMESTAMP_INHERENT)
        .map(|bytes| decode_exactly::<Moment>(method, "the timestamp inherent's data (u64)", bytes))
        .transpose()
}

/// `BlockBuilder_inherent_extrinsics(data)`: the timestamp inherent of the data's time. Data
/// without a time is refused, as a block without one is invalid.
pub fn inherent_extrinsics(input: &[u8]) -> Result<Vec<u8>, RuntimeApiError> {
    const METHOD: &str = "BlockBuilder_inherent_extrinsics";
    let data: InherentData = decode_exactly(METHOD, "inherent data", input)?;
    let now = block_time(METHOD, &data)?.ok_or_else(|| RuntimeApiError::BadArguments {
        method: METHOD,
        reason: "the inherent data has no timestamp (identifier \"timstap0\")".into(),
    })?;
    let timestamp = UncheckedExtrinsic::new_unsigned(RuntimeCall::Timestamp(pallet_timestamp::Call::set { now }));
    Ok(vec![timestamp].encode())
}

/// `BlockBuilder_check_inherents(block, data)` on the state of the block's parent: the block's
/// `Timestamp.set` must be at least `MINIMUM_PERIOD_MS` after the parent's time and at most
/// `MAX_DRIFT_MS` ahead of the data's time, when the data has one. A block without a timestamp
/// passes here, as in FRAME: the executive refuses it on import (`MissingTimestamp`).
pub fn check_inherents(state: &dyn StateReader, input: &[u8]) -> Result<Vec<u8>, RuntimeApiError> {
    const METHOD: &str = "BlockBuilder_check_inherents";
    let (block, data) = decode_exactly::<(Block, InherentData)>(METHOD, "(block, inherent data)", input)?;
    let checker_time = block_time(METHOD, &data)?;
    let block_time =
        block.extrinsics.iter().find_map(|extrinsic| {
            match UncheckedExtrinsic::<RuntimeCall>::decode_exact(&extrinsic.encode()).ok()?.function {
                RuntimeCall::Timestamp(pallet_timestamp::Call::set { now }) => Some(now),
                _ => None,
            }
        });
    let overlay = Overlay::new(state);
    let parent_time = pallet_timestamp::NOW.get(&overlay);
    if let Some(reason) = overlay.corruption() {
        return Err(RuntimeApiError::State { method: METHOD, reason });
    }
    let error = block_time.and_then(|now| {
        if now < parent_time.saturating_add(pallet_timestamp::MINIMUM_PERIOD_MS) {
            Some(TimestampInherentError::TooEarly)
        } else if checker_time.is_some_and(|checker| pallet_timestamp::check_drift(now, checker).is_err()) {
            Some(TimestampInherentError::TooFarInFuture)
        } else {
            None
        }
    });
    let mut result = CheckInherentsResult { okay: true, ..CheckInherentsResult::default() };
    if let Some(error) = error {
        result.okay = false;
        result.fatal_error = true;
        result.errors.data.insert(TIMESTAMP_INHERENT, error.encode());
    }
    Ok(result.encode())
}

/// `GenesisBuilder_preset_names()`.
pub fn preset_names() -> Vec<u8> {
    vec![PresetId(DEVELOPMENT_PRESET.as_bytes().to_vec())].encode()
}

/// `GenesisBuilder_get_preset(id)`: the development configuration for `None` or its name.
pub fn get_preset(input: &[u8]) -> Result<Vec<u8>, RuntimeApiError> {
    const METHOD: &str = "GenesisBuilder_get_preset";
    let id: Option<PresetId> = decode_exactly(METHOD, "id (Option<PresetId>)", input)?;
    if id.is_some_and(|PresetId(name)| name != DEVELOPMENT_PRESET.as_bytes()) {
        return Ok(None::<Vec<u8>>.encode());
    }
    let spec = ChainSpec::development()
        .map_err(|error| RuntimeApiError::State { method: METHOD, reason: error.to_string() })?;
    let json = serde_json::to_vec(&spec.genesis)
        .map_err(|error| RuntimeApiError::State { method: METHOD, reason: error.to_string() })?;
    Ok(Some(json).encode())
}

/// `GenesisBuilder_build_state(json)`: whether the configuration builds a genesis state; the
/// error says what is wrong with it.
pub fn build_state(input: &[u8]) -> Result<Vec<u8>, RuntimeApiError> {
    let json: Vec<u8> = decode_exactly("GenesisBuilder_build_state", "json (Vec<u8>)", input)?;
    let built: Result<(), String> = serde_json::from_slice::<GenesisConfig>(&json)
        .map_err(|error| GenesisError::from(error).to_string())
        .and_then(|config| config.build().map(drop).map_err(|error| error.to_string()));
    Ok(built.encode())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_ids_and_versions_are_substrates() {
        let ids: Vec<(String, u32)> = RUNTIME_APIS
            .iter()
            .map(|api| (hex::encode(tracechain_primitives::hashing::blake2_64(api.name.as_bytes())), api.version))
            .collect();
        let expected = [
            ("df6acb689907609b", 5),
            ("37e397fc7c91f5e4", 2),
            ("40fe3ad401f8959a", 6),
            ("d2bc9897eed08f15", 3),
            ("bc9d89904f5b923f", 1),
            ("37c8bb1350a9a2a8", 4),
            ("f3ff14d5ab527059", 3),
            ("fbc577b9d747efd6", 1),
        ];
        assert_eq!(ids, expected.map(|(id, version)| (id.to_string(), version)));
    }

    #[test]
    fn payment_queries_report_the_real_weight_and_no_fee() {
        let runtime = Runtime::new(H256::zero());
        let state = BTreeMap::new();
        let call = RuntimeCall::System(pallet_system::Call::remark { remark: vec![1, 2, 3] });
        let expected = runtime.extrinsic_weight(&Overlay::new(&state), &call);
        let info = query_call_info(&runtime, &state, &(call.clone(), 10u32).encode()).expect("answers");
        assert_eq!(
            RuntimeDispatchInfo::decode(&mut &info[..]).unwrap(),
            RuntimeDispatchInfo { weight: expected, class: DispatchClass::Normal, partial_fee: 0 }
        );
        let fee = query_call_fee_details(&(call, 10u32).encode()).expect("answers");
        assert_eq!(fee, vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(query_weight_to_fee(&Weight::from_parts(5, 6).encode()).unwrap(), 0u128.encode());
        assert_eq!(query_length_to_fee(&7u32.encode()).unwrap(), 0u128.encode());
    }

    #[test]
    fn bad_arguments_name_the_method() {
        let runtime = Runtime::new(H256::zero());
        let state = BTreeMap::new();
        let error = query_info(&runtime, &state, &[0x10, 1]).unwrap_err();
        assert!(error.to_string().contains("TransactionPaymentApi_query_info"), "{error}");
        let error = query_length_to_fee(&[1, 2, 3, 4, 5]).unwrap_err();
        assert!(error.to_string().contains("query_length_to_fee"), "{error}");
    }

    mod block_builder {
        use super::*;
        use crate::{validity::InvalidTransaction, InMemoryChain, SignatureCheck};
        use tracechain_primitives::keyring::dev_sr25519;

        fn chain() -> InMemoryChain {
            let mut chain = InMemoryChain::new(&ChainSpec::development().unwrap()).unwrap();
            chain.build_block(1_000, &[], SignatureCheck::Verify).unwrap();
            chain
        }

        /// Dry-runs `extrinsic` (length-prefixed, as `sign` gives it) on the best block.
        fn dry_run(chain: &InMemoryChain, extrinsic: &[u8]) -> Vec<u8> {
            apply_extrinsic(chain.runtime(), &chain.state(), chain.head(), extrinsic).expect("answers")
        }

        #[test]
        fn a_dry_run_reports_success_failure_and_refusal_and_changes_nothing() {
            let chain = chain();
            let alice = dev_sr25519("Alice");
            let root = chain.head().state_root;

            let remark = chain.sign(&alice, RuntimeCall::System(pallet_system::Call::remark { remark: vec![7] }), 0);
            assert_eq!(dry_run(&chain, &remark), vec![0, 0], "Ok(Ok(()))");

            let unknown_item = RuntimeCall::Identity(pallet_identity::Call::mark_sold { item: H256::repeat_byte(9) });
            let failing = chain.sign(&alice, unknown_item, 0);
            let answer = ApplyExtrinsicResultType::decode(&mut &dry_run(&chain, &failing)[..]).unwrap();
            assert!(
                matches!(answer, Ok(Err(DispatchError::Module(error))) if error.index == pallet_identity::PALLET_INDEX)
            );

            let stale = chain.sign(&alice, RuntimeCall::System(pallet_system::Call::remark { remark: vec![] }), 0);
            let mut chain_after = chain;
            chain_after.build_block(2_000, std::slice::from_ref(&stale), SignatureCheck::Verify).unwrap();
            let answer = ApplyExtrinsicResultType::decode(&mut &dry_run(&chain_after, &stale)[..]).unwrap();
            assert_eq!(answer, Err(TransactionValidityError::Invalid(InvalidTransaction::Stale)));
            assert_ne!(chain_after.head().state_root, root, "only the real block changed the state");
            assert_eq!(chain_after.account_nonce(&AccountId32(alice.public().0)), 1, "dry runs used no nonce");
        }

        #[test]
        fn a_dry_run_refuses_bytes_that_are_not_one_extrinsic() {
            let chain = chain();
            let state = chain.state();
            let remark = chain.sign(
                &dev_sr25519("Alice"),
                RuntimeCall::System(pallet_system::Call::remark { remark: vec![] }),
                0,
            );
            let mut trailing = remark.clone();
            trailing.push(0);
            let error = apply_extrinsic(chain.runtime(), &state, chain.head(), &trailing).unwrap_err();
            assert!(error.to_string().contains("1 bytes follow the extrinsic"), "{error}");
            let error = apply_extrinsic(chain.runtime(), &state, chain.head(), &[0x08, 0xff, 0xff]).unwrap_err();
            assert!(error.to_string().contains("BlockBuilder_apply_extrinsic: the arguments do not decode"), "{error}");
        }

        fn data_at(now: Moment) -> InherentData {
            InherentData { data: BTreeMap::from([(TIMESTAMP_INHERENT, now.encode())]) }
        }

        #[test]
        fn inherent_extrinsics_is_the_timestamp_of_the_data() {
            let encoded = inherent_extrinsics(&data_at(5_000).encode()).unwrap();
            let inherents = Vec::<UncheckedExtrinsic<RuntimeCall>>::decode(&mut &encoded[..]).unwrap();
            assert_eq!(inherents.len(), 1);
            assert!(inherents[0].signature.is_none());
            assert_eq!(inherents[0].function, RuntimeCall::Timestamp(pallet_timestamp::Call::set { now: 5_000 }));
            let error = inherent_extrinsics(&InherentData::default().encode()).unwrap_err();
            assert!(error.to_string().contains("no timestamp"), "{error}");
        }

        #[test]
        fn check_inherents_refuses_an_early_or_far_future_time() {
            let mut chain = chain();
            let parent_state_root = chain.head().state_root;
            let (block, _) = chain.build_block(40_000, &[], SignatureCheck::Verify).unwrap();
            let state = chain.state_at(parent_state_root);
            let check = |data: &InherentData| {
                CheckInherentsResult::decode(&mut &check_inherents(&state, &(&block, data).encode()).unwrap()[..])
                    .unwrap()
            };
            assert!(check(&data_at(40_000)).okay);
            assert!(check(&InherentData::default()).okay, "no data: only the parent's time is checked");
            let too_far = check(&data_at(40_000 - pallet_timestamp::MAX_DRIFT_MS - 1));
            assert!(!too_far.okay && too_far.fatal_error);
            assert_eq!(too_far.errors.data[&TIMESTAMP_INHERENT], TimestampInherentError::TooFarInFuture.encode());
            // The same block checked on its own post-state: its time is not after the parent's.
            let own_state = chain.state();
            let early = CheckInherentsResult::decode(
                &mut &check_inherents(&own_state, &(&block, data_at(40_000)).encode()).unwrap()[..],
            )
            .unwrap();
            assert_eq!(early.errors.data[&TIMESTAMP_INHERENT], TimestampInherentError::TooEarly.encode());
        }
    }

    mod genesis_builder {
        use super::*;

        #[test]
        fn the_development_preset_builds_the_development_genesis() {
            let names = Vec::<PresetId>::decode(&mut &preset_names()[..]).unwrap();
            assert_eq!(names, vec![PresetId(b"development".to_vec())]);
            let expected = ChainSpec::development().unwrap().genesis().unwrap().hash();
            for id in [None, Some(PresetId(b"development".to_vec()))] {
                let json = Option::<Vec<u8>>::decode(&mut &get_preset(&id.encode()).unwrap()[..]).unwrap().unwrap();
                let config: GenesisConfig = serde_json::from_slice(&json).unwrap();
                assert_eq!(config.build().unwrap().hash(), expected);
                let built = Result::<(), String>::decode(&mut &build_state(&json.encode()).unwrap()[..]).unwrap();
                assert_eq!(built, Ok(()));
            }
            let unknown = get_preset(&Some(PresetId(b"staging".to_vec())).encode()).unwrap();
            assert_eq!(unknown, None::<Vec<u8>>.encode());
        }

        #[test]
        fn build_state_says_what_is_wrong_with_a_config() {
            let answer = |json: &str| {
                Result::<(), String>::decode(&mut &build_state(&json.as_bytes().to_vec().encode()).unwrap()[..])
                    .unwrap()
            };
            let error = answer(r#"{"membership": {}, "typo": 1}"#).unwrap_err();
            assert!(error.contains("chain spec is not valid JSON"), "{error}");
            assert!(build_state(&[0x08, 1]).unwrap_err().to_string().contains("GenesisBuilder_build_state"));
        }
    }
}
