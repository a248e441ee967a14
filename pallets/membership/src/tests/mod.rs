//! Tests of the membership pallet against an in-memory state built from the acceptance story's
//! consortium.

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

/// The same state, in block `number`.
fn at_block(ctx: Context<'_, Event>, number: BlockNumber) -> Context<'_, Event> {
    let (overlay, _) = ctx.into_parts();
    Context::new(overlay, number)
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

#[test]
fn genesis_from_the_chain_spec_builds_the_consortium_and_answers_queries() {
    let state = BTreeMap::new();
    let ctx = new_ctx(&state);

    for member in [WINERY, CARRIER, IMPORTER, CUSTOMS, CUSTOMS_DESK, CCIG, TMALL, GACC] {
        assert!(is_member(&ctx, &account(member)), "{member}");
    }
    assert!(!is_member(&ctx, &account(OUTSIDER)));
    assert_eq!(organisation_of(&ctx, &account(CUSTOMS_DESK)), Some(CUSTOMS_ORG));
    assert_eq!(organisation_of(&ctx, &account(OUTSIDER)), None);

    let winery = organisation(&ctx, WINERY_ORG).unwrap();
    assert_eq!(winery.name, "Château X".as_bytes());
    assert_eq!(winery.country, CountryCode(*b"FR"));
    assert_eq!(winery.company_prefixes, vec![prefix("3760001")]);
    assert_eq!(winery.locations, vec![gln("3760001000009"), locode("FRBOD")]);
    assert_eq!(winery.admitted_at, 0);
    assert_eq!(organisation(&ctx, 7), None);
    assert_eq!(accounts(&ctx, CUSTOMS_ORG), vec![account(CUSTOMS), account(CUSTOMS_DESK)]);

    assert_eq!(roles(&ctx, WINERY_ORG), vec![Role::Manufacturer, Role::Seller, Role::Admin]);
    assert!(has_role(&ctx, CUSTOMS_ORG, &customs("CNSHA")));
    assert!(!has_role(&ctx, CUSTOMS_ORG, &customs("CNSZX")), "customs of one port only");
    assert!(has_role(&ctx, CCIG_ORG, &inspector("quarantine")));
    assert!(!has_role(&ctx, CCIG_ORG, &inspector("lab_test")), "an inspector of one scope only");
    assert!(has_role(&ctx, TMALL_ORG, &Role::Retailer));
    assert!(has_role(&ctx, GACC_ORG, &Role::Regulator));
    assert!(roles(&ctx, 99).is_empty());

    assert_eq!(ensure_role(&ctx, &account(CCIG), &inspector("quarantine")), Ok(CCIG_ORG));
    assert_eq!(ensure_role(&ctx, &account(CCIG), &inspector("quality")), Err(module_error(Error::MissingRole)));
    assert_eq!(ensure_role(&ctx, &account(CARRIER), &Role::Admin), Err(module_error(Error::NotAdmin)));
    assert_eq!(ensure_role(&ctx, &account(OUTSIDER), &Role::Carrier), Err(module_error(Error::NotMember)));
    assert_eq!(ensure_role(&ctx, &account(CUSTOMS_DESK), &customs("CNSHA")), Ok(CUSTOMS_ORG));

    // A GTIN-14 after its indicator digit: the winery's prefix, then the item reference.
    assert_eq!(prefix_owner(&ctx, b"3760001000178"), Some((WINERY_ORG, prefix("3760001"))));
    assert_eq!(prefix_owner(&ctx, b"3760002000178"), None);
    assert_eq!(prefix_owner(&ctx, b"3760001"), Some((WINERY_ORG, prefix("3760001"))));
    assert_eq!(prefix_owner(&ctx, b"376000"), None, "shorter than the prefix");
    assert_eq!(prefix_owner(&ctx, b""), None);

    assert_eq!(
        validators(&ctx),
        vec![
            ValidatorInfo { org: WINERY_ORG, consensus_key: consensus_key(0x11) },
            ValidatorInfo { org: CUSTOMS_ORG, consensus_key: consensus_key(0x22) }
        ]
    );
    assert_eq!(pending_validators(&ctx), None);
    assert_eq!(admin_orgs(&ctx), vec![WINERY_ORG, CUSTOMS_ORG, GACC_ORG]);
    assert_eq!(approval_threshold(&ctx), (1, 2));
    assert_eq!(NEXT_ORG_ID.get(&ctx), NEW_ORG);
    assert!(ctx.overlay.corruption().is_none());
}

#[test]
fn genesis_refuses_invalid_configs_and_says_where() {
    let build = |config: &GenesisConfig| {
        let state = BTreeMap::new();
        let mut overlay = Overlay::new(&state);
        build_genesis(&mut overlay, config)
    };
    assert_eq!(build(&genesis()), Ok(()));

    let mut shared_account = genesis();
    shared_account.organisations[2].accounts.push(account(CARRIER));
    let error = build(&shared_account).unwrap_err();
    assert_eq!(
        error,
        GenesisError::Organisation {
            index: 2,
            name: "Shanghai Fine Imports".into(),
            error: Error::AccountAlreadyMember
        }
    );
    assert!(error.to_string().contains("organisation #2 (\"Shanghai Fine Imports\")"), "{error}");

    let mut overlapping = genesis();
    overlapping.organisations[4].company_prefixes.push(prefix("37600015"));
    assert!(matches!(
        build(&overlapping),
        Err(GenesisError::Organisation { index: 4, error: Error::PrefixOverlaps, .. })
    ));

    let mut nameless = genesis();
    nameless.organisations[1].name = String::new();
    assert!(matches!(build(&nameless), Err(GenesisError::Organisation { index: 1, error: Error::InvalidName, .. })));

    let mut bad_scope = genesis();
    bad_scope.organisations[4].roles.push(inspector("Lab Test"));
    assert!(matches!(build(&bad_scope), Err(GenesisError::Organisation { index: 4, error: Error::InvalidScope, .. })));

    let mut no_admin = genesis();
    for founder in &mut no_admin.organisations {
        founder.roles.retain(|role| *role != Role::Admin);
    }
    assert_eq!(build(&no_admin), Err(GenesisError::NoAdmin));

    let mut mute_admin = genesis();
    mute_admin.organisations[6].accounts.clear();
    assert!(matches!(
        build(&mute_admin),
        Err(GenesisError::Organisation { index: 6, error: Error::AdminNeedsAccount, .. })
    ));

    let mut unknown_org = genesis();
    unknown_org.validators[1].org_index = 7;
    assert_eq!(build(&unknown_org), Err(GenesisError::UnknownValidatorOrg { index: 1, org_index: 7, count: 7 }));

    let mut same_key = genesis();
    same_key.validators[1].consensus_key = consensus_key(0x11);
    assert_eq!(build(&same_key), Err(GenesisError::Validator { index: 1, error: Error::InvalidValidatorSet }));

    let mut no_validators = genesis();
    no_validators.validators.clear();
    assert_eq!(build(&no_validators), Err(GenesisError::Validators(Error::InvalidValidatorSet)));

    let mut minority = genesis();
    minority.threshold = Some((1, 3));
    assert_eq!(
        build(&minority),
        Err(GenesisError::Threshold { numerator: 1, denominator: 3, error: Error::InvalidThreshold })
    );

    // Malformed text is refused when the spec is read, naming the value.
    let with = |pointer: &str, value: serde_json::Value| {
        let mut json = spec_json();
        *json.pointer_mut(pointer).unwrap() = value;
        serde_json::from_value::<GenesisConfig>(json).unwrap_err().to_string()
    };
    assert!(with("/organisations/0/locations/0/gln", "3760001000008".into()).contains("is not a GLN"));
    assert!(with("/organisations/0/country", "fr".into()).contains("country code"));
    assert!(with("/organisations/0/companyPrefixes/0", "37600".into()).contains("company prefix"));
    assert!(with("/organisations/1/locations/0/unLocode", "FRLE1".into()).contains("UN/LOCODE"));
    assert!(with("/organisations/4/roles/0/inspector/scope", "Quarantine".into()).contains("inspection scope"));
    assert!(with("/validators/0/consensusKey", "11".repeat(32).into()).contains("32-byte key"));
    assert!(with("/organisations/0/roles/0", "owner".into()).contains("unknown variant"));
    let mut typo = spec_json();
    typo["threshhold"] = serde_json::json!([1, 2]);
    assert!(serde_json::from_value::<GenesisConfig>(typo).is_err(), "unknown fields are refused");
}

#[test]
fn text_forms_parse_strictly_and_round_trip() {
    let roles: Vec<Role> = serde_json::from_value(serde_json::json!([
        "manufacturer", "seller", "carrier", "importer", {"customsAuthority": {"port": "CNSHA"}},
        {"inspector": {"scope": "lab_test"}}, "retailer", "regulator", "admin"
    ]))
    .unwrap();
    assert_eq!(roles[4], customs("CNSHA"));
    assert_eq!(roles[5], inspector("lab_test"));
    assert_eq!(serde_json::to_value(&roles[4]).unwrap(), serde_json::json!({"customsAuthority": {"port": "CNSHA"}}));
    assert_eq!(serde_json::to_value(&roles[8]).unwrap(), serde_json::json!("admin"));
    assert_eq!(serde_json::to_value(gln("3760001000009")).unwrap(), serde_json::json!({"gln": "3760001000009"}));
    assert_eq!(serde_json::to_value(locode("FRLEH")).unwrap(), serde_json::json!({"unLocode": "FRLEH"}));

    // The chain spec round-trips.
    let config = genesis();
    let json = serde_json::to_value(&config).unwrap();
    assert_eq!(serde_json::from_value::<GenesisConfig>(json).unwrap(), config);

    // Actions in JSON, as integrators write them.
    let action: Action = serde_json::from_value(serde_json::json!({
        "admit": {
            "name": "Le Havre Terminal", "country": "FR", "companyPrefixes": [],
            "locations": [{"unLocode": "FRLEH"}], "accounts": [hex_account(NEWCOMER)], "roles": ["carrier"]
        }
    }))
    .unwrap();
    assert_eq!(action, Admission::newcomer().action());
    let threshold: Action =
        serde_json::from_value(serde_json::json!({"setThreshold": {"numerator": 2, "denominator": 3}})).unwrap();
    assert_eq!(threshold, Action::SetThreshold { numerator: 2, denominator: 3 });

    assert_eq!("FR".parse(), Ok(CountryCode(*b"FR")));
    for bad in ["fr", "FRA", "F", "", "F1", "ÉU"] {
        assert!(bad.parse::<CountryCode>().is_err(), "{bad}");
    }
    assert_eq!("CNSHA".parse::<UnLocode>().unwrap().country(), CountryCode(*b"CN"));
    assert!("USNY2".parse::<UnLocode>().is_ok());
    for bad in ["CNSH1", "CNSH0", "cnsha", "CNSH", "CNSHAA", "C1SHA"] {
        assert!(bad.parse::<UnLocode>().is_err(), "{bad}");
    }
    assert!("3760001000009".parse::<Gln>().is_ok());
    for bad in ["3760001000008", "376000100000", "37600010000090", "376000100000x"] {
        assert!(bad.parse::<Gln>().is_err(), "{bad}");
    }
    for good in ["376000", "3760001", "376000100000"] {
        assert!(good.parse::<CompanyPrefix>().is_ok(), "{good}");
    }
    for bad in ["37600", "3760001000001", "37600A1", ""] {
        assert!(bad.parse::<CompanyPrefix>().is_err(), "{bad}");
    }
    for good in ["quarantine", "quality", "authenticity", "lab_test", "iso-17025", "a"] {
        assert!(good.parse::<Scope>().is_ok(), "{good}");
    }
    let too_long = "a".repeat(MAX_SCOPE_LEN + 1);
    for bad in ["", "Quarantine", "lab test", "lab.test", too_long.as_str()] {
        assert!(bad.parse::<Scope>().is_err(), "{bad}");
    }
}

#[test]
fn encodings_are_stable() {
    assert_eq!(Role::Manufacturer.encode(), vec![0]);
    assert_eq!(Role::Seller.encode(), vec![1]);
    assert_eq!(Role::Carrier.encode(), vec![2]);
    assert_eq!(Role::Importer.encode(), vec![3]);
    assert_eq!(customs("CNSHA").encode(), [&[4u8][..], b"CNSHA"].concat());
    assert_eq!(inspector("quarantine").encode(), [&[5u8, 40][..], b"quarantine"].concat());
    assert_eq!(Role::Retailer.encode(), vec![6]);
    assert_eq!(Role::Regulator.encode(), vec![7]);
    assert_eq!(Role::Admin.encode(), vec![8]);
    assert_eq!(gln("3760001000009").encode(), [&[0u8][..], b"3760001000009"].concat());
    assert_eq!(locode("CNSHA").encode(), [&[1u8][..], b"CNSHA"].concat());

    assert_eq!(Action::Remove { org: 3 }.encode(), vec![1, 3, 0, 0, 0]);
    assert_eq!(Action::SetThreshold { numerator: 1, denominator: 2 }.encode(), vec![8, 1, 0, 0, 0, 2, 0, 0, 0]);
    assert_eq!(Action::RemoveAccount { account: account(1) }.encode()[0], 6);
    assert_eq!(Action::SetValidators { validators: vec![] }.encode(), vec![7, 0]);

    assert_eq!(
        Call::propose { action: Action::SetThreshold { numerator: 1, denominator: 2 } }.encode(),
        vec![0, 8, 1, 0, 0, 0, 2, 0, 0, 0]
    );
    assert_eq!(Call::approve { proposal: 1 }.encode(), vec![1, 1, 0, 0, 0]);
    assert_eq!(Call::cancel { proposal: 1 }.encode(), vec![2, 1, 0, 0, 0]);
    assert_eq!(Call::add_location { location: locode("CNSHA") }.encode(), [&[3u8, 1][..], b"CNSHA"].concat());

    assert_eq!(Event::Executed { proposal: 0, result: Ok(()) }.encode(), vec![10, 0, 0, 0, 0, 0]);
    assert_eq!(Event::Cancelled { proposal: 2 }.encode(), vec![11, 2, 0, 0, 0]);

    let error: DispatchError = Error::NotMember.into();
    assert_eq!(error.encode(), vec![3, 2, 0, 0, 0, 0]);
    assert_eq!(module_error(Error::NotAdmin), DispatchError::Module(ModuleError { index: 2, error: [1, 0, 0, 0] }));
    assert_eq!(Error::PrefixOverlaps as u8, 12);
    assert_eq!(Error::LastAdmin as u8, 27);
    assert_eq!(Error::IdsExhausted as u8, 31);

    let mut expected = twox_128(b"Membership").to_vec();
    expected.extend_from_slice(&twox_128(b"AccountOrg"));
    assert!(ACCOUNT_ORG.key(&account(1)).starts_with(&expected));
    assert_eq!(ACCOUNT_ORG.key(&account(1)).len(), 32 + 16 + 32, "Blake2_128Concat");
    assert_eq!(ORGANISATIONS.key(&1).len(), 32 + 8 + 4, "Twox64Concat");
}

#[test]
fn every_validation_error_is_returned_and_changes_nothing() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // An open proposal to approve and cancel.
    propose(&mut ctx, WINERY, Admission::newcomer().action()).unwrap();
    let open = proposal(&ctx, 0).unwrap();

    let admit = |admission: Admission| Call::propose { action: admission.action() };
    let act = |action: Action| Call::propose { action };
    let newcomer = Admission::newcomer;
    let many_locations: Vec<Location> = (0..=MAX_LOCATIONS)
        .map(|n| locode(&format!("DE{}{}A", (b'A' + n as u8 / 26) as char, (b'A' + n as u8 % 26) as char)))
        .collect();
    let many_scopes: Vec<Role> = (0..=MAX_ROLES).map(|n| inspector(&format!("scope{n}"))).collect();
    let many_prefixes: Vec<CompanyPrefix> = (0..=MAX_PREFIXES).map(|n| prefix(&format!("80000{n:02}"))).collect();
    let many_accounts: Vec<AccountId32> = (0..=MAX_ACCOUNTS).map(|n| AccountId32([n as u8; 32])).collect();
    let validator = |org, n| ValidatorInfo { org, consensus_key: consensus_key(n) };

    let cases: Vec<(u8, Call, Error)> = vec![
        // Who may propose, approve and cancel.
        (OUTSIDER, admit(newcomer()), Error::NotMember),
        (CARRIER, admit(newcomer()), Error::NotAdmin),
        (CCIG, Call::approve { proposal: 0 }, Error::NotAdmin),
        (OUTSIDER, Call::approve { proposal: 0 }, Error::NotMember),
        (WINERY, Call::approve { proposal: 0 }, Error::AlreadyApproved),
        (CUSTOMS, Call::approve { proposal: 9 }, Error::ProposalNotFound),
        (CUSTOMS, Call::cancel { proposal: 0 }, Error::NotProposer),
        (CARRIER, Call::cancel { proposal: 0 }, Error::NotProposer),
        (OUTSIDER, Call::cancel { proposal: 0 }, Error::NotMember),
        (WINERY, Call::cancel { proposal: 9 }, Error::ProposalNotFound),
        // Admission: each field.
        (WINERY, admit(Admission { name: vec![], ..newcomer() }), Error::InvalidName),
        (WINERY, admit(Admission { name: vec![b'a'; MAX_NAME_LEN + 1], ..newcomer() }), Error::InvalidName),
        (WINERY, admit(Admission { name: vec![0xff, 0xfe], ..newcomer() }), Error::InvalidName),
        (WINERY, admit(Admission { name: b"Le Havre\nTerminal".to_vec(), ..newcomer() }), Error::InvalidName),
        (WINERY, admit(Admission { name: "Le Havre\u{202e}".as_bytes().to_vec(), ..newcomer() }), Error::InvalidName),
        (WINERY, admit(Admission { name: b"   ".to_vec(), ..newcomer() }), Error::InvalidName),
        (WINERY, admit(Admission { country: CountryCode(*b"fr"), ..newcomer() }), Error::InvalidCountry),
        (WINERY, admit(Admission { country: CountryCode([b'F', 0]), ..newcomer() }), Error::InvalidCountry),
        (WINERY, admit(Admission { locations: vec![gln("3760001000008")], ..newcomer() }), Error::InvalidLocation),
        (WINERY, admit(Admission { locations: vec![gln("37600010000x9")], ..newcomer() }), Error::InvalidLocation),
        (WINERY, admit(Admission { locations: vec![locode("FRLE1")], ..newcomer() }), Error::InvalidLocation),
        (WINERY, admit(Admission { locations: vec![locode("frleh")], ..newcomer() }), Error::InvalidLocation),
        (WINERY, admit(Admission { locations: many_locations, ..newcomer() }), Error::TooManyLocations),
        (
            WINERY,
            admit(Admission { locations: vec![locode("FRLEH"), locode("FRLEH")], ..newcomer() }),
            Error::DuplicateLocation,
        ),
        (WINERY, admit(Admission { company_prefixes: vec![prefix("37600")], ..newcomer() }), Error::InvalidPrefix),
        (
            WINERY,
            admit(Admission { company_prefixes: vec![prefix("3760001000001")], ..newcomer() }),
            Error::InvalidPrefix,
        ),
        (WINERY, admit(Admission { company_prefixes: vec![prefix("37600A1")], ..newcomer() }), Error::InvalidPrefix),
        (WINERY, admit(Admission { company_prefixes: many_prefixes, ..newcomer() }), Error::TooManyPrefixes),
        (WINERY, admit(Admission { company_prefixes: vec![prefix("3760001")], ..newcomer() }), Error::PrefixTaken),
        (WINERY, admit(Admission { company_prefixes: vec![prefix("37600015")], ..newcomer() }), Error::PrefixOverlaps),
        (WINERY, admit(Admission { company_prefixes: vec![prefix("376000")], ..newcomer() }), Error::PrefixOverlaps),
        (
            WINERY,
            admit(Admission { company_prefixes: vec![prefix("9000001"), prefix("9000001")], ..newcomer() }),
            Error::PrefixTaken,
        ),
        (
            WINERY,
            admit(Admission { company_prefixes: vec![prefix("9000001"), prefix("900000")], ..newcomer() }),
            Error::PrefixOverlaps,
        ),
        (WINERY, admit(Admission { accounts: many_accounts, ..newcomer() }), Error::TooManyAccounts),
        (
            WINERY,
            admit(Admission { accounts: vec![account(NEWCOMER), account(NEWCOMER)], ..newcomer() }),
            Error::DuplicateAccount,
        ),
        (WINERY, admit(Admission { accounts: vec![account(CARRIER)], ..newcomer() }), Error::AccountAlreadyMember),
        (WINERY, admit(Admission { roles: vec![inspector("")], ..newcomer() }), Error::InvalidScope),
        (WINERY, admit(Admission { roles: vec![inspector("Quarantine")], ..newcomer() }), Error::InvalidScope),
        (WINERY, admit(Admission { roles: vec![inspector(&"q".repeat(33))], ..newcomer() }), Error::InvalidScope),
        (WINERY, admit(Admission { roles: vec![customs("CNSH0")], ..newcomer() }), Error::InvalidLocation),
        (WINERY, admit(Admission { roles: many_scopes, ..newcomer() }), Error::TooManyRoles),
        (WINERY, admit(Admission { roles: vec![Role::Carrier, Role::Carrier], ..newcomer() }), Error::DuplicateRole),
        (
            WINERY,
            admit(Admission { accounts: vec![], roles: vec![Role::Admin], ..newcomer() }),
            Error::AdminNeedsAccount,
        ),
        // The other actions.
        (WINERY, act(Action::Remove { org: 99 }), Error::OrganisationNotFound),
        (WINERY, act(Action::Remove { org: WINERY_ORG }), Error::OrgRunsValidator),
        (WINERY, act(Action::GrantRole { org: 99, role: Role::Carrier }), Error::OrganisationNotFound),
        (WINERY, act(Action::GrantRole { org: CARRIER_ORG, role: Role::Carrier }), Error::RoleAlreadyGranted),
        (WINERY, act(Action::GrantRole { org: CCIG_ORG, role: inspector("Lab") }), Error::InvalidScope),
        (WINERY, act(Action::GrantRole { org: CUSTOMS_ORG, role: customs("cnsha") }), Error::InvalidLocation),
        (WINERY, act(Action::RevokeRole { org: CARRIER_ORG, role: Role::Importer }), Error::RoleNotGranted),
        (WINERY, act(Action::RevokeRole { org: 99, role: Role::Importer }), Error::OrganisationNotFound),
        (WINERY, act(Action::AssignPrefix { org: CARRIER_ORG, prefix: prefix("12345") }), Error::InvalidPrefix),
        (WINERY, act(Action::AssignPrefix { org: 99, prefix: prefix("1234567") }), Error::OrganisationNotFound),
        (WINERY, act(Action::AssignPrefix { org: CARRIER_ORG, prefix: prefix("3760001") }), Error::PrefixTaken),
        (WINERY, act(Action::AssignPrefix { org: CARRIER_ORG, prefix: prefix("376000123") }), Error::PrefixOverlaps),
        (WINERY, act(Action::AddAccount { org: 99, account: account(NEWCOMER) }), Error::OrganisationNotFound),
        (WINERY, act(Action::AddAccount { org: CARRIER_ORG, account: account(WINERY) }), Error::AccountAlreadyMember),
        (WINERY, act(Action::RemoveAccount { account: account(OUTSIDER) }), Error::AccountNotMember),
        (WINERY, act(Action::RemoveAccount { account: account(GACC) }), Error::AdminNeedsAccount),
        (WINERY, act(Action::SetValidators { validators: vec![] }), Error::InvalidValidatorSet),
        (
            WINERY,
            act(Action::SetValidators { validators: (0..=100).map(|n| validator(WINERY_ORG, n)).collect() }),
            Error::InvalidValidatorSet,
        ),
        (
            WINERY,
            act(Action::SetValidators { validators: vec![validator(WINERY_ORG, 1), validator(CUSTOMS_ORG, 1)] }),
            Error::InvalidValidatorSet,
        ),
        (
            WINERY,
            act(Action::SetValidators { validators: vec![validator(WINERY_ORG, 1), validator(99, 2)] }),
            Error::OrganisationNotFound,
        ),
        (WINERY, act(Action::SetThreshold { numerator: 0, denominator: 2 }), Error::InvalidThreshold),
        (WINERY, act(Action::SetThreshold { numerator: 2, denominator: 2 }), Error::InvalidThreshold),
        (WINERY, act(Action::SetThreshold { numerator: 3, denominator: 2 }), Error::InvalidThreshold),
        (WINERY, act(Action::SetThreshold { numerator: 1, denominator: 3 }), Error::InvalidThreshold),
        (WINERY, act(Action::SetThreshold { numerator: 99, denominator: 101 }), Error::InvalidThreshold),
        (WINERY, act(Action::SetThreshold { numerator: 1, denominator: 0 }), Error::InvalidThreshold),
        // A member's own locations.
        (OUTSIDER, Call::add_location { location: locode("FRLEH") }, Error::NotMember),
        (CARRIER, Call::add_location { location: locode("FRLEH") }, Error::DuplicateLocation),
        (CARRIER, Call::add_location { location: gln("3760001000000") }, Error::InvalidLocation),
        (CARRIER, Call::add_location { location: locode("FR LH") }, Error::InvalidLocation),
    ];
    for (who, call, error) in cases {
        assert_refused(&mut ctx, &signed(who), call, module_error(error));
    }
    for origin in [Origin::None, Origin::Root] {
        assert_refused(&mut ctx, &origin, Call::approve { proposal: 0 }, DispatchError::BadOrigin);
        assert_refused(&mut ctx, &origin, admit(newcomer()), DispatchError::BadOrigin);
    }
    assert_eq!(proposal(&ctx, 0), Some(open));
    assert_eq!(proposal(&ctx, 1), None, "no id was used by a refused proposal");
}

#[test]
fn admitting_an_organisation_needs_two_of_three_admins() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let action = Admission::newcomer().action();

    propose(&mut ctx, WINERY, action.clone()).unwrap();
    assert_eq!(
        events(&ctx),
        vec![Event::Proposed { proposal: 0, org: WINERY_ORG, account: account(WINERY), action: action.clone() }]
    );
    let open = proposal(&ctx, 0).unwrap();
    assert_eq!(open.approvals, vec![WINERY_ORG]);
    assert_eq!((open.created_at, open.expires_at), (BLOCK, BLOCK + PROPOSAL_LIFETIME));
    // One approval of three admin organisations is not a strict majority.
    assert!(!is_member(&ctx, &account(NEWCOMER)));

    ctx.take_events();
    approve(&mut ctx, CUSTOMS_DESK, 0).unwrap();
    assert_eq!(
        events(&ctx),
        vec![
            Event::Approved { proposal: 0, org: CUSTOMS_ORG, approvals: 2 },
            Event::OrganisationAdmitted { org: NEW_ORG, name: b"Le Havre Terminal".to_vec() },
            Event::LocationAdded { org: NEW_ORG, location: locode("FRLEH") },
            Event::AccountAdded { org: NEW_ORG, account: account(NEWCOMER) },
            Event::RoleGranted { org: NEW_ORG, role: Role::Carrier },
            Event::Executed { proposal: 0, result: Ok(()) },
        ]
    );
    assert!(is_member(&ctx, &account(NEWCOMER)));
    assert_eq!(organisation_of(&ctx, &account(NEWCOMER)), Some(NEW_ORG));
    assert_eq!(organisation(&ctx, NEW_ORG).unwrap().admitted_at, BLOCK);
    assert!(has_role(&ctx, NEW_ORG, &Role::Carrier));
    assert_eq!(proposal(&ctx, 0), None, "an executed proposal is consumed");
    assert_eq!(approve(&mut ctx, GACC, 0), Err(module_error(Error::ProposalNotFound)));

    // The newcomer acts at once, for its own organisation only.
    run(&mut ctx, NEWCOMER, Call::add_location { location: locode("BEANR") }).unwrap();
    assert_eq!(organisation(&ctx, NEW_ORG).unwrap().locations, vec![locode("FRLEH"), locode("BEANR")]);
    assert_eq!(propose(&mut ctx, NEWCOMER, Admission::newcomer().action()), Err(module_error(Error::NotAdmin)));
}

