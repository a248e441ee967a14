//! Key pairs, signatures and secret URIs, exactly as sp-core and `subkey` derive them.
//!
//! - **sr25519** (Schnorr over Ristretto25519, `schnorrkel`) signs with the signing context
//!   [`SIGNING_CONTEXT`] (`b"substrate"`); it is what accounts sign extrinsics with.
//! - **ed25519** (`ed25519-dalek`) is offered for keys that must be ed25519.
//!
//! A secret URI is `<phrase or 0x-hex-seed>[//hard][/soft]...[///password]`:
//!
//! - The phrase is an English BIP-39 mnemonic of 12, 15, 18, 21 or 24 words; the 32-byte seed is
//!   the first half of `PBKDF2-HMAC-SHA512(entropy, "mnemonic" ++ password, 2048)`, where
//!   `entropy` is the mnemonic's entropy, not its text (Substrate's rule, `substrate-bip39`).
//! - `0x` followed by 64 hex digits is the 32-byte seed itself; a password is then ignored, as
//!   sp-core ignores it.
//! - A URI that starts with `/` uses [`DEV_PHRASE`]: `//Alice` is Alice.
//! - Each junction's chain code is its SCALE encoding (a decimal number as `u64`, anything else
//!   as `str`), zero-padded to 32 bytes, or `blake2_256` of the encoding if that is longer.
//! - sr25519: a hard junction derives a new mini-secret with
//!   `SecretKey::hard_derive_mini_secret_key` and expands it in Ed25519 mode; a soft junction is
//!   `SecretKey::derived_key_simple`. ed25519: a hard junction is
//!   `seed' = blake2_256(SCALE(("Ed25519HDKD", seed, chain_code)))`; soft junctions do not exist.
//!
//! ## Invariants
//! - Every public key derived here equals sp-core's for the same URI; the tests pin published
//!   values (the dev accounts, sp-core's test vectors, RFC 8032).
//! - Secret material is zeroized when dropped: the pairs hold `schnorrkel` and `ed25519-dalek` keys,
//!   which zeroize themselves, and intermediate seeds live in [`Zeroizing`] buffers. `Debug` prints
//!   only the public key, and no error message repeats any part of a secret.
//! - Verification functions return `false` for any malformed key or signature and never panic.
//!
//! ## Failure
//! Parsing a URI returns a [`KeyError`] that names what was wrong (a character that cannot be in a
//! phrase, an empty junction, a bad phrase word or checksum, a malformed hex seed, a soft junction
//! on an ed25519 key) without echoing the secret. Only [`Sr25519Pair::generate`] can panic, and
//! only if the operating system cannot supply randomness.

use ed25519_dalek::{Signer as _, Verifier as _};
use parity_scale_codec::Encode;
use rand_core::RngCore as _;
use schnorrkel::{
    derive::{ChainCode, Derivation as _},
    signing_context, ExpansionMode, Keypair, MiniSecretKey, PublicKey, SecretKey,
};
use zeroize::Zeroizing;

use crate::{hashing::blake2_256, AccountId32};

/// The phrase behind Substrate's well-known development keys (`//Alice`, `//Bob`, ...).
pub const DEV_PHRASE: &str = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

/// The sr25519 signing context every Substrate chain signs and verifies under.
pub const SIGNING_CONTEXT: &[u8] = b"substrate";

/// The well-known development accounts, derived as `//Name` from [`DEV_PHRASE`].
pub const DEV_ACCOUNTS: [&str; 6] = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];

/// The 32-byte seed of [`DEV_PHRASE`] with no password (`subkey inspect` prints it), so that
/// development keys need neither a phrase parse nor 2048 rounds of PBKDF2. A test checks it
/// against the phrase.
const DEV_SEED: [u8; 32] = [
    0xfa, 0xc7, 0x95, 0x9d, 0xbf, 0xe7, 0x2f, 0x05, 0x2e, 0x5a, 0x0c, 0x3c, 0x8d, 0x65, 0x30, 0xf2, 0x02, 0xb0, 0x2f,
    0xd8, 0xf9, 0xf5, 0xca, 0x35, 0x80, 0xec, 0x8d, 0xeb, 0x77, 0x97, 0x47, 0x9e,
];

