//! `trace_*`: the domain API for integrators who do not want SCALE — products, items, journeys,
//! customs and inspections as plain JSON, read from the chain's state at one block.
//!
//! | method | params | result |
//! |---|---|---|
//! | `trace_getProductClass` | gtin, at? | the class (name, brand, HS code, origin, brand organisation, documents, recall) or `null` |
//! | `trace_getItem` | item, at? | the item's identity and current state (a journey without its history) or `null` |
//! | `trace_getJourney` | item, at? | the item's full journey: every step with block, time, organisation and roles, bizStep, disposition, location; declarations and inspections with document hashes; or `null`. A journey of more than [`MAX_JOURNEY_STEPS`] steps is refused (error 5001, see below) |
//! | `trace_getJourneyPage` | item, page, at? | `{item, page, pages, totalSteps, steps, at}`: the steps of custody history page `page` (0 to `pages` − 1, 64 history steps a page) with the steps other pallets recorded among them, in journey order, so the pages concatenate to `trace_getJourney`'s `steps`; `pages` (at least 1) and `totalSteps` count the whole journey; or `null` |
//! | `trace_getOpenDeclarations` | port, at? | the open customs declarations at a port (UN/LOCODE): each declarant's share in the order of its storage key (`Customs.OpenByPortAndDeclarant`, by `twox64` of the organisation id), oldest first within a share |
//! | `trace_getAttestations` | item, at? | the inspections covering an item (directly, by lot or by aggregate) |
//! | `trace_getRecalls` | gtin?, at? | the recalls of a product class and its lots, or of every class |
//! | `trace_getEpcis` | item, at? | the item's journey as a GS1 EPCIS 2.0 `EPCISDocument` (JSON-LD, see [`tracechain_runtime::epcis`]) or `null` |
//!
//! `item` is an item id (`0x` + 64 hex digits) or the item's GS1 Digital Link URI; `at` a block
//! hash (default: the best block). Every object answered carries `at`: the block hash and number
//! whose state it was read from, so that a client can fetch proofs against the same state.
//!
//! ## Failure
//! A malformed GTIN, port, item id, URI or page index, and a page past the journey's last, are
//! invalid-params errors that say what was wrong;
//! an unknown block is the same error as `state_*`'s; a state the node cannot read (pruned, or a
//! corrupt node) is a state error with the node's reason. Unknown items and classes are `null`.
//! A journey that cannot be exported as EPCIS (a step whose block time or hash the node no longer
//! has) is a state error that names the step. A journey too long for `trace_getJourney` is error
//! 5001 (`codes::TRACE_JOURNEY_TOO_LONG`), whose message names its step count and says to read it
//! with `trace_getJourneyPage`, and whose `data` is `{steps, pages, maxSteps}`.

use std::{cell::RefCell, collections::BTreeMap, sync::Arc};

use jsonrpsee::{
    types::{ErrorObject, ErrorObjectOwned},
    RpcModule,
};
use serde::Serialize;
use serde_json::Value;
use tracechain_primitives::{header::Header, storage_key, BlockNumber, Moment, H256};
use tracechain_runtime::{
    epcis::{self, EpcisContext},
    journey::{self, Journey, JourneyPageError, JourneyParts},
};
use tracechain_support::{overlay::StateReader, Overlay};

use pallet_membership::types::UnLocode;
use pallet_products::types::{Gtin, Recall};

use crate::{
    client::NodeClient,
    error::{codes, state_error, RpcError},
    json::{decode_hex, Args},
    state::resolve_at,
};

/// Most recalls `trace_getRecalls` answers.
pub const MAX_RECALLS: usize = 1000;
/// Most steps `trace_getJourney` answers whole (eight custody history pages of 64); a longer journey
/// is read page by page with `trace_getJourneyPage`.
pub const MAX_JOURNEY_STEPS: u64 = 512;

/// The block a `trace_*` answer was read at.
#[derive(Clone, Debug, Serialize)]
pub struct AtJson {
    /// Block hash.
    pub hash: H256,
    /// Block number.
    pub number: BlockNumber,
}

/// A recall in `trace_getRecalls`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecallJson {
    /// The recalled class.
    pub gtin: String,
    /// The recalled lot; `None` for a recall of the whole class.
    pub lot: Option<String>,
    /// Who, why and when.
    #[serde(flatten)]
    pub notice: journey::Notice,
}

