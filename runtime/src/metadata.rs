//! The runtime's metadata in FRAME metadata versions 14, 15 and 16 (`frame-metadata`,
//! `scale-info`): what subxt, polkadot.js and py-substrate-interface read to encode calls and
//! decode storage, events and runtime-API results.
//!
//! ## Invariants
//! - Built from the same types the runtime encodes: `RuntimeCall` and `RuntimeEvent` (variant
//!   index = pallet index), each pallet's `Call`, `Event` and `Error` (with their `///` docs), and
//!   the storage entries each pallet declares from its typed storage items (modifier and
//!   fallback from the item's query kind).
//! - Every version is derived from one description of the pallets ([`PALLETS`], from the
//!   runtime's list in [`crate::pallets`]) and of the runtime APIs
//!   ([`crate::runtime_api::RUNTIME_APIS`]); V15 and V16 add the runtime APIs and
//!   the outer enums (`RuntimeCall`, `RuntimeEvent`, `RuntimeError`), V16 the extrinsic's
//!   versions and System's `Hashing` associated type.
//! - Types are described under the paths Substrate's decoders look for (`sp_core::crypto::
//!   AccountId32`, `sp_runtime::MultiSignature`, `frame_system::EventRecord`, …): see
//!   [`SUBSTRATE_PATHS`]; a test checks every one of them is present.
//! - The extrinsic is version 4 with the signed extensions of
//!   [`tracechain_primitives::extrinsic::SIGNED_EXTENSIONS`], in that order, each with the type
//!   of its transmitted part and of its signed-only part.
//!
//! The encoded metadata of each version is built once and kept: it is a pure function of this
//! code.

use std::{collections::BTreeMap, sync::LazyLock};

use frame_metadata::{
    v14::{
        self, PalletCallMetadata, PalletErrorMetadata, PalletEventMetadata, PalletStorageMetadata, RuntimeMetadataV14,
        SignedExtensionMetadata,
    },
    v15::{self, CustomMetadata, OuterEnums, RuntimeMetadataV15},
    v16::{self, RuntimeMetadataV16},
    RuntimeMetadata, RuntimeMetadataPrefixed,
};
use parity_scale_codec::{Compact, Encode};
use scale_info::{build::Fields, meta_type, MetaType, Path, PortableRegistry, Type, TypeInfo, TypeParameter};
use tracechain_primitives::{
    era::Era,
    extrinsic::{MultiAddress, MultiSignature},
    H256,
};
use tracechain_support::{metadata::StorageEntry, RuntimeConfig};

use crate::{
    pallets::{for_each_pallet, PalletDeclaration, PALLETS},
    runtime_api::RUNTIME_APIS,
    RuntimeCall, RuntimeEvent, RuntimeVersion, VERSION,
};

/// Metadata versions this runtime serves (`Metadata_metadata_versions`).
pub const METADATA_VERSIONS: [u32; 3] = [14, 15, 16];

/// Our type paths and the Substrate paths clients know them by.
pub const SUBSTRATE_PATHS: &[(&str, &str)] = &[
    ("frame_system::pallet::EventRecord", "frame_system::EventRecord"),
    ("frame_system::pallet::Phase", "frame_system::Phase"),
    ("frame_system::types::AccountInfo", "frame_system::AccountInfo"),
    ("frame_system::limits::PerDispatchClass", "frame_support::dispatch::PerDispatchClass"),
    ("frame_system::limits::RuntimeDbWeight", "sp_weights::RuntimeDbWeight"),
    ("sp_runtime::dispatch::DispatchError", "sp_runtime::DispatchError"),
    ("sp_runtime::dispatch::ModuleError", "sp_runtime::ModuleError"),
    ("sp_core::opaque::OpaqueMetadata", "sp_core::OpaqueMetadata"),
    ("tracechain_primitives::extrinsic::MultiSignature", "sp_runtime::MultiSignature"),
    ("tracechain_primitives::header::DigestItem", "sp_runtime::generic::digest::DigestItem"),
    ("tracechain_primitives::header::Digest", "sp_runtime::generic::digest::Digest"),
    ("tracechain_primitives::header::Header", "sp_runtime::generic::header::Header"),
    ("tracechain_primitives::header::Block", "sp_runtime::generic::block::Block"),
    ("sp_inherents::runtime_api::InherentData", "sp_inherents::InherentData"),
    ("sp_inherents::runtime_api::CheckInherentsResult", "sp_inherents::CheckInherentsResult"),
    ("sp_genesis_builder::runtime_api::PresetId", "sp_genesis_builder::PresetId"),
    ("tracechain_runtime::call::RuntimeCall", "tracechain_runtime::RuntimeCall"),
    ("tracechain_runtime::event::RuntimeEvent", "tracechain_runtime::RuntimeEvent"),
    ("tracechain_runtime::metadata::Runtime", "tracechain_runtime::Runtime"),
    ("tracechain_runtime::metadata::RuntimeError", "tracechain_runtime::RuntimeError"),
    ("tracechain_runtime::version::RuntimeVersion", "sp_version::RuntimeVersion"),
];