/// The length of a chain code (`JUNCTION_ID_LEN` in sp-core, `CHAIN_CODE_LENGTH` in schnorrkel).
const CHAIN_CODE_LEN: usize = 32;

/// The domain separator of ed25519 hard derivation.
const ED25519_HDKD: &str = "Ed25519HDKD";

/// Why a secret URI could not be turned into a key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// The URI has a character where none is allowed: the phrase or seed may hold only ASCII
    /// letters, digits and spaces before the first `/`, and a password may not hold a newline.
    #[error("malformed secret URI at byte {position}: {reason}")]
    InvalidUri {
        /// Byte offset of the offending character in the URI.
        position: usize,
        /// What was expected there.
        reason: &'static str,
    },
    /// The phrase is not an English BIP-39 mnemonic (wrong word count, unknown word or bad
    /// checksum).
    #[error("invalid secret phrase: {source}")]
    InvalidPhrase {
        /// What the BIP-39 parser rejected; it names word positions, never words.
        #[source]
        source: bip39::Error,
    },
    /// The `0x` seed is not exactly 64 hex digits.
    #[error("invalid 0x seed ({length} characters after 0x): {reason}")]
    InvalidSeed {
        /// Number of characters after `0x`.
        length: usize,
        /// What was wrong with them.
        reason: &'static str,
    },
    /// A `/` or `//` is not followed by a junction name (it ends the URI or is followed by `/`).
    #[error("empty derivation junction at byte {position} of the secret URI")]
    InvalidJunction {
        /// Byte offset of the `/` that opens the empty junction.
        position: usize,
    },
    /// A soft junction (`/name`) was applied to an ed25519 key, which has only hard derivation.
    #[error("ed25519 keys have no soft derivation; use hard junctions (`//name`)")]
    SoftDerivationNotSupported,
}

/// One derivation step: hard (`//name`) or soft (`/name`), with its chain code.
#[derive(Clone, Copy)]
struct Junction {
    hard: bool,
    chain_code: [u8; CHAIN_CODE_LEN],
}

impl Junction {
    /// The junction named `name`: a decimal `u64` is SCALE-encoded as a number, anything else as
    /// a string; the encoding is zero-padded to 32 bytes, or hashed if longer.
    fn new(name: &str, hard: bool) -> Self {
        let encoded = match name.parse::<u64>() {
            Ok(number) => number.encode(),
            Err(_) => name.encode(),
        };
        let mut chain_code = [0u8; CHAIN_CODE_LEN];
        if encoded.len() > CHAIN_CODE_LEN {
            chain_code = blake2_256(&encoded);
        } else {
            chain_code[..encoded.len()].copy_from_slice(&encoded);
        }
        Self { hard, chain_code }
    }
}

/// A parsed secret URI; borrows the secret parts from the URI text.
struct SecretUri<'a> {
    /// The phrase or `0x` seed; [`DEV_PHRASE`] when the URI starts with `/`.
    phrase: &'a str,
    junctions: Vec<Junction>,
    password: Option<&'a str>,
}

impl<'a> SecretUri<'a> {
    /// Splits `uri` as sp-core's `AddressUri::parse` does, i.e. as the regular expression
    /// `^([a-zA-Z0-9 ]+)?((//?[^/]+)*)(///(.*))?$` with no newline in the password.
    fn parse(uri: &'a str) -> Result<Self, KeyError> {
        let phrase_end = uri.find(|c: char| !(c.is_ascii_alphanumeric() || c == ' ')).unwrap_or(uri.len());
        let phrase = match &uri[..phrase_end] {
            "" => DEV_PHRASE,
            phrase => phrase,
        };
        let mut junctions = Vec::new();
        let mut password = None;
        let mut position = phrase_end;
        while position < uri.len() {
            let rest = &uri[position..];
            if let Some(pass) = rest.strip_prefix("///") {
                if let Some(newline) = pass.find('\n') {
                    return Err(KeyError::InvalidUri {
                        position: position + 3 + newline,
                        reason: "a password may not contain a newline",
                    });
                }
                password = Some(pass);
                break;
            }
            let (hard, name_start) = match rest.strip_prefix("//") {
                Some(_) => (true, 2),
                None if rest.starts_with('/') => (false, 1),
                None => {
                    return Err(KeyError::InvalidUri {
                        position,
                        reason: "a phrase or 0x seed holds only ASCII letters, digits and spaces, \
                                 and junctions start with '/'",
                    })
                }
            };
            let name = &rest[name_start..];
            let name_len = name.find('/').unwrap_or(name.len());
            if name_len == 0 {
                return Err(KeyError::InvalidJunction { position });
            }
            junctions.push(Junction::new(&name[..name_len], hard));
            position += name_start + name_len;
        }
        Ok(Self { phrase, junctions, password })
    }

