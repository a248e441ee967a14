//! Accounts named by small numbers: account `n` is 32 bytes of `n`, so a test names a member
//! by its number and a failure message shows which member it was.

use tracechain_primitives::AccountId32;
use tracechain_support::Origin;

/// Account `n`.
pub fn account(n: u8) -> AccountId32 {
    AccountId32([n; 32])
}

/// Account `n`'s signed origin.
pub fn signed(n: u8) -> Origin {
    Origin::Signed(account(n))
}

/// Account `n` as genesis JSON spells an account: `0x` and 64 hex digits.
pub fn hex_account(n: u8) -> String {
    hex_bytes(n)
}

/// Validator key `n`: 32 bytes of `n`, like the accounts.
pub fn consensus_key(n: u8) -> [u8; 32] {
    [n; 32]
}

/// Validator key `n` as genesis JSON spells it: `0x` and 64 hex digits.
pub fn hex_consensus_key(n: u8) -> String {
    hex_bytes(n)
}

fn hex_bytes(n: u8) -> String {
    format!("0x{}", format!("{n:02x}").repeat(32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_and_its_hex_form_are_the_same_bytes() {
        assert_eq!(account(0x1f).0, [0x1f; 32]);
        assert_eq!(hex_account(0x1f), format!("0x{}", "1f".repeat(32)));
        assert_eq!(signed(3), Origin::Signed(AccountId32([3; 32])));
        assert_eq!(hex_consensus_key(0x11), format!("0x{}", "11".repeat(32)));
        assert_eq!(consensus_key(0x22), [0x22; 32]);
    }
}
