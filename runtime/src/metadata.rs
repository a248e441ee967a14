//! The runtime's metadata, FRAME metadata V14 (`frame-metadata`, `scale-info`): what subxt,
//! polkadot.js and py-substrate-interface read to encode calls and decode storage and events.
//!
//! ## Invariants
//! - Built from the same types the runtime encodes: `RuntimeCall` and `RuntimeEvent` (variant
//!   index = pallet index), each pallet's `Call`, `Event` and `Error` (with their `///` docs), and
//!   the storage entries each pallet declares from its typed storage items.
//! - Types are described under the paths Substrate's decoders look for (`sp_core::crypto::
//!   AccountId32`, `sp_runtime::MultiSignature`, `frame_system::EventRecord`, …): see
//!   [`SUBSTRATE_PATHS`]; a test checks every one of them is present.
//! - The extrinsic is version 4 with the signed extensions of
//!   [`tracechain_primitives::extrinsic::SIGNED_EXTENSIONS`], in that order, each with the type
//!   of its transmitted part and of its signed-only part.
//!
//! The encoded metadata is built once and kept: it is a pure function of this code.

use std::sync::LazyLock;

use frame_metadata::{
    v14::{
        ExtrinsicMetadata, PalletCallMetadata, PalletConstantMetadata, PalletErrorMetadata, PalletEventMetadata,
        PalletMetadata, PalletStorageMetadata, RuntimeMetadataV14, SignedExtensionMetadata,
    },
    RuntimeMetadata, RuntimeMetadataPrefixed,
};
use parity_scale_codec::{Compact, Encode};
use scale_info::{build::Fields, meta_type, Path, Type, TypeInfo, TypeParameter};
use tracechain_primitives::{
    era::Era,
    extrinsic::{MultiAddress, MultiSignature},
    BlockNumber, H256,
};
use tracechain_support::metadata::StorageEntry;

use crate::{RuntimeCall, RuntimeEvent};

/// Metadata versions this runtime serves (`Metadata_metadata_versions`).
pub const METADATA_VERSIONS: [u32; 1] = [14];

/// Our type paths and the Substrate paths clients know them by.
pub const SUBSTRATE_PATHS: [(&str, &str); 11] = [
    ("frame_system::pallet::EventRecord", "frame_system::EventRecord"),
    ("frame_system::pallet::Phase", "frame_system::Phase"),
    ("frame_system::types::AccountInfo", "frame_system::AccountInfo"),
    ("sp_runtime::dispatch::DispatchError", "sp_runtime::DispatchError"),
    ("sp_runtime::dispatch::ModuleError", "sp_runtime::ModuleError"),
    ("tracechain_primitives::extrinsic::MultiSignature", "sp_runtime::MultiSignature"),
    ("tracechain_primitives::header::DigestItem", "sp_runtime::generic::digest::DigestItem"),
    ("tracechain_primitives::header::Digest", "sp_runtime::generic::digest::Digest"),
    ("tracechain_runtime::call::RuntimeCall", "tracechain_runtime::RuntimeCall"),
    ("tracechain_runtime::event::RuntimeEvent", "tracechain_runtime::RuntimeEvent"),
    ("tracechain_runtime::metadata::Runtime", "tracechain_runtime::Runtime"),
];

/// The runtime, as the metadata's `ty`.
#[derive(TypeInfo)]
struct Runtime;

/// `sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic`: opaque bytes whose type
/// parameters name the parts a client encodes (its format is SCALE with a custom layout).
struct UncheckedExtrinsicType;

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

fn signed_extensions() -> Vec<SignedExtensionMetadata> {
    let unit = meta_type::<()>;
    let extension = |identifier, ty, additional_signed| SignedExtensionMetadata { identifier, ty, additional_signed };
    vec![
        extension("CheckNonZeroSender", meta_type::<CheckNonZeroSender>(), unit()),
        extension("CheckSpecVersion", meta_type::<CheckSpecVersion>(), meta_type::<u32>()),
        extension("CheckTxVersion", meta_type::<CheckTxVersion>(), meta_type::<u32>()),
        extension("CheckGenesis", meta_type::<CheckGenesis>(), meta_type::<H256>()),
        extension("CheckMortality", meta_type::<CheckMortality>(), meta_type::<H256>()),
        extension("CheckNonce", meta_type::<CheckNonce>(), unit()),
        extension("CheckWeight", meta_type::<CheckWeight>(), unit()),
        extension("ChargeTransactionPayment", meta_type::<ChargeTransactionPayment>(), unit()),
    ]
}

fn constant<T: Encode + TypeInfo + 'static>(
    name: &'static str,
    value: T,
    docs: &'static str,
) -> PalletConstantMetadata {
    PalletConstantMetadata { name, ty: meta_type::<T>(), value: value.encode(), docs: vec![docs] }
}

/// A pallet's metadata entry.
fn pallet<C: TypeInfo + 'static, Er: TypeInfo + 'static>(
    name: &'static str,
    index: u8,
    storage: Vec<StorageEntry>,
    event: Option<scale_info::MetaType>,
    constants: Vec<PalletConstantMetadata>,
) -> PalletMetadata {
    PalletMetadata {
        name,
        storage: Some(PalletStorageMetadata { prefix: name, entries: storage }),
        calls: Some(PalletCallMetadata { ty: meta_type::<C>() }),
        event: event.map(|ty| PalletEventMetadata { ty }),
        constants,
        error: Some(PalletErrorMetadata { ty: meta_type::<Er>() }),
        index,
    }
}