    /// The 32-byte root seed: the `0x` seed itself, or the seed of the phrase and password.
    fn seed(&self) -> Result<Zeroizing<[u8; 32]>, KeyError> {
        if let Some(hex_seed) = self.phrase.strip_prefix("0x") {
            return seed_from_hex(hex_seed);
        }
        seed_from_phrase(self.phrase, self.password.unwrap_or(""))
    }
}

/// The seed written as 64 hex digits.
fn seed_from_hex(hex_seed: &str) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let length = hex_seed.len();
    if length != 64 {
        return Err(KeyError::InvalidSeed { length, reason: "expected exactly 64 hex digits" });
    }
    let mut seed = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(hex_seed, seed.as_mut_slice())
        .map_err(|_| KeyError::InvalidSeed { length, reason: "contains a character that is not a hex digit" })?;
    Ok(seed)
}

/// Substrate's seed of an English BIP-39 phrase: the first 32 bytes of
/// `PBKDF2-HMAC-SHA512(entropy, "mnemonic" ++ password, 2048)`.
fn seed_from_phrase(phrase: &str, password: &str) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let mnemonic = bip39::Mnemonic::parse_in(bip39::Language::English, phrase)
        .map_err(|source| KeyError::InvalidPhrase { source })?;
    seed_from_mnemonic(&mnemonic, password)
}

/// The seed of a parsed mnemonic, as `substrate_bip39::mini_secret_from_entropy` computes it.
fn seed_from_mnemonic(mnemonic: &bip39::Mnemonic, password: &str) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let (entropy, entropy_len) = mnemonic.to_entropy_array();
    let entropy = Zeroizing::new(entropy);
    let mini_secret = substrate_bip39::mini_secret_from_entropy(&entropy[..entropy_len], password)
        .map_err(|_| KeyError::InvalidPhrase { source: bip39::Error::BadEntropyBitCount(entropy_len * 8) })?;
    Ok(Zeroizing::new(mini_secret.to_bytes()))
}

/// An sr25519 key pair: an account's signing key.
#[derive(Clone)]
pub struct Sr25519Pair(Keypair);

impl Sr25519Pair {
    /// The pair a secret URI describes (see the module docs), as sp-core's
    /// `sr25519::Pair::from_string(suri, None)` derives it.
    pub fn from_suri(suri: &str) -> Result<Self, KeyError> {
        let uri = SecretUri::parse(suri)?;
        let seed = uri.seed()?;
        Ok(Self::from_seed(&seed).derive(&uri.junctions))
    }

    /// The pair whose mini-secret key is `seed`, expanded in Ed25519 mode as sp-core does.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self(mini_secret(seed).expand_to_keypair(ExpansionMode::Ed25519))
    }

    /// A new random pair and its 12-word English phrase, from the operating system's randomness.
    ///
    /// `from_suri(&phrase)` gives the same pair back.
    ///
    /// # Panics
    /// If the operating system's random source fails.
    pub fn generate() -> (Self, String) {
        let mut entropy = Zeroizing::new([0u8; 16]);
        rand_core::OsRng.fill_bytes(entropy.as_mut_slice());
        #[allow(clippy::expect_used)]
        let mnemonic = bip39::Mnemonic::from_entropy_in(bip39::Language::English, &entropy[..])
            .expect("16 bytes is valid BIP-39 entropy; qed");
        #[allow(clippy::expect_used)]
        let seed = seed_from_mnemonic(&mnemonic, "").expect("a generated mnemonic has 16 bytes of entropy; qed");
        let phrase = mnemonic.to_string();
        (Self::from_seed(&seed), phrase)
    }

    /// The public key, which is the account id.
    pub fn public(&self) -> AccountId32 {
        AccountId32(self.0.public.to_bytes())
    }

    /// Signs `message` under [`SIGNING_CONTEXT`]. Signatures are randomized, so two signatures of
    /// one message differ; both verify.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(signing_context(SIGNING_CONTEXT).bytes(message)).to_bytes()
    }

    /// Applies `junctions` in order, as sp-core's `sr25519::Pair::derive`.
    fn derive(self, junctions: &[Junction]) -> Self {
        if junctions.is_empty() {
            return self;
        }
        let mut secret: SecretKey = self.0.secret.clone();
        for junction in junctions {
            let chain_code = ChainCode(junction.chain_code);
            secret = if junction.hard {
                secret.hard_derive_mini_secret_key(Some(chain_code), b"").0.expand(ExpansionMode::Ed25519)
            } else {
                secret.derived_key_simple(chain_code, []).0
            };
        }
        Self(secret.to_keypair())
    }
}

