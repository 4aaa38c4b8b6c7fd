// Domain types: make invalid states unrepresentable.
//
// A backend spends its life moving records between states: an order is pending,
// then paid, then shipped — or cancelled. Stored as a free-form string
// ("paid", "Paid", "payed"…), every handler has to re-validate it, and sooner or
// later one of them forgets. As an enum, the compiler checks every `match` and
// an order in a state that does not exist cannot be built at all. The string
// form survives only at the edges — the database column, the JSON field — and
// is turned into the enum once, on the way in, where a bad value is refused.
//
// The enum is declared; its methods are yours: `parse` (the text the database
// stores, exactly: "pending", "paid", "shipped", "cancelled"), `can_cancel`
// (only orders not yet shipped may be cancelled) and `label`.

/// A status the database holds that no version of this code ever wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownStatus(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    Pending,
    Paid,
    Shipped,
    Cancelled,
}

impl OrderStatus {
    /// The status as the `orders.status` column stores it.
    pub fn parse(text: &str) -> Result<OrderStatus, UnknownStatus> {
        todo!("match on `text`; anything else is an `UnknownStatus` holding it")
    }

    /// Orders can be cancelled until they leave the warehouse.
    pub fn can_cancel(self) -> bool {
        todo!("decide from `self`")
    }

    /// The label shown to customers.
    pub fn label(self) -> &'static str {
        todo!("one label per state")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub id: u64,
    pub total_cents: u64,
    pub status: OrderStatus,
}

fn main() {
    match OrderStatus::parse("pending") {
        Ok(status) => {
            let order = Order {
                id: 1,
                total_cents: 2599,
                status,
            };
            println!("order {} is {}", order.id, order.status.label());
        }
        Err(UnknownStatus(text)) => println!("the database holds an unknown status {text:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_four_stored_spellings() {
        assert_eq!(OrderStatus::parse("pending"), Ok(OrderStatus::Pending));
        assert_eq!(OrderStatus::parse("paid"), Ok(OrderStatus::Paid));
        assert_eq!(OrderStatus::parse("shipped"), Ok(OrderStatus::Shipped));
        assert_eq!(OrderStatus::parse("cancelled"), Ok(OrderStatus::Cancelled));
    }

    #[test]
    fn refuses_any_other_spelling_and_says_which() {
        let seed: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(7);
        let invented = format!("status-{seed}");
        for text in ["Paid", "payed", " paid", "", "canceled", invented.as_str()] {
            assert_eq!(
                OrderStatus::parse(text),
                Err(UnknownStatus(text.to_string())),
                "{text:?}"
            );
        }
    }

    #[test]
    fn pending_and_paid_orders_can_be_cancelled() {
        assert!(OrderStatus::Pending.can_cancel());
        assert!(OrderStatus::Paid.can_cancel());
    }

    #[test]
    fn shipped_and_cancelled_orders_cannot() {
        assert!(!OrderStatus::Shipped.can_cancel());
        assert!(!OrderStatus::Cancelled.can_cancel());
    }

    #[test]
    fn labels_are_for_humans() {
        assert_eq!(OrderStatus::Pending.label(), "awaiting payment");
        assert_eq!(OrderStatus::Paid.label(), "paid");
        assert_eq!(OrderStatus::Shipped.label(), "on its way");
        assert_eq!(OrderStatus::Cancelled.label(), "cancelled");
    }
}