/// A list read at one block.
#[derive(Clone, Debug, Serialize)]
pub struct ListJson<T> {
    /// Where it was read.
    pub at: AtJson,
    /// The entries.
    pub entries: Vec<T>,
}

/// The state of one block, read through the node.
pub(crate) struct ClientState<'a> {
    pub(crate) client: &'a dyn NodeClient,
    pub(crate) state_root: H256,
}

impl StateReader for ClientState<'_> {
    fn read(&self, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
        self.client.storage(self.state_root, key).map_err(|error| error.to_string())
    }
}

/// Runs `read` over the state of `header`; a state read failure becomes the answer.
fn with_state<R>(
    client: &dyn NodeClient,
    header: &Header,
    read: impl FnOnce(&Overlay<'_>) -> R,
) -> Result<R, ErrorObjectOwned> {
    let state = ClientState { client, state_root: header.state_root };
    let overlay = Overlay::new(&state);
    let result = read(&overlay);
    match overlay.corruption() {
        Some(reason) => Err(state_error(format!("the state of block #{} cannot be read: {reason}", header.number))),
        None => Ok(result),
    }
}

fn at_json(header: &Header) -> AtJson {
    AtJson { hash: header.hash(), number: header.number }
}

/// Adds `at` to a serialised object.
fn with_at<T: Serialize>(value: &T, header: &Header) -> Result<Value, ErrorObjectOwned> {
    let mut json = serde_json::to_value(value).map_err(|error| state_error(format!("serialisation: {error}")))?;
    if let Value::Object(fields) = &mut json {
        fields.insert("at".into(), serde_json::json!(at_json(header)));
    }
    Ok(json)
}

/// An item named by id (`0x` + 64 hex digits) or by its GS1 Digital Link URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemRef {
    /// The item id.
    Id(H256),
    /// A Digital Link URI (parsed, not yet resolved).
    Uri(String),
}

pub(crate) fn parse_item(args: &Args, index: usize) -> Result<ItemRef, ErrorObjectOwned> {
    let text = args.required_str(index)?;
    if text.starts_with("0x") {
        let bytes = decode_hex(text).map_err(|reason| args.error(index, reason))?;
        let id: [u8; 32] = bytes
            .try_into()
            .map_err(|bytes: Vec<u8>| args.error(index, format!("an item id is 32 bytes, not {}", bytes.len())))?;
        return Ok(ItemRef::Id(H256(id)));
    }
    if text.starts_with("https://") || text.starts_with("http://") {
        pallet_identity::parse_digital_link(text)
            .map_err(|error| args.error(index, format!("not a GS1 Digital Link of an item: {error:?}")))?;
        return Ok(ItemRef::Uri(text.to_string()));
    }
    Err(args.error(index, "expected an item id (0x + 64 hex digits) or a GS1 Digital Link URI".into()))
}

fn parse_gtin(args: &Args, index: usize) -> Result<Gtin, ErrorObjectOwned> {
    let text = args.required_str(index)?;
    Gtin::parse(text.as_bytes()).map_err(|error| args.error(index, format!("not a valid GTIN: {error:?}")))
}

/// The journey of `item` in the state of `header`, every history page read.
fn journey_at(client: &dyn NodeClient, header: &Header, item: &ItemRef) -> Result<Option<Journey>, ErrorObjectOwned> {
    let Some(parts) = journey_parts_at(client, header, item)? else { return Ok(None) };
    with_state(client, header, |state| parts.into_journey(state)).map(Some)
}

/// The journey of `item` in the state of `header` without its history's pages (see
/// [`JourneyParts`]), with times of past blocks read from their headers' states (each block once).
fn journey_parts_at(
    client: &dyn NodeClient,
    header: &Header,
    item: &ItemRef,
) -> Result<Option<JourneyParts>, ErrorObjectOwned> {
    let times: RefCell<BTreeMap<BlockNumber, Option<Moment>>> = RefCell::new(BTreeMap::new());
    let block_time = |number: BlockNumber| -> Option<Moment> {
        if let Some(time) = times.borrow().get(&number) {
            return *time;
        }
        let time = client
            .hash_of(number)
            .ok()
            .flatten()
            .and_then(|hash| client.header(&hash).ok().flatten())
            .and_then(|past| with_state(client, &past, |state| pallet_timestamp::now(state)).ok());
        times.borrow_mut().insert(number, time);
        time
    };
    with_state(client, header, |state| {
        let id = match item {
            ItemRef::Id(id) => Some(*id),
            ItemRef::Uri(uri) => pallet_identity::item_for_uri(state, uri),
        };
        id.and_then(|id| journey::journey_parts(state, &id, &block_time))
    })
}