#[test]
fn an_organisation_approves_once_whichever_account_signs() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    propose(&mut ctx, CUSTOMS, Admission::newcomer().action()).unwrap();
    assert_eq!(approve(&mut ctx, CUSTOMS, 0), Err(module_error(Error::AlreadyApproved)));
    assert_eq!(approve(&mut ctx, CUSTOMS_DESK, 0), Err(module_error(Error::AlreadyApproved)));
    assert!(!is_member(&ctx, &account(NEWCOMER)));
    approve(&mut ctx, GACC, 0).unwrap();
    assert!(is_member(&ctx, &account(NEWCOMER)));
}

#[test]
fn an_expired_proposal_cannot_be_approved_and_any_admin_may_clear_it() {
    // The last block of its lifetime still counts.
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    propose(&mut ctx, WINERY, Admission::newcomer().action()).unwrap();
    let mut ctx = at_block(ctx, BLOCK + PROPOSAL_LIFETIME - 1);
    approve(&mut ctx, GACC, 0).unwrap();
    assert!(is_member(&ctx, &account(NEWCOMER)));

    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    propose(&mut ctx, WINERY, Admission::newcomer().action()).unwrap();
    let mut ctx = at_block(ctx, BLOCK + PROPOSAL_LIFETIME);
    assert_refused(&mut ctx, &signed(GACC), Call::approve { proposal: 0 }, module_error(Error::ProposalExpired));
    // Expired, it may be cleared by any admin organisation, but not by other members.
    assert_refused(&mut ctx, &signed(CARRIER), Call::cancel { proposal: 0 }, module_error(Error::NotProposer));
    run(&mut ctx, GACC, Call::cancel { proposal: 0 }).unwrap();
    assert_eq!(events(&ctx), vec![Event::Cancelled { proposal: 0 }]);
    assert_eq!(proposal(&ctx, 0), None);
    assert!(!is_member(&ctx, &account(NEWCOMER)));
}

