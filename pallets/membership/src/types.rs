//! The membership pallet's types: the identifiers of the consortium's world (ISO country codes,
//! UN/LOCODEs, GS1 GLNs and company prefixes, inspection scopes), roles, organisations,
//! validators, governance actions and proposals, and the genesis configuration.
//!
//! The identifier types are plain byte newtypes so that their SCALE encoding is the bytes
//! themselves. Decoding therefore accepts any bytes: a value that came from a transaction is
//! untrusted until its `is_valid` says otherwise, and the pallet checks every one before it
//! writes anything. Parsing from text ([`FromStr`], and serde, which uses it) validates at once,
//! so a chain spec with a malformed value is refused when it is read.
//!
//! Validation checks the shape of a value, not membership in an external list (the ISO country
//! list, the UN/LOCODE directory, the GS1 prefix allocations): those lists change, and the chain
//! must not need an upgrade when they do.

use std::{fmt, str::FromStr};

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use serde::{de::Error as _, ser::Error as _, Deserialize, Deserializer, Serialize, Serializer};
use tracechain_primitives::{consensus_message::VoteKind, gs1, AccountId32, BlockNumber, H256};

/// An organisation's id, given in order of admission from 0.
pub type OrgId = u32;

/// The shortest GS1 company prefix, in digits.
pub const MIN_PREFIX_LEN: usize = 6;
/// The longest GS1 company prefix, in digits.
pub const MAX_PREFIX_LEN: usize = 12;
/// The longest inspection scope identifier, in bytes.
pub const MAX_SCOPE_LEN: usize = 32;
/// The longest organisation name, in bytes of UTF-8.
pub const MAX_NAME_LEN: usize = 128;

/// Why a text form does not parse as one of the identifier types.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not two ASCII uppercase letters.
    #[error("{0:?} is not an ISO 3166-1 alpha-2 country code (two ASCII uppercase letters)")]
    Country(String),
    /// Not two ASCII uppercase letters followed by three of `A-Z` and `2-9`.
    #[error("{0:?} is not a UN/LOCODE (two uppercase letters, then three of A-Z and 2-9)")]
    UnLocode(String),
    /// Not 13 ASCII digits whose last is the GS1 check digit of the others.
    #[error("{0:?} is not a GLN (13 digits with a valid GS1 check digit)")]
    Gln(String),
    /// Not 6 to 12 ASCII digits.
    #[error("{0:?} is not a GS1 company prefix (6 to 12 ASCII digits)")]
    CompanyPrefix(String),
    /// Not 1 to 32 bytes of `a-z`, `0-9`, `_` and `-`.
    #[error("{0:?} is not an inspection scope (1 to 32 of a-z, 0-9, '_' and '-')")]
    Scope(String),
    /// Not `0x` followed by 64 hex digits.
    #[error("{0:?} is not a 32-byte key in hex (0x followed by 64 hex digits)")]
    Key(String),
}

/// The text of identifier bytes for display: valid identifiers are ASCII.
fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// Display, Debug and serde (as the text form) for an identifier newtype with `as_bytes` and
/// `FromStr`.
macro_rules! text_identifier {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&lossy(self.as_bytes()))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({:?})"), lossy(self.as_bytes()))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match std::str::from_utf8(self.as_bytes()) {
                    Ok(text) => serializer.serialize_str(text),
                    Err(_) => Err(S::Error::custom(concat!("a ", stringify!($name), " that is not UTF-8"))),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(D::Error::custom)
            }
        }
    };
}

/// An ISO 3166-1 alpha-2 country code, e.g. `FR`, `CN`: two ASCII uppercase letters.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct CountryCode(pub [u8; 2]);

impl CountryCode {
    /// The two bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether it is two ASCII uppercase letters.
    pub fn is_valid(&self) -> bool {
        self.0.iter().all(u8::is_ascii_uppercase)
    }
}

impl FromStr for CountryCode {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        let code = <[u8; 2]>::try_from(text.as_bytes()).map(CountryCode);
        match code {
            Ok(code) if code.is_valid() => Ok(code),
            _ => Err(ParseError::Country(text.into())),
        }
    }
}

text_identifier!(CountryCode);

/// A UN/LOCODE, e.g. `CNSHA` (Shanghai), `FRLEH` (Le Havre): the ISO country code, then three of
/// `A-Z` and `2-9` (UN/LOCODE never uses 0 and 1, which read like O and I).
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct UnLocode(pub [u8; 5]);

