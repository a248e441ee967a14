//! Any bytes as a proposed block: decoded, and when it decodes, re-executed on the development
//! chain's genesis state (with the parent and number made to fit, so that execution goes past
//! the first checks). Must never panic; a block is valid or refused with an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parity_scale_codec::Decode;
use tracechain_primitives::header::Block;
use tracechain_runtime::{ChainSpec, InMemoryChain};

thread_local! {
    static CHAIN: InMemoryChain =
        InMemoryChain::new(&ChainSpec::development().expect("spec")).expect("genesis");
}

fuzz_target!(|data: &[u8]| {
    let Ok(mut block) = Block::decode(&mut &data[..]) else { return };
    CHAIN.with(|chain| {
        let _ = chain.re_execute(&block);
        block.header.parent_hash = chain.head().hash();
        block.header.number = chain.head().number + 1;
        let _ = chain.re_execute(&block);
    });
});
