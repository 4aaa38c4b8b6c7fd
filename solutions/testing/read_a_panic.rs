// Read a panic: where it blew up is not where the bug is.
//
// The panic said "index out of bounds: the len is 5 but the index is 7" in
// `band_price`, and the backtrace showed `parcel_cost` had called it with
// `band_of(parcel)`. `band_price` was right to refuse: its contract says the
// band must exist. The bad value came from `band_of`, which forgot the rule in
// its own doc comment — 4 kg and more is the last band — so the fix is a clamp
// there, not a bounds check that hides the mistake where it surfaces.

/// Price of each weight band, in cents: under 1 kg, under 2 kg, under 3 kg,
/// under 4 kg, and 4 kg or more.
pub const BAND_PRICES_CENTS: [u64; 5] = [499, 699, 899, 1199, 1599];

#[derive(Debug, Clone, Copy)]
pub struct Parcel {
    pub weight_grams: u32,
}

/// The price of band `band`, which must be less than `BAND_PRICES_CENTS.len()`.
fn band_price(band: usize) -> u64 {
    BAND_PRICES_CENTS[band]
}

/// 0–999 g is band 0, 1000–1999 g band 1, and so on; 4000 g and more is the
/// last band.
fn band_of(parcel: &Parcel) -> usize {
    let band = (parcel.weight_grams / 1000) as usize;
    band.min(BAND_PRICES_CENTS.len() - 1)
}

fn parcel_cost(parcel: &Parcel) -> u64 {
    band_price(band_of(parcel))
}

/// What shipping all `parcels` costs, in cents.
pub fn shipping_quote(parcels: &[Parcel]) -> u64 {
    parcels.iter().map(parcel_cost).sum()
}

fn main() {
    let parcels = [Parcel { weight_grams: 800 }, Parcel { weight_grams: 7_250 }];
    println!("quote: {} cents", shipping_quote(&parcels));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parcel(weight_grams: u32) -> Parcel {
        Parcel { weight_grams }
    }

    #[test]
    fn light_parcels_cost_the_first_band() {
        assert_eq!(shipping_quote(&[parcel(1)]), 499);
        assert_eq!(shipping_quote(&[parcel(999)]), 499);
    }

    #[test]
    fn each_kilogram_moves_up_one_band() {
        assert_eq!(shipping_quote(&[parcel(1_000)]), 699);
        assert_eq!(shipping_quote(&[parcel(2_999)]), 899);
        assert_eq!(shipping_quote(&[parcel(3_000)]), 1199);
        assert_eq!(shipping_quote(&[parcel(4_000)]), 1599);
    }

    #[test]
    fn parcels_over_4_kg_pay_the_top_band() {
        assert_eq!(shipping_quote(&[parcel(7_250)]), 1599);
        assert_eq!(shipping_quote(&[parcel(30_000)]), 1599);
    }

    #[test]
    fn a_quote_adds_up_its_parcels() {
        let parcels = [parcel(800), parcel(1_500), parcel(12_000)];
        assert_eq!(shipping_quote(&parcels), 499 + 699 + 1599);
        assert_eq!(shipping_quote(&[]), 0);
    }

    #[test]
    fn random_parcels_are_priced_by_band() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5EED);
        for _ in 0..200 {
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            let weight = ((z ^ (z >> 31)) % 8_000) as u32;
            let expected = match weight {
                0..1_000 => 499,
                1_000..2_000 => 699,
                2_000..3_000 => 899,
                3_000..4_000 => 1199,
                _ => 1599,
            };
            assert_eq!(shipping_quote(&[parcel(weight)]), expected, "{weight} g");
        }
    }
}