#[test]
fn only_the_proposing_organisation_cancels() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    propose(&mut ctx, CUSTOMS, Admission::newcomer().action()).unwrap();
    assert_refused(&mut ctx, &signed(WINERY), Call::cancel { proposal: 0 }, module_error(Error::NotProposer));
    assert_refused(&mut ctx, &signed(GACC), Call::cancel { proposal: 0 }, module_error(Error::NotProposer));
    ctx.take_events();
    // Another account of the proposing organisation may.
    run(&mut ctx, CUSTOMS_DESK, Call::cancel { proposal: 0 }).unwrap();
    assert_eq!(events(&ctx), vec![Event::Cancelled { proposal: 0 }]);
    assert_eq!(approve(&mut ctx, WINERY, 0), Err(module_error(Error::ProposalNotFound)));
    assert!(!is_member(&ctx, &account(NEWCOMER)));
    // Ids are never reused.
    propose(&mut ctx, CUSTOMS, Admission::newcomer().action()).unwrap();
    assert!(proposal(&ctx, 1).is_some());
}

#[test]
fn non_admins_cannot_propose_or_approve() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    for who in [CARRIER, IMPORTER, CCIG, TMALL] {
        let action = Action::RemoveAccount { account: account(WINERY) };
        assert_refused(&mut ctx, &signed(who), Call::propose { action }, module_error(Error::NotAdmin));
    }
    propose(&mut ctx, WINERY, Action::GrantRole { org: CARRIER_ORG, role: Role::Admin }).unwrap();
    assert_refused(&mut ctx, &signed(CARRIER), Call::approve { proposal: 0 }, module_error(Error::NotAdmin));
    assert_refused(&mut ctx, &signed(OUTSIDER), Call::approve { proposal: 0 }, module_error(Error::NotMember));
    // Once admin, it may.
    approve(&mut ctx, GACC, 0).unwrap();
    assert_eq!(admin_orgs(&ctx), vec![WINERY_ORG, CARRIER_ORG, CUSTOMS_ORG, GACC_ORG]);
    propose(&mut ctx, CARRIER, Admission::newcomer().action()).unwrap();
}

