//! The chain spec (JSON) and the genesis state and block it defines.
//!
//! The genesis block has number 0, a zero parent hash, the root of the genesis state, the empty
//! extrinsics root and an empty digest; its hash is what every transaction signs
//! (`CheckGenesis`), so two chains with different specs never accept each other's transactions.
//!
//! Unknown fields are refused: a typo in a spec must not silently give another chain.

use std::collections::BTreeMap;

use parity_scale_codec::Encode;
use serde::{Deserialize, Serialize};
use tracechain_primitives::{
    header::{Block, Digest, Header},
    keyring::{dev_sr25519, Ed25519Pair, Sr25519Pair},
    trie::{trie_root, EMPTY_TRIE_ROOT},
    Moment, H256,
};
use tracechain_support::Overlay;

/// Why a chain spec cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum GenesisError {
    /// The JSON does not parse as a chain spec.
    #[error("chain spec is not valid JSON for a Tracechain spec: {0}")]
    Json(#[from] serde_json::Error),
    /// A development key could not be derived.
    #[error("development key: {0}")]
    Key(String),
    /// The custody section is invalid.
    #[error("chain spec custody: {0}")]
    Custody(#[from] pallet_custody::GenesisError),
    /// The customs section is invalid.
    #[error("chain spec customs: {0}")]
    Customs(#[from] pallet_customs::GenesisError),
    /// The identity section is invalid.
    #[error("chain spec identity: {0}")]
    Identity(#[from] pallet_identity::GenesisError),
    /// The membership section is invalid.
    #[error("chain spec membership: {0}")]
    Membership(#[from] pallet_membership::GenesisError),
}

/// What kind of chain a spec describes (`system_chainType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChainType {
    /// One local validator with well-known keys.
    Development,
    /// Several local validators.
    Local,
    /// A real consortium.
    Live,
}

/// `system_properties`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChainProperties {
    /// SS58 address prefix.
    pub ss58_format: u16,
    /// Decimals of the (absent) token; clients require the field.
    pub token_decimals: u8,
    /// Symbol of the (absent) token.
    pub token_symbol: String,
}

/// The genesis state, per pallet.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisConfig {
    /// `Timestamp.Now` at genesis, in milliseconds since the Unix epoch.
    #[serde(default)]
    pub timestamp: Moment,
    /// The founding consortium.
    pub membership: pallet_membership::GenesisConfig,
    /// The GS1 Digital Link resolver domain of item identities.
    #[serde(default)]
    pub identity: pallet_identity::GenesisConfig,
    /// The regulator's inspection rules by HS chapter.
    #[serde(default)]
    pub customs: pallet_customs::GenesisConfig,
    /// How long custody and ownership proposals stay open.
    #[serde(default)]
    pub custody: pallet_custody::GenesisConfig,
}

/// A chain spec.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChainSpec {
    /// Human-readable name (`system_chain`).
    pub name: String,
    /// Identifier, used for the data directory.
    pub id: String,
    /// Kind of chain.
    pub chain_type: ChainType,
    /// Addresses of nodes to connect to first.
    #[serde(default)]
    pub boot_nodes: Vec<String>,
    /// Properties reported to clients.
    pub properties: ChainProperties,
    /// The genesis state.
    pub genesis: GenesisConfig,
}

/// The genesis block and the state it commits to.
#[derive(Clone, Debug)]
pub struct Genesis {
    /// The block (no extrinsics).
    pub block: Block,
    /// Every key and value of the genesis state.
    pub storage: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl Genesis {
    /// The genesis hash.
    pub fn hash(&self) -> H256 {
        self.block.hash()
    }
}

impl GenesisConfig {
    /// Builds the genesis state and block from this configuration (`GenesisBuilder_build_state`
    /// builds the same state).
    pub fn build(&self) -> Result<Genesis, GenesisError> {
        let empty = BTreeMap::new();
        let mut overlay = Overlay::new(&empty);
        pallet_system::NUMBER.put(&mut overlay, &0);
        pallet_system::PARENT_HASH.put(&mut overlay, &H256(GENESIS_HASH_PLACEHOLDER));
        pallet_system::BLOCK_HASH.insert(&mut overlay, &0, &H256(GENESIS_HASH_PLACEHOLDER));
        pallet_timestamp::NOW.put(&mut overlay, &self.timestamp);
        pallet_membership::build_genesis(&mut overlay, &self.membership)?;
        pallet_identity::build_genesis(&mut overlay, &self.identity)?;
        pallet_customs::build_genesis(&mut overlay, &self.customs)?;
        pallet_custody::build_genesis(&mut overlay, &self.custody)?;
        let storage: BTreeMap<Vec<u8>, Vec<u8>> =
            overlay.into_changes().into_iter().filter_map(|(key, value)| value.map(|value| (key, value))).collect();
        let header = Header {
            parent_hash: H256::zero(),
            number: 0,
            state_root: trie_root(storage.iter().map(|(key, value)| (key.clone(), value.clone()))),
            extrinsics_root: EMPTY_TRIE_ROOT,
            digest: Digest::default(),
        };
        debug_assert_eq!(header.encode().len(), 32 + 1 + 32 + 32 + 1);
        Ok(Genesis { block: Block { header, extrinsics: Vec::new() }, storage })
    }
}

/// Substrate's placeholder for the genesis block's own hash in `System.BlockHash(0)`, replaced
/// by the real hash when block 1 starts.
const GENESIS_HASH_PLACEHOLDER: [u8; 32] = [69; 32];

impl ChainSpec {
    /// Parses a JSON chain spec.
    pub fn from_json(json: &str) -> Result<Self, GenesisError> {
        Ok(serde_json::from_str(json)?)
    }

