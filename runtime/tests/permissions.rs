//! The permission matrix, run against the real runtime.
//!
//! [`matrix::TABLE`] says, for every call of the membership and supply-chain pallets and for
//! each caller situation, whether the call is allowed or the exact error it fails with. Every
//! cell is run twice on the same state of one consortium chain ([`World`]):
//!
//! - through the dispatch layer, outside any transactional layer: an allowed cell succeeds, a
//!   refused cell fails with exactly its `DispatchError` and leaves the state root unchanged;
//! - as a signed extrinsic through the executive's block builder: the same result (a
//!   non-member's transaction is refused before dispatch, as `TransactionError::NotMember`).
//!
//! Every variant of every pallet's `Call` (read from its type information, as the metadata
//! does) must have a row for every caller situation that applies to all calls, so a new call
//! cannot be left out. `docs/permissions.md` is generated from the same table:
//! `TRACECHAIN_BLESS=1 cargo test -p tracechain-runtime --test permissions` rewrites it.

mod common;
#[path = "common/permissions.rs"]
mod matrix;

use std::collections::BTreeMap;

use common::*;
use matrix::{Expect, Situation, TABLE};
use scale_info::{TypeDef, TypeInfo};
use tracechain_primitives::{header::Digest, keyring::Sr25519Pair, H256};
use tracechain_runtime::{ChainSpec, InMemoryChain, RuntimeCall, SignatureCheck, TransactionError};
use tracechain_support::{
    dispatch::{DispatchError, Origin},
    Context, Overlay,
};

use pallet_custody::types::{Subject, TransferKind};
use pallet_inspection::types::{InspectionResult, InspectionSubject};
use pallet_membership::types::{Action, Location, OrgId, Role};

// ---------------------------------------------------------------------------------------------
// The consortium
// ---------------------------------------------------------------------------------------------