#[test]
fn the_last_admin_organisation_is_protected() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // 3 admins: revoking two of them is fine.
    propose(&mut ctx, WINERY, Action::RevokeRole { org: GACC_ORG, role: Role::Admin }).unwrap();
    approve(&mut ctx, CUSTOMS, 0).unwrap();
    assert_eq!(admin_orgs(&ctx), vec![WINERY_ORG, CUSTOMS_ORG]);
    assert!(!has_role(&ctx, GACC_ORG, &Role::Admin));
    // GACC's approval no longer counts, nor can it vote.
    assert_eq!(propose(&mut ctx, GACC, Admission::newcomer().action()), Err(module_error(Error::NotAdmin)));

    // Two admins, strict majority: both must approve.
    propose(&mut ctx, CUSTOMS, Action::RevokeRole { org: CUSTOMS_ORG, role: Role::Admin }).unwrap();
    assert!(proposal(&ctx, 1).is_some());
    approve(&mut ctx, WINERY, 1).unwrap();
    assert_eq!(admin_orgs(&ctx), vec![WINERY_ORG]);

    let last = [Action::RevokeRole { org: WINERY_ORG, role: Role::Admin }, Action::Remove { org: WINERY_ORG }];
    for action in last {
        assert_refused(&mut ctx, &signed(WINERY), Call::propose { action }, module_error(Error::LastAdmin));
    }
    // The sole admin now decides alone: its proposals execute at once.
    ctx.take_events();
    propose(&mut ctx, WINERY, Action::GrantRole { org: GACC_ORG, role: Role::Admin }).unwrap();
    assert_eq!(events(&ctx).last(), Some(&Event::Executed { proposal: 2, result: Ok(()) }));
    assert_eq!(admin_orgs(&ctx), vec![WINERY_ORG, GACC_ORG]);
}

