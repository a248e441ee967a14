//! Tests of the membership pallet against an in-memory state built from the acceptance story's
//! consortium.
//!
//! The tests are grouped by theme in the submodules; this module holds the fixtures they share.

use std::collections::BTreeMap;

use parity_scale_codec::{Decode, Encode};
use proptest::prelude::*;
use tracechain_pallet_testing::{
    accounts::{account, consensus_key, hex_account, signed},
    consortium::{Consortium, Founder},
    context::ContextBuilder,
    story::{
        CARRIER, CARRIER_ORG, CCIG, CCIG_ORG, GACC, GACC_ORG, IMPORTER, IMPORTER_ORG, OUTSIDER,
        SHANGHAI_CUSTOMS as CUSTOMS, SHANGHAI_CUSTOMS_ORG as CUSTOMS_ORG, TMALL, TMALL_ORG, WINERY, WINERY_ORG,
    },
};
use tracechain_primitives::{hashing::twox_128, AccountId32, BlockNumber};
use tracechain_support::{dispatch::DispatchError, Context, ModuleError, Origin, Overlay};

use super::*;

mod encodings;
mod equivocation_reports;
mod genesis;
mod governance;
mod organisations;

/// A second account of Shanghai customs'.
const CUSTOMS_DESK: u8 = 14;
const NEWCOMER: u8 = 20;

/// The id the next admitted organisation gets.
const NEW_ORG: OrgId = 7;

const BLOCK: BlockNumber = 100;

/// The `membership` section of the acceptance story's chain spec: three admin organisations
/// (the winery, Shanghai customs and the regulator), two validators. CCIG is accredited for
/// quarantine only and Tmall Global is a retailer only, so that the tests can grant more.
fn spec_json() -> serde_json::Value {
    Consortium::winery_and_carrier()
        .with(Founder::shanghai_fine_imports(IMPORTER))
        .with(Founder::shanghai_customs(CUSTOMS).account(CUSTOMS_DESK))
        .with(Founder::new("CCIG", "CN").un_locode("CNSHA").account(CCIG).inspector("quarantine"))
        .with(Founder::new("Tmall Global", "CN").un_locode("CNSHA").account(TMALL).role("retailer"))
        .with(Founder::gacc(GACC))
        .validator(CUSTOMS_ORG, 0x22)
        .to_json()
}

fn genesis() -> GenesisConfig {
    serde_json::from_value(spec_json()).unwrap()
}

/// A context at block `BLOCK` over the acceptance story's genesis state.
fn new_ctx(state: &BTreeMap<Vec<u8>, Vec<u8>>) -> Context<'_, Event> {
    ContextBuilder::new(state).genesis(build_genesis, &genesis()).at_block(BLOCK)
}

/// A context over a consortium whose only admin organisation is the winery: every proposal
/// meets the threshold with the proposer's approval and executes at once.
fn single_admin_ctx(state: &BTreeMap<Vec<u8>, Vec<u8>>) -> Context<'_, Event> {
    let mut config = genesis();
    for founder in &mut config.organisations[1..] {
        founder.roles.retain(|role| *role != Role::Admin);
    }
    config.validators.truncate(1);
    ContextBuilder::new(state).genesis(build_genesis, &config).at_block(BLOCK)
}

fn run(ctx: &mut Context<'_, Event>, who: u8, call: Call) -> DispatchResult {
    dispatch(ctx, &signed(who), call)
}

fn propose(ctx: &mut Context<'_, Event>, who: u8, action: Action) -> DispatchResult {
    run(ctx, who, Call::propose { action })
}

fn approve(ctx: &mut Context<'_, Event>, who: u8, proposal: u32) -> DispatchResult {
    run(ctx, who, Call::approve { proposal })
}

/// The events emitted so far, without their records.
fn events(ctx: &Context<'_, Event>) -> Vec<Event> {
    ctx.events().iter().map(|record| record.event.clone()).collect()
}

fn module_error(error: Error) -> DispatchError {
    tracechain_pallet_testing::errors::module_error(PALLET_INDEX, error as u8)
}

// Unchecked constructors: tests build invalid values on purpose.

fn prefix(digits: &str) -> CompanyPrefix {
    CompanyPrefix(digits.as_bytes().to_vec())
}

fn locode(code: &str) -> Location {
    Location::UnLocode(UnLocode(code.as_bytes().try_into().unwrap()))
}

fn gln(digits: &str) -> Location {
    Location::Gln(Gln(digits.as_bytes().try_into().unwrap()))
}

fn inspector(scope: &str) -> Role {
    Role::Inspector { scope: Scope(scope.as_bytes().to_vec()) }
}

fn customs(port: &str) -> Role {
    Role::CustomsAuthority { port: UnLocode(port.as_bytes().try_into().unwrap()) }
}

/// The fields of an `Admit` action, to vary one at a time.
struct Admission {
    name: Vec<u8>,
    country: CountryCode,
    company_prefixes: Vec<CompanyPrefix>,
    locations: Vec<Location>,
    accounts: Vec<AccountId32>,
    roles: Vec<Role>,
}

impl Admission {
    /// Le Havre Terminal, a carrier, with the newcomer's account.
    fn newcomer() -> Self {
        Admission {
            name: "Le Havre Terminal".as_bytes().to_vec(),
            country: CountryCode(*b"FR"),
            company_prefixes: vec![],
            locations: vec![locode("FRLEH")],
            accounts: vec![account(NEWCOMER)],
            roles: vec![Role::Carrier],
        }
    }

    fn action(self) -> Action {
        Action::Admit {
            name: self.name,
            country: self.country,
            company_prefixes: self.company_prefixes,
            locations: self.locations,
            accounts: self.accounts,
            roles: self.roles,
        }
    }
}

/// Dispatches `call` outside any transactional layer, so that a write made before the failure
/// would show in the committed changes, and checks that it fails with `error` having written
/// and emitted nothing.
fn assert_refused(ctx: &mut Context<'_, Event>, origin: &Origin, call: Call, error: DispatchError) {
    let changes_before = ctx.overlay.committed_changes().clone();
    let events_before = ctx.events().len();
    let result = dispatch(ctx, origin, call.clone());
    assert_eq!(result, Err(error), "{call:?}");
    assert_eq!(ctx.overlay.committed_changes(), &changes_before, "{call:?} wrote before failing");
    assert_eq!(ctx.events().len(), events_before, "{call:?} emitted an event");
    // And inside a transactional layer, as the executive runs it: the same error, nothing kept.
    let result = ctx.transactional(|ctx| dispatch(ctx, origin, call.clone()));
    assert_eq!(result, Err(error), "{call:?}");
    assert_eq!(ctx.overlay.committed_changes(), &changes_before);
}
