//! Extrinsic format version 4, as `sp_runtime::generic::UncheckedExtrinsic`.
//!
//! ```text
//! signed:   Compact(len) ++ 0x84 ++ MultiAddress ++ MultiSignature ++ SignedExtra ++ call
//! unsigned: Compact(len) ++ 0x04 ++ call
//! ```
//!
//! The signed extensions are Substrate's standard set, in this canonical order (clients encode
//! them by name and position, so the order is part of the wire format):
//! [`SIGNED_EXTENSIONS`]. Their explicit part ([`SignedExtra`]) is `era ++ Compact(nonce) ++
//! Compact(tip)`; their implicit part ([`AdditionalSigned`]) is `spec_version ++
//! transaction_version ++ genesis_hash ++ era_birth_block_hash`. The signature covers
//! `call ++ extra ++ additional`, replaced by its `blake2_256` when longer than 256 bytes.
//!
//! Decoding treats its input as adversarial: the length prefix must cover exactly the bytes that
//! follow, the version byte must be 4 (signed or unsigned), and every part must be consumed.

use parity_scale_codec::{Compact, Decode, Encode, Error as CodecError, Input, Output};
use scale_info::TypeInfo;

use crate::{
    era::Era,
    hashing::blake2_256,
    keyring::{verify_ed25519, verify_sr25519, Sr25519Pair},
    AccountId32, Nonce, H256,
};

/// The extrinsic format version.
pub const EXTRINSIC_FORMAT_VERSION: u8 = 4;
/// Bit set in the version byte of a signed extrinsic.
const SIGNED_BIT: u8 = 0b1000_0000;
/// Payloads longer than this are hashed before signing.
pub const MAX_UNHASHED_PAYLOAD: usize = 256;

/// The signed extensions, in their canonical order.
pub const SIGNED_EXTENSIONS: [&str; 8] = [
    "CheckNonZeroSender",
    "CheckSpecVersion",
    "CheckTxVersion",
    "CheckGenesis",
    "CheckMortality",
    "CheckNonce",
    "CheckWeight",
    "ChargeTransactionPayment",
];

/// The sender's address, as `sp_runtime::MultiAddress<AccountId32, u32>`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum MultiAddress {
    /// An account id: the only form Tracechain resolves.
    Id(AccountId32),
    /// An account index (not used by Tracechain).
    Index(#[codec(compact)] u32),
    /// Raw bytes.
    Raw(Vec<u8>),
    /// A 32-byte address that is not an account id.
    Address32([u8; 32]),
    /// A 20-byte address.
    Address20([u8; 20]),
}

/// Described as Substrate's `sp_runtime::multiaddress::MultiAddress<AccountId, AccountIndex>`,
/// type parameters included: clients find the account id type through them.
impl TypeInfo for MultiAddress {
    type Identity = Self;

    fn type_info() -> scale_info::Type {
        use scale_info::{build::Variants, meta_type, Path, Type, TypeParameter};
        Type::builder()
            .path(Path::new("MultiAddress", "sp_runtime::multiaddress"))
            .type_params(vec![
                TypeParameter::new("AccountId", Some(meta_type::<AccountId32>())),
                TypeParameter::new("AccountIndex", Some(meta_type::<u32>())),
            ])
            .variant(
                Variants::new()
                    .variant("Id", |v| {
                        v.index(0).fields(scale_info::build::Fields::unnamed().field(|f| f.ty::<AccountId32>()))
                    })
                    .variant("Index", |v| {
                        v.index(1).fields(scale_info::build::Fields::unnamed().field(|f| f.compact::<u32>()))
                    })
                    .variant("Raw", |v| {
                        v.index(2).fields(scale_info::build::Fields::unnamed().field(|f| f.ty::<Vec<u8>>()))
                    })
                    .variant("Address32", |v| {
                        v.index(3).fields(scale_info::build::Fields::unnamed().field(|f| f.ty::<[u8; 32]>()))
                    })
                    .variant("Address20", |v| {
                        v.index(4).fields(scale_info::build::Fields::unnamed().field(|f| f.ty::<[u8; 20]>()))
                    }),
            )
    }
}

/// A signature of one of the schemes Substrate accepts, as `sp_runtime::MultiSignature`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum MultiSignature {
    /// ed25519.
    Ed25519([u8; 64]),
    /// sr25519 with signing context `b"substrate"`.
    Sr25519([u8; 64]),
    /// secp256k1 ECDSA (recoverable, 65 bytes); not accepted by Tracechain.
    Ecdsa([u8; 65]),
}

impl MultiSignature {
    /// Whether this signature over `message` was made by the key `signer`.
    /// ECDSA signatures are never valid: Tracechain accounts are sr25519 or ed25519 keys.
    pub fn verify(&self, message: &[u8], signer: &AccountId32) -> bool {
        match self {
            MultiSignature::Sr25519(signature) => verify_sr25519(signature, message, signer.as_bytes()),
            MultiSignature::Ed25519(signature) => verify_ed25519(signature, message, signer.as_bytes()),
            MultiSignature::Ecdsa(_) => false,
        }
    }
}

