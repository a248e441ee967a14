//! The acceptance story's cast as the development chain numbers it: Château X ships wine to
//! Shanghai with Atlantic Freight, Shanghai Fine Imports declares it, Shanghai Customs clears it
//! once CCIG's quarantine inspection passes, Tmall Global sells it, and GACC regulates.
//!
//! [`Consortium::development_chain`](crate::consortium::Consortium::development_chain) founds
//! these members with these accounts, in this order, so they get these organisation ids. A
//! suite with a smaller consortium of its own keeps the first numbers (winery, carrier and, where
//! it has one, importer) and numbers its other members itself.

use tracechain_primitives::Moment;

/// Château X, the winery and brand owner (company prefix 3760001).
pub const WINERY: u8 = 1;
/// Atlantic Freight, the carrier.
pub const CARRIER: u8 = 2;
/// Shanghai Fine Imports, the importer of record.
pub const IMPORTER: u8 = 3;
/// Shanghai Customs, the customs authority of the port CNSHA.
pub const SHANGHAI_CUSTOMS: u8 = 4;
/// CCIG, the inspection body accredited for quarantine, quality and authenticity.
pub const CCIG: u8 = 5;
/// Tmall Global, the retailer.
pub const TMALL: u8 = 6;
/// GACC, the regulator.
pub const GACC: u8 = 7;
/// An account of no member organisation.
pub const OUTSIDER: u8 = 9;

/// Château X's organisation id (pallet-membership's `OrgId`).
pub const WINERY_ORG: u32 = 0;
/// Atlantic Freight's organisation id.
pub const CARRIER_ORG: u32 = 1;
/// Shanghai Fine Imports' organisation id.
pub const IMPORTER_ORG: u32 = 2;
/// Shanghai Customs' organisation id in the development chain's consortium.
pub const SHANGHAI_CUSTOMS_ORG: u32 = 3;
/// CCIG's organisation id in the development chain's consortium.
pub const CCIG_ORG: u32 = 4;
/// Tmall Global's organisation id in the development chain's consortium.
pub const TMALL_ORG: u32 = 5;
/// GACC's organisation id in the development chain's consortium.
pub const GACC_ORG: u32 = 6;

/// The time of the suites' blocks: 14 November 2023, 22:13:20 UTC, in milliseconds.
pub const NOW: Moment = 1_700_000_000_000;