/// The runtime, as the metadata's `ty`.
#[derive(TypeInfo)]
pub(crate) struct Runtime;

// What only the runtime knows and the pallets' metadata shows (System's `Events` and
// `Version`). This type's doc comment is the metadata's docs of `ty`: it stays as it is.
impl RuntimeConfig for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type Version = RuntimeVersion;

    fn version() -> RuntimeVersion {
        VERSION.clone()
    }
}

/// `sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic`: opaque bytes whose type
/// parameters name the parts a client encodes (its format is SCALE with a custom layout).
pub struct UncheckedExtrinsicType;

/// The signed extensions' transmitted parts, as a tuple in extension order.
type SignedExtraTuple = (
    CheckNonZeroSender,
    CheckSpecVersion,
    CheckTxVersion,
    CheckGenesis,
    CheckMortality,
    CheckNonce,
    CheckWeight,
    ChargeTransactionPayment,
);

impl TypeInfo for UncheckedExtrinsicType {
    type Identity = Self;

    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("UncheckedExtrinsic", "sp_runtime::generic::unchecked_extrinsic"))
            .type_params(vec![
                TypeParameter::new("Address", Some(meta_type::<MultiAddress>())),
                TypeParameter::new("Call", Some(meta_type::<RuntimeCall>())),
                TypeParameter::new("Signature", Some(meta_type::<MultiSignature>())),
                TypeParameter::new("Extra", Some(meta_type::<SignedExtraTuple>())),
            ])
            .docs(&["UncheckedExtrinsic raw bytes, requires custom decoding routine"])
            .composite(Fields::unnamed().field(|field| field.ty::<Vec<u8>>()))
    }
}

macro_rules! runtime_error {
    ($($name:ident: $krate:ident::Pallet = $index:literal $({ $event:ident })?),* $(,)?) => {
        /// `RuntimeError`: the outer enum of every pallet's errors, variant index = pallet index (V15's
        /// and V16's `outer_enums.error_enum_ty`); only described, never built.
        #[allow(dead_code)]
        #[derive(Encode, TypeInfo)]
        enum RuntimeError {
            $(
                #[codec(index = $index)]
                $name($krate::Error),
            )*
        }
    };
}

for_each_pallet!(runtime_error);

/// `sp_runtime::traits::BlakeTwo256`: System's `Hashing` associated type in V16.
struct BlakeTwo256;

impl TypeInfo for BlakeTwo256 {
    type Identity = Self;

    fn type_info() -> Type {
        Type::builder().path(Path::new("BlakeTwo256", "sp_runtime::traits")).composite(Fields::unit())
    }
}

/// Declares a signed extension's type: a unit struct, or a newtype of its transmitted value.
macro_rules! extension {
    ($name:ident, $module:literal) => {
        struct $name;
        impl TypeInfo for $name {
            type Identity = Self;
            fn type_info() -> Type {
                Type::builder().path(Path::new(stringify!($name), $module)).composite(Fields::unit())
            }
        }
    };
    ($name:ident, $module:literal, $inner:ty) => {
        struct $name;
        impl TypeInfo for $name {
            type Identity = Self;
            fn type_info() -> Type {
                Type::builder()
                    .path(Path::new(stringify!($name), $module))
                    .composite(Fields::unnamed().field(|field| field.ty::<$inner>()))
            }
        }
    };
}

extension!(CheckNonZeroSender, "frame_system::extensions::check_non_zero_sender");
extension!(CheckSpecVersion, "frame_system::extensions::check_spec_version");
extension!(CheckTxVersion, "frame_system::extensions::check_tx_version");
extension!(CheckGenesis, "frame_system::extensions::check_genesis");
extension!(CheckMortality, "frame_system::extensions::check_mortality", Era);
extension!(CheckNonce, "frame_system::extensions::check_nonce", Compact<u32>);
extension!(CheckWeight, "frame_system::extensions::check_weight");
extension!(ChargeTransactionPayment, "pallet_transaction_payment", Compact<u128>);