/// The explicit (transmitted) part of the signed extensions.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct SignedExtra {
    /// `CheckMortality`.
    pub era: Era,
    /// `CheckNonce`.
    #[codec(compact)]
    pub nonce: Nonce,
    /// `ChargeTransactionPayment`; Tracechain has no fees, so it must be zero.
    #[codec(compact)]
    pub tip: u128,
}

/// The implicit part of the signed extensions: signed over but not transmitted.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct AdditionalSigned {
    /// `CheckSpecVersion`.
    pub spec_version: u32,
    /// `CheckTxVersion`.
    pub transaction_version: u32,
    /// `CheckGenesis`.
    pub genesis_hash: H256,
    /// `CheckMortality`: the genesis hash for immortal transactions, else the birth block's hash.
    pub era_block_hash: H256,
}

/// The bytes that are signed: `call ++ extra ++ additional`, hashed if longer than 256 bytes.
pub fn signing_payload<Call: Encode>(call: &Call, extra: &SignedExtra, additional: &AdditionalSigned) -> Vec<u8> {
    let payload = (call, extra, additional).encode();
    if payload.len() > MAX_UNHASHED_PAYLOAD {
        blake2_256(&payload).to_vec()
    } else {
        payload
    }
}

/// Why raw bytes are not an extrinsic.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExtrinsicError {
    /// The SCALE bytes are malformed.
    #[error("malformed extrinsic: {reason}")]
    Malformed {
        /// What the decoder found.
        reason: String,
    },
    /// The version byte is not format 4.
    #[error(
        "unsupported extrinsic version byte 0x{version:02x}: only format 4 (0x04 unsigned, 0x84 signed) is accepted"
    )]
    UnsupportedVersion {
        /// The byte found.
        version: u8,
    },
    /// Bytes remain after the call.
    #[error("{count} trailing bytes after the extrinsic")]
    TrailingBytes {
        /// How many.
        count: usize,
    },
}

/// An extrinsic as it travels: maybe signed, not yet checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UncheckedExtrinsic<Call> {
    /// Sender, signature and signed extensions; `None` for an unsigned extrinsic (an inherent).
    pub signature: Option<(MultiAddress, MultiSignature, SignedExtra)>,
    /// The call to dispatch.
    pub function: Call,
}

impl<Call: Encode + Decode> UncheckedExtrinsic<Call> {
    /// An unsigned extrinsic (inherent).
    pub fn new_unsigned(function: Call) -> Self {
        Self { signature: None, function }
    }

    /// Signs `function` with `pair` (sr25519) under the given extensions.
    pub fn new_signed(function: Call, pair: &Sr25519Pair, extra: SignedExtra, additional: &AdditionalSigned) -> Self {
        let signature = pair.sign(&signing_payload(&function, &extra, additional));
        Self { signature: Some((MultiAddress::Id(pair.public()), MultiSignature::Sr25519(signature), extra)), function }
    }

    /// Decodes one extrinsic from its length-prefixed bytes, requiring that nothing is left over.
    pub fn decode_exact(bytes: &[u8]) -> Result<Self, ExtrinsicError> {
        let mut input = bytes;
        let decoded = Self::decode(&mut input).map_err(|error| classify(bytes, error))?;
        if !input.is_empty() {
            return Err(ExtrinsicError::TrailingBytes { count: input.len() });
        }
        Ok(decoded)
    }

    /// `blake2_256` of the length-prefixed encoding: the transaction hash clients compute.
    pub fn hash(&self) -> H256 {
        H256(blake2_256(&self.encode()))
    }
}

/// Turns a codec error into the most specific [`ExtrinsicError`].
fn classify(bytes: &[u8], error: CodecError) -> ExtrinsicError {
    let mut input = bytes;
    if let Ok(Compact(_length)) = Compact::<u32>::decode(&mut input) {
        if let Some(&version) = input.first() {
            if version & !SIGNED_BIT != EXTRINSIC_FORMAT_VERSION {
                return ExtrinsicError::UnsupportedVersion { version };
            }
        }
    }
    ExtrinsicError::Malformed { reason: error.to_string() }
}

impl<Call: Encode> Encode for UncheckedExtrinsic<Call> {
    fn encode_to<T: Output + ?Sized>(&self, output: &mut T) {
        let mut body = Vec::new();
        match &self.signature {
            Some(signature) => {
                body.push(EXTRINSIC_FORMAT_VERSION | SIGNED_BIT);
                signature.encode_to(&mut body);
            }
            None => body.push(EXTRINSIC_FORMAT_VERSION),
        }
        self.function.encode_to(&mut body);
        body.encode_to(output);
    }
}

