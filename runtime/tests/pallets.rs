//! `docs/pallets.md` is the runtime's list of pallets ([`PALLETS`], declared in
//! `runtime/src/pallets.rs`), rendered: the test fails when the committed file differs, and
//! `TRACECHAIN_BLESS=1 cargo test -p tracechain-runtime --test pallets` rewrites it.

use tracechain_runtime::pallets::PALLETS;

/// `docs/pallets.md`: index, name, crate and purpose of every pallet, in index order.
fn render_markdown() -> String {
    let mut out = String::from(
        "# Pallets\n\n\
         Generated from the runtime's list of pallets (`runtime/src/pallets.rs`) by `runtime/tests/pallets.rs`; do not\n\
         edit by hand. Regenerate with `TRACECHAIN_BLESS=1 cargo test -p tracechain-runtime --test pallets`.\n\n\
         A pallet's index is the first byte of each of its calls and events and the `index` of its\n\
         `DispatchError::Module`; it never changes. The purpose is the pallet's docs in the metadata (V15, V16).\n\
         Adding a pallet: [adding-a-pallet.md](adding-a-pallet.md).\n\n\
         | index | pallet | crate | purpose |\n\
         |---|---|---|---|\n",
    );
    for pallet in PALLETS {
        let package = pallet.crate_name.replace('_', "-");
        out.push_str(&format!("| {} | {} | `{package}` | {} |\n", pallet.index, pallet.name, pallet.docs));
    }
    out
}

#[test]
fn docs_pallets_md_is_generated_from_the_list() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/pallets.md");
    let generated = render_markdown();
    if std::env::var_os("TRACECHAIN_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/pallets.md");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/pallets.md is stale: regenerate it with\n  TRACECHAIN_BLESS=1 cargo test -p tracechain-runtime --test pallets"
    );
}
