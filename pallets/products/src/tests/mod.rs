//! Tests of the products pallet against an in-memory state built by pallet-membership's genesis.
//!
//! The tests are grouped by theme in the submodules; this module holds the fixtures they share.

use std::collections::BTreeMap;

use pallet_membership::types::{CountryCode, Gln, Location, OrgId, UnLocode};
use parity_scale_codec::Encode;
use proptest::prelude::*;
use tracechain_pallet_testing::{
    accounts::{account, signed},
    consortium::{Consortium, Founder},
    context::{pallet_changes, ContextBuilder},
    errors::module_error,
    gs1::{wine_gtin, with_check_digit},
    story::{CARRIER, NOW, OUTSIDER, WINERY},
};
use tracechain_primitives::{hashing::blake2_256_h, H256};
use tracechain_support::{dispatch::DispatchError, Context};

use super::*;

mod classes;
mod commissioning;
mod encodings;
mod item_state;
mod recalls;

const RETAILER: u8 = 3;
const REGULATOR: u8 = 4;
const OTHER_MAKER: u8 = 5;
const BLOCK: u32 = 7;

/// The winery and the carrier of the acceptance story, its retailer and regulator, and a Belgian
/// manufacturer whose company prefix is not the winery's.
fn consortium() -> Consortium {
    let other_maker = Founder::new("Other Maker", "BE").company_prefix("9506000").un_locode("BEANR");
    Consortium::winery_and_carrier()
        .with(Founder::tmall_global(RETAILER))
        .with(Founder::gacc(REGULATOR))
        .with(other_maker.account(OTHER_MAKER).role("manufacturer"))
}

/// A fresh block context at block `BLOCK` and time `NOW` over the genesis state.
fn new_ctx(state: &BTreeMap<Vec<u8>, Vec<u8>>) -> Context<'_, Event> {
    ContextBuilder::new(state)
        .genesis(pallet_membership::build_genesis, &consortium().config())
        .time(&pallet_timestamp::NOW, NOW)
        .at_block(BLOCK)
}

fn org(ctx: &Context<'_, Event>, n: u8) -> OrgId {
    pallet_membership::organisation_of(ctx, &account(n)).unwrap()
}

/// The organisation's first registered location (the winery's GLN).
fn location_of(ctx: &Context<'_, Event>, n: u8) -> Location {
    pallet_membership::organisation(ctx, org(ctx, n)).unwrap().locations[0].clone()
}

fn register_call(gtin: &str) -> Call {
    Call::register_class {
        gtin: gtin.as_bytes().to_vec(),
        name: "Château X 2019, 750 ml".as_bytes().to_vec(),
        brand: "Château X".as_bytes().to_vec(),
        hs_code: b"220421".to_vec(),
        origin: "FR".parse().unwrap(),
        documents: vec![Document {
            hash: blake2_256_h(b"spec sheet"),
            uri: b"https://chateau-x.example/spec.pdf".to_vec(),
        }],
    }
}

fn register_wine(ctx: &mut Context<'_, Event>) {
    dispatch(ctx, &signed(WINERY), register_call(&wine_gtin())).unwrap();
}

fn serials_call(ctx: &Context<'_, Event>, lot: Option<&str>, serials: &[&str]) -> Call {
    Call::commission_serials {
        gtin: wine_gtin().into_bytes(),
        lot: lot.map(|lot| lot.as_bytes().to_vec()),
        serials: serials.iter().map(|serial| serial.as_bytes().to_vec()).collect(),
        production_date: 20_190_915,
        expiry_date: Some(20_390_915),
        location: location_of(ctx, WINERY),
    }
}

fn lot_call(ctx: &Context<'_, Event>, lot: &str, quantity: u32) -> Call {
    Call::commission_lot {
        gtin: wine_gtin().into_bytes(),
        lot: lot.as_bytes().to_vec(),
        quantity,
        production_date: 20_190_915,
        expiry_date: None,
        location: location_of(ctx, WINERY),
    }
}

fn commission(ctx: &mut Context<'_, Event>, who: u8, lot: Option<&str>, serials: &[&str]) -> DispatchResult {
    let call = serials_call(ctx, lot, serials);
    dispatch(ctx, &signed(who), call)
}

fn commission_lot_as(ctx: &mut Context<'_, Event>, who: u8, lot: &str, quantity: u32) -> DispatchResult {
    let call = lot_call(ctx, lot, quantity);
    dispatch(ctx, &signed(who), call)
}

fn gtin(text: &str) -> Gtin {
    text.parse().unwrap()
}

fn wine_serial(serial: &str) -> ItemId {
    serial_item_id(&gtin(&wine_gtin()), serial.as_bytes())
}

/// Everything the pallet stores, to check that a failed call changed nothing.
fn products_state(ctx: &Context<'_, Event>) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    pallet_changes(&ctx.overlay, PALLET_NAME)
}
