// JSON in, JSON out with serde.
//
// The Rust side keeps Rust names; `rename_all = "camelCase"` maps them to the
// names on the wire, `default` makes an absent flag mean `false`, and
// `skip_serializing_if` leaves an absent note out of the response instead of
// sending `null`. The handler itself only parses, decides and serialises, and
// its arithmetic on the client's numbers is checked: an overflow is a 422.

use serde::{Deserialize, Serialize};
use serde_json::json;

/// Every gift-wrapped order pays this fee.
pub const GIFT_WRAP_FEE_CENTS: u64 = 300;

/// The body of `POST /orders`.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrder {
    pub customer_id: u64,
    pub items: Vec<Item>,
    /// Older clients do not send it: absent means no gift wrap.
    #[serde(default)]
    pub gift_wrap: bool,
    pub note: Option<String>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub sku: String,
    pub quantity: u32,
    pub unit_price_cents: u64,
}

/// The body of the `201 Created` answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreated {
    pub order_id: u64,
    pub customer_id: u64,
    pub total_cents: u64,
    pub gift_wrap: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, PartialEq)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

/// An error answer: `{"error": message}` with `status`.
fn error(status: u16, message: impl Into<String>) -> Response {
    let message: String = message.into();
    Response {
        status,
        body: json!({ "error": message }).to_string(),
    }
}

/// `POST /orders`: 201 with an `OrderCreated`, 400 when the body is not a valid
/// `CreateOrder`, 422 when it is valid JSON but orders nothing or costs more
/// than a u64 of cents can hold.
pub fn create_order(body: &str, order_id: u64) -> Response {
    let request: CreateOrder = match serde_json::from_str(body) {
        Ok(request) => request,
        // serde_json's message names the field and the position: exactly what
        // the client needs to fix the request.
        Err(err) => return error(400, err.to_string()),
    };
    if request.items.is_empty() {
        return error(422, "an order needs at least one item");
    }
    let fee = if request.gift_wrap { GIFT_WRAP_FEE_CENTS } else { 0 };
    // Checked at every step: `None` as soon as anything overflows.
    let total_cents = request.items.iter().try_fold(fee, |total, item| {
        u64::from(item.quantity)
            .checked_mul(item.unit_price_cents)
            .and_then(|line| total.checked_add(line))
    });
    let Some(total_cents) = total_cents else {
        return error(422, "the order total is too large");
    };
    let created = OrderCreated {
        order_id,
        customer_id: request.customer_id,
        total_cents,
        gift_wrap: request.gift_wrap,
        note: request.note,
    };
    Response {
        status: 201,
        // Serialising a struct of plain fields cannot fail.
        body: serde_json::to_string(&created).expect("OrderCreated serialises"),
    }
}