/// `trace_getJourney`'s refusal of a journey longer than [`MAX_JOURNEY_STEPS`].
fn journey_too_long(parts: &JourneyParts) -> ErrorObjectOwned {
    let (steps, pages) = (parts.total_steps(), parts.pages());
    ErrorObject::owned(
        codes::TRACE_JOURNEY_TOO_LONG,
        format!(
            "the journey of {} has {steps} steps, more than the {MAX_JOURNEY_STEPS} trace_getJourney answers whole: \
             read it with trace_getJourneyPage, pages 0 to {}",
            parts.journey.item,
            pages.saturating_sub(1)
        ),
        Some(serde_json::json!({ "steps": steps, "pages": pages, "maxSteps": MAX_JOURNEY_STEPS })),
    )
}

/// The EPCIS 2.0 document of `item`'s journey in the state of `header`: event ids from the hashes
/// of the steps' blocks, EPC URNs from the company prefixes registered in that state, and the
/// document's creation date from that block's time.
pub fn epcis_at(client: &dyn NodeClient, header: &Header, item: &ItemRef) -> Result<Option<Value>, ErrorObjectOwned> {
    let Some(journey) = journey_at(client, header, item)? else { return Ok(None) };
    let (company_prefixes, creation_time) = with_state(client, header, |state| {
        let prefixes = epcis::gs1_key_digits(&journey)
            .iter()
            .filter_map(|digits| pallet_membership::prefix_owner(state, digits.as_bytes()))
            .map(|(_, prefix)| String::from_utf8_lossy(prefix.as_bytes()).into_owned())
            .collect();
        (prefixes, pallet_timestamp::now(state))
    })?;
    let context = EpcisContext { company_prefixes, creation_time };
    epcis::epcis_document(&journey, &context)
        .map(Some)
        .map_err(|error| state_error(format!("the journey of {} cannot be exported as EPCIS: {error}", journey.item)))
}

/// What a GS1 resolver answers for a GTIN at the finalized block (a walk-up from an unknown
/// serial or lot to its product class): the class's view and whether the whole class is
/// recalled, or `None` for an unregistered GTIN.
pub fn product_class_at_finalized(
    client: &dyn NodeClient,
    gtin: &Gtin,
) -> Result<Option<(journey::Product, bool)>, ErrorObjectOwned> {
    let header = client.finalized_header();
    with_state(client, &header, |state| {
        pallet_products::product_class(state, gtin).map(|class| {
            (journey::product_view(state, &class), pallet_products::CLASS_RECALLS.get(state, gtin).is_some())
        })
    })
}

/// The chain's resolver domain (where its Digital Links point) at the finalized block.
pub fn resolver_domain_at_finalized(client: &dyn NodeClient) -> Result<String, ErrorObjectOwned> {
    let header = client.finalized_header();
    with_state(client, &header, |state| pallet_identity::resolver_domain(state))
}