/// The signed extensions in order: identifier, transmitted type, signed-only (implicit) type.
fn signed_extensions() -> Vec<(&'static str, MetaType, MetaType)> {
    let unit = meta_type::<()>;
    vec![
        ("CheckNonZeroSender", meta_type::<CheckNonZeroSender>(), unit()),
        ("CheckSpecVersion", meta_type::<CheckSpecVersion>(), meta_type::<u32>()),
        ("CheckTxVersion", meta_type::<CheckTxVersion>(), meta_type::<u32>()),
        ("CheckGenesis", meta_type::<CheckGenesis>(), meta_type::<H256>()),
        ("CheckMortality", meta_type::<CheckMortality>(), meta_type::<H256>()),
        ("CheckNonce", meta_type::<CheckNonce>(), unit()),
        ("CheckWeight", meta_type::<CheckWeight>(), unit()),
        ("ChargeTransactionPayment", meta_type::<ChargeTransactionPayment>(), unit()),
    ]
}

/// Renames our type paths to Substrate's, and a pallet's `Call`/`Event`/`Error` into its
/// `pallet` module as FRAME declares them (decoders treat a two-segment `*::Call` or `*::Event`
/// as the runtime's outer enum).
fn rename_paths(types: &mut PortableRegistry) {
    for entry in types.types.iter_mut() {
        let segments = &mut entry.ty.path.segments;
        let path = segments.join("::");
        if let Some((_, substrate)) = SUBSTRATE_PATHS.iter().find(|(ours, _)| *ours == path) {
            *segments = substrate.split("::").map(str::to_string).collect();
        } else if let [pallet, name] = segments.as_slice() {
            if pallet.starts_with("pallet_") && ["Call", "Event", "Error"].contains(&name.as_str()) {
                segments.insert(1, "pallet".to_string());
            }
        }
    }
}

fn v14_pallet(pallet: &PalletDeclaration) -> v14::PalletMetadata {
    v14::PalletMetadata {
        name: pallet.name,
        storage: Some(PalletStorageMetadata { prefix: pallet.name, entries: (pallet.storage)() }),
        calls: Some(PalletCallMetadata { ty: (pallet.calls)() }),
        event: pallet.event.map(|ty| PalletEventMetadata { ty: ty() }),
        constants: (pallet.constants)(),
        error: Some(PalletErrorMetadata { ty: (pallet.error)() }),
        index: pallet.index,
    }
}

/// The metadata V14, with our type paths renamed to Substrate's.
pub fn metadata_v14() -> RuntimeMetadataV14 {
    let extrinsic = v14::ExtrinsicMetadata {
        ty: meta_type::<UncheckedExtrinsicType>(),
        version: 4,
        signed_extensions: signed_extensions()
            .into_iter()
            .map(|(identifier, ty, additional_signed)| SignedExtensionMetadata { identifier, ty, additional_signed })
            .collect(),
    };
    let pallets = PALLETS.iter().map(v14_pallet).collect();
    let mut metadata = RuntimeMetadataV14::new(pallets, extrinsic, meta_type::<Runtime>());
    rename_paths(&mut metadata.types);
    metadata
}

fn outer_enums() -> OuterEnums {
    OuterEnums {
        call_enum_ty: meta_type::<RuntimeCall>(),
        event_enum_ty: meta_type::<RuntimeEvent>(),
        error_enum_ty: meta_type::<RuntimeError>(),
    }
}

