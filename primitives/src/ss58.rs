//! SS58: Substrate's text form of a 32-byte public key, as every Substrate wallet and tool reads it.
//!
//! An address is `base58(prefix ++ key ++ checksum)`, where `checksum` is the first two bytes of
//! `blake2b_512(b"SS58PRE" ++ prefix ++ key)` and `prefix` identifies the network:
//!
//! - prefixes `0..=63` take one byte, the prefix itself;
//! - prefixes `64..=16383` take two bytes, `01aaaaaa bbcccccc`, where the prefix's little-endian
//!   bytes are `aaaaaabb 00cccccc` (sp-core's `Ss58Codec::to_ss58check_with_version`).
//!
//! ## Invariants
//! - [`encode`] is byte-for-byte sp-core's encoding; `decode(&encode(key, p)) == Ok((key, p))` for
//!   every key and every prefix `p` in `0..=16383` except the reserved 46 and 47.
//! - [`encode`] never panics: a prefix above 16383 has its top two bits masked off, exactly as
//!   sp-core does, so it encodes as `prefix & 0x3fff`.
//! - [`decode`] accepts what sp-core's `from_ss58check_with_version` accepts for a 32-byte key,
//!   including a prefix below 64 written in the two-byte form (which [`encode`] never produces).
//!
//! ## Failure
//! [`decode`] never panics; it returns an [`Ss58Error`] for text that is too long to be an
//! address, is not base58, decodes to the wrong number of bytes, starts with a byte of 128 or
//! above, carries a reserved prefix (46 or 47), or whose checksum does not match.

use sp_crypto_hashing::blake2_512;

/// The generic Substrate prefix (42): addresses starting with `5`.
pub const DEFAULT_PREFIX: u16 = 42;

/// The largest prefix SS58 can carry (14 bits).
const MAX_PREFIX: u16 = 0x3fff;

/// Prefixes reserved by the SS58 registry, which no address may carry.
const RESERVED_PREFIXES: [u16; 2] = [46, 47];

/// The domain separator hashed in front of every checksummed payload.
const CHECKSUM_DOMAIN: &[u8] = b"SS58PRE";

/// Bytes of checksum at the end of an address.
const CHECKSUM_LEN: usize = 2;

/// Bytes of public key in an address.
const KEY_LEN: usize = 32;

/// The longest text [`decode`] will try: a 36-byte payload is at most 50 base58 characters, so
/// anything much longer cannot be an address, and base58 decoding is quadratic in its input.
const MAX_TEXT_LEN: usize = 64;

/// Why a text is not an SS58 address of a 32-byte key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Ss58Error {
    /// The text is longer than any SS58 address of a 32-byte key; it was not decoded.
    #[error("address is {length} characters long; an SS58 address is at most {MAX_TEXT_LEN}")]
    TooLong {
        /// Length of the text, in bytes.
        length: usize,
    },
    /// The text is not base58 (Bitcoin alphabet).
    #[error("address is not valid base58: {source}")]
    BadBase58 {
        /// What the base58 decoder rejected.
        #[source]
        source: bs58::decode::Error,
    },
    /// The decoded bytes are not `prefix ++ 32-byte key ++ 2-byte checksum`.
    #[error(
        "address decodes to {length} bytes; a 32-byte key needs 35 (one-byte prefix) or 36 \
         (two-byte prefix)"
    )]
    BadLength {
        /// Number of decoded bytes.
        length: usize,
    },
    /// The first decoded byte is 128 or above, which no SS58 prefix encoding starts with.
    #[error("address starts with byte {first_byte:#04x}; SS58 prefix bytes are below 0x80")]
    InvalidPrefixByte {
        /// The first decoded byte.
        first_byte: u8,
    },
    /// The prefix is one the SS58 registry reserves (46 or 47).
    #[error("SS58 prefix {prefix} is reserved and never used by an address")]
    InvalidPrefix {
        /// The decoded prefix.
        prefix: u16,
    },
    /// The last two bytes are not the checksum of the rest.
    #[error("address checksum is {found:02x?} but its contents hash to {expected:02x?}")]
    InvalidChecksum {
        /// The checksum the address carries.
        found: [u8; 2],
        /// The checksum of the address's prefix and key.
        expected: [u8; 2],
    },
}

