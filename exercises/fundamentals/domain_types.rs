// Domain types: make invalid states unrepresentable.
//
// A backend spends its life moving records between states: an order is pending,
// then paid, then shipped — or cancelled. Stored as a free-form string
// ("paid", "Paid", "payed"…), every handler has to re-validate it, and sooner or
// later one of them forgets. As an enum, the compiler checks every `match` and
// an order in a state that does not exist cannot be built at all.
//
// Make the tests pass: give `OrderStatus` its four variants and write
// `can_cancel` (only orders not yet shipped may be cancelled) and `label`.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    // TODO: the four states an order can be in.
}

impl OrderStatus {
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
    let order = Order {
        id: 1,
        total_cents: 2599,
        status: OrderStatus::Pending,
    };
    println!("order {} is {}", order.id, order.status.label());
}

#[cfg(test)]
mod tests {
    use super::*;

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