impl std::fmt::Debug for Sr25519Pair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sr25519Pair").field("public", &self.public()).finish_non_exhaustive()
    }
}

/// A mini-secret key from 32 bytes; every 32-byte string is one.
fn mini_secret(seed: &[u8; 32]) -> MiniSecretKey {
    // `from_bytes` fails only on a slice whose length is not 32, which `seed`'s type rules out.
    #[allow(clippy::expect_used)]
    MiniSecretKey::from_bytes(seed).expect("a 32-byte array is a mini-secret key; qed")
}

/// An ed25519 key pair.
#[derive(Clone)]
pub struct Ed25519Pair(ed25519_dalek::SigningKey);

impl Ed25519Pair {
    /// The pair a secret URI describes (see the module docs), as sp-core's
    /// `ed25519::Pair::from_string(suri, None)` derives it. Soft junctions are an error.
    pub fn from_suri(suri: &str) -> Result<Self, KeyError> {
        let uri = SecretUri::parse(suri)?;
        let mut seed = uri.seed()?;
        for junction in &uri.junctions {
            if !junction.hard {
                return Err(KeyError::SoftDerivationNotSupported);
            }
            let preimage = Zeroizing::new((ED25519_HDKD, *seed, junction.chain_code).encode());
            *seed = blake2_256(&preimage);
        }
        Ok(Self::from_seed(&seed))
    }

    /// The pair whose 32-byte secret seed (RFC 8032's secret key) is `seed`.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self(ed25519_dalek::SigningKey::from_bytes(seed))
    }

    /// The public key.
    pub fn public(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    /// The 32-byte secret seed (for another library's key type of the same key).
    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Signs `message` (deterministic, RFC 8032).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl std::fmt::Debug for Ed25519Pair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ed25519Pair").field("public", &hex::encode(self.public())).finish_non_exhaustive()
    }
}

/// Whether `signature` is `public`'s sr25519 signature of `message` under [`SIGNING_CONTEXT`].
///
/// `false` for a public key that is not a valid Ristretto point or a signature without
/// schnorrkel's marker bit; never panics.
pub fn verify_sr25519(signature: &[u8; 64], message: &[u8], public: &[u8; 32]) -> bool {
    let Ok(signature) = schnorrkel::Signature::from_bytes(signature) else {
        return false;
    };
    let Ok(public) = PublicKey::from_bytes(public) else {
        return false;
    };
    public.verify_simple(SIGNING_CONTEXT, message, &signature).is_ok()
}

/// Whether `signature` is `public`'s ed25519 signature of `message`.
///
/// `false` for a public key that is not a curve point; never panics. This is `ed25519-dalek`'s
/// (cofactorless) verification; every signature it accepts, sp-core's ZIP-215 verifier accepts too.
pub fn verify_ed25519(signature: &[u8; 64], message: &[u8], public: &[u8; 32]) -> bool {
    let Ok(public) = ed25519_dalek::VerifyingKey::from_bytes(public) else {
        return false;
    };
    let signature = ed25519_dalek::Signature::from_bytes(signature);
    public.verify(message, &signature).is_ok()
}