#[test]
fn company_prefixes_stay_prefix_free() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let assign = |org, digits: &str| Call::propose { action: Action::AssignPrefix { org, prefix: prefix(digits) } };
    assert_refused(&mut ctx, &signed(WINERY), assign(CARRIER_ORG, "3760001"), module_error(Error::PrefixTaken));
    assert_refused(&mut ctx, &signed(WINERY), assign(WINERY_ORG, "3760001"), module_error(Error::PrefixTaken));
    assert_refused(&mut ctx, &signed(WINERY), assign(CARRIER_ORG, "37600012"), module_error(Error::PrefixOverlaps));
    assert_refused(&mut ctx, &signed(WINERY), assign(CARRIER_ORG, "376000"), module_error(Error::PrefixOverlaps));
    assert_refused(&mut ctx, &signed(WINERY), assign(CARRIER_ORG, "376000100000"), module_error(Error::PrefixOverlaps));

    // A neighbouring prefix is fine.
    run(&mut ctx, WINERY, assign(IMPORTER_ORG, "3760002")).unwrap();
    approve(&mut ctx, CUSTOMS, 0).unwrap();
    assert!(events(&ctx).contains(&Event::PrefixAssigned { org: IMPORTER_ORG, prefix: prefix("3760002") }));
    assert_eq!(prefix_owner(&ctx, b"3760002000178"), Some((IMPORTER_ORG, prefix("3760002"))));
    assert_eq!(prefix_owner(&ctx, b"3760001000178"), Some((WINERY_ORG, prefix("3760001"))));
    assert_eq!(organisation(&ctx, IMPORTER_ORG).unwrap().company_prefixes, vec![prefix("3760002")]);
    // 376000 now starts two registered prefixes.
    assert_refused(&mut ctx, &signed(WINERY), assign(TMALL_ORG, "376000"), module_error(Error::PrefixOverlaps));
}

#[test]
fn removing_an_organisation_removes_its_accounts_roles_prefixes_and_admin_status() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let admission = Admission {
        company_prefixes: vec![prefix("4000001234")],
        accounts: vec![account(NEWCOMER), account(NEWCOMER + 1)],
        roles: vec![Role::Admin, Role::Carrier],
        ..Admission::newcomer()
    };
    propose(&mut ctx, WINERY, admission.action()).unwrap();
    approve(&mut ctx, CUSTOMS, 0).unwrap();
    assert_eq!(roles(&ctx, NEW_ORG), vec![Role::Carrier, Role::Admin], "sorted by encoding");
    assert_eq!(admin_orgs(&ctx), vec![WINERY_ORG, CUSTOMS_ORG, GACC_ORG, NEW_ORG]);
    // The stem 400000 is now taken by the longer prefix.
    let stem = Call::propose { action: Action::AssignPrefix { org: TMALL_ORG, prefix: prefix("400000") } };
    assert_refused(&mut ctx, &signed(WINERY), stem.clone(), module_error(Error::PrefixOverlaps));

    // Four admins: three approvals needed.
    propose(&mut ctx, WINERY, Action::Remove { org: NEW_ORG }).unwrap();
    approve(&mut ctx, CUSTOMS, 1).unwrap();
    assert!(proposal(&ctx, 1).is_some());
    ctx.take_events();
    approve(&mut ctx, GACC, 1).unwrap();
    assert_eq!(
        events(&ctx),
        vec![
            Event::Approved { proposal: 1, org: GACC_ORG, approvals: 3 },
            Event::AccountRemoved { org: NEW_ORG, account: account(NEWCOMER) },
            Event::AccountRemoved { org: NEW_ORG, account: account(NEWCOMER + 1) },
            Event::RoleRevoked { org: NEW_ORG, role: Role::Carrier },
            Event::RoleRevoked { org: NEW_ORG, role: Role::Admin },
            Event::OrganisationRemoved { org: NEW_ORG },
            Event::Executed { proposal: 1, result: Ok(()) },
        ]
    );
    assert!(!is_member(&ctx, &account(NEWCOMER)));
    assert!(!is_member(&ctx, &account(NEWCOMER + 1)));
    assert_eq!(organisation(&ctx, NEW_ORG), None);
    assert!(roles(&ctx, NEW_ORG).is_empty());
    assert!(accounts(&ctx, NEW_ORG).is_empty());
    assert_eq!(admin_orgs(&ctx), vec![WINERY_ORG, CUSTOMS_ORG, GACC_ORG]);
    assert_eq!(prefix_owner(&ctx, b"4000001234567"), None);

    // The prefix and its stems are free again.
    run(&mut ctx, WINERY, stem).unwrap();
    approve(&mut ctx, CUSTOMS, 2).unwrap();
    assert_eq!(prefix_owner(&ctx, b"4000001234567"), Some((TMALL_ORG, prefix("400000"))));
    // Ids are not reused.
    propose(&mut ctx, WINERY, Admission::newcomer().action()).unwrap();
    approve(&mut ctx, CUSTOMS, 3).unwrap();
    assert_eq!(organisation_of(&ctx, &account(NEWCOMER)), Some(NEW_ORG + 1));
}

