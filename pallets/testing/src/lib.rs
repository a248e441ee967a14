//! # tracechain-pallet-testing
//!
//! The fixtures the pallets' unit tests (and the runtime's integration tests) share, so that a
//! suite states only what is particular to it:
//!
//! - [`accounts`]: member accounts named by small numbers, and their origins and genesis forms.
//! - [`story`]: the acceptance story's cast as the development chain numbers it, and its time.
//! - [`consortium`]: the story's founding organisations as pallet-membership's genesis JSON, and
//!   a builder for the consortium each suite needs.
//! - [`gs1`]: the winery's GTINs, SSCCs and GLN, with their check digits.
//! - [`wine`]: the story's wine, and the pallet-products calls that register and commission it.
//! - [`events`]: [`test_events!`](crate::test_events), the enum of the events of the pallets
//!   under test, and reads of one pallet's events from it.
//! - [`context`]: a block context over genesis state, and the storage a pallet changed.
//! - [`errors`]: module errors as a dispatch returns them.
//!
//! For tests only: list it under `[dev-dependencies]`, never under `[dependencies]`.
//!
//! ## No pallet types
//! A pallet's unit tests are compiled into the pallet itself. Were this crate to depend on a
//! pallet, those tests would link a second copy of the pallet whose types do not match the
//! first. So the crate depends on the primitives and the support crate only, and hands pallet
//! data over in the forms the pallets read: genesis as JSON (deserialised into the suite's
//! config type by [`consortium::Consortium::config`]), GS1 keys as digit strings and arrays,
//! genesis builders and storage items as arguments, and the event enum and the pallet-products
//! calls as macros that expand in the suite.

pub mod accounts;
pub mod consortium;
pub mod context;
pub mod errors;
pub mod events;
pub mod gs1;
pub mod story;
pub mod wine;