fn main() {
    let body = r#"{"customerId": 7, "items": [{"sku": "SKU-1", "quantity": 2, "unitPriceCents": 1999}]}"#;
    let response = create_order(body, 1001);
    println!("{} {}", response.status, response.body);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn body_json(response: &Response) -> Value {
        serde_json::from_str(&response.body)
            .unwrap_or_else(|e| panic!("the response body is not JSON ({e}): {}", response.body))
    }

    #[test]
    fn parses_a_camel_case_request() {
        let body = r#"{
            "customerId": 7,
            "items": [{"sku": "SKU-1", "quantity": 2, "unitPriceCents": 1999}],
            "giftWrap": true,
            "note": "leave it at the door"
        }"#;
        let request: CreateOrder = serde_json::from_str(body).expect("a valid request");
        assert_eq!(
            request,
            CreateOrder {
                customer_id: 7,
                items: vec![Item {
                    sku: "SKU-1".into(),
                    quantity: 2,
                    unit_price_cents: 1999
                }],
                gift_wrap: true,
                note: Some("leave it at the door".into()),
            }
        );
    }

    #[test]
    fn gift_wrap_defaults_to_false_when_absent() {
        let body = r#"{"customerId": 7, "items": []}"#;
        let request: CreateOrder = serde_json::from_str(body).expect("giftWrap and note are optional");
        assert!(!request.gift_wrap);
        assert_eq!(request.note, None);
    }

    #[test]
    fn responds_201_with_camel_case_json() {
        let body = r#"{"customerId": 7, "items": [{"sku": "A", "quantity": 3, "unitPriceCents": 250}],
                       "note": "ring twice"}"#;
        let response = create_order(body, 1001);
        assert_eq!(response.status, 201, "body: {}", response.body);
        assert_eq!(
            body_json(&response),
            json!({
                "orderId": 1001,
                "customerId": 7,
                "totalCents": 750,
                "giftWrap": false,
                "note": "ring twice"
            })
        );
    }

    #[test]
    fn note_is_left_out_of_the_response_when_absent() {
        let body = r#"{"customerId": 7, "items": [{"sku": "A", "quantity": 1, "unitPriceCents": 100}]}"#;
        let response = create_order(body, 1);
        let json = body_json(&response);
        assert_eq!(json.get("note"), None, "no `note` key, not even null: {json}");
    }

    #[test]
    fn gift_wrap_adds_the_fee() {
        let body = r#"{"customerId": 7, "giftWrap": true,
                       "items": [{"sku": "A", "quantity": 1, "unitPriceCents": 1000}]}"#;
        let json = body_json(&create_order(body, 1));
        assert_eq!(json["totalCents"], json!(1000 + GIFT_WRAP_FEE_CENTS));
        assert_eq!(json["giftWrap"], json!(true));
    }

    #[test]
    fn malformed_json_is_a_400_with_an_error_message() {
        let response = create_order(r#"{"customerId": 7, "items": ["#, 1);
        assert_eq!(response.status, 400);
        assert!(
            body_json(&response)["error"].is_string(),
            "body: {}",
            response.body
        );
    }

    #[test]
    fn missing_customer_id_is_a_400_that_names_the_field() {
        let response = create_order(r#"{"items": []}"#, 1);
        assert_eq!(response.status, 400);
        let message = body_json(&response)["error"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(
            message.contains("customerId"),
            "the error should name `customerId`: {message:?}"
        );
    }

    #[test]
    fn a_total_that_overflows_is_a_422_not_a_wrapped_number() {
        // u64::MAX cents, twice: the product does not fit in a u64. Unchecked,
        // a release build wraps around to a tiny total and bills it.
        let body = format!(
            r#"{{"customerId": 7, "items": [{{"sku": "A", "quantity": 2, "unitPriceCents": {}}}]}}"#,
            u64::MAX
        );
        let response = create_order(&body, 1);
        assert_eq!(response.status, 422, "body: {}", response.body);
        assert_eq!(
            body_json(&response),
            json!({ "error": "the order total is too large" })
        );
        // The fee alone can tip a total over the edge too.
        let body = format!(
            r#"{{"customerId": 7, "giftWrap": true, "items": [{{"sku": "A", "quantity": 1, "unitPriceCents": {}}}]}}"#,
            u64::MAX - 1
        );
        assert_eq!(create_order(&body, 1).status, 422);
    }

    #[test]
    fn an_order_without_items_is_a_422() {
        let response = create_order(r#"{"customerId": 7, "items": []}"#, 1);
        assert_eq!(response.status, 422);
        assert_eq!(
            body_json(&response),
            json!({ "error": "an order needs at least one item" })
        );
    }

    /// splitmix64, seeded by the runner so that every run checks other orders.
    fn random_numbers() -> impl FnMut(u64) -> u64 {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5EED);
        move |below| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) % below
        }
    }

    #[test]
    fn random_orders_round_trip() {
        let mut random = random_numbers();
        for order_id in 1..=40 {
            let customer_id = random(1_000_000);
            let gift_wrap = random(2) == 1;
            let mut expected_total = if gift_wrap { GIFT_WRAP_FEE_CENTS } else { 0 };
            let items: Vec<Value> = (0..1 + random(5))
                .map(|i| {
                    let quantity = 1 + random(9);
                    let price = random(50_000);
                    expected_total += quantity * price;
                    json!({ "sku": format!("SKU-{i}"), "quantity": quantity, "unitPriceCents": price })
                })
                .collect();
            let mut request = json!({ "customerId": customer_id, "items": items });
            if gift_wrap {
                request["giftWrap"] = json!(true);
            }
            let response = create_order(&request.to_string(), order_id);
            assert_eq!(response.status, 201, "request {request}: {}", response.body);
            assert_eq!(
                body_json(&response),
                json!({
                    "orderId": order_id,
                    "customerId": customer_id,
                    "totalCents": expected_total,
                    "giftWrap": gift_wrap
                }),
                "request {request}"
            );
        }
    }
}
