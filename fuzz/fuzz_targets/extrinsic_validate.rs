//! Any bytes as a transaction from a peer or an RPC caller: decoded and validated against the
//! development chain's genesis state, signature included. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracechain_runtime::{executive::SignatureCheck, ChainSpec, InMemoryChain, TransactionSource};

thread_local! {
    static CHAIN: InMemoryChain =
        InMemoryChain::new(&ChainSpec::development().expect("spec")).expect("genesis");
}

fuzz_target!(|data: &[u8]| {
    CHAIN.with(|chain| {
        let state = chain.state();
        let best = chain.head().hash();
        for source in [TransactionSource::External, TransactionSource::InBlock] {
            let _ = chain.runtime().validate_transaction(&state, best, source, data, SignatureCheck::Verify);
        }
        let _ = chain.runtime().validate_transactions(&state, best, TransactionSource::External, &[data.to_vec()]);
    });
});