/// Registers the `trace_*` methods.
pub(crate) fn register(module: &mut RpcModule<Arc<dyn NodeClient>>) -> Result<(), RpcError> {
    module.register_blocking_method(
        "trace_getProductClass",
        |params, client, _| -> Result<Option<Value>, ErrorObjectOwned> {
            let args = Args::parse(&params, "trace_getProductClass", &["gtin", "at"])?;
            let gtin = parse_gtin(&args, 0)?;
            let header = resolve_at(&**client, args.hash(1)?)?;
            let class = with_state(&**client, &header, |state| {
                pallet_products::product_class(state, &gtin).map(|class| {
                    let recall = pallet_products::CLASS_RECALLS.get(state, &gtin);
                    (journey::product_view(state, &class), recall.map(|recall| journey::recall_view(state, &recall)))
                })
            })?;
            class
                .map(|(product, recall)| {
                    let mut json = with_at(&product, &header)?;
                    json["gtin"] = Value::String(gtin.to_string());
                    json["recall"] = serde_json::to_value(recall).unwrap_or(Value::Null);
                    Ok(json)
                })
                .transpose()
        },
    )?;
    module.register_blocking_method(
        "trace_getItem",
        |params, client, _| -> Result<Option<Value>, ErrorObjectOwned> {
            let args = Args::parse(&params, "trace_getItem", &["item", "at"])?;
            let item = parse_item(&args, 0)?;
            let header = resolve_at(&**client, args.hash(1)?)?;
            // The item's state needs no history page.
            journey_parts_at(&**client, &header, &item)?
                .map(|parts| {
                    let mut json = with_at(&parts.journey, &header)?;
                    if let Value::Object(fields) = &mut json {
                        for history in ["steps", "declarations", "inspections"] {
                            fields.remove(history);
                        }
                    }
                    Ok(json)
                })
                .transpose()
        },
    )?;
    module.register_blocking_method(
        "trace_getJourney",
        |params, client, _| -> Result<Option<Value>, ErrorObjectOwned> {
            let args = Args::parse(&params, "trace_getJourney", &["item", "at"])?;
            let item = parse_item(&args, 0)?;
            let header = resolve_at(&**client, args.hash(1)?)?;
            let Some(parts) = journey_parts_at(&**client, &header, &item)? else { return Ok(None) };
            // Counted before a history page is read.
            if parts.total_steps() > MAX_JOURNEY_STEPS {
                return Err(journey_too_long(&parts));
            }
            let journey = with_state(&**client, &header, |state| parts.into_journey(state))?;
            with_at(&journey, &header).map(Some)
        },
    )?;
    module.register_blocking_method(
        "trace_getJourneyPage",
        |params, client, _| -> Result<Option<Value>, ErrorObjectOwned> {
            let args = Args::parse(&params, "trace_getJourneyPage", &["item", "page", "at"])?;
            let item = parse_item(&args, 0)?;
            let page = args.required_u32(1)?;
            let header = resolve_at(&**client, args.hash(2)?)?;
            let Some(parts) = journey_parts_at(&**client, &header, &item)? else { return Ok(None) };
            let page =
                with_state(&**client, &header, |state| parts.page(state, page))?.map_err(|error| match error {
                    JourneyPageError::PastTheEnd { page, pages } => args.error(
                        1,
                        format!(
                            "is {page}, past the end: the journey of {} has {pages} page(s), 0 to {}",
                            parts.journey.item,
                            pages.saturating_sub(1)
                        ),
                    ),
                })?;
            with_at(&page, &header).map(Some)
        },
    )?;
    module.register_blocking_method(
        "trace_getEpcis",
        |params, client, _| -> Result<Option<Value>, ErrorObjectOwned> {
            let args = Args::parse(&params, "trace_getEpcis", &["item", "at"])?;
            let item = parse_item(&args, 0)?;
            let header = resolve_at(&**client, args.hash(1)?)?;
            epcis_at(&**client, &header, &item)
        },
    )?;
    module.register_blocking_method(
        "trace_getOpenDeclarations",
        |params, client, _| -> Result<ListJson<journey::DeclarationView>, ErrorObjectOwned> {
            let args = Args::parse(&params, "trace_getOpenDeclarations", &["port", "at"])?;
            let port: UnLocode =
                args.required_str(0)?.parse().map_err(|error| args.error(0, format!("not a UN/LOCODE: {error:?}")))?;
            let header = resolve_at(&**client, args.hash(1)?)?;
            let keys = worklist_keys(&**client, &header, &port)?;
            let entries = with_state(&**client, &header, |state| {
                pallet_customs::open_declarations_by_port(state, &port, &keys)
                    .iter()
                    .map(|(id, declaration)| journey::declaration_view(state, *id, declaration))
                    .collect()
            })?;
            Ok(ListJson { at: at_json(&header), entries })
        },
    )?;
    module.register_blocking_method(
        "trace_getAttestations",
        |params, client, _| -> Result<Option<ListJson<journey::InspectionView>>, ErrorObjectOwned> {
            let args = Args::parse(&params, "trace_getAttestations", &["item", "at"])?;
            let item = parse_item(&args, 0)?;
            let header = resolve_at(&**client, args.hash(1)?)?;
            // The inspections need no history page.
            Ok(journey_parts_at(&**client, &header, &item)?
                .map(|parts| ListJson { at: at_json(&header), entries: parts.journey.inspections }))
        },
    )?;
    module.register_blocking_method(
        "trace_getRecalls",
        |params, client, _| -> Result<ListJson<RecallJson>, ErrorObjectOwned> {
            let args = Args::parse(&params, "trace_getRecalls", &["gtin", "at"])?;
            let gtin = match args.value(0) {
                None | Some(Value::Null) => None,
                Some(_) => Some(parse_gtin(&args, 0)?),
            };
            let header = resolve_at(&**client, args.hash(1)?)?;
            let entries = recalls(&**client, &header, gtin.as_ref())?;
            Ok(ListJson { at: at_json(&header), entries })
        },
    )?;
    Ok(())
}