/// The SS58 text of `public` under network `prefix`.
///
/// A `prefix` above 16383 is masked to its low 14 bits, as sp-core does, so this never panics.
pub fn encode(public: &[u8; 32], prefix: u16) -> String {
    let prefix = prefix & MAX_PREFIX;
    let mut payload = Vec::with_capacity(2 + KEY_LEN + CHECKSUM_LEN);
    if prefix < 64 {
        payload.push(prefix as u8);
    } else {
        // The prefix's little-endian bytes are `aaaaaabb 00cccccc`; they are written as
        // `01aaaaaa bbcccccc`. Both casts keep only bits the masks selected.
        let first = ((prefix & 0b0000_0000_1111_1100) >> 2) as u8 | 0b0100_0000;
        let second = (prefix >> 8) as u8 | ((prefix & 0b0000_0000_0000_0011) as u8) << 6;
        payload.extend_from_slice(&[first, second]);
    }
    payload.extend_from_slice(public);
    let checksum = checksum(&payload);
    payload.extend_from_slice(&checksum);
    bs58::encode(payload).into_string()
}

/// Parses an SS58 address of a 32-byte key, returning the key and the prefix it carried.
///
/// Any prefix in `0..=16383` is accepted except the reserved 46 and 47; checking that it is the
/// network the caller expects is the caller's business.
pub fn decode(text: &str) -> Result<([u8; 32], u16), Ss58Error> {
    if text.len() > MAX_TEXT_LEN {
        return Err(Ss58Error::TooLong { length: text.len() });
    }
    let data = bs58::decode(text).into_vec().map_err(|source| Ss58Error::BadBase58 { source })?;
    let bad_length = Ss58Error::BadLength { length: data.len() };
    let (prefix_len, prefix) = match *data.as_slice() {
        [first @ 0..=63, ..] => (1, u16::from(first)),
        [first @ 64..=127, second, ..] => {
            // `01aaaaaa bbcccccc` holds the little-endian bytes `aaaaaabb 00cccccc`.
            let lower = (first << 2) | (second >> 6);
            let upper = second & 0b0011_1111;
            (2, u16::from(lower) | (u16::from(upper) << 8))
        }
        [first @ 128..=255, _, ..] => return Err(Ss58Error::InvalidPrefixByte { first_byte: first }),
        _ => return Err(bad_length),
    };
    if data.len() != prefix_len + KEY_LEN + CHECKSUM_LEN {
        return Err(bad_length);
    }
    if RESERVED_PREFIXES.contains(&prefix) {
        return Err(Ss58Error::InvalidPrefix { prefix });
    }
    let (body, found) = data.split_at(prefix_len + KEY_LEN);
    let expected = checksum(body);
    if found != expected {
        let mut found_bytes = [0u8; CHECKSUM_LEN];
        found_bytes.copy_from_slice(found);
        return Err(Ss58Error::InvalidChecksum { found: found_bytes, expected });
    }
    let mut key = [0u8; KEY_LEN];
    key.copy_from_slice(&body[prefix_len..]);
    Ok((key, prefix))
}

