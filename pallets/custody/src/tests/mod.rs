//! Tests of the custody pallet against an in-memory state built from the acceptance story's
//! consortium (pallet-membership's genesis) with items commissioned through pallet-products.
//!
//! The tests are grouped by theme in the submodules; this module holds the fixtures they share.

use std::{collections::BTreeMap, ops::RangeInclusive, sync::OnceLock};

use pallet_membership::types::{Gln, Location, OrgId, UnLocode};
use pallet_products::{serial_item_id, CustomsState, Gtin, ItemStatus};
use parity_scale_codec::{Decode, Encode};
use proptest::prelude::*;
use tracechain_pallet_testing::{
    accounts::{account, signed},
    commission_serials_call,
    consortium::{Consortium, Founder, WINERY_VALIDATOR_KEY},
    context::ContextBuilder,
    events::last_event_of,
    gs1::{sscc, winery_gtin, WINERY_GLN},
    register_wine_call,
    story::{CARRIER, CARRIER_ORG, IMPORTER, IMPORTER_ORG, NOW, OUTSIDER, WINERY, WINERY_ORG},
    test_events,
};
use tracechain_primitives::{gs1::check_digit, BlockNumber, Moment};
use tracechain_support::{dispatch::DispatchError, weight::DEFAULT_BLOCK_LIMITS, Context, ModuleError, Overlay};

use super::*;
use crate::weights::{BASE_WEIGHT, PER_UNIT_WEIGHT};

mod aggregates;
mod blocked_goods;
mod encodings;
mod expiry;
mod history;
mod proposals;

/// A second account of the winery's.
const WINERY_CLERK: u8 = 11;
const WAREHOUSE: u8 = 4;
const TMALL: u8 = 5;

const WAREHOUSE_ORG: OrgId = 3;
const TMALL_ORG: OrgId = 4;

const BLOCK: BlockNumber = 10;
/// Bottles commissioned in every test context (lot `L2019`).
const BOTTLES: RangeInclusive<u32> = 1..=20;

test_events! {
    /// The events of both pallets under test.
    TestEvent { Products(pallet_products::Event), Custody(Event) }
}

type Ctx<'a> = Context<'a, TestEvent>;

/// The acceptance story's consortium up to the retailer, with a bonded warehouse that holds no
/// role and a second account of the winery's.
fn consortium() -> Consortium {
    Consortium::new()
        .with(Founder::chateau_x(WINERY).account(WINERY_CLERK))
        .with(Founder::atlantic_freight(CARRIER))
        .with(Founder::shanghai_fine_imports(IMPORTER))
        .with(Founder::new("Waigaoqiao Bonded Warehouse", "CN").un_locode("CNSHA").account(WAREHOUSE))
        .with(Founder::tmall_global(TMALL))
        .validator(WINERY_ORG, WINERY_VALIDATOR_KEY)
}

/// "Château X 2019, 750 ml" under the development chain's GTIN: item reference 00001.
fn gtin() -> Vec<u8> {
    winery_gtin("00001").into_bytes()
}

fn bottle(n: u32) -> ItemId {
    serial_item_id(&Gtin::parse(&gtin()).unwrap(), n.to_string().as_bytes())
}

fn item(n: u32) -> Subject {
    Subject::Item(bottle(n))
}

fn winery_gln() -> Location {
    Location::Gln(Gln(WINERY_GLN.as_bytes().try_into().unwrap()))
}

fn port(code: &[u8; 5]) -> Location {
    Location::UnLocode(UnLocode(*code))
}

fn products_error(error: pallet_products::Error) -> DispatchError {
    error.into()
}

/// Commissions bottles `serials` in lot `lot` at the winery, in batches that products accepts.
fn commission(ctx: &mut Ctx<'_>, serials: RangeInclusive<u32>, lot: &[u8]) {
    let serials: Vec<Vec<u8>> = serials.map(|n| n.to_string().into_bytes()).collect();
    for batch in serials.chunks(pallet_products::MAX_BATCH) {
        let call = commission_serials_call!(gtin(), Some(lot), batch, winery_gln());
        pallet_products::dispatch(ctx, &signed(WINERY), call).unwrap();
    }
}

/// Block `BLOCK` at time `NOW` over the genesis consortium, with the product class registered and
/// bottles `BOTTLES` commissioned at the winery's GLN.
fn new_ctx(state: &BTreeMap<Vec<u8>, Vec<u8>>) -> Ctx<'_> {
    let mut ctx = ContextBuilder::new(state)
        .genesis(pallet_membership::build_genesis, &consortium().config())
        .time(&pallet_timestamp::NOW, NOW)
        .at_block(BLOCK);
    pallet_products::dispatch(&mut ctx, &signed(WINERY), register_wine_call!(gtin())).unwrap();
    commission(&mut ctx, BOTTLES, b"L2019");
    ctx.take_events();
    ctx
}

/// The next block, `millis` later.
fn next_block(ctx: Ctx<'_>, millis: Moment) -> Ctx<'_> {
    let number = ctx.block_number() + 1;
    let (mut overlay, _) = ctx.into_parts();
    let now = pallet_timestamp::now(&overlay) + millis;
    pallet_timestamp::NOW.put(&mut overlay, &now);
    Context::new(overlay, number)
}

/// Dispatches straight into the block's overlay, without the executive's transactional layer:
/// a failing call must leave nothing behind on its own.
fn call(ctx: &mut Ctx<'_>, who: u8, call: Call) -> DispatchResult {
    dispatch(ctx, &signed(who), call)
}

fn propose(
    ctx: &mut Ctx<'_>,
    who: u8,
    subject: Subject,
    kind: TransferKind,
    to: OrgId,
) -> Result<ProposalId, DispatchError> {
    let id = NEXT_PROPOSAL_ID.get(ctx);
    call(ctx, who, Call::propose_transfer { subject, kind, to, location: winery_gln() }).map(|()| id)
}

fn accept(ctx: &mut Ctx<'_>, who: u8, proposal: ProposalId, location: Location) -> DispatchResult {
    call(ctx, who, Call::accept { proposal, location })
}

fn pack(ctx: &mut Ctx<'_>, who: u8, sscc: Sscc, children: Vec<Subject>) -> DispatchResult {
    call(ctx, who, Call::pack { sscc, children, location: winery_gln() })
}

fn bottles(range: RangeInclusive<u32>) -> Vec<Subject> {
    range.map(item).collect()
}

fn product(ctx: &Ctx<'_>, n: u32) -> pallet_products::Item {
    pallet_products::item(ctx, &bottle(n)).unwrap()
}

fn last_event(ctx: &Ctx<'_>) -> Event {
    last_event_of(ctx).cloned().expect("a custody event")
}

/// Moves custody of `subject` from `from` to `to` (accepted at `location`).
fn hand_over(ctx: &mut Ctx<'_>, from: u8, subject: Subject, to: (u8, OrgId), location: Location) {
    let id = propose(ctx, from, subject, TransferKind::Custody, to.1).unwrap();
    accept(ctx, to.0, id, location).unwrap();
}
