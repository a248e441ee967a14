//! The founding consortium as pallet-membership's genesis JSON (the `membership` section of a
//! chain spec), built from the acceptance story's organisations.
//!
//! A suite starts from [`Consortium::development_chain`] or from the two founders every suite
//! has ([`Consortium::winery_and_carrier`]), adds the members it needs with
//! [`Consortium::with`], and turns the result into its genesis config with
//! [`Consortium::config`]:
//!
//! ```
//! use tracechain_pallet_testing::consortium::{Consortium, Founder};
//!
//! let other_maker = Founder::new("Other Maker", "BE").company_prefix("9506000").un_locode("BEANR");
//! let json = Consortium::winery_and_carrier().with(other_maker.account(5).role("manufacturer")).to_json();
//! assert_eq!(json["organisations"][2]["roles"], serde_json::json!(["manufacturer"]));
//! ```

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::{
    accounts::{hex_account, hex_consensus_key},
    gs1::{WINERY_COMPANY_PREFIX, WINERY_GLN},
    story::{CARRIER, CCIG, GACC, IMPORTER, SHANGHAI_CUSTOMS, TMALL, WINERY, WINERY_ORG},
};

/// The byte of Château X's validator key (`0x1111…`).
pub const WINERY_VALIDATOR_KEY: u8 = 0x11;

/// A founding organisation: the fields of pallet-membership's `GenesisOrganisation`, added one
/// at a time. Roles and locations are JSON values in the chain spec's spelling.
#[derive(Clone, Debug, PartialEq)]
pub struct Founder {
    name: String,
    country: String,
    company_prefixes: Vec<String>,
    locations: Vec<Value>,
    accounts: Vec<u8>,
    roles: Vec<Value>,
}

impl Founder {
    /// An organisation with a name and a country (ISO 3166-1 alpha-2) and nothing else yet.
    pub fn new(name: &str, country: &str) -> Self {
        Founder {
            name: name.into(),
            country: country.into(),
            company_prefixes: vec![],
            locations: vec![],
            accounts: vec![],
            roles: vec![],
        }
    }

    /// Adds a GS1 company prefix.
    pub fn company_prefix(mut self, digits: &str) -> Self {
        self.company_prefixes.push(digits.into());
        self
    }

    /// Adds a location by its GLN.
    pub fn gln(mut self, digits: &str) -> Self {
        self.locations.push(json!({ "gln": digits }));
        self
    }

    /// Adds a location by its UN/LOCODE.
    pub fn un_locode(mut self, code: &str) -> Self {
        self.locations.push(json!({ "unLocode": code }));
        self
    }

    /// Adds account `n` ([`crate::accounts::account`]).
    pub fn account(mut self, n: u8) -> Self {
        self.accounts.push(n);
        self
    }

    /// Adds a role without parameters, as the chain spec names it: `"manufacturer"`, `"carrier"`,
    /// `"importer"`, `"retailer"`, `"seller"`, `"regulator"` or `"admin"`.
    pub fn role(mut self, role: &str) -> Self {
        self.roles.push(json!(role));
        self
    }

    /// Adds the customs authority role for the port with UN/LOCODE `port`.
    pub fn customs_authority(mut self, port: &str) -> Self {
        self.roles.push(json!({ "customsAuthority": { "port": port } }));
        self
    }

    /// Adds the inspector role for `scope` (`"quarantine"`, `"quality"`, …).
    pub fn inspector(mut self, scope: &str) -> Self {
        self.roles.push(json!({ "inspector": { "scope": scope } }));
        self
    }

    /// The organisation in pallet-membership's genesis JSON.
    pub fn to_json(&self) -> Value {
        let accounts: Vec<String> = self.accounts.iter().map(|&n| hex_account(n)).collect();
        json!({
            "name": self.name,
            "country": self.country,
            "companyPrefixes": self.company_prefixes,
            "locations": self.locations,
            "accounts": accounts,
            "roles": self.roles,
        })
    }

    // The story's organisations, as the development chain founds them, with the account a suite
    // gives them.

    /// Château X (FR): company prefix 3760001, the winery's GLN and Bordeaux (FRBOD);
    /// manufacturer, seller and admin.
    pub fn chateau_x(account: u8) -> Self {
        Founder::new("Château X", "FR")
            .company_prefix(WINERY_COMPANY_PREFIX)
            .gln(WINERY_GLN)
            .un_locode("FRBOD")
            .account(account)
            .role("manufacturer")
            .role("seller")
            .role("admin")
    }

    /// Atlantic Freight (FR), at Le Havre (FRLEH); carrier.
    pub fn atlantic_freight(account: u8) -> Self {
        Founder::new("Atlantic Freight", "FR").un_locode("FRLEH").account(account).role("carrier")
    }

    /// Shanghai Fine Imports (CN), at Shanghai (CNSHA); importer.
    pub fn shanghai_fine_imports(account: u8) -> Self {
        Founder::new("Shanghai Fine Imports", "CN").un_locode("CNSHA").account(account).role("importer")
    }

    /// Shanghai Customs (CN), at Shanghai (CNSHA); customs authority of CNSHA, and admin.
    pub fn shanghai_customs(account: u8) -> Self {
        Founder::new("Shanghai Customs", "CN")
            .un_locode("CNSHA")
            .account(account)
            .customs_authority("CNSHA")
            .role("admin")
    }

    /// CCIG (CN), at Shanghai (CNSHA); inspector for quarantine, quality and authenticity.
    pub fn ccig(account: u8) -> Self {
        Founder::new("CCIG", "CN")
            .un_locode("CNSHA")
            .account(account)
            .inspector("quarantine")
            .inspector("quality")
            .inspector("authenticity")
    }

