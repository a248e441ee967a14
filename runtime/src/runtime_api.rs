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

use parity_scale_codec::{Compact, Decode, DecodeAll, Encode};
use scale_info::{meta_type, MetaType, TypeInfo};
use tracechain_primitives::{extrinsic::UncheckedExtrinsic, AccountId32, Nonce, H256};
use tracechain_support::{dispatch::DispatchClass, Overlay, StateReader, Weight};

use crate::{
    metadata::UncheckedExtrinsicType,
    validity::{TransactionSource, TransactionValidity},
    Runtime, RuntimeCall, RuntimeVersion,
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

/// The runtime APIs served, with Substrate's versions.
pub const RUNTIME_APIS: [RuntimeApi; 6] = [
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn api_ids_and_versions_are_substrates() {
        let ids: Vec<(String, u32)> = RUNTIME_APIS
            .iter()
            .map(|api| (hex::encode(tracechain_primitives::hashing::blake2_64(api.name.as_bytes())), api.version))
            .collect();
        let expected = [
            ("df6acb689907609b", 5),
            ("37e397fc7c91f5e4", 2),
            ("d2bc9897eed08f15", 3),
            ("bc9d89904f5b923f", 1),
            ("37c8bb1350a9a2a8", 4),
            ("f3ff14d5ab527059", 3),
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
}