fn pallets() -> Vec<PalletMetadata> {
    vec![
        pallet::<pallet_system::Call, pallet_system::Error>(
            pallet_system::PALLET_NAME,
            pallet_system::PALLET_INDEX,
            pallet_system::storage_metadata::<RuntimeEvent>(),
            Some(meta_type::<pallet_system::Event>()),
            vec![
                constant("SS58Prefix", pallet_system::SS58_PREFIX, "The SS58 prefix of this chain's addresses."),
                constant::<BlockNumber>(
                    "BlockHashCount",
                    pallet_system::BLOCK_HASH_COUNT,
                    "How many recent block hashes `BlockHash` keeps.",
                ),
            ],
        ),
        pallet::<pallet_timestamp::Call, pallet_timestamp::Error>(
            pallet_timestamp::PALLET_NAME,
            pallet_timestamp::PALLET_INDEX,
            pallet_timestamp::storage_metadata(),
            None,
            vec![constant(
                "MinimumPeriod",
                pallet_timestamp::MINIMUM_PERIOD_MS,
                "The least time between two blocks, in milliseconds.",
            )],
        ),
        pallet::<pallet_membership::Call, pallet_membership::Error>(
            pallet_membership::PALLET_NAME,
            pallet_membership::PALLET_INDEX,
            pallet_membership::storage_metadata(),
            Some(meta_type::<pallet_membership::Event>()),
            Vec::new(),
        ),
        pallet::<pallet_products::Call, pallet_products::Error>(
            pallet_products::PALLET_NAME,
            pallet_products::PALLET_INDEX,
            pallet_products::storage_metadata(),
            Some(meta_type::<pallet_products::Event>()),
            Vec::new(),
        ),
        pallet::<pallet_custody::Call, pallet_custody::Error>(
            pallet_custody::PALLET_NAME,
            pallet_custody::PALLET_INDEX,
            pallet_custody::storage_metadata(),
            Some(meta_type::<pallet_custody::Event>()),
            Vec::new(),
        ),
        pallet::<pallet_customs::Call, pallet_customs::Error>(
            pallet_customs::PALLET_NAME,
            pallet_customs::PALLET_INDEX,
            pallet_customs::storage_metadata(),
            Some(meta_type::<pallet_customs::Event>()),
            Vec::new(),
        ),
        pallet::<pallet_inspection::Call, pallet_inspection::Error>(
            pallet_inspection::PALLET_NAME,
            pallet_inspection::PALLET_INDEX,
            pallet_inspection::storage_metadata(),
            Some(meta_type::<pallet_inspection::Event>()),
            Vec::new(),
        ),
        pallet::<pallet_identity::Call, pallet_identity::Error>(
            pallet_identity::PALLET_NAME,
            pallet_identity::PALLET_INDEX,
            pallet_identity::storage_metadata(),
            Some(meta_type::<pallet_identity::Event>()),
            Vec::new(),
        ),
    ]
}

/// The metadata, with our type paths renamed to Substrate's.
pub fn metadata_v14() -> RuntimeMetadataV14 {
    let extrinsic = ExtrinsicMetadata {
        ty: meta_type::<UncheckedExtrinsicType>(),
        version: 4,
        signed_extensions: signed_extensions(),
    };
    let mut metadata = RuntimeMetadataV14::new(pallets(), extrinsic, meta_type::<Runtime>());
    for entry in metadata.types.types.iter_mut() {
        let segments = &mut entry.ty.path.segments;
        let path = segments.join("::");
        if let Some((_, substrate)) = SUBSTRATE_PATHS.iter().find(|(ours, _)| *ours == path) {
            *segments = substrate.split("::").map(str::to_string).collect();
        } else if let [pallet, name] = segments.as_slice() {
            // FRAME declares a pallet's enums in its `pallet` module; decoders treat a two-segment
            // `*::Call` or `*::Event` as the runtime's outer enum.
            if pallet.starts_with("pallet_") && ["Call", "Event", "Error"].contains(&name.as_str()) {
                segments.insert(1, "pallet".to_string());
            }
        }
    }
    metadata
}

static ENCODED: LazyLock<Vec<u8>> = LazyLock::new(|| {
    RuntimeMetadataPrefixed(frame_metadata::META_RESERVED, RuntimeMetadata::V14(metadata_v14())).encode()
});

/// The SCALE-encoded `RuntimeMetadataPrefixed` (magic `meta`, version 14): what
/// `state_getMetadata` returns and `Metadata_metadata` wraps as `OpaqueMetadata`.
pub fn encoded_metadata() -> &'static [u8] {
    &ENCODED
}

/// The encoded metadata at `version`, if served.
pub fn encoded_metadata_at(version: u32) -> Option<&'static [u8]> {
    METADATA_VERSIONS.contains(&version).then(encoded_metadata)
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
    fn only_version_14_is_served() {
        assert_eq!(encoded_metadata_at(14), Some(encoded_metadata()));
        assert_eq!(encoded_metadata_at(15), None);
    }
}