#[test]
fn a_validator_set_change_takes_effect_exactly_after_the_delay() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let before = validators(&ctx);
    let next = vec![
        ValidatorInfo { org: WINERY_ORG, consensus_key: consensus_key(0x11) },
        ValidatorInfo { org: CARRIER_ORG, consensus_key: consensus_key(0x33) },
        ValidatorInfo { org: GACC_ORG, consensus_key: consensus_key(0x44) },
    ];
    propose(&mut ctx, WINERY, Action::SetValidators { validators: next.clone() }).unwrap();
    ctx.take_events();
    approve(&mut ctx, GACC, 0).unwrap();
    let at = BLOCK + VALIDATOR_SET_DELAY;
    assert!(events(&ctx).contains(&Event::ValidatorSetScheduled { at, validators: next.clone() }));
    assert_eq!(validators(&ctx), before);
    assert_eq!(pending_validators(&ctx), Some((at, next.clone())));
    // An organisation in the scheduled set cannot be removed.
    let remove_carrier = Call::propose { action: Action::Remove { org: CARRIER_ORG } };
    assert_refused(&mut ctx, &signed(WINERY), remove_carrier.clone(), module_error(Error::OrgRunsValidator));

    let mut ctx = at_block(ctx, at - 1);
    on_initialize(&mut ctx);
    assert_eq!(validators(&ctx), before);
    assert!(ctx.events().is_empty());
    assert_eq!(validator_set_changes(&ctx), Vec::<BlockNumber>::new());

    let mut ctx = at_block(ctx, at);
    on_initialize(&mut ctx);
    assert_eq!(validators(&ctx), next);
    assert_eq!(pending_validators(&ctx), None);
    assert_eq!(validator_set_changes(&ctx), vec![at], "light clients find the change");
    assert_eq!(events(&ctx), vec![Event::ValidatorSetChanged { validators: next.clone() }]);

    let mut ctx = at_block(ctx, at + 1);
    on_initialize(&mut ctx);
    assert!(ctx.events().is_empty(), "applied once");
    // Customs no longer runs a validator and may be removed; the carrier now does.
    assert_refused(&mut ctx, &signed(WINERY), remove_carrier, module_error(Error::OrgRunsValidator));
    propose(&mut ctx, WINERY, Action::Remove { org: CUSTOMS_ORG }).unwrap();
}

#[test]
fn a_failing_action_emits_executed_with_the_error_while_the_approval_succeeds() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // Two proposals, each valid when made, that cannot both execute.
    propose(&mut ctx, WINERY, Action::AddAccount { org: CARRIER_ORG, account: account(NEWCOMER) }).unwrap();
    propose(&mut ctx, WINERY, Action::AddAccount { org: IMPORTER_ORG, account: account(NEWCOMER) }).unwrap();
    approve(&mut ctx, CUSTOMS, 1).unwrap();
    assert_eq!(organisation_of(&ctx, &account(NEWCOMER)), Some(IMPORTER_ORG));

    ctx.take_events();
    let carrier_accounts = accounts(&ctx, CARRIER_ORG);
    let outcome = ctx.transactional(|ctx| approve(ctx, CUSTOMS, 0));
    assert_eq!(outcome, Ok(()));
    assert_eq!(
        events(&ctx),
        vec![
            Event::Approved { proposal: 0, org: CUSTOMS_ORG, approvals: 2 },
            Event::Executed { proposal: 0, result: Err(module_error(Error::AccountAlreadyMember)) },
        ]
    );
    assert_eq!(proposal(&ctx, 0), None, "consumed even though it failed");
    assert_eq!(organisation_of(&ctx, &account(NEWCOMER)), Some(IMPORTER_ORG));
    assert_eq!(accounts(&ctx, CARRIER_ORG), carrier_accounts);
}

#[test]
fn set_threshold_changes_the_approvals_needed() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    propose(&mut ctx, WINERY, Action::SetThreshold { numerator: 2, denominator: 3 }).unwrap();
    ctx.take_events();
    approve(&mut ctx, CUSTOMS, 0).unwrap();
    assert!(events(&ctx).contains(&Event::ThresholdChanged { numerator: 2, denominator: 3 }));
    assert_eq!(approval_threshold(&ctx), (2, 3));

    // More than two thirds of three: all three.
    propose(&mut ctx, WINERY, Admission::newcomer().action()).unwrap();
    approve(&mut ctx, CUSTOMS, 1).unwrap();
    assert!(!is_member(&ctx, &account(NEWCOMER)));
    assert_eq!(proposal(&ctx, 1).unwrap().approvals, vec![WINERY_ORG, CUSTOMS_ORG]);
    approve(&mut ctx, GACC, 1).unwrap();
    assert!(is_member(&ctx, &account(NEWCOMER)));

    // Back to a strict majority: 1/2 is the lowest accepted.
    propose(&mut ctx, WINERY, Action::SetThreshold { numerator: 1, denominator: 2 }).unwrap();
    approve(&mut ctx, CUSTOMS, 2).unwrap();
    approve(&mut ctx, GACC, 2).unwrap();
    assert_eq!(approval_threshold(&ctx), (1, 2));
    propose(&mut ctx, WINERY, Action::RemoveAccount { account: account(NEWCOMER) }).unwrap();
    approve(&mut ctx, CUSTOMS, 3).unwrap();
    assert!(!is_member(&ctx, &account(NEWCOMER)));
}

#[test]
fn roles_are_stored_sorted_by_encoding_and_match_exactly() {
    let state = BTreeMap::new();
    let mut ctx = single_admin_ctx(&state);
    for role in [inspector("quality"), Role::Manufacturer, inspector("lab_test"), customs("CNSHA")] {
        propose(&mut ctx, WINERY, Action::GrantRole { org: CCIG_ORG, role }).unwrap();
    }
    let held = roles(&ctx, CCIG_ORG);
    let mut by_encoding = held.clone();
    by_encoding.sort_by_key(Encode::encode);
    assert_eq!(held, by_encoding);
    assert_eq!(held[0], Role::Manufacturer);
    assert_eq!(held[1], customs("CNSHA"));
    // "quality" (7 bytes) encodes before "lab_test" (8) and "quarantine" (10): length first.
    assert_eq!(&held[2..], &[inspector("quality"), inspector("lab_test"), inspector("quarantine")]);

    propose(&mut ctx, WINERY, Action::RevokeRole { org: CCIG_ORG, role: inspector("quarantine") }).unwrap();
    assert!(!has_role(&ctx, CCIG_ORG, &inspector("quarantine")));
    assert!(has_role(&ctx, CCIG_ORG, &inspector("quality")));
    assert_eq!(ensure_role(&ctx, &account(CCIG), &inspector("quarantine")), Err(module_error(Error::MissingRole)));
}

#[test]
fn members_add_locations_to_their_own_organisation() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    run(&mut ctx, CARRIER, Call::add_location { location: gln("3760001000009") }).unwrap();
    assert_eq!(events(&ctx), vec![Event::LocationAdded { org: CARRIER_ORG, location: gln("3760001000009") }]);
    assert_eq!(organisation(&ctx, CARRIER_ORG).unwrap().locations, vec![locode("FRLEH"), gln("3760001000009")]);
    assert_eq!(organisation(&ctx, WINERY_ORG).unwrap().locations.len(), 2, "others' are untouched");

    for n in 2..MAX_LOCATIONS {
        let code = format!("FR{}{}A", (b'A' + (n / 26) as u8) as char, (b'A' + (n % 26) as u8) as char);
        run(&mut ctx, CARRIER, Call::add_location { location: locode(&code) }).unwrap();
    }
    assert_eq!(organisation(&ctx, CARRIER_ORG).unwrap().locations.len(), MAX_LOCATIONS);
    assert_refused(
        &mut ctx,
        &signed(CARRIER),
        Call::add_location { location: locode("FRZZZ") },
        module_error(Error::TooManyLocations),
    );
}

#[test]
fn admin_organisations_keep_an_account_to_vote_with() {
    let state = BTreeMap::new();
    let mut ctx = single_admin_ctx(&state);
    // Customs is not an admin here; give it the role back, then thin out its accounts.
    propose(&mut ctx, WINERY, Action::GrantRole { org: CUSTOMS_ORG, role: Role::Admin }).unwrap();
    propose(&mut ctx, WINERY, Action::RemoveAccount { account: account(CUSTOMS_DESK) }).unwrap();
    approve(&mut ctx, CUSTOMS, 1).unwrap();
    assert!(!is_member(&ctx, &account(CUSTOMS_DESK)));
    assert_eq!(accounts(&ctx, CUSTOMS_ORG), vec![account(CUSTOMS)]);
    let last = Call::propose { action: Action::RemoveAccount { account: account(CUSTOMS) } };
    assert_refused(&mut ctx, &signed(WINERY), last, module_error(Error::AdminNeedsAccount));

    // A non-admin organisation may lose all its accounts, but cannot then become an admin.
    propose(&mut ctx, WINERY, Action::RemoveAccount { account: account(CARRIER) }).unwrap();
    approve(&mut ctx, CUSTOMS, 2).unwrap();
    assert!(accounts(&ctx, CARRIER_ORG).is_empty());
    let grant = Call::propose { action: Action::GrantRole { org: CARRIER_ORG, role: Role::Admin } };
    assert_refused(&mut ctx, &signed(WINERY), grant, module_error(Error::AdminNeedsAccount));
}

