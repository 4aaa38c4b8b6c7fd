// Document stores: query by path, and keep secondary indexes in sync.
//
// MongoDB, DynamoDB, Firestore, Elasticsearch — and a Postgres `jsonb` column —
// store whole JSON documents under an id. Reading by id is instant; anything
// else ("users in Paris") is either a scan of every document or a lookup in a
// secondary index: a map from a field's value to the ids that hold it.
//
// An index is a second copy of the data, and every copy can go stale. The
// classic incident: a user moves from Paris to Lyon, the document is updated,
// the index is not — and the "users in Paris" page still lists them, or a
// deleted account keeps showing up in search for months.
//
// Paths are JSON Pointers (RFC 6901): `/address/city`, `/tags/0`.
// `serde_json::Value::pointer` follows one.
//
// Make the tests pass: write `find_by` (a full scan), then fix `put` and
// `delete` so that the index always answers exactly like the scan.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Value, json};

pub struct DocumentStore {
    documents: HashMap<String, Value>,
    /// The JSON Pointer of the indexed field, e.g. `/address/city`.
    indexed_path: String,
    /// Indexed value (as JSON text) → ids of the documents holding it.
    index: HashMap<String, BTreeSet<String>>,
}

/// The index key of a value: its JSON text, so `"75001"` and `75001` differ.
fn index_key(value: &Value) -> String {
    value.to_string()
}

impl DocumentStore {
    pub fn new(indexed_path: &str) -> Self {
        DocumentStore {
            documents: HashMap::new(),
            indexed_path: indexed_path.to_string(),
            index: HashMap::new(),
        }
    }

    /// Inserts a document, or replaces the one stored under `id`.
    pub fn put(&mut self, id: &str, document: Value) {
        if let Some(value) = document.pointer(&self.indexed_path) {
            self.index
                .entry(index_key(value))
                .or_default()
                .insert(id.to_string());
        }
        self.documents.insert(id.to_string(), document);
    }

    /// Removes a document; returns it if it existed.
    pub fn delete(&mut self, id: &str) -> Option<Value> {
        self.documents.remove(id)
    }

    pub fn get(&self, id: &str) -> Option<&Value> {
        self.documents.get(id)
    }

    /// Full scan: the ids, sorted, of the documents whose value at `pointer`
    /// equals `expected`. A document without that path never matches, not even
    /// `null`.
    pub fn find_by(&self, pointer: &str, expected: &Value) -> Vec<String> {
        todo!("visit every document, follow `pointer` with Value::pointer, compare with `expected`")
    }

    /// Index lookup on the indexed path: the ids, sorted.
    pub fn find_indexed(&self, expected: &Value) -> Vec<String> {
        self.index
            .get(&index_key(expected))
            .map(|ids| ids.iter().cloned().collect())
            .unwrap_or_default()
    }
}

fn main() {
    let mut users = DocumentStore::new("/address/city");
    users.put("ada", json!({"name": "Ada", "address": {"city": "London"}}));
    users.put("alan", json!({"name": "Alan", "address": {"city": "London"}}));
    println!("Londoners: {:?}", users.find_indexed(&json!("London")));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn city(c: &str) -> Value {
        json!(c)
    }

    fn sample() -> DocumentStore {
        let mut store = DocumentStore::new("/address/city");
        store.put(
            "u1",
            json!({"name": "Ada", "tags": ["admin", "beta"], "address": {"city": "Paris", "zip": "75001"}}),
        );
        store.put(
            "u2",
            json!({"name": "Grace", "tags": ["beta"], "address": {"city": "Lyon", "zip": 69001}}),
        );
        store.put(
            "u3",
            json!({"name": "Alan", "tags": [], "address": {"city": "Paris", "zip": null}}),
        );
        store.put("u4", json!({"name": "Linus", "tags": ["admin"]}));
        store
    }

    #[test]
    fn finds_documents_by_a_nested_field() {
        let store = sample();
        assert_eq!(store.find_by("/address/city", &city("Paris")), ["u1", "u3"]);
        assert_eq!(store.find_by("/name", &json!("Grace")), ["u2"]);
        assert!(store.find_by("/address/city", &city("Berlin")).is_empty());
    }

    #[test]
    fn pointer_reaches_into_arrays() {
        let store = sample();
        assert_eq!(store.find_by("/tags/0", &json!("admin")), ["u1", "u4"]);
        assert_eq!(store.find_by("/tags/1", &json!("beta")), ["u1"]);
    }

    #[test]
    fn values_of_different_json_types_never_match() {
        let store = sample();
        assert_eq!(store.find_by("/address/zip", &json!("75001")), ["u1"]);
        assert!(
            store.find_by("/address/zip", &json!(75001)).is_empty(),
            "75001 is not \"75001\""
        );
        assert_eq!(store.find_by("/address/zip", &json!(69001)), ["u2"]);
    }

    #[test]
    fn a_missing_field_is_not_null() {
        let store = sample();
        assert_eq!(
            store.find_by("/address/zip", &Value::Null),
            ["u3"],
            "u4 has no address at all"
        );
    }

    #[test]
    fn index_answers_like_a_scan_after_inserts() {
        let store = sample();
        assert_eq!(store.find_indexed(&city("Paris")), ["u1", "u3"]);
        assert_eq!(store.find_indexed(&city("Lyon")), ["u2"]);
    }

    #[test]
    fn updating_a_document_moves_it_in_the_index() {
        let mut store = sample();
        store.put("u1", json!({"name": "Ada", "address": {"city": "Lyon"}}));
        assert_eq!(store.find_indexed(&city("Lyon")), ["u1", "u2"]);
        assert_eq!(
            store.find_indexed(&city("Paris")),
            ["u3"],
            "u1 moved to Lyon: the index still lists it in Paris"
        );
    }

    #[test]
    fn removing_the_indexed_field_removes_the_index_entry() {
        let mut store = sample();
        store.put("u3", json!({"name": "Alan"}));
        assert_eq!(
            store.find_indexed(&city("Paris")),
            ["u1"],
            "u3 no longer has a city"
        );
    }

    #[test]
    fn deleting_a_document_removes_it_from_the_index() {
        let mut store = sample();
        assert!(store.delete("u2").is_some());
        assert!(
            store.find_indexed(&city("Lyon")).is_empty(),
            "u2 was deleted: the index still returns it"
        );
        assert!(
            store.delete("u2").is_none(),
            "deleting twice finds nothing the second time"
        );
        assert!(store.get("u2").is_none());
    }

    /// Random puts, updates and deletes drawn from a seed: afterwards, for every
    /// city, the index and the full scan must agree.
    #[test]
    fn seeded_random_writes_keep_index_and_scan_in_agreement() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(3);
        let mut next = move |below: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize % below
        };
        let cities = ["Paris", "Lyon", "Nantes", "Lille", "Nice"];
        let mut store = DocumentStore::new("/address/city");
        for step in 0..400 {
            let id = format!("user{}", next(40));
            match next(10) {
                0..=5 => {
                    let doc = json!({"step": step, "address": {"city": cities[next(cities.len())]}});
                    store.put(&id, doc);
                }
                6 => store.put(&id, json!({"step": step})),
                _ => {
                    store.delete(&id);
                }
            }
        }
        for name in cities {
            assert_eq!(
                store.find_indexed(&city(name)),
                store.find_by("/address/city", &city(name)),
                "index and scan disagree on {name}"
            );
        }
    }
}
