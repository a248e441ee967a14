//! The events a suite's block context collects when it dispatches into several pallets.
//!
//! A pallet deposits `impl Into<E>` into a `Context<'_, E>`; a suite that calls into several
//! pallets needs one `E` with a variant per pallet. [`test_events!`](crate::test_events) declares
//! it in the suite (where the pallets' event types are known), and [`events_of`] and
//! [`last_event_of`] read one pallet's events back from it.

use tracechain_support::Context;

/// The events of one pallet, found among a suite's event enum's variants.
pub trait EventOf<T> {
    /// The event, if it is `T`'s.
    fn event_of(&self) -> Option<&T>;
}

/// The pallet's events emitted so far, in order.
pub fn events_of<'c, T, E: EventOf<T>>(ctx: &'c Context<'_, E>) -> Vec<&'c T> {
    ctx.events().iter().filter_map(|record| record.event.event_of()).collect()
}

/// The pallet's last event, if it emitted any.
pub fn last_event_of<'c, T, E: EventOf<T>>(ctx: &'c Context<'_, E>) -> Option<&'c T> {
    ctx.events().iter().rev().find_map(|record| record.event.event_of())
}

/// Declares a suite's event enum: one variant for each pallet event type given, with the
/// `From` impl a pallet deposits through and an [`EventOf`](crate::events::EventOf) impl to
/// read the pallet's events back.
///
/// ```
/// mod products {
///     #[derive(Clone, Debug, PartialEq, Eq)]
///     pub struct Event;
/// }
/// #[derive(Clone, Debug, PartialEq, Eq)]
/// struct Event;
///
/// tracechain_pallet_testing::test_events! {
///     /// The events of both pallets under test.
///     TestEvent { Products(products::Event), Custody(Event) }
/// }
///
/// assert_eq!(TestEvent::from(Event), TestEvent::Custody(Event));
/// ```
#[macro_export]
macro_rules! test_events {
    ($(#[$attribute:meta])* $name:ident { $($variant:ident($event:ty)),+ $(,)? }) => {
        $(#[$attribute])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        // A suite reads the events of the pallets it tests; the others are there to be shown
        // in failure messages.
        #[allow(dead_code)]
        enum $name {
            $($variant($event)),+
        }

        $(
            impl From<$event> for $name {
                fn from(event: $event) -> Self {
                    $name::$variant(event)
                }
            }

            impl $crate::events::EventOf<$event> for $name {
                fn event_of(&self) -> Option<&$event> {
                    match self {
                        $name::$variant(event) => Some(event),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }
        )+
    };
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use tracechain_support::Overlay;

    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq)]
    struct Shipped(u32);
    #[derive(Clone, Debug, PartialEq, Eq)]
    struct Cleared(u32);

    crate::test_events! {
        /// Two pallets' events.
        TestEvent { Shipping(Shipped), Customs(Cleared) }
    }

    #[test]
    fn a_pallets_events_are_read_back_in_order() {
        let state = BTreeMap::new();
        let mut ctx: Context<'_, TestEvent> = Context::new(Overlay::new(&state), 1);
        assert_eq!(last_event_of::<Cleared, _>(&ctx), None);
        ctx.deposit_event(Shipped(1));
        ctx.deposit_event(Cleared(2));
        ctx.deposit_event(Shipped(3));
        assert_eq!(events_of::<Shipped, _>(&ctx), [&Shipped(1), &Shipped(3)]);
        assert_eq!(last_event_of::<Cleared, _>(&ctx), Some(&Cleared(2)));
        assert_eq!(ctx.events()[1].event, TestEvent::Customs(Cleared(2)));
    }
}