#[test]
fn per_organisation_limits_hold_for_incremental_changes() {
    let state = BTreeMap::new();
    let mut ctx = single_admin_ctx(&state);
    let org = TMALL_ORG;
    for n in 1..MAX_ACCOUNTS as u8 {
        propose(&mut ctx, WINERY, Action::AddAccount { org, account: AccountId32([100 + n; 32]) }).unwrap();
    }
    assert_eq!(accounts(&ctx, org).len(), MAX_ACCOUNTS);
    let one_more = Call::propose { action: Action::AddAccount { org, account: account(NEWCOMER) } };
    assert_refused(&mut ctx, &signed(WINERY), one_more, module_error(Error::TooManyAccounts));

    for n in 0..MAX_PREFIXES {
        propose(&mut ctx, WINERY, Action::AssignPrefix { org, prefix: prefix(&format!("69000{n:02}")) }).unwrap();
    }
    let one_more = Call::propose { action: Action::AssignPrefix { org, prefix: prefix("6900099") } };
    assert_refused(&mut ctx, &signed(WINERY), one_more, module_error(Error::TooManyPrefixes));

    for n in 1..MAX_ROLES {
        propose(&mut ctx, WINERY, Action::GrantRole { org, role: inspector(&format!("s{n}")) }).unwrap();
    }
    assert_eq!(roles(&ctx, org).len(), MAX_ROLES);
    let one_more = Call::propose { action: Action::GrantRole { org, role: Role::Importer } };
    assert_refused(&mut ctx, &signed(WINERY), one_more, module_error(Error::TooManyRoles));
    assert!(ctx.events().iter().all(|record| !matches!(record.event, Event::Executed { result: Err(_), .. })));
}

#[test]
fn call_weights_grow_with_the_lists_and_bound_any_execution() {
    let small = Admission::newcomer().action();
    let large = Admission {
        accounts: (0..MAX_ACCOUNTS as u8).map(|n| AccountId32([n; 32])).collect(),
        company_prefixes: (0..MAX_PREFIXES).map(|n| prefix(&format!("80000{n:02}"))).collect(),
        locations: (0..MAX_LOCATIONS as u8)
            .map(|n| locode(&format!("FRA{}{}", (b'A' + n / 26) as char, (b'A' + n % 26) as char)))
            .collect(),
        roles: (0..MAX_ROLES).map(|n| inspector(&format!("s{n}"))).collect(),
        ..Admission::newcomer()
    }
    .action();
    let one = Action::SetValidators { validators: vec![ValidatorInfo { org: 0, consensus_key: consensus_key(1) }] };
    let many = Action::SetValidators {
        validators: (0..MAX_VALIDATORS as u8)
            .map(|n| ValidatorInfo { org: 0, consensus_key: consensus_key(n) })
            .collect(),
    };
    assert!(action_weight(&small).ref_time > 0);
    assert!(action_weight(&large).ref_time > action_weight(&small).ref_time);
    assert!(action_weight(&many).ref_time > action_weight(&one).ref_time);
    assert!(
        call_weight(&Call::propose { action: large.clone() }).ref_time
            > call_weight(&Call::propose { action: small }).ref_time
    );
    // An approval may execute any action a proposal can hold: it pays for the costliest.
    let approve = call_weight(&Call::approve { proposal: 0 });
    for action in [large, many, Action::Remove { org: 0 }, Action::AssignPrefix { org: 0, prefix: prefix("1234567") }] {
        assert!(!action_weight(&action).any_gt(max_action_weight()), "{action:?}");
    }
    assert!(!max_action_weight().any_gt(approve));
    // An adversarial list does not overflow, and costs more than any valid action.
    let huge =
        Action::SetValidators { validators: vec![ValidatorInfo { org: 0, consensus_key: consensus_key(0) }; 100_000] };
    assert!(call_weight(&Call::propose { action: huge }).ref_time > approve.ref_time);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_when_decoded_as_a_call(
        index in 0u8..5, action in 0u8..10, bytes in proptest::collection::vec(any::<u8>(), 0..256)
    ) {
        // Steer most inputs past the call and action indices into the fields.
        let input = [&[index, action][..], &bytes].concat();
        for candidate in [&input[..], &bytes[..]] {
            if let Ok(call) = Call::decode(&mut &candidate[..]) {
                let _ = call_weight(&call);
                let state = BTreeMap::new();
                let mut ctx = new_ctx(&state);
                let _ = ctx.transactional(|ctx| dispatch(ctx, &signed(WINERY), call));
                prop_assert!(ctx.overlay.corruption().is_none());
            }
        }
    }
}

// ----------------------------------------------------------------------------------------------
// Equivocation reports

mod equivocation_reports {
    use tracechain_primitives::{
        consensus_message::{vote_message, VoteKind},
        keyring::Ed25519Pair,
        H256,
    };

    use super::*;

    const GENESIS: H256 = H256([0x6e; 32]);
    /// Blocks in which a new validator set took effect.
    const SET_CHANGED_AT: BlockNumber = 40;

    fn validator_key(n: u8) -> Ed25519Pair {
        Ed25519Pair::from_seed(&[n; 32])
    }

