// Fix the failing tests — the TESTS, not the code.
//
// A red build does not always mean a bug in the code. The two failing tests below
// check functions that are correct and in production; the tests themselves are
// wrong, in the two ways that cost teams the most afternoons. One compares
// floating-point numbers with `==`: in binary floating point 10.10 + 20.20 is
// 30.299999999999997, so no correct code can produce the exact value it wants.
// The other expects a HashMap to iterate in some order; Rust randomises that order
// per process, so the test fails on most runs and passes on a few — a "flaky" test
// that teaches everyone to ignore red builds.
//
// Mind where the float comes from: `average_basket_dollars` turns cents into
// f64 dollars and sums them. That is the root problem, and a tolerance in the
// test only hides it for an average shown in a weekly report. Money that is
// added up, stored or billed stays in integer cents until it is displayed
// (the shop's tables and every other exercise here do just that); an f64 sum
// of prices drifts by fractions of a cent, and a total compared with `==`
// then fails in the books, not only in a test.
//
// Leave `average_basket_dollars` and `coupon_usage` exactly as they are (the
// report's chart only needs an approximate average). Rewrite the two failing
// tests so they check the same facts in a way that can hold.

use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Order {
    pub id: u64,
    pub total_cents: u64,
    pub coupon: Option<String>,
}

/// The average basket in dollars, for the weekly report; `None` without orders.
pub fn average_basket_dollars(orders: &[Order]) -> Option<f64> {
    if orders.is_empty() {
        return None;
    }
    let total: f64 = orders.iter().map(|o| o.total_cents as f64 / 100.0).sum();
    Some(total / orders.len() as f64)
}

/// How many orders used each coupon code.
pub fn coupon_usage(orders: &[Order]) -> HashMap<String, usize> {
    let mut usage = HashMap::new();
    for code in orders.iter().filter_map(|o| o.coupon.as_ref()) {
        *usage.entry(code.clone()).or_insert(0) += 1;
    }
    usage
}

fn main() {
    let orders = [
        Order {
            id: 1,
            total_cents: 1010,
            coupon: Some("WELCOME".into()),
        },
        Order {
            id: 2,
            total_cents: 2020,
            coupon: None,
        },
    ];
    println!(
        "average basket: ${:.2}",
        average_basket_dollars(&orders).unwrap_or(0.0)
    );
    println!("coupons: {:?}", coupon_usage(&orders));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(id: u64, total_cents: u64, coupon: Option<&str>) -> Order {
        Order {
            id,
            total_cents,
            coupon: coupon.map(String::from),
        }
    }

    fn sample_orders() -> Vec<Order> {
        let codes = [
            "WELCOME",
            "SPRING10",
            "WELCOME",
            "VIP",
            "BLACKFRIDAY",
            "",
            "NEWYEAR",
            "BLACKFRIDAY",
            "SUMMER",
            "FREESHIP",
            "WELCOME",
            "VIP",
            "BLACKFRIDAY",
            "",
            "SPRING10",
            "STUDENT",
            "WELCOME",
        ];
        codes
            .iter()
            .zip(1..)
            .map(|(code, id)| order(id, 1000 + id * 7, (!code.is_empty()).then_some(*code)))
            .collect()
    }

    #[test]
    fn average_basket_of_two_orders() {
        let orders = [order(1, 1010, None), order(2, 2020, None)];
        // $10.10 and $20.20 average to $15.15.
        assert_eq!(average_basket_dollars(&orders), Some(15.15));
    }

    #[test]
    fn average_of_no_orders_is_none() {
        assert_eq!(average_basket_dollars(&[]), None);
    }

    #[test]
    fn coupon_usage_counts_each_code() {
        let usage = coupon_usage(&sample_orders());
        let report: Vec<String> = usage
            .iter()
            .map(|(code, count)| format!("{code}={count}"))
            .collect();
        // In the order the codes first appear.
        assert_eq!(
            report,
            [
                "WELCOME=4",
                "SPRING10=2",
                "VIP=2",
                "BLACKFRIDAY=3",
                "NEWYEAR=1",
                "SUMMER=1",
                "FREESHIP=1",
                "STUDENT=1"
            ]
        );
    }

    #[test]
    fn orders_without_a_coupon_are_not_counted() {
        let usage = coupon_usage(&sample_orders());
        assert_eq!(usage.values().sum::<usize>(), 15);
        assert_eq!(usage.get(""), None);
    }

    /// Guards the functions above `main`: this exercise is about the tests.
    #[test]
    fn production_code_is_unchanged() {
        let source = include_str!("fix_failing_test.rs");
        let start = source
            .find("use std::collections::HashMap;")
            .expect("the first line of the code");
        let end = source.find("fn main()").expect("main");
        // FNV-1a of the code without whitespace, so reformatting is fine.
        let checksum = source[start..end]
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .fold(0xcbf2_9ce4_8422_2325_u64, |hash, b| {
                (hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
        assert_eq!(
            checksum, 0xc3bacf6a6cf2adf0,
            "`average_basket_dollars` and `coupon_usage` are correct: undo your changes to them and fix the tests instead"
        );
    }
}