fn api_params(inputs: Vec<(&'static str, MetaType)>) -> Vec<v15::RuntimeApiMethodParamMetadata> {
    inputs.into_iter().map(|(name, ty)| v15::RuntimeApiMethodParamMetadata { name, ty }).collect()
}

/// The metadata V15: V14's pallets plus the runtime APIs and the outer enums.
pub fn metadata_v15() -> RuntimeMetadataV15 {
    let extrinsic = v15::ExtrinsicMetadata {
        version: 4,
        address_ty: meta_type::<MultiAddress>(),
        call_ty: meta_type::<RuntimeCall>(),
        signature_ty: meta_type::<MultiSignature>(),
        extra_ty: meta_type::<SignedExtraTuple>(),
        signed_extensions: signed_extensions()
            .into_iter()
            .map(|(identifier, ty, additional_signed)| v15::SignedExtensionMetadata {
                identifier,
                ty,
                additional_signed,
            })
            .collect(),
    };
    let pallets = PALLETS
        .iter()
        .map(|pallet| {
            let docs = vec![pallet.docs];
            let v14::PalletMetadata { name, storage, calls, event, constants, error, index } = v14_pallet(pallet);
            v15::PalletMetadata { name, storage, calls, event, constants, error, index, docs }
        })
        .collect();
    let apis = RUNTIME_APIS
        .iter()
        .map(|api| v15::RuntimeApiMetadata {
            name: api.name,
            methods: (api.methods)()
                .into_iter()
                .map(|method| v15::RuntimeApiMethodMetadata {
                    name: method.name,
                    inputs: api_params(method.inputs),
                    output: method.output,
                    docs: vec![method.docs],
                })
                .collect(),
            docs: vec![api.docs],
        })
        .collect();
    let custom = CustomMetadata { map: BTreeMap::new() };
    let mut metadata = RuntimeMetadataV15::new(pallets, extrinsic, meta_type::<Runtime>(), apis, outer_enums(), custom);
    rename_paths(&mut metadata.types);
    metadata
}

fn v16_storage(entry: StorageEntry) -> v16::StorageEntryMetadata {
    v16::StorageEntryMetadata {
        name: entry.name,
        modifier: entry.modifier,
        ty: entry.ty,
        default: entry.default,
        docs: entry.docs,
        deprecation_info: v16::ItemDeprecationInfo::NotDeprecated,
    }
}

fn v16_pallet(pallet: &PalletDeclaration) -> v16::PalletMetadata {
    let not_deprecated = || v16::EnumDeprecationInfo(BTreeMap::new());
    let associated_types = if pallet.index == pallet_system::PALLET_INDEX {
        vec![v16::PalletAssociatedTypeMetadata {
            name: "Hashing",
            ty: meta_type::<BlakeTwo256>(),
            docs: vec!["The hashing of blocks, extrinsics and the state trie: blake2-256."],
        }]
    } else {
        Vec::new()
    };
    v16::PalletMetadata {
        name: pallet.name,
        storage: Some(v16::PalletStorageMetadata {
            prefix: pallet.name,
            entries: (pallet.storage)().into_iter().map(v16_storage).collect(),
        }),
        calls: Some(v16::PalletCallMetadata { ty: (pallet.calls)(), deprecation_info: not_deprecated() }),
        event: pallet.event.map(|ty| v16::PalletEventMetadata { ty: ty(), deprecation_info: not_deprecated() }),
        constants: (pallet.constants)()
            .into_iter()
            .map(|constant| v16::PalletConstantMetadata {
                name: constant.name,
                ty: constant.ty,
                value: constant.value,
                docs: constant.docs,
                deprecation_info: v16::ItemDeprecationInfo::NotDeprecated,
            })
            .collect(),
        error: Some(v16::PalletErrorMetadata { ty: (pallet.error)(), deprecation_info: not_deprecated() }),
        associated_types,
        view_functions: Vec::new(),
        index: pallet.index,
        docs: vec![pallet.docs],
        deprecation_info: v16::ItemDeprecationInfo::NotDeprecated,
    }
}

/// The metadata V16: V15's content with V16's extrinsic versions, deprecation info and System's
/// `Hashing` associated type.
pub fn metadata_v16() -> RuntimeMetadataV16 {
    let extensions = signed_extensions();
    let extension_indices = (0..extensions.len() as u32).map(Compact).collect();
    let extrinsic = v16::ExtrinsicMetadata {
        versions: vec![4],
        address_ty: meta_type::<MultiAddress>(),
        call_ty: meta_type::<RuntimeCall>(),
        signature_ty: meta_type::<MultiSignature>(),
        // Keyed by the transaction-extension version (0: the only one; a format-4 signed
        // extrinsic carries no version byte and means 0), not by the extrinsic format.
        transaction_extensions_by_version: BTreeMap::from([(0, extension_indices)]),
        transaction_extensions: extensions
            .into_iter()
            .map(|(identifier, ty, implicit)| v16::TransactionExtensionMetadata { identifier, ty, implicit })
            .collect(),
    };
    let pallets = PALLETS.iter().map(v16_pallet).collect();
    let apis = RUNTIME_APIS
        .iter()
        .map(|api| v16::RuntimeApiMetadata {
            name: api.name,
            methods: (api.methods)()
                .into_iter()
                .map(|method| v16::RuntimeApiMethodMetadata {
                    name: method.name,
                    inputs: api_params(method.inputs),
                    output: method.output,
                    docs: vec![method.docs],
                    deprecation_info: v16::ItemDeprecationInfo::NotDeprecated,
                })
                .collect(),
            docs: vec![api.docs],
            version: Compact(api.version),
            deprecation_info: v16::ItemDeprecationInfo::NotDeprecated,
        })
        .collect();
    let custom = CustomMetadata { map: BTreeMap::new() };
    let mut metadata = RuntimeMetadataV16::new(pallets, extrinsic, apis, outer_enums(), custom);
    rename_paths(&mut metadata.types);
    metadata
}

fn prefixed(metadata: RuntimeMetadata) -> Vec<u8> {
    RuntimeMetadataPrefixed(frame_metadata::META_RESERVED, metadata).encode()
}

static ENCODED_V14: LazyLock<Vec<u8>> = LazyLock::new(|| prefixed(RuntimeMetadata::V14(metadata_v14())));
static ENCODED_V15: LazyLock<Vec<u8>> = LazyLock::new(|| prefixed(RuntimeMetadata::V15(metadata_v15())));
static ENCODED_V16: LazyLock<Vec<u8>> = LazyLock::new(|| prefixed(RuntimeMetadata::V16(metadata_v16())));

/// The SCALE-encoded `RuntimeMetadataPrefixed` (magic `meta`, version 14): what
/// `state_getMetadata` returns and `Metadata_metadata` wraps as `OpaqueMetadata` (V14, the one
/// version every client reads).
pub fn encoded_metadata() -> &'static [u8] {
    &ENCODED_V14
}