impl UnLocode {
    /// The five bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether it has the UN/LOCODE shape.
    pub fn is_valid(&self) -> bool {
        self.0[..2].iter().all(u8::is_ascii_uppercase)
            && self.0[2..].iter().all(|byte| byte.is_ascii_uppercase() || (b'2'..=b'9').contains(byte))
    }

    /// The country the location is in: its first two letters.
    pub fn country(&self) -> CountryCode {
        CountryCode([self.0[0], self.0[1]])
    }
}

impl FromStr for UnLocode {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        match <[u8; 5]>::try_from(text.as_bytes()).map(UnLocode) {
            Ok(code) if code.is_valid() => Ok(code),
            _ => Err(ParseError::UnLocode(text.into())),
        }
    }
}

text_identifier!(UnLocode);

/// A GS1 Global Location Number: 13 ASCII digits, the last being the GS1 mod-10 check digit.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Gln(pub [u8; 13]);

impl Gln {
    /// The thirteen digits.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether it is 13 digits with a valid check digit.
    pub fn is_valid(&self) -> bool {
        gs1::check_digit_is_valid(&self.0)
    }
}

impl FromStr for Gln {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        match <[u8; 13]>::try_from(text.as_bytes()).map(Gln) {
            Ok(gln) if gln.is_valid() => Ok(gln),
            _ => Err(ParseError::Gln(text.into())),
        }
    }
}

text_identifier!(Gln);

/// A place: a party's own GS1 location number, or a port or town by its UN/LOCODE.
///
/// JSON: `{"gln":"3760001000009"}` or `{"unLocode":"CNSHA"}`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Location {
    /// A GS1 Global Location Number.
    #[codec(index = 0)]
    Gln(Gln),
    /// A UN/LOCODE.
    #[codec(index = 1)]
    UnLocode(UnLocode),
}

impl Location {
    /// Whether the identifier it carries is valid.
    pub fn is_valid(&self) -> bool {
        match self {
            Location::Gln(gln) => gln.is_valid(),
            Location::UnLocode(code) => code.is_valid(),
        }
    }
}

/// A GS1 company prefix: 6 to 12 ASCII digits. The GTINs, GLNs and SSCCs an organisation may
/// issue start with one of its prefixes.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct CompanyPrefix(pub Vec<u8>);

impl CompanyPrefix {
    /// The digits.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether it is 6 to 12 ASCII digits.
    pub fn is_valid(&self) -> bool {
        (MIN_PREFIX_LEN..=MAX_PREFIX_LEN).contains(&self.0.len()) && self.0.iter().all(u8::is_ascii_digit)
    }
}

impl FromStr for CompanyPrefix {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        let prefix = CompanyPrefix(text.as_bytes().to_vec());
        if prefix.is_valid() {
            Ok(prefix)
        } else {
            Err(ParseError::CompanyPrefix(text.into()))
        }
    }
}

text_identifier!(CompanyPrefix);

/// An inspection scope identifier, e.g. `quarantine`, `quality`, `authenticity`, `lab_test`:
/// 1 to 32 bytes of `a-z`, `0-9`, `_` and `-`. One alphabet and case, so that `Quarantine` and
/// `quarantine` cannot be two different accreditations.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Scope(pub Vec<u8>);

impl Scope {
    /// The identifier's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether it has the scope shape.
    pub fn is_valid(&self) -> bool {
        (1..=MAX_SCOPE_LEN).contains(&self.0.len())
            && self
                .0
                .iter()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || matches!(byte, b'_' | b'-'))
    }
}

impl FromStr for Scope {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        let scope = Scope(text.as_bytes().to_vec());
        if scope.is_valid() {
            Ok(scope)
        } else {
            Err(ParseError::Scope(text.into()))
        }
    }
}

text_identifier!(Scope);

