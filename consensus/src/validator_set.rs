//! Validators as the engine sees them: consensus keys with one vote each, in membership order.

use borsh::{BorshDeserialize, BorshSerialize};
use malachitebft_core_types::VotingPower;

use crate::{signing::PublicKey, TracechainContext};

/// A validator's address: its ed25519 consensus public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct Address(pub [u8; 32]);

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl malachitebft_core_types::Address for Address {}

/// One validator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validator {
    /// Its address (the consensus key).
    pub address: Address,
    /// Its consensus key.
    pub public_key: PublicKey,
}

impl Validator {
    /// The validator with consensus key `key`.
    pub fn new(key: [u8; 32]) -> Self {
        Self { address: Address(key), public_key: PublicKey(key) }
    }
}

impl malachitebft_core_types::Validator<TracechainContext> for Validator {
    fn address(&self) -> &Address {
        &self.address
    }

    fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    fn voting_power(&self) -> VotingPower {
        1
    }
}

/// The validators of one height, in pallet-membership's order (the proposer order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorSet {
    /// The validators.
    pub validators: Vec<Validator>,
}

impl ValidatorSet {
    /// The set of these consensus keys, in this order.
    pub fn from_keys(keys: impl IntoIterator<Item = [u8; 32]>) -> Self {
        Self { validators: keys.into_iter().map(Validator::new).collect() }
    }

    /// The position of `address` in the set.
    pub fn index_of(&self, address: &Address) -> Option<usize> {
        self.validators.iter().position(|validator| validator.address == *address)
    }
}

impl malachitebft_core_types::ValidatorSet<TracechainContext> for ValidatorSet {
    fn count(&self) -> usize {
        self.validators.len()
    }

    fn total_voting_power(&self) -> VotingPower {
        self.validators.len() as VotingPower
    }

    fn get_by_address(&self, address: &Address) -> Option<&Validator> {
        self.validators.iter().find(|validator| validator.address == *address)
    }

    fn get_by_index(&self, index: usize) -> Option<&Validator> {
        self.validators.get(index)
    }
}