/// The first two bytes of `blake2b_512(b"SS58PRE" ++ body)`.
fn checksum(body: &[u8]) -> [u8; CHECKSUM_LEN] {
    let mut preimage = Vec::with_capacity(CHECKSUM_DOMAIN.len() + body.len());
    preimage.extend_from_slice(CHECKSUM_DOMAIN);
    preimage.extend_from_slice(body);
    let hash = blake2_512(&preimage);
    [hash[0], hash[1]]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALICE: &str = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
    const ALICE_SS58: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    fn alice() -> [u8; 32] {
        let bytes = hex::decode(ALICE).unwrap();
        bytes.try_into().unwrap()
    }

    /// Base58 of `payload` followed by its correct checksum.
    fn with_checksum(mut payload: Vec<u8>) -> String {
        let checksum = checksum(&payload);
        payload.extend_from_slice(&checksum);
        bs58::encode(payload).into_string()
    }

    #[test]
    fn alice_encodes_to_her_published_address() {
        assert_eq!(encode(&alice(), DEFAULT_PREFIX), ALICE_SS58);
        assert_eq!(decode(ALICE_SS58), Ok((alice(), 42)));
    }

    #[test]
    fn alice_on_polkadot_and_kusama() {
        // Alice's addresses as polkadot.js and subkey print them.
        let polkadot = "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5";
        let kusama = "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F";
        assert_eq!(encode(&alice(), 0), polkadot);
        assert_eq!(encode(&alice(), 2), kusama);
        assert_eq!(decode(polkadot), Ok((alice(), 0)));
        assert_eq!(decode(kusama), Ok((alice(), 2)));
    }

    #[test]
    fn two_byte_prefixes_round_trip() {
        for prefix in [64, 255, 2000, 16383] {
            let text = encode(&alice(), prefix);
            let raw = bs58::decode(&text).into_vec().unwrap();
            assert_eq!(raw.len(), 36, "prefix {prefix} takes two bytes");
            assert_eq!(decode(&text), Ok((alice(), prefix)));
        }
    }

    #[test]
    fn two_byte_prefix_layout_is_substrates() {
        // 255 = 0b00000000_11111111: lower byte aaaaaabb = 111111_11, upper 00cccccc = 0.
        let raw = bs58::decode(encode(&alice(), 255)).into_vec().unwrap();
        assert_eq!(raw[..2], [0b0111_1111, 0b1100_0000]);
        // 2000 = 0x07d0: lower 0xd0 = 110100_00, upper 0x07.
        let raw = bs58::decode(encode(&alice(), 2000)).into_vec().unwrap();
        assert_eq!(raw[..2], [0b0111_0100, 0b0000_0111]);
    }

    #[test]
    fn prefixes_above_14_bits_are_masked() {
        assert_eq!(encode(&alice(), 0x4000 | 42), encode(&alice(), 42));
        assert_eq!(encode(&alice(), u16::MAX), encode(&alice(), 16383));
    }

    #[test]
    fn non_canonical_two_byte_prefix_is_accepted_as_sp_core_does() {
        // Prefix 42 written in the two-byte form: 42 = 001010_10 -> 01001010 10000000.
        let mut payload = vec![0b0100_1010, 0b1000_0000];
        payload.extend_from_slice(&alice());
        assert_eq!(decode(&with_checksum(payload)), Ok((alice(), 42)));
    }

    #[test]
    fn bad_checksum_is_rejected() {
        let mut raw = bs58::decode(ALICE_SS58).into_vec().unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 0x01;
        let text = bs58::encode(&raw).into_string();
        assert!(matches!(decode(&text), Err(Ss58Error::InvalidChecksum { .. })));

        // A changed key bit is caught by the checksum too.
        let mut raw = bs58::decode(ALICE_SS58).into_vec().unwrap();
        raw[5] ^= 0x80;
        let text = bs58::encode(&raw).into_string();
        assert!(matches!(decode(&text), Err(Ss58Error::InvalidChecksum { .. })));
    }

    #[test]
    fn bad_base58_is_rejected() {
        // '0', 'O', 'I' and 'l' are not in the alphabet.
        let text = ALICE_SS58.replacen('G', "0", 1);
        assert!(matches!(decode(&text), Err(Ss58Error::BadBase58 { .. })));
        assert!(matches!(decode("5Grwv l"), Err(Ss58Error::BadBase58 { .. })));
        assert!(matches!(decode("5Grwvé"), Err(Ss58Error::BadBase58 { .. })));
    }

    #[test]
    fn bad_length_is_rejected() {
        assert_eq!(decode(""), Err(Ss58Error::BadLength { length: 0 }));
        assert_eq!(decode("2"), Err(Ss58Error::BadLength { length: 1 }));
        // A 33-byte key with a valid checksum.
        let mut payload = vec![42];
        payload.extend_from_slice(&[7; 33]);
        assert_eq!(decode(&with_checksum(payload)), Err(Ss58Error::BadLength { length: 36 }));
        // A 31-byte key.
        let mut payload = vec![42];
        payload.extend_from_slice(&[7; 31]);
        assert_eq!(decode(&with_checksum(payload)), Err(Ss58Error::BadLength { length: 34 }));
        // Dropping the last character divides the number by 58: still 35 bytes here, but the
        // bytes no longer match their checksum.
        let short = &ALICE_SS58[..ALICE_SS58.len() - 1];
        assert!(decode(short).is_err());
    }

    #[test]
    fn overlong_text_is_rejected_before_decoding() {
        let text = "5".repeat(10_000);
        assert_eq!(decode(&text), Err(Ss58Error::TooLong { length: 10_000 }));
    }

    #[test]
    fn reserved_and_impossible_prefixes_are_rejected() {
        for prefix in RESERVED_PREFIXES {
            let text = encode(&alice(), prefix);
            assert_eq!(decode(&text), Err(Ss58Error::InvalidPrefix { prefix }));
        }
        let mut payload = vec![0x80, 0x00];
        payload.extend_from_slice(&alice());
        assert_eq!(decode(&with_checksum(payload)), Err(Ss58Error::InvalidPrefixByte { first_byte: 0x80 }));
    }

    proptest! {
        #[test]
        fn round_trip(key in any::<[u8; 32]>(), prefix in 0u16..16384) {
            prop_assume!(!RESERVED_PREFIXES.contains(&prefix));
            let text = encode(&key, prefix);
            prop_assert_eq!(decode(&text), Ok((key, prefix)));
        }

        #[test]
        fn decode_never_panics(text in "\\PC{0,80}") {
            let _ = decode(&text);
        }
    }
}