/// What an organisation may do. Codec indices are stable: other pallets store roles and clients
/// decode them.
///
/// JSON: `"manufacturer"`, `{"customsAuthority":{"port":"CNSHA"}}`,
/// `{"inspector":{"scope":"quarantine"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Role {
    /// Makes products: registers product classes under its company prefixes, commissions items.
    #[codec(index = 0)]
    Manufacturer,
    /// Sells or exports goods.
    #[codec(index = 1)]
    Seller,
    /// Carries goods: takes custody.
    #[codec(index = 2)]
    Carrier,
    /// Imports goods: files customs declarations.
    #[codec(index = 3)]
    Importer,
    /// The customs authority with jurisdiction over one port, and only that port.
    #[codec(index = 4)]
    CustomsAuthority {
        /// The port, by UN/LOCODE.
        port: UnLocode,
    },
    /// An inspection body accredited for one scope, and only that scope.
    #[codec(index = 5)]
    Inspector {
        /// The accreditation scope.
        scope: Scope,
    },
    /// Sells to consumers: marks items sold.
    #[codec(index = 6)]
    Retailer,
    /// A regulator or auditor: sets inspection rules, recalls.
    #[codec(index = 7)]
    Regulator,
    /// A consortium administrator: proposes and approves governance actions.
    #[codec(index = 8)]
    Admin,
}

impl Role {
    /// Whether the identifier it carries, if any, is valid.
    pub fn is_valid(&self) -> bool {
        match self {
            Role::CustomsAuthority { port } => port.is_valid(),
            Role::Inspector { scope } => scope.is_valid(),
            _ => true,
        }
    }
}

/// A member organisation.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organisation {
    /// Its name: 1 to 128 bytes of UTF-8 without control or bidirectional-formatting characters.
    #[serde(with = "utf8")]
    pub name: Vec<u8>,
    /// Its country.
    pub country: CountryCode,
    /// Its GS1 company prefixes (at most 16), in order of assignment.
    pub company_prefixes: Vec<CompanyPrefix>,
    /// Its locations (at most 64, no duplicates), in order of registration; the first is where it
    /// acts by default.
    pub locations: Vec<Location>,
    /// The block in which it was admitted (0 for founders).
    pub admitted_at: BlockNumber,
}

/// A validator: the organisation that runs it and its consensus key.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ValidatorInfo {
    /// The organisation that runs it, and answers for it.
    pub org: OrgId,
    /// Its ed25519 public key (JSON: `0x` and 64 hex digits).
    #[serde(with = "hex32")]
    pub consensus_key: [u8; 32],
}

/// What a proposal does when approved. Codec indices are stable.
///
/// JSON: `{"admit":{"name":…,"country":…,"companyPrefixes":[…],"locations":[…],"accounts":[…],
/// "roles":[…]}}`, `{"remove":{"org":3}}`, `{"setThreshold":{"numerator":1,"denominator":2}}`…
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum Action {
    /// Admits a new organisation with its accounts, roles, prefixes and locations.
    #[codec(index = 0)]
    Admit {
        /// Its name.
        #[serde(with = "utf8")]
        name: Vec<u8>,
        /// Its country.
        country: CountryCode,
        /// Its GS1 company prefixes.
        company_prefixes: Vec<CompanyPrefix>,
        /// Its locations.
        locations: Vec<Location>,
        /// Its accounts; none may belong to another organisation.
        accounts: Vec<AccountId32>,
        /// Its roles.
        roles: Vec<Role>,
    },
    /// Removes an organisation with its accounts, roles, prefixes and admin status.
    #[codec(index = 1)]
    Remove {
        /// The organisation.
        org: OrgId,
    },
    /// Grants a role.
    #[codec(index = 2)]
    GrantRole {
        /// To this organisation.
        org: OrgId,
        /// The role.
        role: Role,
    },
    /// Revokes a role.
    #[codec(index = 3)]
    RevokeRole {
        /// From this organisation.
        org: OrgId,
        /// The role.
        role: Role,
    },
    /// Assigns a GS1 company prefix.
    #[codec(index = 4)]
    AssignPrefix {
        /// To this organisation.
        org: OrgId,
        /// The prefix.
        prefix: CompanyPrefix,
    },
    /// Adds an account (agent) to an organisation.
    #[codec(index = 5)]
    AddAccount {
        /// The organisation.
        org: OrgId,
        /// The account.
        account: AccountId32,
    },
    /// Removes an account from its organisation.
    #[codec(index = 6)]
    RemoveAccount {
        /// The account.
        account: AccountId32,
    },
    /// Replaces the validator set, `VALIDATOR_SET_DELAY` blocks later.
    #[codec(index = 7)]
    SetValidators {
        /// The new set, in proposer order.
        validators: Vec<ValidatorInfo>,
    },
    /// Changes the share of admin organisations whose approval executes a proposal.
    #[codec(index = 8)]
    SetThreshold {
        /// Numerator of the share.
        numerator: u32,
        /// Denominator of the share.
        denominator: u32,
    },
}

