// Domain types: make invalid states unrepresentable.
//
// The enum lists every state an order can be in; `match` forces each method to
// say what happens in every one of them, so adding a state later makes the
// compiler point at every place that needs a decision. The text form is
// parsed once, at the edge, and refused there when it is not one of ours.

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
        // Exact spellings only: accepting "Paid" here would let every writer
        // invent its own, and the column would fill with variants again.
        match text {
            "pending" => Ok(OrderStatus::Pending),
            "paid" => Ok(OrderStatus::Paid),
            "shipped" => Ok(OrderStatus::Shipped),
            "cancelled" => Ok(OrderStatus::Cancelled),
            other => Err(UnknownStatus(other.to_string())),
        }
    }

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