    /// Tmall Global (CN), at Shanghai (CNSHA); retailer and seller.
    pub fn tmall_global(account: u8) -> Self {
        Founder::new("Tmall Global", "CN").un_locode("CNSHA").account(account).role("retailer").role("seller")
    }

    /// GACC (CN), with no location; regulator and admin.
    pub fn gacc(account: u8) -> Self {
        Founder::new("GACC", "CN").account(account).role("regulator").role("admin")
    }
}

/// The founding consortium: organisations (ids 0, 1, … in the order they are added), the
/// approval threshold (a strict majority, `[1, 2]`) and the validators.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Consortium {
    founders: Vec<Founder>,
    validators: Vec<(u32, u8)>,
}

impl Consortium {
    /// No organisations and no validators yet.
    pub fn new() -> Self {
        Consortium::default()
    }

    /// The two founders every suite has: Château X with account [`WINERY`] (organisation 0) and
    /// Atlantic Freight with account [`CARRIER`] (organisation 1), Château X running the one
    /// validator.
    pub fn winery_and_carrier() -> Self {
        Consortium::new()
            .with(Founder::chateau_x(WINERY))
            .with(Founder::atlantic_freight(CARRIER))
            .validator(WINERY_ORG, WINERY_VALIDATOR_KEY)
    }

    /// The development chain's consortium but its bonded warehouse: Château X, Atlantic Freight,
    /// Shanghai Fine Imports, Shanghai Customs, CCIG, Tmall Global and GACC, with the accounts and
    /// organisation ids of [`crate::story`], Château X running the one validator.
    pub fn development_chain() -> Self {
        Consortium::winery_and_carrier()
            .with(Founder::shanghai_fine_imports(IMPORTER))
            .with(Founder::shanghai_customs(SHANGHAI_CUSTOMS))
            .with(Founder::ccig(CCIG))
            .with(Founder::tmall_global(TMALL))
            .with(Founder::gacc(GACC))
    }

    /// Adds `founder` as the next organisation.
    pub fn with(mut self, founder: Founder) -> Self {
        self.founders.push(founder);
        self
    }

    /// Adds a validator run by organisation `org`, with key `n` ([`crate::accounts::consensus_key`]).
    pub fn validator(mut self, org: u32, key: u8) -> Self {
        self.validators.push((org, key));
        self
    }

    /// The consortium in pallet-membership's genesis JSON.
    pub fn to_json(&self) -> Value {
        let organisations: Vec<Value> = self.founders.iter().map(Founder::to_json).collect();
        let validators: Vec<Value> = self
            .validators
            .iter()
            .map(|&(org, key)| json!({ "orgIndex": org, "consensusKey": hex_consensus_key(key) }))
            .collect();
        json!({ "organisations": organisations, "threshold": [1, 2], "validators": validators })
    }

    /// The consortium as the genesis config `G` reads it (pallet-membership's `GenesisConfig`).
    ///
    /// # Panics
    /// If `G` refuses the JSON: the suite's consortium is malformed.
    pub fn config<G: DeserializeOwned>(&self) -> G {
        serde_json::from_value(self.to_json()).expect("the consortium is a valid genesis config")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_development_chain_numbers_its_founders_as_the_story_does() {
        let json = Consortium::development_chain().to_json();
        let names: Vec<&str> =
            json["organisations"].as_array().into_iter().flatten().filter_map(|o| o["name"].as_str()).collect();
        assert_eq!(
            names,
            [
                "Château X",
                "Atlantic Freight",
                "Shanghai Fine Imports",
                "Shanghai Customs",
                "CCIG",
                "Tmall Global",
                "GACC"
            ]
        );
        for (index, account) in [WINERY, CARRIER, IMPORTER, SHANGHAI_CUSTOMS, CCIG, TMALL, GACC].into_iter().enumerate()
        {
            assert_eq!(json["organisations"][index]["accounts"], json!([hex_account(account)]));
        }
        assert_eq!(json["threshold"], json!([1, 2]));
        assert_eq!(json["validators"], json!([{ "orgIndex": 0, "consensusKey": format!("0x{}", "11".repeat(32)) }]));
    }

    #[test]
    fn founders_spell_roles_and_locations_as_the_chain_spec_does() {
        let customs = Founder::shanghai_customs(4).account(14).to_json();
        assert_eq!(customs["roles"], json!([{ "customsAuthority": { "port": "CNSHA" } }, "admin"]));
        assert_eq!(customs["locations"], json!([{ "unLocode": "CNSHA" }]));
        assert_eq!(customs["accounts"], json!([hex_account(4), hex_account(14)]));
        let winery = Founder::chateau_x(1).to_json();
        assert_eq!(winery["locations"], json!([{ "gln": "3760001000009" }, { "unLocode": "FRBOD" }]));
        assert_eq!(winery["companyPrefixes"], json!(["3760001"]));
        assert_eq!(Founder::ccig(5).to_json()["roles"][2], json!({ "inspector": { "scope": "authenticity" } }));
    }

    #[test]
    fn config_reads_the_json_into_any_deserialisable_type() {
        #[derive(serde::Deserialize)]
        struct Counted {
            organisations: Vec<Value>,
            validators: Vec<Value>,
        }
        let counted: Counted = Consortium::winery_and_carrier().validator(1, 0x22).config();
        assert_eq!((counted.organisations.len(), counted.validators.len()), (2, 2));
    }
}
