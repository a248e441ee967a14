//! The chain spec and genesis: pinned so that any change to the genesis state is deliberate.

use tracechain_runtime::{ChainSpec, InMemoryChain};

#[test]
fn development_genesis_is_pinned() {
    let spec = ChainSpec::development().unwrap();
    let genesis = spec.genesis().unwrap();
    // Changing the development spec or any genesis encoding changes this hash, and with it every
    // signature made for the development chain.
    assert_eq!(format!("{:?}", genesis.hash()), "0x31442d4084542bc934d8a51737832abf665f3c284fc2bafc809ff8c14e2624ff");
    assert_eq!(genesis.block.header.number, 0);
    assert_eq!(genesis.block.header.extrinsics_root, tracechain_primitives::trie::EMPTY_TRIE_ROOT);
}

#[test]
fn a_spec_round_trips_through_json_and_gives_the_same_genesis() {
    let spec = ChainSpec::development().unwrap();
    let again = ChainSpec::from_json(&spec.to_json()).unwrap();
    assert_eq!(again.genesis().unwrap().hash(), spec.genesis().unwrap().hash());
    let chain = InMemoryChain::new(&again).unwrap();
    assert_eq!(chain.genesis_hash(), spec.genesis().unwrap().hash());
}

#[test]
fn unknown_fields_and_invalid_members_are_refused() {
    let spec = ChainSpec::development().unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&spec.to_json()).unwrap();
    json["genesis"]["timestampp"] = serde_json::json!(5);
    let error = ChainSpec::from_json(&json.to_string()).unwrap_err();
    assert!(error.to_string().contains("timestampp"), "{error}");

    let mut json: serde_json::Value = serde_json::from_str(&spec.to_json()).unwrap();
    json["genesis"]["membership"]["organisations"][0]["country"] = serde_json::json!("France");
    assert!(ChainSpec::from_json(&json.to_string()).is_err());

    // A GLN whose check digit does not verify.
    let mut json: serde_json::Value = serde_json::from_str(&spec.to_json()).unwrap();
    json["genesis"]["membership"]["organisations"][0]["locations"][0] = serde_json::json!({"gln": "3760001000005"});
    assert!(ChainSpec::from_json(&json.to_string()).is_err());
}
