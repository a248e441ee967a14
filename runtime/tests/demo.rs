//! The runtime demo that `./scripts/dev.sh` runs until the node exists: a development chain from
//! its genesis spec, a few blocks of signed transactions from the acceptance story's members,
//! each block re-executed by an independent "auditor" chain to the same roots.

mod common;

use common::*;
use tracechain_runtime::{InMemoryChain, RuntimeCall, RuntimeEvent};

#[test]
fn demo_development_chain() {
    let spec = tracechain_runtime::ChainSpec::development().unwrap();
    let mut chain = InMemoryChain::new(&spec).unwrap();
    let mut auditor = InMemoryChain::new(&spec).unwrap();
    println!("chain      {} ({:?})", spec.name, spec.chain_type);
    println!("genesis    {:?}", chain.genesis_hash());
    println!("state root {:?}", chain.head().state_root);

    let members = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];
    for round in 0..3u32 {
        let extrinsics: Vec<Vec<u8>> = members
            .iter()
            .map(|name| {
                let pair = dev(name);
                let nonce = chain.account_nonce(&pair.public());
                chain.sign(&pair, remark(format!("{name}: step {round} of the Bordeaux lot").as_bytes()), nonce)
            })
            .collect();
        // Bob, a carrier, tries to act as a consortium admin: included, but the call fails.
        let bob = dev("Bob");
        let action = pallet_membership::types::Action::RemoveAccount { account: dev("Alice").public() };
        let overreach = chain.sign(
            &bob,
            RuntimeCall::Membership(pallet_membership::Call::propose { action }),
            chain.account_nonce(&bob.public()) + 1,
        );
        let mut all = extrinsics;
        all.push(overreach);
        let (block, results) = next_block(&mut chain, &all);
        auditor.import_block(&block).expect("the auditor re-executes the block");
        assert_eq!(auditor.head(), chain.head());
        let failed = chain
            .head_events()
            .iter()
            .filter(|record| matches!(record.event, RuntimeEvent::System(pallet_system::Event::ExtrinsicFailed { .. })))
            .count();
        println!(
            "block #{} {:?}: {} extrinsics, {} failed calls, state root {:?} — re-executed by the auditor: same roots",
            block.header.number,
            block.hash(),
            block.extrinsics.len(),
            failed,
            block.header.state_root
        );
        assert!(results.iter().all(Result::is_ok));
        assert_eq!(failed, 1);
    }
}