/// How many worklist keys one read of `trace_getOpenDeclarations` asks the node for at a time.
const WORKLIST_KEYS_PER_READ: usize = 256;

/// The keys of `port`'s customs worklist in the state of `header`, in key order: one per
/// declarant with open declarations there (`Customs.OpenByPortAndDeclarant`), so at most one per
/// member organisation.
fn worklist_keys(client: &dyn NodeClient, header: &Header, port: &UnLocode) -> Result<Vec<Vec<u8>>, ErrorObjectOwned> {
    let prefix = pallet_customs::worklist_prefix(port);
    let mut keys: Vec<Vec<u8>> = Vec::new();
    loop {
        let page = client
            .storage_keys(header.state_root, &prefix, WORKLIST_KEYS_PER_READ, keys.last().map(Vec::as_slice))
            .map_err(|error| state_error(error.to_string()))?;
        let last_page = page.len() < WORKLIST_KEYS_PER_READ;
        keys.extend(page);
        if last_page {
            return Ok(keys);
        }
    }
}

/// The class and lot recalls of `gtin` (of every class if `None`), classes first, at most
/// [`MAX_RECALLS`]. Keys are `Blake2_128Concat`, so the GTIN and lot are read from the keys.
fn recalls(client: &dyn NodeClient, header: &Header, gtin: Option<&Gtin>) -> Result<Vec<RecallJson>, ErrorObjectOwned> {
    use parity_scale_codec::{Decode, Encode};
    let mut found = Vec::new();
    for (item, lots) in [("ClassRecalls", false), ("LotRecalls", true)] {
        let map_prefix_len = 32;
        let prefix = match gtin {
            Some(gtin) => storage_key::map_key(
                pallet_products::PALLET_NAME,
                item,
                storage_key::StorageHasher::Blake2_128Concat,
                &gtin.encode(),
            ),
            None => storage_key::storage_prefix(pallet_products::PALLET_NAME, item).to_vec(),
        };
        let keys = client
            .storage_keys(header.state_root, &prefix, MAX_RECALLS.saturating_sub(found.len()), None)
            .map_err(|error| state_error(error.to_string()))?;
        for key in keys {
            let corrupt = || state_error(format!("undecodable Products.{item} key 0x{}", hex::encode(&key)));
            let mut rest = key.get(map_prefix_len + 16..).ok_or_else(corrupt)?;
            let class = Gtin::decode(&mut rest).map_err(|_| corrupt())?;
            let lot = if lots {
                let mut lot_part = rest.get(16..).ok_or_else(corrupt)?;
                Some(Vec::<u8>::decode(&mut lot_part).map_err(|_| corrupt())?)
            } else {
                None
            };
            let value = client.storage(header.state_root, &key).map_err(|error| state_error(error.to_string()))?;
            let Some(recall) = value.and_then(|bytes| Recall::decode(&mut &bytes[..]).ok()) else {
                return Err(corrupt());
            };
            let notice = with_state(client, header, |state| journey::recall_view(state, &recall))?;
            found.push(RecallJson {
                gtin: class.to_string(),
                lot: lot.map(|lot| String::from_utf8_lossy(&lot).into_owned()),
                notice,
            });
        }
    }
    Ok(found)
}
