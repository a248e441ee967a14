//! The wine of the brief — Château X 2019, 750 ml, from Bordeaux to Shanghai — as identifiers and
//! calls shared by everything that tells its story: the supply-chain workload of the benchmarks,
//! the scripted JSON-RPC client, and tests. The development chain spec gives the dev accounts the
//! story's roles.

use tracechain_primitives::H256;

use pallet_custody::types::Subject;
use pallet_inspection::types::{InspectionResult, InspectionSubject};
use pallet_membership::types::{CountryCode, Location, Scope, UnLocode};

use crate::RuntimeCall;

/// GTIN-14 of "Château X 2019, 750 ml": indicator 0, company prefix 3760001, item 00001.
pub const GTIN: &str = "03760001000016";
/// The lot of the 2019 bottling.
pub const LOT: &[u8] = b"L2019-01";
/// The winery's GLN.
pub const WINERY_GLN: &str = "3760001000009";
/// The HS code of wine of fresh grapes in containers of 2 l or less.
pub const HS_CODE: &[u8] = b"220421";

/// A location from its text: 13 digits are a GLN, anything else a UN/LOCODE.
pub fn location(text: &str) -> Result<Location, String> {
    let parsed = if text.len() == 13 { text.parse().map(Location::Gln) } else { text.parse().map(Location::UnLocode) };
    parsed.map_err(|error| format!("location {text}: {error:?}"))
}

/// Château X registers the product class.
pub fn register_class() -> RuntimeCall {
    RuntimeCall::Products(pallet_products::Call::register_class {
        gtin: GTIN.as_bytes().to_vec(),
        name: "Château X 2019, 750 ml".as_bytes().to_vec(),
        brand: "Château X".as_bytes().to_vec(),
        hs_code: HS_CODE.to_vec(),
        origin: CountryCode(*b"FR"),
        documents: Vec::new(),
    })
}

/// Château X commissions bottles with `serials` of the 2019 lot at `location`.
pub fn commission(serials: Vec<Vec<u8>>, location: Location) -> RuntimeCall {
    RuntimeCall::Products(pallet_products::Call::commission_serials {
        gtin: GTIN.as_bytes().to_vec(),
        lot: Some(LOT.to_vec()),
        serials,
        production_date: 20_200_315,
        expiry_date: None,
        location,
    })
}

/// The importer declares `subjects` at Shanghai (CNSHA), of French origin, worth
/// `declared_value` euro cents.
pub fn declare_at_shanghai(subjects: Vec<Subject>, declared_value: u128) -> RuntimeCall {
    RuntimeCall::Customs(pallet_customs::Call::declare {
        subjects,
        hs_code: HS_CODE.to_vec(),
        declared_origin: CountryCode(*b"FR"),
        declared_value,
        currency: *b"EUR",
        port_of_entry: UnLocode(*b"CNSHA"),
        documents: vec![H256::repeat_byte(0xd0)],
    })
}

/// CCIG attests that `subject` passed its quarantine inspection.
pub fn attest_quarantine_pass(subject: InspectionSubject) -> Result<RuntimeCall, String> {
    let scope: Scope = "quarantine".parse().map_err(|error| format!("scope: {error:?}"))?;
    Ok(RuntimeCall::Inspection(pallet_inspection::Call::attest {
        subject,
        scope,
        result: InspectionResult::Pass,
        report_hash: H256::repeat_byte(0x1a),
        report_uri: b"https://ccig.example/reports/2026/000777.pdf".to_vec(),
        valid_until: None,
        conditions: None,
    }))
}