    /// The story's consortium with two real validator keys (the winery's and customs'), at block
    /// `BLOCK`, whose current validator set took effect in block `SET_CHANGED_AT`.
    fn validator_ctx(state: &BTreeMap<Vec<u8>, Vec<u8>>) -> Context<'_, Event> {
        let mut config = genesis();
        config.validators[0].consensus_key = validator_key(1).public();
        config.validators[1].consensus_key = validator_key(2).public();
        let mut overlay = Overlay::new(state);
        build_genesis(&mut overlay, &config).unwrap();
        pallet_system::BLOCK_HASH.insert(&mut overlay, &0, &GENESIS);
        VALIDATOR_SET_CHANGES.put(&mut overlay, &vec![SET_CHANGED_AT]);
        Context::new(overlay, BLOCK)
    }

    fn vote(key: &Ed25519Pair, kind: VoteKind, height: BlockNumber, round: u32, block: Option<H256>) -> ReportedVote {
        ReportedVote { block, signature: key.sign(&vote_message(GENESIS, kind, height, round, block)) }
    }

    /// Validator 1 prevoted for two blocks at height 90, round 1.
    fn double_prevote() -> EquivocationReport {
        let key = validator_key(1);
        EquivocationReport {
            offender: key.public(),
            height: 90,
            round: 1,
            kind: VoteKind::Prevote,
            first: vote(&key, VoteKind::Prevote, 90, 1, Some(H256([0xa; 32]))),
            second: vote(&key, VoteKind::Prevote, 90, 1, Some(H256([0xb; 32]))),
        }
    }

    fn report(ctx: &mut Context<'_, Event>, report: EquivocationReport) -> DispatchResult {
        dispatch(ctx, &Origin::None, Call::report_equivocation { report })
    }

    #[test]
    fn two_blocks_proposed_for_one_round_are_recorded_as_a_proposal_equivocation() {
        let state = BTreeMap::new();
        let mut ctx = validator_ctx(&state);
        let key = validator_key(2);
        let proposal = |block| vote(&key, VoteKind::Proposal, 90, 3, Some(block));
        let proof = EquivocationReport {
            offender: key.public(),
            height: 90,
            round: 3,
            kind: VoteKind::Proposal,
            first: proposal(H256([0xa; 32])),
            second: proposal(H256([0xb; 32])),
        };
        // A "proposal" of nil is no proposal, and a prevote's signature is not a proposal's.
        let mut nil = proof.clone();
        nil.second = vote(&key, VoteKind::Proposal, 90, 3, None);
        assert_refused(
            &mut ctx,
            &Origin::None,
            Call::report_equivocation { report: nil },
            module_error(Error::NilProposal),
        );
        let mut prevote = proof.clone();
        prevote.second = vote(&key, VoteKind::Prevote, 90, 3, Some(H256([0xb; 32])));
        assert_refused(
            &mut ctx,
            &Origin::None,
            Call::report_equivocation { report: prevote },
            module_error(Error::InvalidVoteSignature),
        );
        report(&mut ctx, proof.clone()).unwrap();
        assert_eq!(
            events(&ctx),
            vec![Event::EquivocationRecorded {
                org: CUSTOMS_ORG,
                offender: proof.offender,
                height: 90,
                round: 3,
                kind: VoteKind::Proposal
            }]
        );
    }

    #[test]
    fn a_proven_double_vote_is_recorded_once_against_the_validators_organisation() {
        let state = BTreeMap::new();
        let mut ctx = validator_ctx(&state);
        let proof = double_prevote();
        report(&mut ctx, proof.clone()).unwrap();
        assert_eq!(
            events(&ctx),
            vec![Event::EquivocationRecorded {
                org: WINERY_ORG,
                offender: proof.offender,
                height: 90,
                round: 1,
                kind: VoteKind::Prevote
            }]
        );
        let record = equivocation::equivocation(&ctx, &proof.offence()).expect("recorded");
        assert_eq!(record, EquivocationRecord { org: WINERY_ORG, report: proof.clone(), recorded_in: BLOCK });
        assert!(!equivocation::is_recordable(&ctx, BLOCK, &proof));

        // The same offence again, even with another conflicting pair, is not recorded twice.
        let key = validator_key(1);
        let mut again = proof;
        again.second = vote(&key, VoteKind::Prevote, 90, 1, None);
        assert_refused(
            &mut ctx,
            &Origin::None,
            Call::report_equivocation { report: again },
            module_error(Error::EquivocationAlreadyRecorded),
        );
    }

    #[test]
    fn a_precommit_for_a_block_and_a_nil_precommit_are_an_equivocation() {
        let state = BTreeMap::new();
        let mut ctx = validator_ctx(&state);
        let key = validator_key(2);
        let proof = EquivocationReport {
            offender: key.public(),
            height: 41,
            round: 0,
            kind: VoteKind::Precommit,
            first: vote(&key, VoteKind::Precommit, 41, 0, Some(H256([0xc; 32]))),
            second: vote(&key, VoteKind::Precommit, 41, 0, None),
        };
        assert!(equivocation::is_recordable(&ctx, BLOCK, &proof));
        report(&mut ctx, proof.clone()).unwrap();
        assert_eq!(equivocation::equivocation(&ctx, &proof.offence()).map(|record| record.org), Some(CUSTOMS_ORG));
    }

    #[test]
    fn false_or_unprovable_reports_are_refused_and_change_nothing() {
        let state = BTreeMap::new();
        let mut ctx = validator_ctx(&state);
        let key = validator_key(1);
        let refused = |ctx: &mut Context<'_, Event>, report: EquivocationReport, error: Error| {
            assert!(!equivocation::is_recordable(ctx, BLOCK, &report), "{error:?}");
            assert_refused(ctx, &Origin::None, Call::report_equivocation { report }, module_error(error));
        };

        // The same vote twice is no offence.
        let mut same = double_prevote();
        same.second = same.first.clone();
        refused(&mut ctx, same, Error::VotesDoNotConflict);

        // Heights not decided yet, or decided by the validator set before the current one.
        for height in [BLOCK, BLOCK + 1, SET_CHANGED_AT, 1] {
            let mut outside = double_prevote();
            outside.height = height;
            outside.first = vote(&key, VoteKind::Prevote, height, 1, outside.first.block);
            outside.second = vote(&key, VoteKind::Prevote, height, 1, outside.second.block);
            refused(&mut ctx, outside, Error::EquivocationOutsideTerm);
        }

        // A key that is not a validator's.
        let outsider = validator_key(9);
        let mut stranger = double_prevote();
        stranger.offender = outsider.public();
        stranger.first = vote(&outsider, VoteKind::Prevote, 90, 1, stranger.first.block);
        stranger.second = vote(&outsider, VoteKind::Prevote, 90, 1, stranger.second.block);
        refused(&mut ctx, stranger, Error::NotAValidator);

        // A forged signature: signed by someone else, for another round, another kind or another
        // chain; or simply garbage.
        let forgeries = [
            validator_key(2).sign(&vote_message(GENESIS, VoteKind::Prevote, 90, 1, Some(H256([0xb; 32])))),
            key.sign(&vote_message(GENESIS, VoteKind::Prevote, 90, 2, Some(H256([0xb; 32])))),
            key.sign(&vote_message(GENESIS, VoteKind::Precommit, 90, 1, Some(H256([0xb; 32])))),
            key.sign(&vote_message(H256([1; 32]), VoteKind::Prevote, 90, 1, Some(H256([0xb; 32])))),
            [0u8; 64],
        ];
        for signature in forgeries {
            let mut forged = double_prevote();
            forged.second.signature = signature;
            refused(&mut ctx, forged, Error::InvalidVoteSignature);
        }

        // Only as an unsigned inherent: a signed transaction cannot carry a report.
        assert_refused(
            &mut ctx,
            &signed(WINERY),
            Call::report_equivocation { report: double_prevote() },
            DispatchError::BadOrigin,
        );
        assert!(equivocation::is_recordable(&ctx, BLOCK, &double_prevote()));
    }

    #[test]
    fn the_report_call_and_its_event_keep_their_indices() {
        assert_eq!(Call::report_equivocation { report: double_prevote() }.encode()[0], 4);
        let event =
            Event::EquivocationRecorded { org: 3, offender: [0; 32], height: 1, round: 0, kind: VoteKind::Precommit };
        assert_eq!(event.encode()[0], 15);
        assert_eq!(Error::VotesDoNotConflict as u8, 32);
        assert_eq!(Error::EquivocationAlreadyRecorded as u8, 36);
    }
}

#[test]
fn port_authorities_follow_admission_grants_revocations_and_removal() {
    let state = BTreeMap::new();
    let mut ctx = single_admin_ctx(&state);
    let port = |code: &str| UnLocode(code.as_bytes().try_into().unwrap());
    // Genesis: Shanghai customs governs CNSHA; nobody governs CNSZX.
    assert_eq!(port_authorities(&ctx, &port("CNSHA")), vec![CUSTOMS_ORG]);
    assert!(is_port_governed(&ctx, &port("CNSHA")));
    assert!(!is_port_governed(&ctx, &port("CNSZX")));
    // A grant governs the port; a second authority of the same port is listed, sorted.
    propose(&mut ctx, WINERY, Action::GrantRole { org: GACC_ORG, role: customs("CNSZX") }).unwrap();
    propose(&mut ctx, WINERY, Action::GrantRole { org: CCIG_ORG, role: customs("CNSHA") }).unwrap();
    assert_eq!(port_authorities(&ctx, &port("CNSZX")), vec![GACC_ORG]);
    assert_eq!(port_authorities(&ctx, &port("CNSHA")), vec![CUSTOMS_ORG, CCIG_ORG]);
    // Revoking the last authority of a port leaves it ungoverned, and removes the entry.
    propose(&mut ctx, WINERY, Action::RevokeRole { org: GACC_ORG, role: customs("CNSZX") }).unwrap();
    assert!(!is_port_governed(&ctx, &port("CNSZX")));
    assert!(!PORT_AUTHORITIES.contains(&ctx, &port("CNSZX")));
    // Removing an organisation removes it from its ports.
    propose(&mut ctx, WINERY, Action::Remove { org: CCIG_ORG }).unwrap();
    assert_eq!(port_authorities(&ctx, &port("CNSHA")), vec![CUSTOMS_ORG]);
    // Admitting an organisation with a customs role governs its port.
    let mut newcomer = Admission::newcomer();
    newcomer.roles = vec![customs("FRLEH")];
    propose(&mut ctx, WINERY, newcomer.action()).unwrap();
    assert_eq!(port_authorities(&ctx, &port("FRLEH")), vec![NEW_ORG]);
}