    /// The spec as pretty JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain data structures to a string cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Builds the genesis state and block.
    pub fn genesis(&self) -> Result<Genesis, GenesisError> {
        self.genesis.build()
    }

    /// The development chain of the acceptance story: the well-known dev accounts as members.
    ///
    /// | account | organisation | roles |
    /// |---|---|---|
    /// | Alice | Château X (Bordeaux winery, prefix 3760001) | manufacturer, seller, admin |
    /// | Bob | Atlantic Freight (carrier) | carrier |
    /// | Charlie | Shanghai Fine Imports | importer |
    /// | Dave | Shanghai Customs | customs authority for CNSHA, admin |
    /// | Eve | CCIG | inspector: quarantine, quality, authenticity |
    /// | Ferdie | Tmall Global store | retailer, seller |
    /// | //Regulator | GACC | regulator, admin |
    /// | //Warehouse | Waigaoqiao Bonded Logistics | carrier (bonded warehouse) |
    ///
    /// One validator, run by the winery, with the ed25519 key of `//Alice`.
    pub fn development() -> Result<Self, GenesisError> {
        let account = |name: &str| dev_sr25519(name).public().to_string();
        let regulator = Sr25519Pair::from_suri("//Regulator")
            .map_err(|error| GenesisError::Key(error.to_string()))?
            .public()
            .to_string();
        let warehouse = Sr25519Pair::from_suri("//Warehouse")
            .map_err(|error| GenesisError::Key(error.to_string()))?
            .public()
            .to_string();
        let validator_key =
            Ed25519Pair::from_suri("//Alice").map_err(|error| GenesisError::Key(error.to_string()))?.public();
        let membership = serde_json::json!({
            "organisations": [
                {
                    "name": "Château X", "country": "FR", "companyPrefixes": ["3760001"],
                    "locations": [{"gln": "3760001000009"}, {"unLocode": "FRBOD"}],
                    "accounts": [account("Alice")], "roles": ["manufacturer", "seller", "admin"]
                },
                {
                    "name": "Atlantic Freight", "country": "FR", "companyPrefixes": [],
                    "locations": [{"unLocode": "FRLEH"}],
                    "accounts": [account("Bob")], "roles": ["carrier"]
                },
                {
                    "name": "Shanghai Fine Imports", "country": "CN", "companyPrefixes": [],
                    "locations": [{"unLocode": "CNSHA"}],
                    "accounts": [account("Charlie")], "roles": ["importer"]
                },
                {
                    "name": "Shanghai Customs", "country": "CN", "companyPrefixes": [],
                    "locations": [{"unLocode": "CNSHA"}],
                    "accounts": [account("Dave")],
                    "roles": [{"customsAuthority": {"port": "CNSHA"}}, "admin"]
                },
                {
                    "name": "CCIG", "country": "CN", "companyPrefixes": [],
                    "locations": [{"unLocode": "CNSHA"}],
                    "accounts": [account("Eve")],
                    "roles": [
                        {"inspector": {"scope": "quarantine"}},
                        {"inspector": {"scope": "quality"}},
                        {"inspector": {"scope": "authenticity"}}
                    ]
                },
                {
                    "name": "Tmall Global", "country": "CN", "companyPrefixes": [],
                    "locations": [{"unLocode": "CNSHA"}],
                    "accounts": [account("Ferdie")], "roles": ["retailer", "seller"]
                },
                {
                    "name": "GACC", "country": "CN", "companyPrefixes": [],
                    "locations": [], "accounts": [regulator], "roles": ["regulator", "admin"]
                },
                {
                    "name": "Waigaoqiao Bonded Logistics", "country": "CN", "companyPrefixes": [],
                    "locations": [{"unLocode": "CNSHA"}], "accounts": [warehouse], "roles": ["carrier"]
                }
            ],
            "threshold": [1, 2],
            "validators": [{"orgIndex": 0, "consensusKey": format!("0x{}", hex::encode(validator_key))}]
        });
        let spec = serde_json::json!({
            "name": "Tracechain Development",
            "id": "tracechain_dev",
            "chainType": "Development",
            "properties": {"ss58Format": 42, "tokenDecimals": 0, "tokenSymbol": "TRACE"},
            "genesis": {
                "timestamp": 0,
                "membership": membership,
                "identity": {"resolverDomain": "id.tracechain.localhost"},
                "customs": {"inspectionRules": [{"chapters": [1, 24], "scope": "quarantine"}]}
            }
        });
        Ok(serde_json::from_value(spec)?)
    }
}