impl<Call: Decode> Decode for UncheckedExtrinsic<Call> {
    fn decode<I: Input>(input: &mut I) -> Result<Self, CodecError> {
        // `Vec<u8>::decode` checks the length prefix against the remaining input before allocating.
        let body = Vec::<u8>::decode(input)?;
        let mut body = &body[..];
        let version = body.read_byte()?;
        if version & !SIGNED_BIT != EXTRINSIC_FORMAT_VERSION {
            return Err("unsupported extrinsic format version".into());
        }
        let signature = if version & SIGNED_BIT != 0 { Some(Decode::decode(&mut body)?) } else { None };
        let function = Call::decode(&mut body)?;
        if !body.is_empty() {
            return Err("extrinsic length prefix is longer than its contents".into());
        }
        Ok(Self { signature, function })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyring::dev_sr25519;
    use proptest::prelude::*;

    /// A call as a runtime would define it: pallet index, call index, arguments.
    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
    enum TestCall {
        #[codec(index = 0)]
        Remark(Vec<u8>),
    }

    fn additional() -> AdditionalSigned {
        AdditionalSigned {
            spec_version: 1,
            transaction_version: 1,
            genesis_hash: H256::repeat_byte(7),
            era_block_hash: H256::repeat_byte(7),
        }
    }

    fn extra(nonce: u32) -> SignedExtra {
        SignedExtra { era: Era::Immortal, nonce, tip: 0 }
    }

    #[test]
    fn signed_layout_and_round_trip() {
        let alice = dev_sr25519("Alice");
        let xt = UncheckedExtrinsic::new_signed(TestCall::Remark(b"hi".to_vec()), &alice, extra(5), &additional());
        let bytes = xt.encode();
        let mut body = &bytes[..];
        let length = Compact::<u32>::decode(&mut body).unwrap().0 as usize;
        assert_eq!(length, body.len());
        assert_eq!(body[0], 0x84);
        assert_eq!(body[1], 0x00, "MultiAddress::Id");
        assert_eq!(&body[2..34], alice.public().as_bytes());
        assert_eq!(body[34], 0x01, "MultiSignature::Sr25519");
        // extra: immortal era, Compact(5), Compact(0); then the call.
        assert_eq!(&body[99..102], &[0x00, 5 << 2, 0x00]);
        assert_eq!(&body[102..], &TestCall::Remark(b"hi".to_vec()).encode()[..]);

        let decoded = UncheckedExtrinsic::<TestCall>::decode_exact(&bytes).unwrap();
        assert_eq!(decoded, xt);
        let (address, signature, extra) = decoded.signature.unwrap();
        let MultiAddress::Id(signer) = address else { panic!("expected an account id") };
        let payload = signing_payload(&decoded.function, &extra, &additional());
        assert!(signature.verify(&payload, &signer));
        // Another genesis makes the signature invalid.
        let other = AdditionalSigned { genesis_hash: H256::repeat_byte(8), ..additional() };
        assert!(!signature.verify(&signing_payload(&decoded.function, &extra, &other), &signer));
    }

    #[test]
    fn unsigned_layout() {
        let xt = UncheckedExtrinsic::new_unsigned(TestCall::Remark(vec![]));
        assert_eq!(xt.encode(), vec![3 << 2, 0x04, 0x00, 0x00]);
    }

    #[test]
    fn long_payloads_are_hashed() {
        let call = TestCall::Remark(vec![1; 300]);
        let payload = signing_payload(&call, &extra(0), &additional());
        assert_eq!(payload.len(), 32);
        assert_eq!(payload, blake2_256(&(&call, &extra(0), &additional()).encode()).to_vec());
    }

    #[test]
    fn malformed_inputs_are_specific_errors() {
        assert_eq!(
            UncheckedExtrinsic::<TestCall>::decode_exact(&[2 << 2, 0x05, 0x00]),
            Err(ExtrinsicError::UnsupportedVersion { version: 0x05 })
        );
        assert!(matches!(
            UncheckedExtrinsic::<TestCall>::decode_exact(&[40 << 2, 0x04, 0x00]),
            Err(ExtrinsicError::Malformed { .. })
        ));
        let mut bytes = UncheckedExtrinsic::new_unsigned(TestCall::Remark(vec![])).encode();
        bytes.push(0);
        assert_eq!(
            UncheckedExtrinsic::<TestCall>::decode_exact(&bytes),
            Err(ExtrinsicError::TrailingBytes { count: 1 })
        );
        // A length prefix longer than the call inside it.
        assert!(UncheckedExtrinsic::<TestCall>::decode_exact(&[4 << 2, 0x04, 0x00, 0x00, 0x00]).is_err());
    }

    proptest! {
        #[test]
        fn signed_round_trips(data in proptest::collection::vec(any::<u8>(), 0..400), nonce in any::<u32>(), period in 4u64..65536, now in any::<u32>()) {
            let alice = dev_sr25519("Alice");
            let extra = SignedExtra { era: Era::mortal(period, u64::from(now)), nonce, tip: 0 };
            let xt = UncheckedExtrinsic::new_signed(TestCall::Remark(data), &alice, extra, &additional());
            prop_assert_eq!(UncheckedExtrinsic::<TestCall>::decode_exact(&xt.encode()).unwrap(), xt);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = UncheckedExtrinsic::<TestCall>::decode_exact(&bytes);
        }
    }
}