/// The encoded metadata at `version`, if served.
pub fn encoded_metadata_at(version: u32) -> Option<&'static [u8]> {
    match version {
        14 => Some(&ENCODED_V14),
        15 => Some(&ENCODED_V15),
        16 => Some(&ENCODED_V16),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use frame_metadata::v14::StorageEntryType;
    use parity_scale_codec::Decode;

    fn decoded() -> RuntimeMetadataV14 {
        let prefixed = RuntimeMetadataPrefixed::decode(&mut encoded_metadata()).expect("decodes");
        assert_eq!(prefixed.0, u32::from_le_bytes(*b"meta"));
        match prefixed.1 {
            RuntimeMetadata::V14(metadata) => metadata,
            _ => panic!("not V14"),
        }
    }

    fn path_of(metadata: &RuntimeMetadataV14, id: u32) -> String {
        metadata.types.resolve(id).expect("type").path.segments.join("::")
    }

    #[test]
    fn magic_version_and_pallets_at_their_indices() {
        let bytes = encoded_metadata();
        assert_eq!(&bytes[..5], &[0x6d, 0x65, 0x74, 0x61, 14]);
        let metadata = decoded();
        let pallets: Vec<(&str, u8)> =
            metadata.pallets.iter().map(|pallet| (pallet.name.as_str(), pallet.index)).collect();
        assert_eq!(
            pallets,
            [
                ("System", 0),
                ("Timestamp", 1),
                ("Membership", 2),
                ("Products", 10),
                ("Custody", 11),
                ("Customs", 12),
                ("Inspection", 13),
                ("Identity", 14)
            ]
        );
    }

    #[test]
    fn clients_find_the_types_under_substrates_paths() {
        let metadata = decoded();
        let paths: Vec<String> = metadata.types.types.iter().map(|entry| entry.ty.path.segments.join("::")).collect();
        for expected in [
            "sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic",
            "tracechain_runtime::RuntimeCall",
            "tracechain_runtime::RuntimeEvent",
            "frame_system::EventRecord",
            "frame_system::Phase",
            "sp_runtime::multiaddress::MultiAddress",
            "sp_core::crypto::AccountId32",
            "sp_runtime::MultiSignature",
            "sp_runtime::generic::era::Era",
            "sp_runtime::DispatchError",
            "sp_weights::weight_v2::Weight",
            "frame_system::AccountInfo",
            "pallet_products::pallet::Call",
            "pallet_custody::pallet::Event",
            "pallet_customs::pallet::Error",
        ] {
            assert!(paths.iter().any(|path| path == expected), "{expected} missing; paths: {paths:?}");
        }
        let extrinsic = metadata.types.resolve(metadata.extrinsic.ty.id).expect("extrinsic type");
        let params: Vec<&str> = extrinsic.type_params.iter().map(|param| param.name.as_str()).collect();
        assert_eq!(params, ["Address", "Call", "Signature", "Extra"]);
        let call = extrinsic.type_params[1].ty.expect("Call type").id;
        assert_eq!(path_of(&metadata, call), "tracechain_runtime::RuntimeCall");
        let identifiers: Vec<&str> =
            metadata.extrinsic.signed_extensions.iter().map(|extension| extension.identifier.as_str()).collect();
        assert_eq!(identifiers, tracechain_primitives::extrinsic::SIGNED_EXTENSIONS);
        assert_eq!(metadata.extrinsic.version, 4);
    }

    #[test]
    fn system_storage_is_where_clients_read_it() {
        let metadata = decoded();
        let system = &metadata.pallets[0];
        let storage = system.storage.as_ref().expect("storage");
        assert_eq!(storage.prefix, "System");
        let names: Vec<&str> = storage.entries.iter().map(|entry| entry.name.as_str()).collect();
        for expected in ["Account", "Events", "Number", "BlockHash", "ParentHash"] {
            assert!(names.contains(&expected), "{expected} missing: {names:?}");
        }
        let account = storage.entries.iter().find(|entry| entry.name == "Account").expect("Account");
        let StorageEntryType::Map { hashers, value, .. } = &account.ty else { panic!("Account is a map") };
        assert_eq!(hashers.len(), 1);
        let info = metadata.types.resolve(value.id).expect("AccountInfo");
        let scale_info::TypeDef::Composite(composite) = &info.type_def else { panic!("AccountInfo is a struct") };
        assert_eq!(composite.fields[0].name.as_deref(), Some("nonce"));
        let constants: Vec<&str> = system.constants.iter().map(|constant| constant.name.as_str()).collect();
        assert!(constants.contains(&"SS58Prefix") && constants.contains(&"BlockHashCount"));
    }

    #[test]
    fn every_pallet_has_calls_errors_and_documented_storage() {
        let metadata = decoded();
        for pallet in &metadata.pallets {
            assert!(pallet.calls.is_some(), "{} calls", pallet.name);
            assert!(pallet.error.is_some(), "{} errors", pallet.name);
            for entry in &pallet.storage.as_ref().expect("storage").entries {
                assert!(entry.docs.iter().any(|doc| !doc.is_empty()), "{}.{} has no docs", pallet.name, entry.name);
            }
            let calls = metadata.types.resolve(pallet.calls.as_ref().expect("calls").ty.id).expect("call type");
            let scale_info::TypeDef::Variant(variants) = &calls.type_def else { panic!("calls are an enum") };
            for variant in &variants.variants {
                assert!(!variant.docs.is_empty(), "{}::{} has no docs", pallet.name, variant.name);
            }
        }
    }

    #[test]
    fn an_encoded_call_matches_its_metadata_variant() {
        let metadata = decoded();
        let call = crate::story::register_class();
        let bytes = call.encode();
        let products = metadata.pallets.iter().find(|pallet| pallet.name == "Products").expect("Products");
        assert_eq!(bytes[0], products.index);
        let calls = metadata.types.resolve(products.calls.as_ref().expect("calls").ty.id).expect("call type");
        let scale_info::TypeDef::Variant(variants) = &calls.type_def else { panic!("enum") };
        let variant = variants.variants.iter().find(|variant| variant.index == bytes[1]).expect("variant");
        assert_eq!(variant.name, "register_class");
        let fields: Vec<&str> = variant.fields.iter().filter_map(|field| field.name.as_deref()).collect();
        assert_eq!(fields, ["gtin", "name", "brand", "hs_code", "origin", "documents"]);
    }

    #[test]
    fn versions_14_15_and_16_are_served_and_no_other() {
        assert_eq!(encoded_metadata_at(14), Some(encoded_metadata()));
        assert_eq!(encoded_metadata_at(13), None);
        assert_eq!(encoded_metadata_at(17), None);
        for version in METADATA_VERSIONS {
            let bytes = encoded_metadata_at(version).expect("served");
            assert_eq!(&bytes[..5], &[0x6d, 0x65, 0x74, 0x61, version as u8]);
            RuntimeMetadataPrefixed::decode(&mut &bytes[..]).expect("decodes");
        }
    }

    #[test]
    fn v15_describes_the_runtime_apis_and_the_outer_enums() {
        let RuntimeMetadata::V15(metadata) =
            RuntimeMetadataPrefixed::decode(&mut encoded_metadata_at(15).unwrap()).unwrap().1
        else {
            panic!("not V15")
        };
        let apis: Vec<&str> = metadata.apis.iter().map(|api| api.name.as_str()).collect();
        assert_eq!(
            apis,
            [
                "Core",
                "Metadata",
                "BlockBuilder",
                "TaggedTransactionQueue",
                "AccountNonceApi",
                "TransactionPaymentApi",
                "TransactionPaymentCallApi",
                "GenesisBuilder"
            ]
        );
        let api = |name: &str| metadata.apis.iter().find(|api| api.name == name).expect("listed");
        let nonce = &api("AccountNonceApi").methods[0];
        assert_eq!(nonce.name, "account_nonce");
        assert_eq!(path_in(&metadata.types, nonce.inputs[0].ty.id), "sp_core::crypto::AccountId32");
        let check_inherents = &api("BlockBuilder").methods[2];
        assert_eq!(check_inherents.name, "check_inherents");
        assert_eq!(path_in(&metadata.types, check_inherents.inputs[0].ty.id), "sp_runtime::generic::block::Block");
        assert_eq!(path_in(&metadata.types, check_inherents.inputs[1].ty.id), "sp_inherents::InherentData");
        assert_eq!(path_in(&metadata.types, check_inherents.output.id), "sp_inherents::CheckInherentsResult");
        let preset_names = &api("GenesisBuilder").methods[2];
        let scale_info::TypeDef::Sequence(names) =
            &metadata.types.resolve(preset_names.output.id).expect("registered").type_def
        else {
            panic!("Vec<PresetId>")
        };
        assert_eq!(path_in(&metadata.types, names.type_param.id), "sp_genesis_builder::PresetId");
        let query_info = &api("TransactionPaymentApi").methods[0];
        assert_eq!(
            path_in(&metadata.types, query_info.output.id),
            "pallet_transaction_payment::types::RuntimeDispatchInfo"
        );
        assert_eq!(path_in(&metadata.types, metadata.outer_enums.call_enum_ty.id), "tracechain_runtime::RuntimeCall");
        assert_eq!(path_in(&metadata.types, metadata.outer_enums.error_enum_ty.id), "tracechain_runtime::RuntimeError");
        let errors = metadata.types.resolve(metadata.outer_enums.error_enum_ty.id).unwrap();
        let scale_info::TypeDef::Variant(errors) = &errors.type_def else { panic!("an enum") };
        let indices: Vec<(&str, u8)> =
            errors.variants.iter().map(|variant| (variant.name.as_str(), variant.index)).collect();
        let pallets: Vec<(&str, u8)> =
            metadata.pallets.iter().map(|pallet| (pallet.name.as_str(), pallet.index)).collect();
        assert_eq!(indices, pallets, "RuntimeError's variants are the pallets at their indices");
    }

    #[test]
    fn v16_has_the_extrinsic_versions_and_systems_hashing() {
        let RuntimeMetadata::V16(metadata) =
            RuntimeMetadataPrefixed::decode(&mut encoded_metadata_at(16).unwrap()).unwrap().1
        else {
            panic!("not V16")
        };
        assert_eq!(metadata.extrinsic.versions, vec![4]);
        let identifiers: Vec<&str> =
            metadata.extrinsic.transaction_extensions.iter().map(|extension| extension.identifier.as_str()).collect();
        assert_eq!(identifiers, tracechain_primitives::extrinsic::SIGNED_EXTENSIONS);
        assert_eq!(metadata.extrinsic.transaction_extensions_by_version[&0].len(), identifiers.len());
        let hashing = &metadata.pallets[0].associated_types[0];
        assert_eq!(hashing.name, "Hashing");
        assert_eq!(path_in(&metadata.types, hashing.ty.id), "sp_runtime::traits::BlakeTwo256");
        assert_eq!(metadata.apis[0].version, Compact(5));
    }

    #[test]
    fn system_constants_are_frame_systems() {
        let metadata = decoded();
        let system = &metadata.pallets[0];
        let constants: Vec<(&str, String)> = system
            .constants
            .iter()
            .map(|constant| (constant.name.as_str(), path_of(&metadata, constant.ty.id)))
            .collect();
        assert_eq!(
            constants,
            [
                ("BlockWeights", "frame_system::limits::BlockWeights".to_string()),
                ("BlockLength", "frame_system::limits::BlockLength".to_string()),
                ("BlockHashCount", String::new()),
                ("DbWeight", "sp_weights::RuntimeDbWeight".to_string()),
                ("Version", "sp_version::RuntimeVersion".to_string()),
                ("SS58Prefix", String::new()),
            ]
        );
        let version = &system.constants[4];
        assert_eq!(version.value, crate::VERSION.encode());
        let weights = &system.constants[0];
        let per_class = metadata.types.resolve(weights.ty.id).unwrap();
        let scale_info::TypeDef::Composite(fields) = &per_class.type_def else { panic!("a struct") };
        let per_class = fields.fields[2].ty.id;
        assert_eq!(path_of(&metadata, per_class), "frame_support::dispatch::PerDispatchClass");
    }

    /// FRAME's modifiers: `Default` wherever an absent key has a natural value (counters, lists,
    /// sets, `System.Account`), `Optional` only where absence means something.
    #[test]
    fn storage_modifiers_are_frames() {
        use frame_metadata::v14::StorageEntryModifier::{Default as D, Optional as O};
        let expected = [
            (
                "System",
                vec![
                    ("Account", D),
                    ("Number", D),
                    ("ParentHash", D),
                    ("BlockHash", D),
                    ("EventCount", D),
                    ("ExtrinsicCount", D),
                    ("AllExtrinsicsLen", D),
                    ("BlockWeight", D),
                    ("Events", D),
                ],
            ),
            ("Timestamp", vec![("Now", D), ("DidUpdate", D)]),
            (
                "Membership",
                vec![
                    ("Organisations", O),
                    ("NextOrgId", D),
                    ("AccountOrg", O),
                    ("OrgAccounts", D),
                    ("OrgRoles", D),
                    ("AdminOrgs", D),
                    ("PortAuthorities", D),
                    ("PrefixOwner", O),
                    ("PrefixStems", D),
                    ("Threshold", O),
                    ("Proposals", O),
                    ("NextProposalId", D),
                    ("Validators", D),
                    ("PendingValidators", O),
                    ("ValidatorSetChanges", D),
                    ("Equivocations", O),
                ],
            ),
            (
                "Products",
                vec![("ProductClasses", O), ("Items", O), ("Lots", D), ("LotRecalls", O), ("ClassRecalls", O)],
            ),
            (
                "Custody",
                vec![
                    ("Proposals", O),
                    ("NextProposalId", D),
                    ("OpenProposal", O),
                    ("OpenProposalsBetween", D),
                    ("InboxSenders", D),
                    ("ProposalLifetime", O),
                    ("Expiring", D),
                    ("ExpiryCursor", O),
                    ("Aggregates", O),
                    ("NextAggregateInstance", D),
                    ("HistoryLength", D),
                    ("HistoryPages", D),
                    ("AggregateHistoryLength", D),
                    ("AggregateHistoryPages", D),
                ],
            ),
            (
                "Customs",
                vec![
                    ("Declarations", O),
                    ("NextDeclarationId", D),
                    ("OpenByPortAndDeclarant", D),
                    ("ItemDeclarations", D),
                    ("InspectionRules", D),
                    ("NamedImporters", O),
                ],
            ),
            (
                "Inspection",
                vec![
                    ("Attestations", O),
                    ("NextAttestationId", D),
                    ("SubjectAttestations", D),
                    ("CoveredItems", D),
                    ("ItemCoverage", D),
                    ("IssuerSubjectCount", D),
                    ("IssuerCoverageCount", D),
                ],
            ),
            ("Identity", vec![("ResolverDomain", O), ("Sales", O), ("CounterfeitReports", O), ("Destructions", O)]),
        ];
        let metadata = decoded();
        for (pallet_name, items) in expected {
            let pallet = metadata.pallets.iter().find(|pallet| pallet.name == pallet_name).expect("pallet");
            let entries = &pallet.storage.as_ref().expect("storage").entries;
            let mut actual: Vec<(&str, String)> =
                entries.iter().map(|entry| (entry.name.as_str(), format!("{:?}", entry.modifier))).collect();
            let mut wanted: Vec<(&str, String)> =
                items.iter().map(|(name, modifier)| (*name, format!("{modifier:?}"))).collect();
            actual.sort();
            wanted.sort();
            assert_eq!(actual, wanted, "{pallet_name}");
            for entry in entries {
                if matches!(entry.modifier, O) {
                    assert_eq!(entry.default, vec![0], "{pallet_name}.{}", entry.name);
                }
            }
        }
        let system = &metadata.pallets[0].storage.as_ref().unwrap().entries;
        let fallback = |name: &str| system.iter().find(|entry| entry.name == name).unwrap().default.clone();
        assert_eq!(fallback("Account"), pallet_system::AccountInfo::default().encode());
        assert_eq!(fallback("Account"), vec![0; 16]);
        assert_eq!(fallback("Number"), vec![0; 4]);
        assert_eq!(fallback("Events"), vec![0]);
        assert_eq!(fallback("ParentHash"), vec![0; 32]);
    }

    fn path_in(types: &PortableRegistry, id: u32) -> String {
        types.resolve(id).expect("type").path.segments.join("::")
    }
}
