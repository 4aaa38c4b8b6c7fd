// Modules and visibility: a small public door, private rooms behind it.
//
// The struct and its methods are public; its field is not. `Wallet { .. }`
// cannot be built outside the module, so every wallet was made by `open` and
// changed only by `deposit` and `withdraw`: the invariant holds by construction.

mod wallet {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum WithdrawError {
        /// Asked for more than the balance; holds what was available.
        Insufficient { available_cents: u64 },
    }

    /// A customer's wallet; its balance never goes below zero.
    #[derive(Debug)]
    pub struct Wallet {
        // Private: only the methods below can change it, so they are the
        // only place the "never below zero" rule has to be enforced.
        balance_cents: u64,
    }

    impl Wallet {
        /// An empty wallet.
        pub fn open() -> Wallet {
            Wallet { balance_cents: 0 }
        }

        pub fn deposit(&mut self, cents: u64) {
            self.balance_cents += cents;
        }

        /// Takes `cents` out, or refuses and changes nothing.
        pub fn withdraw(&mut self, cents: u64) -> Result<(), WithdrawError> {
            match self.balance_cents.checked_sub(cents) {
                Some(left) => {
                    self.balance_cents = left;
                    Ok(())
                }
                None => Err(WithdrawError::Insufficient {
                    available_cents: self.balance_cents,
                }),
            }
        }

        pub fn balance_cents(&self) -> u64 {
            self.balance_cents
        }
    }
}

use wallet::Wallet;

fn main() {
    let mut wallet = Wallet::open();
    wallet.deposit(2500);
    println!("{:?}, balance {}", wallet.withdraw(4000), wallet.balance_cents());
}

#[cfg(test)]
mod tests {
    // Outside `mod wallet`: only what it made `pub` is reachable from here.
    use super::wallet::{Wallet, WithdrawError};

    /// The runner's seed: every run checks other values, and a failure can be replayed.
    fn seed() -> u64 {
        std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5EED)
    }

    /// splitmix64: a tiny deterministic generator.
    fn random(state: &mut u64, below: u64) -> u64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % below
    }

    #[test]
    fn a_new_wallet_is_empty_and_takes_deposits() {
        let mut state = seed();
        let (a, b) = (random(&mut state, 10_000), random(&mut state, 10_000));
        let mut wallet = Wallet::open();
        assert_eq!(wallet.balance_cents(), 0);
        wallet.deposit(a);
        wallet.deposit(b);
        assert_eq!(wallet.balance_cents(), a + b);
    }

    #[test]
    fn withdraw_takes_money_out() {
        let mut state = seed();
        let amount = 1 + random(&mut state, 10_000);
        let mut wallet = Wallet::open();
        wallet.deposit(amount + 5);
        assert_eq!(wallet.withdraw(amount), Ok(()));
        assert_eq!(wallet.balance_cents(), 5);
        assert_eq!(wallet.withdraw(5), Ok(()), "down to exactly zero is fine");
        assert_eq!(wallet.balance_cents(), 0);
    }

    #[test]
    fn withdraw_refuses_an_overdraft_and_changes_nothing() {
        let mut state = seed();
        let balance = random(&mut state, 10_000);
        let mut wallet = Wallet::open();
        wallet.deposit(balance);
        assert_eq!(
            wallet.withdraw(balance + 1),
            Err(WithdrawError::Insufficient {
                available_cents: balance
            })
        );
        assert_eq!(wallet.balance_cents(), balance);
    }
}