/// A governance proposal awaiting approvals.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Proposal {
    /// The organisation that proposed it; only its accounts may cancel it.
    pub proposer: OrgId,
    /// What it does.
    pub action: Action,
    /// The organisations that approved it, sorted and unique (the proposer's included).
    pub approvals: Vec<OrgId>,
    /// The block in which it was proposed.
    pub created_at: BlockNumber,
    /// The first block in which it can no longer be approved.
    pub expires_at: BlockNumber,
}

/// A founding organisation in the genesis configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisOrganisation {
    /// Its name.
    pub name: String,
    /// Its country.
    pub country: CountryCode,
    /// Its GS1 company prefixes.
    #[serde(default)]
    pub company_prefixes: Vec<CompanyPrefix>,
    /// Its locations.
    #[serde(default)]
    pub locations: Vec<Location>,
    /// Its accounts, as SS58 addresses (or `0x` hex).
    #[serde(default)]
    pub accounts: Vec<AccountId32>,
    /// Its roles.
    #[serde(default)]
    pub roles: Vec<Role>,
}

/// A validator in the genesis configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisValidator {
    /// The organisation that runs it: an index into [`GenesisConfig::organisations`].
    pub org_index: u32,
    /// Its ed25519 public key, `0x` and 64 hex digits.
    #[serde(with = "hex32")]
    pub consensus_key: [u8; 32],
}

/// The founding consortium: the `membership` section of the chain spec.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisConfig {
    /// The founding organisations; they get ids 0, 1, … in this order.
    pub organisations: Vec<GenesisOrganisation>,
    /// The approval threshold `[numerator, denominator]`; `[1, 2]` (strict majority) if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<(u32, u32)>,
    /// The founding validator set, in proposer order.
    #[serde(default)]
    pub validators: Vec<GenesisValidator>,
}

/// Serde for bytes that are UTF-8 text (names).
mod utf8 {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(bytes) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => Err(S::Error::custom("a name that is not UTF-8")),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        String::deserialize(deserializer).map(String::into_bytes)
    }
}

/// Serde for 32-byte keys as `0x` and 64 hex digits.
mod hex32 {
    use super::*;

    pub fn serialize<S: Serializer>(key: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("0x{}", hex::encode(key)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(deserializer)?;
        text.strip_prefix("0x")
            .and_then(|digits| hex::decode(digits).ok())
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| D::Error::custom(ParseError::Key(text)))
    }
}

/// One of the two conflicting votes of an [`EquivocationReport`]: what it voted for and the
/// offender's signature over the vote's bytes
/// ([`tracechain_primitives::consensus_message::vote_message`]).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ReportedVote {
    /// The block voted for; `None` is a nil vote.
    pub block: Option<H256>,
    /// The ed25519 signature.
    pub signature: [u8; 64],
}

/// Proof that a validator signed two different votes of one kind in one round of one height:
/// what Tendermint's safety rests on a validator never doing.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct EquivocationReport {
    /// The offender's consensus key.
    pub offender: [u8; 32],
    /// The height (block number) of the votes.
    pub height: BlockNumber,
    /// The round of the votes.
    pub round: u32,
    /// Prevotes or precommits.
    pub kind: VoteKind,
    /// One vote.
    pub first: ReportedVote,
    /// The other, for a different block (or nil).
    pub second: ReportedVote,
}

impl EquivocationReport {
    /// What identifies the offence: one record per validator, height, round and vote kind,
    /// however many conflicting pairs were seen.
    pub fn offence(&self) -> Offence {
        (self.offender, self.height, self.round, self.kind)
    }
}

/// `(consensus key, height, round, vote kind)` of an equivocation.
pub type Offence = ([u8; 32], BlockNumber, u32, VoteKind);

/// An equivocation recorded on chain, for the consortium's governance to act on.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct EquivocationRecord {
    /// The organisation that runs the offending validator, and answers for it.
    pub org: OrgId,
    /// The proof.
    pub report: EquivocationReport,
    /// The block that recorded it.
    pub recorded_in: BlockNumber,
}
