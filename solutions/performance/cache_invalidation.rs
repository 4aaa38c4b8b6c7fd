// Caching: a cache is only as good as its invalidation.
//
// Writes go to the database first; only a write that succeeded drops the
// product's cache entry, and the next read loads the fresh row and caches it
// again. Dropping (rather than writing the new value into the cache) keeps one
// source of truth for what a product looks like: the row the database returns.
// With several servers sharing a cache (Redis), the same rule holds — write,
// then delete the key — and a TTL bounds the damage of a missed invalidation.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub id: u64,
    pub name: String,
    pub price_cents: u64,
}

#[derive(Debug, PartialEq)]
pub enum RepoError {
    NotFound,
    /// The database refused the write (a CHECK constraint, say).
    Rejected(String),
}

/// The slow database. It counts reads: each one stands for a network round
/// trip and a query.
pub struct ProductRepository {
    rows: HashMap<u64, Product>,
    loads: usize,
}

impl ProductRepository {
    pub fn new(products: impl IntoIterator<Item = Product>) -> Self {
        ProductRepository {
            rows: products.into_iter().map(|p| (p.id, p)).collect(),
            loads: 0,
        }
    }

    pub fn load(&mut self, id: u64) -> Option<Product> {
        self.loads += 1;
        self.rows.get(&id).cloned()
    }

    pub fn save_price(&mut self, id: u64, price_cents: u64) -> Result<(), RepoError> {
        if price_cents == 0 {
            return Err(RepoError::Rejected("CHECK (price_cents > 0) failed".into()));
        }
        let row = self.rows.get_mut(&id).ok_or(RepoError::NotFound)?;
        row.price_cents = price_cents;
        Ok(())
    }

    pub fn delete(&mut self, id: u64) -> Result<(), RepoError> {
        self.rows.remove(&id).map(|_| ()).ok_or(RepoError::NotFound)
    }

    pub fn loads(&self) -> usize {
        self.loads
    }
}

/// What the handlers call: the repository behind a read-through cache.
pub struct ProductService {
    repo: ProductRepository,
    cache: HashMap<u64, Product>,
}

impl ProductService {
    pub fn new(repo: ProductRepository) -> Self {
        ProductService {
            repo,
            cache: HashMap::new(),
        }
    }

    pub fn get(&mut self, id: u64) -> Option<Product> {
        if let Some(product) = self.cache.get(&id) {
            return Some(product.clone());
        }
        let product = self.repo.load(id)?;
        self.cache.insert(id, product.clone());
        Some(product)
    }

    pub fn update_price(&mut self, id: u64, price_cents: u64) -> Result<(), RepoError> {
        self.repo.save_price(id, price_cents)?;
        self.cache.remove(&id);
        Ok(())
    }

    pub fn delete(&mut self, id: u64) -> Result<(), RepoError> {
        self.repo.delete(id)?;
        self.cache.remove(&id);
        Ok(())
    }

    pub fn repository_loads(&self) -> usize {
        self.repo.loads()
    }
}

fn main() {
    let repo = ProductRepository::new([Product {
        id: 1,
        name: "Kettle".into(),
        price_cents: 2_999,
    }]);
    let mut service = ProductService::new(repo);
    service.get(1);
    service.update_price(1, 2_499).expect("price update");
    println!("after the sale started: {:?}", service.get(1));
    println!("database reads: {}", service.repository_loads());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue(n: u64) -> ProductRepository {
        ProductRepository::new((1..=n).map(|id| Product {
            id,
            name: format!("product {id}"),
            price_cents: 1_000 + id,
        }))
    }

    fn price(service: &mut ProductService, id: u64) -> Option<u64> {
        service.get(id).map(|p| p.price_cents)
    }

    #[test]
    fn first_read_loads_from_the_repository() {
        let mut service = ProductService::new(catalogue(3));
        assert_eq!(price(&mut service, 2), Some(1_002));
        assert_eq!(service.repository_loads(), 1);
    }

    #[test]
    fn repeated_reads_are_served_from_the_cache() {
        let mut service = ProductService::new(catalogue(3));
        for _ in 0..5 {
            assert_eq!(price(&mut service, 2), Some(1_002));
        }
        assert_eq!(
            service.repository_loads(),
            1,
            "five reads of one product should reach the database once"
        );
    }

    #[test]
    fn read_after_update_sees_the_new_price() {
        let mut service = ProductService::new(catalogue(3));
        assert_eq!(price(&mut service, 1), Some(1_001));
        service.update_price(1, 799).unwrap();
        assert_eq!(
            price(&mut service, 1),
            Some(799),
            "the cache served the price from before the update"
        );
    }

    #[test]
    fn read_after_delete_finds_nothing() {
        let mut service = ProductService::new(catalogue(3));
        assert!(service.get(3).is_some());
        service.delete(3).unwrap();
        assert_eq!(
            service.get(3),
            None,
            "a deleted product is still served from the cache"
        );
        assert_eq!(service.update_price(3, 5), Err(RepoError::NotFound));
    }

    #[test]
    fn rejected_update_leaves_the_cached_value_alone() {
        let mut service = ProductService::new(catalogue(3));
        assert_eq!(price(&mut service, 1), Some(1_001));
        assert!(matches!(service.update_price(1, 0), Err(RepoError::Rejected(_))));
        assert_eq!(
            price(&mut service, 1),
            Some(1_001),
            "the database refused the write; the cache must agree"
        );
    }

    #[test]
    fn cache_is_used_again_after_an_update() {
        let mut service = ProductService::new(catalogue(3));
        price(&mut service, 1);
        service.update_price(1, 1_500).unwrap();
        for _ in 0..5 {
            assert_eq!(price(&mut service, 1), Some(1_500));
        }
        assert!(
            service.repository_loads() <= 2,
            "{} database reads: after an update, the product should be cached again",
            service.repository_loads()
        );
    }

    /// A random mix of reads and writes drawn from a seed, checked against a
    /// plain map of what the database holds.
    #[test]
    fn seeded_workload_never_serves_stale_data() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(21);
        let mut next = move |below: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % below
        };
        let mut service = ProductService::new(catalogue(10));
        let mut truth: HashMap<u64, u64> = (1..=10).map(|id| (id, 1_000 + id)).collect();
        // Reads that even a perfect per-product cache must send to the database:
        // the first read of a product, the first after it was written, and
        // reads of products that do not exist.
        let mut warm = std::collections::HashSet::new();
        let mut necessary_loads = 0;
        for step in 0..600 {
            let id = 1 + next(10);
            match next(20) {
                0..=15 => {
                    assert_eq!(
                        price(&mut service, id),
                        truth.get(&id).copied(),
                        "step {step}, product {id}"
                    );
                    if !(truth.contains_key(&id) && warm.contains(&id)) {
                        necessary_loads += 1;
                        if truth.contains_key(&id) {
                            warm.insert(id);
                        }
                    }
                }
                16..=18 => {
                    let new_price = next(3_000);
                    let result = service.update_price(id, new_price);
                    if new_price > 0 && truth.contains_key(&id) {
                        assert_eq!(result, Ok(()));
                        truth.insert(id, new_price);
                        warm.remove(&id);
                    } else {
                        assert!(result.is_err());
                    }
                }
                _ => {
                    if truth.remove(&id).is_some() {
                        assert_eq!(service.delete(id), Ok(()));
                        warm.remove(&id);
                    }
                }
            }
        }
        assert!(
            service.repository_loads() <= necessary_loads,
            "{} database reads where {necessary_loads} were needed: a write should drop only the entry it changed",
            service.repository_loads()
        );
    }
}
