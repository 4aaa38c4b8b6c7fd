// Iterators over records: filter, map, group, rank.
//
// Each report is one pipeline that reads top to bottom: which orders count
// (`filter`), what is taken from each (`map`), how they are combined (`fold`
// into a `BTreeMap` through the entry API, or `collect`). The BTreeMap keeps
// customers sorted, so the report is the same on every run.

use std::cmp::Reverse;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Paid,
    Refunded,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: u64,
    pub customer: String,
    pub total_cents: u64,
    pub status: Status,
}

/// Ids of the paid orders of at least `min_cents`, in the order given.
pub fn large_paid_order_ids(orders: &[Order], min_cents: u64) -> Vec<u64> {
    orders
        .iter()
        .filter(|o| o.status == Status::Paid && o.total_cents >= min_cents)
        .map(|o| o.id)
        .collect()
}

/// Revenue per customer: the sum of their paid orders. Customers without a
/// paid order do not appear.
pub fn revenue_by_customer(orders: &[Order]) -> BTreeMap<String, u64> {
    orders
        .iter()
        .filter(|o| o.status == Status::Paid)
        .fold(BTreeMap::new(), |mut totals, o| {
            *totals.entry(o.customer.clone()).or_insert(0) += o.total_cents;
            totals
        })
}

/// The `n` customers with the most revenue, highest first. Equal revenue is
/// ranked by name, so the same data always gives the same ranking.
pub fn top_customers(orders: &[Order], n: usize) -> Vec<(String, u64)> {
    // The map is already sorted by name and `sort_by_key` is stable, so sorting
    // by revenue alone keeps equal revenues in name order.
    let mut ranked: Vec<(String, u64)> = revenue_by_customer(orders).into_iter().collect();
    ranked.sort_by_key(|(_, revenue)| Reverse(*revenue));
    ranked.truncate(n);
    ranked
}

fn main() {
    let order = |id, customer: &str, total_cents, status| Order {
        id,
        customer: customer.to_string(),
        total_cents,
        status,
    };
    let orders = [
        order(1, "ada", 4_200, Status::Paid),
        order(2, "bob", 1_500, Status::Paid),
        order(3, "ada", 900, Status::Refunded),
        order(4, "cy", 7_000, Status::Pending),
        order(5, "bob", 3_000, Status::Paid),
    ];
    println!("large paid orders: {:?}", large_paid_order_ids(&orders, 2_000));
    for (customer, cents) in top_customers(&orders, 3) {
        println!("{customer:>5} {:>8.2}", cents as f64 / 100.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(id: u64, customer: &str, total_cents: u64, status: Status) -> Order {
        Order {
            id,
            customer: customer.to_string(),
            total_cents,
            status,
        }
    }

    fn sample() -> Vec<Order> {
        vec![
            order(1, "ada", 4_200, Status::Paid),
            order(2, "bob", 1_500, Status::Paid),
            order(3, "ada", 900, Status::Refunded),
            order(4, "cy", 7_000, Status::Pending),
            order(5, "bob", 3_000, Status::Paid),
            order(6, "dee", 4_500, Status::Paid),
            order(7, "eve", 2_000, Status::Refunded),
        ]
    }

    #[test]
    fn large_paid_orders_keep_input_order() {
        assert_eq!(large_paid_order_ids(&sample(), 3_000), [1, 5, 6]);
        assert_eq!(large_paid_order_ids(&sample(), 100_000), Vec::<u64>::new());
    }

    #[test]
    fn revenue_counts_only_paid_orders() {
        let expected = BTreeMap::from([
            ("ada".to_string(), 4_200),
            ("bob".to_string(), 4_500),
            ("dee".to_string(), 4_500),
        ]);
        assert_eq!(revenue_by_customer(&sample()), expected);
    }

    #[test]
    fn top_customers_breaks_ties_by_name() {
        assert_eq!(
            top_customers(&sample(), 2),
            [("bob".to_string(), 4_500), ("dee".to_string(), 4_500)]
        );
    }

    #[test]
    fn top_customers_with_n_larger_than_the_list() {
        assert_eq!(top_customers(&sample(), 10).len(), 3);
        assert_eq!(top_customers(&[], 3), []);
        assert_eq!(top_customers(&sample(), 0), []);
    }

    // ---- a random data set, checked against naive loops ----

    struct Rng(u64);

    impl Rng {
        fn from_env() -> Self {
            let seed = std::env::var("BACKLINGS_SEED")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0x5EED);
            Rng(seed)
        }

        /// splitmix64
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) % n
        }
    }

    fn random_orders(rng: &mut Rng) -> Vec<Order> {
        const CUSTOMERS: [&str; 7] = ["ada", "bob", "cy", "dee", "eve", "fay", "gus"];
        const STATUSES: [Status; 3] = [Status::Pending, Status::Paid, Status::Refunded];
        (1..=rng.below(60))
            .map(|id| {
                let customer = CUSTOMERS[rng.below(7) as usize];
                // Few distinct amounts, so equal revenues (ties) happen often.
                let total_cents = 500 * (1 + rng.below(8));
                order(id, customer, total_cents, STATUSES[rng.below(3) as usize])
            })
            .collect()
    }

    fn naive_revenue(orders: &[Order]) -> Vec<(String, u64)> {
        let mut totals: Vec<(String, u64)> = Vec::new();
        for o in orders {
            if o.status != Status::Paid {
                continue;
            }
            let mut found = false;
            for entry in totals.iter_mut() {
                if entry.0 == o.customer {
                    entry.1 += o.total_cents;
                    found = true;
                }
            }
            if !found {
                totals.push((o.customer.clone(), o.total_cents));
            }
        }
        totals
    }

    fn naive_top(orders: &[Order], n: usize) -> Vec<(String, u64)> {
        let mut left = naive_revenue(orders);
        let mut top = Vec::new();
        while top.len() < n && !left.is_empty() {
            let mut best = 0;
            for i in 1..left.len() {
                let better =
                    left[i].1 > left[best].1 || (left[i].1 == left[best].1 && left[i].0 < left[best].0);
                if better {
                    best = i;
                }
            }
            top.push(left.remove(best));
        }
        top
    }

    #[test]
    fn random_orders_match_a_naive_report() {
        let mut rng = Rng::from_env();
        for round in 0..30 {
            let orders = random_orders(&mut rng);
            let min_cents = 500 * rng.below(9);
            let n = rng.below(9) as usize;

            let expected_ids: Vec<u64> = {
                let mut ids = Vec::new();
                for o in &orders {
                    if o.status == Status::Paid && o.total_cents >= min_cents {
                        ids.push(o.id);
                    }
                }
                ids
            };
            assert_eq!(
                large_paid_order_ids(&orders, min_cents),
                expected_ids,
                "round {round}, min_cents {min_cents}, orders {orders:?}"
            );

            let mut expected_revenue = naive_revenue(&orders);
            expected_revenue.sort();
            let revenue: Vec<(String, u64)> = revenue_by_customer(&orders).into_iter().collect();
            assert_eq!(revenue, expected_revenue, "round {round}, orders {orders:?}");

            assert_eq!(
                top_customers(&orders, n),
                naive_top(&orders, n),
                "round {round}, n {n}, orders {orders:?}"
            );
        }
    }
}