/// The organisations of the matrix chain: one per role, and a second one where a call's rule
/// names one organisation among several with the same role.
const CAST: &[(&str, &str)] = &[
    ("Brand", r#"["manufacturer"]"#),
    ("OtherMaker", r#"["manufacturer"]"#),
    ("Seller", r#"["seller"]"#),
    ("Carrier", r#"["carrier"]"#),
    ("Carrier2", r#"["carrier"]"#),
    ("Importer", r#"["importer"]"#),
    ("Importer2", r#"["importer"]"#),
    ("Customs", r#"[{"customsAuthority": {"port": "CNSHA"}}]"#),
    ("CustomsSZX", r#"[{"customsAuthority": {"port": "CNSZX"}}]"#),
    ("Inspector", r#"[{"inspector": {"scope": "quarantine"}}]"#),
    ("QualityLab", r#"[{"inspector": {"scope": "quality"}}]"#),
    ("Retailer", r#"["retailer"]"#),
    ("Retailer2", r#"["retailer"]"#),
    ("Regulator", r#"["regulator"]"#),
    ("Admin", r#"["admin"]"#),
    ("Admin2", r#"["admin"]"#),
    ("NoRole", r#"[]"#),
];

fn pair(name: &str) -> Sr25519Pair {
    Sr25519Pair::from_suri(&format!("//matrix/{name}")).expect("key")
}

fn spec() -> ChainSpec {
    let organisations: Vec<serde_json::Value> = CAST
        .iter()
        .map(|(name, roles)| {
            let prefixes = match *name {
                "Brand" => serde_json::json!(["3760001"]),
                "OtherMaker" => serde_json::json!(["3760002"]),
                _ => serde_json::json!([]),
            };
            serde_json::json!({
                "name": name, "country": "CN", "companyPrefixes": prefixes,
                "locations": [{"unLocode": "CNSHA"}],
                "accounts": [pair(name).public().to_string()],
                "roles": serde_json::from_str::<serde_json::Value>(roles).expect("roles"),
            })
        })
        .collect();
    let validator = tracechain_primitives::keyring::Ed25519Pair::from_suri("//Alice").expect("key").public();
    let admin = CAST.iter().position(|(name, _)| *name == "Admin").expect("admin");
    let spec = serde_json::json!({
        "name": "Tracechain permission matrix", "id": "tracechain_matrix", "chainType": "Development",
        "properties": {"ss58Format": 42, "tokenDecimals": 0, "tokenSymbol": "TRACE"},
        "genesis": {
            "timestamp": 0,
            "membership": {
                "organisations": organisations, "threshold": [1, 2],
                "validators": [{"orgIndex": admin, "consensusKey": format!("0x{}", hex::encode(validator))}]
            },
            "identity": {"resolverDomain": "id.tracechain.localhost"},
            "customs": {"inspectionRules": [{"chapters": [1, 24], "scope": "quarantine"}]}
        }
    });
    serde_json::from_value(spec).expect("matrix spec")
}

fn item(serial: &str) -> H256 {
    let gtin = pallet_products::types::Gtin::parse(GTIN.as_bytes()).expect("gtin");
    pallet_products::types::serial_item_id(&gtin, serial.as_bytes())
}

fn port(code: &str) -> Location {
    Location::UnLocode(code.parse().expect("UN/LOCODE"))
}

fn scope(text: &str) -> pallet_membership::types::Scope {
    text.parse().expect("scope")
}

/// The chain every cell runs on, and the ids of what its setup made.
struct World {
    chain: InMemoryChain,
    orgs: BTreeMap<&'static str, OrgId>,
    /// Custody proposals by name.
    proposals: BTreeMap<&'static str, u64>,
    /// Customs declarations by name.
    declarations: BTreeMap<&'static str, u64>,
    /// The quarantine attestation on `q1`.
    attestation: u64,
    /// The consortium proposal the admin made and nobody else approved.
    consortium_proposal: u32,
}

impl World {
    fn org(&self, name: &str) -> OrgId {
        self.orgs[name]
    }
}

fn products(call: pallet_products::Call) -> RuntimeCall {
    RuntimeCall::Products(call)
}
fn custody(call: pallet_custody::Call) -> RuntimeCall {
    RuntimeCall::Custody(call)
}
fn customs(call: pallet_customs::Call) -> RuntimeCall {
    RuntimeCall::Customs(call)
}
fn inspection(call: pallet_inspection::Call) -> RuntimeCall {
    RuntimeCall::Inspection(call)
}
fn identity(call: pallet_identity::Call) -> RuntimeCall {
    RuntimeCall::Identity(call)
}
fn membership(call: pallet_membership::Call) -> RuntimeCall {
    RuntimeCall::Membership(call)
}

/// Applies the calls, in order, in one block; each must succeed.
fn block(chain: &mut InMemoryChain, calls: Vec<(&str, RuntimeCall)>) {
    let mut nonces: BTreeMap<String, u32> = BTreeMap::new();
    let mut extrinsics = Vec::new();
    for (who, call) in &calls {
        let signer = pair(who);
        let nonce = *nonces.entry(who.to_string()).or_insert_with(|| chain.account_nonce(&signer.public()));
        nonces.insert(who.to_string(), nonce + 1);
        extrinsics.push(chain.sign(&signer, call.clone(), nonce));
    }
    let (_, results) = next_block(chain, &extrinsics);
    for ((who, call), result) in calls.iter().zip(results) {
        match result {
            Ok(Ok(())) => {}
            other => panic!("setup: {who} {call:?}: {other:?}"),
        }
    }
}

fn serials(serials: &[&str], lot: Option<&str>) -> RuntimeCall {
    products(pallet_products::Call::commission_serials {
        gtin: GTIN.as_bytes().to_vec(),
        lot: lot.map(|lot| lot.as_bytes().to_vec()),
        serials: serials.iter().map(|serial| serial.as_bytes().to_vec()).collect(),
        production_date: 20_240_301,
        expiry_date: None,
        location: port("FRBOD"),
    })
}

fn propose(subject: Subject, kind: TransferKind, to: OrgId) -> RuntimeCall {
    custody(pallet_custody::Call::propose_transfer { subject, kind, to, location: port("CNSHA") })
}

fn accept(proposal: u64) -> RuntimeCall {
    custody(pallet_custody::Call::accept { proposal, location: port("CNSHA") })
}

fn pack(code: u32, children: &[&str]) -> RuntimeCall {
    custody(pallet_custody::Call::pack {
        sscc: sscc(code),
        children: children.iter().map(|serial| Subject::Item(item(serial))).collect(),
        location: port("CNSHA"),
    })
}

fn declare(subjects: Vec<Subject>) -> RuntimeCall {
    customs(pallet_customs::Call::declare {
        subjects,
        hs_code: b"220421".to_vec(),
        declared_origin: "FR".parse().expect("country"),
        declared_value: 1_000,
        currency: *b"EUR",
        port_of_entry: "CNSHA".parse().expect("port"),
        documents: Vec::new(),
    })
}

fn reason(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

/// Moves `serials` from the brand to `owner` (title) and `custodian` (custody), each accepting.
fn hand_over(
    chain: &mut InMemoryChain,
    orgs: &BTreeMap<&'static str, OrgId>,
    serials: &[&str],
    owner: &'static str,
    custodian: &'static str,
) {
    let moves: Vec<(TransferKind, &'static str)> =
        [(TransferKind::Ownership, owner), (TransferKind::Custody, custodian)]
            .into_iter()
            .filter(|(_, to)| *to != "Brand")
            .collect();
    let mut proposals = Vec::new();
    for serial in serials {
        for (kind, to) in &moves {
            proposals.push(("Brand", propose(Subject::Item(item(serial)), *kind, orgs[to])));
        }
    }
    block(chain, proposals);
    let mut accepts = Vec::new();
    for serial in serials {
        for (kind, to) in &moves {
            let id =
                chain.read(|state| pallet_custody::open_proposal(state, &Subject::Item(item(serial)), orgs[to], *kind));
            accepts.push((*to, accept(id.expect("open proposal"))));
        }
    }
    block(chain, accepts);
}

fn last_id<T: parity_scale_codec::Codec + Default + std::ops::Sub<Output = T> + From<u8>>(
    chain: &InMemoryChain,
    value: tracechain_support::StorageValue<T, tracechain_support::ValueQuery>,
) -> T {
    chain.read(|state| value.get(state)) - T::from(1)
}

/// The goods and their states:
///
/// | goods | owner | custodian | state |
/// |---|---|---|---|
/// | `b1` | Brand | Brand | active |
/// | `p1` | Brand | Brand | custody proposed to Carrier (`open`) |
/// | `a1` (SSCC 1) holding `a1` | Brand | Brand | packed |
/// | `c1` | Brand | Carrier | active |
/// | `i1`, `i2` | Importer | Importer | active; `i2` declared at CNSHA (`open`), quarantine passed |
/// | `r1` | Importer | Retailer | active |
/// | `h-declared`, `h-held`, `h-refused`, `h-recalled` (lot `LR`) | Importer | Retailer | declared; on hold; refused (`refused`); recalled — each with a custody proposal to Carrier made before |
/// | SSCC 11..=14 holding `u-declared`, `u-held`, `u-refused`, `u-recalled` (lot `LR`) | Importer | Importer | as the `h-` goods |
fn world() -> World {
    let mut chain = InMemoryChain::new(&spec()).expect("genesis");
    let orgs: BTreeMap<&'static str, OrgId> = CAST
        .iter()
        .map(|(name, _)| {
            (
                *name,
                chain.read(|state| pallet_membership::organisation_of(state, &pair(name).public())).expect("member"),
            )
        })
        .collect();
    let h = ["h-declared", "h-held", "h-refused"];
    let u = ["u-declared", "u-held", "u-refused"];
    block(
        &mut chain,
        vec![
            (
                "Brand",
                products(pallet_products::Call::register_class {
                    gtin: GTIN.as_bytes().to_vec(),
                    name: reason("Château X 2019, 750 ml"),
                    brand: reason("Château X"),
                    hs_code: b"220421".to_vec(),
                    origin: "FR".parse().expect("country"),
                    documents: Vec::new(),
                }),
            ),
            ("Brand", serials(&["b1", "p1", "a1", "c1", "i1", "i2", "r1"], Some("L1"))),
            ("Brand", serials(&h, None)),
            ("Brand", serials(&u, None)),
            ("Brand", serials(&["h-recalled", "u-recalled"], Some("LR"))),
            ("Brand", pack(1, &["a1"])),
        ],
    );
    hand_over(&mut chain, &orgs, &["c1"], "Brand", "Carrier");
    hand_over(
        &mut chain,
        &orgs,
        &["i1", "i2", "u-declared", "u-held", "u-refused", "u-recalled"],
        "Importer",
        "Importer",
    );
    hand_over(&mut chain, &orgs, &["r1", "h-declared", "h-held", "h-refused", "h-recalled"], "Importer", "Retailer");
    let mut calls = vec![("Brand", propose(Subject::Item(item("p1")), TransferKind::Custody, orgs["Carrier"]))];
    for serial in ["h-declared", "h-held", "h-refused", "h-recalled"] {
        calls.push(("Retailer", propose(Subject::Item(item(serial)), TransferKind::Custody, orgs["Carrier"])));
    }
    for (code, serial) in (11..).zip(["u-declared", "u-held", "u-refused", "u-recalled"]) {
        calls.push(("Importer", pack(code, &[serial])));
    }
    let quarantine = InspectionSubject::Item(item("i2"));
    calls.push((
        "Inspector",
        inspection(pallet_inspection::Call::attest {
            subject: quarantine,
            scope: scope("quarantine"),
            result: InspectionResult::Pass,
            report_hash: H256::repeat_byte(0x1a),
            report_uri: reason("https://lab.example/report/1"),
            valid_until: None,
            conditions: None,
        }),
    ));
    calls.push((
        "Admin",
        membership(pallet_membership::Call::propose {
            action: Action::GrantRole { org: orgs["NoRole"], role: Role::Seller },
        }),
    ));
    block(&mut chain, calls);
    let mut proposals = BTreeMap::new();
    proposals.insert(
        "open",
        chain
            .read(|state| {
                pallet_custody::open_proposal(state, &Subject::Item(item("p1")), orgs["Carrier"], TransferKind::Custody)
            })
            .expect("open"),
    );
    for serial in ["h-declared", "h-held", "h-refused", "h-recalled"] {
        let id = chain.read(|state| {
            pallet_custody::open_proposal(state, &Subject::Item(item(serial)), orgs["Carrier"], TransferKind::Custody)
        });
        proposals.insert(serial, id.expect("open"));
    }
    let attestation = last_id(&chain, pallet_inspection::NEXT_ATTESTATION_ID);
    let consortium_proposal = last_id(&chain, pallet_membership::NEXT_PROPOSAL_ID);

    // Declarations, in id order: i2 (open), then the h- and u- goods by state.
    let mut calls = vec![("Importer", declare(vec![Subject::Item(item("i2"))]))];
    let names = ["open", "declared", "held", "refused", "u-declared", "u-held", "u-refused"];
    for serial in h {
        calls.push(("Importer", declare(vec![Subject::Item(item(serial))])));
    }
    for code in 11..=13 {
        calls.push(("Importer", declare(vec![Subject::Aggregate(sscc(code))])));
    }
    block(&mut chain, calls);
    let first = last_id(&chain, pallet_customs::NEXT_DECLARATION_ID) - 6;
    let declarations: BTreeMap<&'static str, u64> = names.iter().zip(first..).map(|(name, id)| (*name, id)).collect();
    let mut calls = Vec::new();
    for name in ["held", "u-held"] {
        calls.push((
            "Customs",
            customs(pallet_customs::Call::hold { declaration: declarations[name], reason: reason("x-ray") }),
        ));
    }
    for name in ["refused", "u-refused"] {
        calls.push((
            "Customs",
            customs(pallet_customs::Call::refuse { declaration: declarations[name], reason: reason("no permit") }),
        ));
    }
    calls.push((
        "Brand",
        products(pallet_products::Call::recall_lot {
            gtin: GTIN.as_bytes().to_vec(),
            lot: reason("LR"),
            reason: reason("cork taint"),
        }),
    ));
    block(&mut chain, calls);
    World { chain, orgs, proposals, declarations, attestation, consortium_proposal }
}

// ---------------------------------------------------------------------------------------------
// The cells: who calls what, for each (call, situation)
// ---------------------------------------------------------------------------------------------

/// Who signs a cell's call.
enum Caller {
    Signed(Sr25519Pair),
    Unsigned,
}

/// The account a situation's caller signs with, where the situation names one account for
/// every call.
fn role_account(situation: Situation) -> Option<&'static str> {
    use Situation::*;
    Some(match situation {
        Manufacturer => "Brand",
        Seller => "Seller",
        Carrier => "Carrier",
        Importer => "Importer",
        CustomsAuthority => "Customs",
        Inspector => "Inspector",
        Retailer => "Retailer",
        Regulator => "Regulator",
        Admin => "Admin",
        NoRole => "NoRole",
        _ => return None,
    })
}

/// The goods of a goods situation: (the `h-` item, the SSCC of the `u-` aggregate, the
/// declaration of the `h-` item).
fn held_goods(situation: Situation) -> Option<(&'static str, u32, &'static str)> {
    match situation {
        Situation::GoodsDeclared => Some(("h-declared", 11, "declared")),
        Situation::GoodsOnHold => Some(("h-held", 12, "held")),
        Situation::GoodsRefused => Some(("h-refused", 13, "refused")),
        Situation::GoodsRecalled => Some(("h-recalled", 14, "")),
        _ => None,
    }
}

/// The caller and call of cell (`call`, `situation`), or `None` where the situation does not
/// apply to the call.
fn cell(world: &World, call: &str, situation: Situation) -> Option<(Caller, RuntimeCall)> {
    use Situation::*;
    let o = |name: &str| world.org(name);
    let goods = held_goods(situation);
    // The rightful caller of each call, and who the situations that are about a second
    // organisation of the same kind use instead.
    let (_rightful, wrong_org): (&str, Option<&str>) = match call {
        "Products.register_class"
        | "Products.commission_serials"
        | "Products.commission_lot"
        | "Products.recall_lot"
        | "Products.recall_class"
        | "Products.add_document"
        | "Identity.report_counterfeit"
        | "Identity.mark_destroyed"
        | "Custody.cancel"
        | "Custody.pack"
        | "Custody.unpack" => ("Brand", Some("OtherMaker")),
        "Custody.propose_transfer(custody)" | "Custody.accept" | "Custody.reject" => ("Carrier", Some("Carrier2")),
        "Custody.propose_transfer(ownership)" => ("Brand", Some("OtherMaker")),
        "Identity.mark_sold" => ("Retailer", Some("Retailer2")),
        "Inspection.attest" | "Inspection.revoke" | "Inspection.supersede" => ("Inspector", Some("QualityLab")),
        "Customs.declare" | "Customs.name_importer" => ("Importer", Some("Importer2")),
        "Customs.hold"
        | "Customs.require_inspection"
        | "Customs.clear"
        | "Customs.refuse"
        | "Customs.order_reexport"
        | "Customs.order_destruction" => ("Customs", None),
        "Customs.set_inspection_rule" | "Customs.remove_inspection_rule" => ("Regulator", None),
        "Membership.propose" | "Membership.cancel" => ("Admin", Some("Admin2")),
        // Any admin organisation but the proposer's approves.
        "Membership.approve" => ("Admin2", Some("Admin2")),
        "Membership.add_location" | "Membership.report_equivocation" => ("Admin", None),
        _ => panic!("no scenario for {call}"),
    };
    let signer: Option<&str> = match situation {
        NonMember => Some("Outsider"),
        Unsigned => None,
        // For an attestation, the other inspection body is the wrong scope.
        WrongOrganisation if call == "Inspection.attest" => return None,
        WrongOrganisation => Some(wrong_org?),
        WrongPort => match call {
            "Customs.hold"
            | "Customs.require_inspection"
            | "Customs.clear"
            | "Customs.refuse"
            | "Customs.order_reexport"
            | "Customs.order_destruction" => Some("CustomsSZX"),
            _ => return None,
        },
        WrongScope => match call {
            "Inspection.attest" => Some("QualityLab"),
            _ => return None,
        },
        // The owner that does not hold the goods proposes custody; the custodian that does not
        // own them proposes title.
        NotCustodian => match call {
            "Custody.propose_transfer(custody)" => Some("Brand"),
            _ => return None,
        },
        NotOwner => match call {
            "Custody.propose_transfer(ownership)" => Some("Carrier"),
            _ => return None,
        },
        GoodsDeclared | GoodsOnHold | GoodsRefused | GoodsRecalled => match call {
            "Custody.propose_transfer(custody)" | "Custody.pack" | "Identity.mark_sold" => Some("Retailer"),
            "Custody.propose_transfer(ownership)" | "Customs.declare" | "Custody.unpack" => Some("Importer"),
            "Custody.accept" => Some("Carrier"),
            "Products.commission_serials" | "Products.commission_lot" | "Products.recall_lot"
                if situation == GoodsRecalled =>
            {
                Some("Brand")
            }
            "Customs.hold" | "Customs.require_inspection" | "Customs.clear" | "Customs.refuse"
                if situation == GoodsRefused =>
            {
                Some("Customs")
            }
            "Customs.order_reexport" | "Customs.order_destruction" if situation == GoodsDeclared => Some("Customs"),
            _ => return None,
        },
        _ => Some(role_account(situation).expect("a role situation")),
    };
    let (serial, code, declaration) = goods.unwrap_or(("", 0, ""));
    let held = goods.is_some();
    let decl = |default: &str| world.declarations[if held { declaration } else { default }];
    let c1 = if held { item(serial) } else { item("c1") };
    let lot = if situation == GoodsRecalled { "LR" } else { "L1" };
    let runtime_call = match call {
        "Products.register_class" => products(pallet_products::Call::register_class {
            gtin: with_check_digit("0376000100002").into_bytes(),
            name: reason("Château X 2020, 750 ml"),
            brand: reason("Château X"),
            hs_code: b"220421".to_vec(),
            origin: "FR".parse().expect("country"),
            documents: vec![pallet_products::types::Document {
                hash: H256::repeat_byte(2),
                uri: reason("ipfs://bafyspec"),
            }],
        }),
        "Products.commission_serials" => products(pallet_products::Call::commission_serials {
            gtin: GTIN.as_bytes().to_vec(),
            lot: Some(reason(lot)),
            serials: vec![reason("new-1")],
            production_date: 20_240_301,
            expiry_date: Some(20_290_301),
            location: port("FRBOD"),
        }),
        "Products.commission_lot" => products(pallet_products::Call::commission_lot {
            gtin: GTIN.as_bytes().to_vec(),
            lot: reason(if situation == GoodsRecalled { "LR" } else { "LNEW" }),
            quantity: 600,
            production_date: 20_240_301,
            expiry_date: None,
            location: port("FRBOD"),
        }),
        "Products.recall_lot" => products(pallet_products::Call::recall_lot {
            gtin: GTIN.as_bytes().to_vec(),
            lot: reason(lot),
            reason: reason("cork taint"),
        }),
        "Products.recall_class" => products(pallet_products::Call::recall_class {
            gtin: GTIN.as_bytes().to_vec(),
            reason: reason("cork taint"),
        }),
        "Products.add_document" => products(pallet_products::Call::add_document {
            gtin: GTIN.as_bytes().to_vec(),
            document: pallet_products::types::Document {
                hash: H256::repeat_byte(3),
                uri: reason("https://chateau-x.example/coa.pdf"),
            },
        }),
        "Identity.mark_sold" => {
            identity(pallet_identity::Call::mark_sold { item: if held { item(serial) } else { item("r1") } })
        }
        "Identity.report_counterfeit" => {
            identity(pallet_identity::Call::report_counterfeit { item: item("b1"), reason: reason("copied QR") })
        }
        "Identity.mark_destroyed" => {
            identity(pallet_identity::Call::mark_destroyed { item: item("b1"), reason: reason("broken") })
        }
        "Custody.propose_transfer(custody)" => propose(Subject::Item(c1), TransferKind::Custody, o("Importer2")),
        "Custody.propose_transfer(ownership)" => propose(Subject::Item(c1), TransferKind::Ownership, o("Importer2")),
        "Custody.accept" => accept(world.proposals[if held { serial } else { "open" }]),
        "Custody.reject" => {
            custody(pallet_custody::Call::reject { proposal: world.proposals["open"], reason: reason("no space") })
        }
        "Custody.cancel" => custody(pallet_custody::Call::cancel { proposal: world.proposals["open"] }),
        "Custody.pack" => pack(20, &[if held { serial } else { "b1" }]),
        "Custody.unpack" => {
            custody(pallet_custody::Call::unpack { sscc: sscc(if held { code } else { 1 }), location: port("CNSHA") })
        }
        "Inspection.attest" => inspection(pallet_inspection::Call::attest {
            subject: InspectionSubject::Item(item("b1")),
            scope: scope("quarantine"),
            result: InspectionResult::Pass,
            report_hash: H256::repeat_byte(0x1b),
            report_uri: reason("https://lab.example/report/2"),
            valid_until: None,
            conditions: None,
        }),
        "Inspection.revoke" => inspection(pallet_inspection::Call::revoke {
            attestation: world.attestation,
            reason: reason("sample mislabelled"),
        }),
        "Inspection.supersede" => inspection(pallet_inspection::Call::supersede {
            attestation: world.attestation,
            reason: reason("corrected report"),
            result: InspectionResult::Pass,
            report_hash: H256::repeat_byte(0x1c),
            report_uri: reason("ar://corrected-report"),
            valid_until: None,
            conditions: None,
        }),
        "Customs.declare" => declare(vec![Subject::Item(if held { item(serial) } else { item("i1") })]),
        "Customs.hold" => customs(pallet_customs::Call::hold { declaration: decl("open"), reason: reason("x-ray") }),
        "Customs.require_inspection" => customs(pallet_customs::Call::require_inspection {
            declaration: decl("open"),
            scopes: vec![scope("quality")],
        }),
        "Customs.clear" => {
            customs(pallet_customs::Call::clear { declaration: decl("open"), certificate_ref: reason("CNSHA-2024-1") })
        }
        "Customs.refuse" => {
            customs(pallet_customs::Call::refuse { declaration: decl("open"), reason: reason("no permit") })
        }
        "Customs.order_reexport" => customs(pallet_customs::Call::order_reexport {
            declaration: decl("refused"),
            reason: reason("back to sender"),
        }),
        "Customs.order_destruction" => {
            customs(pallet_customs::Call::order_destruction { declaration: decl("refused"), reason: reason("unsafe") })
        }
        "Customs.set_inspection_rule" => {
            customs(pallet_customs::Call::set_inspection_rule { chapters: (30, 33), scope: scope("lab_test") })
        }
        "Customs.remove_inspection_rule" => {
            customs(pallet_customs::Call::remove_inspection_rule { chapters: (1, 24), scope: scope("quarantine") })
        }
        "Customs.name_importer" => customs(pallet_customs::Call::name_importer {
            subjects: vec![Subject::Item(item("i1"))],
            importer: Some(o("Importer2")),
        }),
        "Membership.propose" => membership(pallet_membership::Call::propose {
            action: Action::GrantRole { org: o("NoRole"), role: Role::Carrier },
        }),
        "Membership.approve" => membership(pallet_membership::Call::approve { proposal: world.consortium_proposal }),
        "Membership.cancel" => membership(pallet_membership::Call::cancel { proposal: world.consortium_proposal }),
        "Membership.add_location" => membership(pallet_membership::Call::add_location { location: port("DEHAM") }),
        "Membership.report_equivocation" => {
            let vote = pallet_membership::types::ReportedVote { block: Some(H256::repeat_byte(7)), signature: [0; 64] };
            membership(pallet_membership::Call::report_equivocation {
                report: pallet_membership::EquivocationReport {
                    offender: [0; 32],
                    height: 1,
                    round: 0,
                    kind: tracechain_primitives::consensus_message::VoteKind::Prevote,
                    first: vote.clone(),
                    second: vote,
                },
            })
        }
        _ => panic!("no call for {call}"),
    };
    let caller = match signer {
        None => Caller::Unsigned,
        Some(name) => Caller::Signed(pair(name)),
    };
    Some((caller, runtime_call))
}

// ---------------------------------------------------------------------------------------------
// Running a cell
// ---------------------------------------------------------------------------------------------

/// `Pallet.Error` (or `BadOrigin`, …) of a dispatch error, the variant named from the error
/// type's type information, as a client reads it from the metadata.
fn error_name(error: &DispatchError) -> String {
    fn variant<T: TypeInfo>(index: u8) -> String {
        match T::type_info().type_def {
            TypeDef::Variant(def) => def
                .variants
                .iter()
                .find(|variant| variant.index == index)
                .map_or_else(|| format!("#{index}"), |variant| variant.name.to_string()),
            _ => format!("#{index}"),
        }
    }
    match error {
        DispatchError::Module(module) => {
            let index = module.error[0];
            let (pallet, name) = match module.index {
                2 => ("Membership", variant::<pallet_membership::Error>(index)),
                10 => ("Products", variant::<pallet_products::Error>(index)),
                11 => ("Custody", variant::<pallet_custody::Error>(index)),
                12 => ("Customs", variant::<pallet_customs::Error>(index)),
                13 => ("Inspection", variant::<pallet_inspection::Error>(index)),
                14 => ("Identity", variant::<pallet_identity::Error>(index)),
                other => return format!("Module#{other}.{index}"),
            };
            format!("{pallet}.{name}")
        }
        DispatchError::BadOrigin => "BadOrigin".into(),
        other => format!("{other:?}"),
    }
}

/// The outcome of a cell, in the table's terms.
fn outcome(result: &Result<(), DispatchError>) -> Expect {
    match result {
        Ok(()) => Expect::Allowed,
        Err(error) => Expect::Err(Box::leak(error_name(error).into_boxed_str())),
    }
}

/// Runs the call on the head state through the dispatch layer, outside any transactional
/// layer; returns the result and the state root after its writes.
fn dispatch(world: &World, caller: &Caller, call: RuntimeCall) -> (Result<(), DispatchError>, H256) {
    let state = world.chain.state();
    let overlay = Overlay::new(&state);
    let mut ctx: Context<'_, tracechain_runtime::RuntimeEvent> = Context::new(overlay, world.chain.head().number + 1);
    let origin = match caller {
        Caller::Signed(pair) => Origin::Signed(pair.public()),
        Caller::Unsigned => Origin::None,
    };
    let result = call.dispatch(&mut ctx, &origin);
    let (overlay, _) = ctx.into_parts();
    assert!(overlay.corruption().is_none(), "corruption: {:?}", overlay.corruption());
    let changes = overlay.into_changes();
    let root = state
        .apply_changes(changes.iter().map(|(key, value)| (key.as_slice(), value.as_deref())))
        .expect("trie update")
        .root;
    (result, root)
}

/// Applies the call as a signed extrinsic in a block built on the head (not imported).
fn through_executive(
    world: &World,
    signer: &Sr25519Pair,
    call: RuntimeCall,
) -> Result<Result<(), DispatchError>, TransactionError> {
    let chain = &world.chain;
    let state = chain.state();
    let number = chain.head().number + 1;
    let mut builder = chain.runtime().block_builder(&state, chain.head(), Digest::default()).expect("builder");
    builder.apply_timestamp(time_of(number)).expect("timestamp");
    let nonce = chain.account_nonce(&signer.public());
    builder.apply_extrinsic(&chain.sign(signer, call, nonce), SignatureCheck::Verify)
}

/// Every call of the pallets in the matrix, as `Pallet.call`, read from the `Call` types.
fn all_calls() -> Vec<String> {
    fn names<T: TypeInfo>(pallet: &str) -> Vec<String> {
        match T::type_info().type_def {
            TypeDef::Variant(def) => def.variants.iter().map(|variant| format!("{pallet}.{}", variant.name)).collect(),
            _ => panic!("{pallet}: a call type is an enum"),
        }
    }
    let mut calls = Vec::new();
    calls.extend(names::<pallet_membership::Call>("Membership"));
    calls.extend(names::<pallet_products::Call>("Products"));
    calls.extend(names::<pallet_custody::Call>("Custody"));
    calls.extend(names::<pallet_customs::Call>("Customs"));
    calls.extend(names::<pallet_inspection::Call>("Inspection"));
    calls.extend(names::<pallet_identity::Call>("Identity"));
    // The runtime's calls are exactly these pallets' and System's and Timestamp's.
    if let TypeDef::Variant(def) = RuntimeCall::type_info().type_def {
        let pallets: Vec<&str> = def.variants.iter().map(|variant| variant.name).collect();
        assert_eq!(
            pallets,
            ["System", "Timestamp", "Membership", "Products", "Custody", "Customs", "Inspection", "Identity"],
            "a new pallet's calls need rows in the permission matrix"
        );
    }
    calls
}

/// A row's call without its qualifier: `Custody.propose_transfer(custody)` → `Custody.propose_transfer`.
fn base_call(call: &str) -> &str {
    call.split('(').next().unwrap_or(call)
}

#[test]
fn every_call_has_a_row_for_every_caller_situation() {
    let calls = all_calls();
    let mut missing = Vec::new();
    let labels: Vec<&str> = matrix::call_labels();
    for call in &calls {
        let rows: Vec<&str> = labels.iter().copied().filter(|label| base_call(label) == call).collect();
        if rows.is_empty() {
            missing.push(format!("{call}: no row at all"));
        }
        for label in rows {
            for situation in Situation::ALL.iter().filter(|situation| situation.applies_to_every_call()) {
                if matrix::expected(label, *situation).is_none() {
                    missing.push(format!("{label} × {}", situation.column()));
                }
            }
            if !TABLE.iter().any(|row| row.call == label && row.expect == Expect::Allowed)
                && *call != "Membership.report_equivocation"
            {
                missing.push(format!("{label}: no allowed cell"));
            }
        }
    }
    for label in labels {
        assert!(calls.iter().any(|call| call == base_call(label)), "{label}: no such call in the runtime");
    }
    assert!(missing.is_empty(), "the permission matrix misses:\n{}", missing.join("\n"));
    // No cell is given twice.
    let mut seen = std::collections::BTreeSet::new();
    for row in TABLE {
        assert!(seen.insert((row.call, row.situation)), "{} × {} is given twice", row.call, row.situation.column());
    }
}

#[test]
fn every_cell_of_the_permission_matrix_holds_against_the_runtime() {
    let world = world();
    let root = world.chain.head().state_root;
    let mut failures = Vec::new();
    let mut actual_rows = Vec::new();
    for label in matrix::call_labels() {
        for situation in Situation::ALL {
            let expected = matrix::expected(label, situation);
            let Some((caller, call)) = cell(&world, label, situation) else {
                if expected.is_some() {
                    failures.push(format!(
                        "{label} × {}: in the table, but the situation has no scenario",
                        situation.column()
                    ));
                }
                continue;
            };
            let (result, after) = dispatch(&world, &caller, call.clone());
            let actual = outcome(&result);
            actual_rows.push(format!("    row({label:?}, {situation:?}, {}),", actual.rust()));
            match expected {
                None => failures.push(format!("{label} × {}: no row (actual: {})", situation.column(), actual.cell())),
                Some(expected) if expected != actual => failures.push(format!(
                    "{label} × {}: expected {}, got {}",
                    situation.column(),
                    expected.cell(),
                    actual.cell()
                )),
                Some(_) => {}
            }
            if result.is_err() && after != root {
                failures.push(format!("{label} × {}: refused, but the state root changed", situation.column()));
            }
            // Every allowed call records something: the root comparison above sees writes.
            if result.is_ok() && after == root {
                failures.push(format!("{label} × {}: allowed, but the state root did not change", situation.column()));
            }
            // The same call as a signed extrinsic through the executive.
            if let Caller::Signed(signer) = &caller {
                let inherent = call.is_inherent();
                let applied = through_executive(&world, signer, call);
                let consistent = match (&applied, situation) {
                    (Err(TransactionError::NotMember { .. }), Situation::NonMember) => true,
                    // Inherents are never signed: the executive refuses them before dispatch.
                    (Err(TransactionError::SignedInherent), _) => inherent,
                    (Ok(inner), situation) if situation != Situation::NonMember => *inner == result,
                    _ => false,
                };
                if !consistent {
                    failures.push(format!(
                        "{label} × {}: the executive gives {applied:?}, dispatch {result:?}",
                        situation.column()
                    ));
                }
            }
        }
    }
    if std::env::var_os("TRACECHAIN_MATRIX_PRINT").is_some() {
        println!("{}", actual_rows.join("\n"));
    }
    assert!(failures.is_empty(), "{} cells do not hold:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn docs_permissions_md_is_generated_from_the_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/permissions.md");
    let generated = matrix::render_markdown();
    if std::env::var_os("TRACECHAIN_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/permissions.md");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/permissions.md is stale: regenerate it with\n  TRACECHAIN_BLESS=1 cargo test -p tracechain-runtime --test permissions docs_permissions_md"
    );
}