/// Batch verification (schnorrkel::verify_batch with deduplication off); true iff all are valid.
/// Empty batch is true.
///
/// Each item is `(message, signature, public key)`, verified under [`SIGNING_CONTEXT`]. Faster
/// than verifying one by one, but says only whether all are valid, not which one is not. Never
/// panics on malformed keys or signatures (they make the batch `false`).
pub fn verify_sr25519_batch(items: &[(&[u8], [u8; 64], [u8; 32])]) -> bool {
    if items.is_empty() {
        return true;
    }
    let mut signatures = Vec::with_capacity(items.len());
    let mut publics = Vec::with_capacity(items.len());
    for (_, signature, public) in items {
        let (Ok(signature), Ok(public)) = (schnorrkel::Signature::from_bytes(signature), PublicKey::from_bytes(public))
        else {
            return false;
        };
        signatures.push(signature);
        publics.push(public);
    }
    let context = signing_context(SIGNING_CONTEXT);
    let transcripts = items.iter().map(|(message, _, _)| context.bytes(message));
    schnorrkel::verify_batch(transcripts, &signatures, &publics, false).is_ok()
}

/// The development account `//{name}` from [`DEV_PHRASE`] (`"Alice"`, `"Bob"`, ... in
/// [`DEV_ACCOUNTS`]).
///
/// Infallible for any `name`: the whole name is one hard junction, so this equals
/// `Sr25519Pair::from_suri(&format!("//{name}"))` whenever that URI is a single junction, i.e.
/// for every non-empty name without a `/`.
pub fn dev_sr25519(name: &str) -> Sr25519Pair {
    Sr25519Pair::from_seed(&DEV_SEED).derive(&[Junction::new(name, true)])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn hex32(text: &str) -> [u8; 32] {
        hex::decode(text).unwrap().try_into().unwrap()
    }

    fn hex64(text: &str) -> [u8; 64] {
        hex::decode(text).unwrap().try_into().unwrap()
    }

    const ALICE: &str = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
    const BOB: &str = "8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48";

    #[test]
    fn dev_seed_is_the_dev_phrase_seed() {
        let seed = seed_from_phrase(DEV_PHRASE, "").unwrap();
        assert_eq!(*seed, DEV_SEED);
    }

    #[test]
    fn alice_sr25519() {
        let alice = Sr25519Pair::from_suri("//Alice").unwrap();
        assert_eq!(alice.public().0, hex32(ALICE));
        assert_eq!(alice.public().to_ss58(42), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
        assert_eq!(dev_sr25519("Alice").public(), alice.public());
        let explicit = Sr25519Pair::from_suri(&format!("{DEV_PHRASE}//Alice")).unwrap();
        assert_eq!(explicit.public(), alice.public());
    }

    #[test]
    fn bob_sr25519() {
        let bob = Sr25519Pair::from_suri("//Bob").unwrap();
        assert_eq!(bob.public().0, hex32(BOB));
        assert_eq!(dev_sr25519("Bob").public(), bob.public());
    }

    #[test]
    fn dev_accounts_match_their_uris() {
        for name in DEV_ACCOUNTS {
            let from_uri = Sr25519Pair::from_suri(&format!("//{name}")).unwrap();
            assert_eq!(dev_sr25519(name).public(), from_uri.public(), "{name}");
        }
        // Numeric junctions are SCALE `u64`s in both paths.
        assert_eq!(dev_sr25519("7").public(), Sr25519Pair::from_suri("//7").unwrap().public());
    }

    #[test]
    fn alice_secret_seed_is_subkeys() {
        // `subkey inspect //Alice` prints this secret seed; sp-core's SecretUri docs use it too.
        let seed = "0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a";
        assert_eq!(Sr25519Pair::from_suri(seed).unwrap().public().0, hex32(ALICE));
    }

    #[test]
    fn alice_ed25519() {
        let alice = Ed25519Pair::from_suri("//Alice").unwrap();
        assert_eq!(alice.public(), hex32("88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee"));
    }

    #[test]
    fn dev_phrase_without_junctions() {
        let root = Sr25519Pair::from_suri(DEV_PHRASE).unwrap();
        let public = root.public();
        assert_eq!(public.0, hex32("46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a"));
        // sp-core's DEV_ADDRESS is this key's address.
        assert_eq!(public.to_ss58(42), "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV");
    }

    #[test]
    fn sp_core_sr25519_vectors() {
        // sp-core sr25519 tests: derive_soft_known_pair_should_work, sr_test_vector_should_work,
        // seeded_pair_should_work.
        let soft = Sr25519Pair::from_suri(&format!("{DEV_PHRASE}/Alice")).unwrap();
        assert_eq!(soft.public().0, hex32("d6c71059dbbe9ad2b0ed3f289738b800836eb425544ce694825285b958ca755e"));
        assert_eq!(Sr25519Pair::from_suri("/Alice").unwrap().public(), soft.public());
        let seeded = Sr25519Pair::from_seed(&hex32("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        assert_eq!(seeded.public().0, hex32("44a996beb1eef7bdcab976ab6d2ca26104834164ecf28fb375600576fcc6eb0f"));
        let seeded = Sr25519Pair::from_seed(b"12345678901234567890123456789012");
        assert_eq!(seeded.public().0, hex32("741c08a06f41c596608f6774259bd9043304adfa5d3eea62760bd9be97634d63"));
    }

    #[test]
    fn sp_core_ed25519_vectors() {
        // RFC 8032 test 1, as sp-core's test_vector_by_string_should_work uses it.
        let pair =
            Ed25519Pair::from_suri("0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").unwrap();
        let public = hex32("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        assert_eq!(pair.public(), public);
        let signature = hex64(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        );
        assert_eq!(pair.sign(b""), signature);
        assert!(verify_ed25519(&signature, b"", &public));
        // seeded_pair_should_work.
        assert_eq!(
            Ed25519Pair::from_seed(b"12345678901234567890123456789012").public(),
            hex32("2f8c6129d816cf51c374bc7f08c3e63ed156cf78aefb4a6550d97b87997977ee")
        );
    }

    #[test]
    fn ed25519_hard_derivation_matches_sp_core() {
        // sp-core's seed_and_derive_should_work: Hard([0; 32]) from the RFC 8032 seed.
        let seed = hex32("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let junction = Junction { hard: true, chain_code: [0; 32] };
        let derived = blake2_256(&(ED25519_HDKD, seed, junction.chain_code).encode());
        assert_eq!(derived, hex32("ede3354e133f9c8e337ddd6ee5415ed4b4ffe5fc7d21e933f4930a3730e5b21c"));
        // "//0" is the number 0: eight zero bytes, padded, i.e. the same all-zero chain code.
        let from_uri =
            Ed25519Pair::from_suri("0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60//0").unwrap();
        assert_eq!(from_uri.public(), Ed25519Pair::from_seed(&derived).public());
    }

    #[test]
    fn junction_chain_codes() {
        let number = Junction::new("1", true);
        let mut expected = [0u8; 32];
        expected[0] = 1;
        assert_eq!(number.chain_code, expected);
        // "Alice" is SCALE `str`: compact length 5 (0x14) then the bytes.
        let name = Junction::new("Alice", false);
        let mut expected = [0u8; 32];
        expected[..6].copy_from_slice(b"\x14Alice");
        assert_eq!(name.chain_code, expected);
        // Longer than 32 bytes encoded: hashed.
        let long = "0123456789012345678901234567890123456789";
        assert_eq!(Junction::new(long, true).chain_code, blake2_256(&long.encode()));
    }

    #[test]
    fn password_changes_the_key() {
        let plain = Sr25519Pair::from_suri("//Alice").unwrap();
        let with_password = Sr25519Pair::from_suri("//Alice///password").unwrap();
        assert_ne!(plain.public(), with_password.public());
        let explicit = Sr25519Pair::from_suri(&format!("{DEV_PHRASE}//Alice///password")).unwrap();
        assert_eq!(explicit.public(), with_password.public());
        // An empty password is no password.
        assert_eq!(Sr25519Pair::from_suri("//Alice///").unwrap().public(), plain.public());
    }

    #[test]
    fn soft_junction_signs_and_verifies() {
        let pair = Sr25519Pair::from_suri("//Alice/soft").unwrap();
        assert_ne!(pair.public(), dev_sr25519("Alice").public());
        // Soft derivation is deterministic in the public key.
        assert_eq!(Sr25519Pair::from_suri("//Alice/soft").unwrap().public(), pair.public());
        let message = b"soft-derived";
        let signature = pair.sign(message);
        assert!(verify_sr25519(&signature, message, &pair.public().0));
        assert!(!verify_sr25519(&signature, message, &dev_sr25519("Alice").public().0));
    }

    #[test]
    fn ed25519_rejects_soft_junctions() {
        assert_eq!(Ed25519Pair::from_suri("//Alice/soft").unwrap_err(), KeyError::SoftDerivationNotSupported);
    }

    #[test]
    fn sr25519_sign_verify_and_tampering() {
        let pair = dev_sr25519("Alice");
        let public = pair.public().0;
        let message = b"transfer 10 to Bob";
        let signature = pair.sign(message);
        assert!(verify_sr25519(&signature, message, &public));

        let mut bad_message = message.to_vec();
        bad_message[0] ^= 1;
        assert!(!verify_sr25519(&signature, &bad_message, &public));

        for byte in [0, 31, 32, 62] {
            let mut bad_signature = signature;
            bad_signature[byte] ^= 1;
            assert!(!verify_sr25519(&bad_signature, message, &public), "signature byte {byte}");
        }
        // Clearing schnorrkel's marker bit makes the signature malformed, not a panic.
        let mut unmarked = signature;
        unmarked[63] &= 0x7f;
        assert!(!verify_sr25519(&unmarked, message, &public));

        let mut bad_public = public;
        bad_public[0] ^= 1;
        assert!(!verify_sr25519(&signature, message, &bad_public));
        assert!(!verify_sr25519(&signature, message, &[0xff; 32]));
    }

    #[test]
    fn ed25519_sign_verify_and_tampering() {
        let pair = Ed25519Pair::from_suri("//Alice").unwrap();
        let public = pair.public();
        let message = b"transfer 10 to Bob";
        let signature = pair.sign(message);
        assert!(verify_ed25519(&signature, message, &public));

        let mut bad_message = message.to_vec();
        bad_message[0] ^= 1;
        assert!(!verify_ed25519(&signature, &bad_message, &public));

        for byte in [0, 31, 32, 63] {
            let mut bad_signature = signature;
            bad_signature[byte] ^= 1;
            assert!(!verify_ed25519(&bad_signature, message, &public), "signature byte {byte}");
        }
        let mut bad_public = public;
        bad_public[0] ^= 1;
        assert!(!verify_ed25519(&signature, message, &bad_public));
        assert!(!verify_ed25519(&signature, message, &[0xff; 32]));
    }

    #[test]
    fn batch_verification() {
        assert!(verify_sr25519_batch(&[]));
        let messages: Vec<Vec<u8>> = (0u8..4).map(|i| vec![i; 10 + usize::from(i)]).collect();
        let mut items: Vec<(&[u8], [u8; 64], [u8; 32])> = DEV_ACCOUNTS
            .iter()
            .zip(&messages)
            .map(|(name, message)| {
                let pair = dev_sr25519(name);
                (message.as_slice(), pair.sign(message), pair.public().0)
            })
            .collect();
        // The same signer twice is fine with deduplication off.
        let alice = dev_sr25519("Alice");
        items.push((b"again", alice.sign(b"again"), alice.public().0));
        assert!(verify_sr25519_batch(&items));

        let mut bad_signature = items.clone();
        bad_signature[2].1[5] ^= 1;
        assert!(!verify_sr25519_batch(&bad_signature));

        let mut wrong_message = items.clone();
        wrong_message[1].0 = b"something else";
        assert!(!verify_sr25519_batch(&wrong_message));

        let mut malformed_key = items.clone();
        malformed_key[3].2 = [0xff; 32];
        assert!(!verify_sr25519_batch(&malformed_key));

        let mut unmarked = items;
        unmarked[0].1[63] &= 0x7f;
        assert!(!verify_sr25519_batch(&unmarked));
    }

    #[test]
    fn generated_pair_is_recoverable_from_its_phrase() {
        let (pair, phrase) = Sr25519Pair::generate();
        assert_eq!(phrase.split(' ').count(), 12);
        assert_eq!(Sr25519Pair::from_suri(&phrase).unwrap().public(), pair.public());
        let signature = pair.sign(b"hello");
        assert!(verify_sr25519(&signature, b"hello", &pair.public().0));
    }

    #[test]
    fn bad_phrases_are_rejected() {
        // An unknown word (position 1).
        let words = DEV_PHRASE.replacen("drive", "drvie", 1);
        assert_eq!(
            Sr25519Pair::from_suri(&words).unwrap_err(),
            KeyError::InvalidPhrase { source: bip39::Error::UnknownWord(1) }
        );
        // Eleven words.
        let short = DEV_PHRASE.rsplit_once(' ').unwrap().0;
        assert_eq!(
            Ed25519Pair::from_suri(short).unwrap_err(),
            KeyError::InvalidPhrase { source: bip39::Error::BadWordCount(11) }
        );
        // Valid words, wrong checksum.
        let swapped = DEV_PHRASE.replacen("bottom drive", "drive bottom", 1);
        assert_eq!(
            Sr25519Pair::from_suri(&swapped).unwrap_err(),
            KeyError::InvalidPhrase { source: bip39::Error::InvalidChecksum }
        );
        // The message never repeats the phrase.
        let message = Sr25519Pair::from_suri(&words).unwrap_err().to_string();
        assert!(!message.contains("bottom") && !message.contains("drvie"), "{message}");
    }

    #[test]
    fn bad_hex_seeds_are_rejected() {
        let short = Sr25519Pair::from_suri("0x1234").unwrap_err();
        assert!(matches!(short, KeyError::InvalidSeed { length: 4, .. }), "{short:?}");
        let not_hex = format!("0x{}", "g".repeat(64));
        let err = Ed25519Pair::from_suri(&not_hex).unwrap_err();
        assert!(matches!(err, KeyError::InvalidSeed { length: 64, .. }), "{err:?}");
        // 64 bytes (an expanded secret key) is not a seed either.
        let long = format!("0x{}", "ab".repeat(64));
        let err = Sr25519Pair::from_suri(&long).unwrap_err();
        assert!(matches!(err, KeyError::InvalidSeed { length: 128, .. }), "{err:?}");
    }

    #[test]
    fn malformed_uris_are_rejected() {
        assert_eq!(Sr25519Pair::from_suri("//").unwrap_err(), KeyError::InvalidJunction { position: 0 });
        assert_eq!(Sr25519Pair::from_suri("//Alice/").unwrap_err(), KeyError::InvalidJunction { position: 7 });
        assert!(matches!(
            Sr25519Pair::from_suri("bottom.drive").unwrap_err(),
            KeyError::InvalidUri { position: 6, .. }
        ));
        assert!(matches!(
            Sr25519Pair::from_suri("//Alice///pass\nword").unwrap_err(),
            KeyError::InvalidUri { position: 14, .. }
        ));
        // Anything but '/' may be in a junction name, as in sp-core.
        assert!(Sr25519Pair::from_suri("//Alice.stash//é x").is_ok());
    }

    #[test]
    fn uri_parsing_matches_sp_core() {
        let uri = SecretUri::parse("hello world/s//h///pass").unwrap();
        assert_eq!(uri.phrase, "hello world");
        assert_eq!(uri.password, Some("pass"));
        let shape: Vec<bool> = uri.junctions.iter().map(|j| j.hard).collect();
        assert_eq!(shape, [false, true]);

        let uri = SecretUri::parse("////////").unwrap();
        assert_eq!(uri.phrase, DEV_PHRASE);
        assert_eq!(uri.password, Some("/////"));
        assert!(uri.junctions.is_empty());

        let uri = SecretUri::parse("sdasd/xx//a/b//c///pass").unwrap();
        let shape: Vec<bool> = uri.junctions.iter().map(|j| j.hard).collect();
        assert_eq!(shape, [false, true, false, true]);
        assert_eq!(uri.junctions[1].chain_code, Junction::new("a", true).chain_code);
    }

    #[test]
    fn debug_does_not_print_secrets() {
        let pair = dev_sr25519("Alice");
        let text = format!("{pair:?}");
        assert!(text.contains("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"), "{text}");
        assert!(!text.contains("e5be9a50"), "{text}");
        let pair = Ed25519Pair::from_seed(&[7; 32]);
        let text = format!("{pair:?}");
        assert!(!text.contains("0707"), "{text}");
    }
}
