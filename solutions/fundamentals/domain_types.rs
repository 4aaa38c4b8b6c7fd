// Domain types: make invalid states unrepresentable.
//
// The enum lists every state an order can be in; `match` forces each method to
// say what happens in every one of them, so adding a state later makes the
// compiler point at every place that needs a decision.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    Pending,
    Paid,
    Shipped,
    Cancelled,
}

impl OrderStatus {
    /// Orders can be cancelled until they leave the warehouse.
    pub fn can_cancel(self) -> bool {
        matches!(self, OrderStatus::Pending | OrderStatus::Paid)
    }

    /// The label shown to customers.
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Pending => "awaiting payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Shipped => "on its way",
            OrderStatus::Cancelled => "cancelled",
        }
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
