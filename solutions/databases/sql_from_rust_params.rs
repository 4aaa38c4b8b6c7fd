// SQL from Rust: bind parameters, never format values into SQL.
//
// Every value travels as a bound parameter (`?1`, `?2`): SQLite compiles the
// statement first and only then receives the values, so an apostrophe or a
// `' OR '1'='1` is just text. One small function maps a row into a `Customer`,
// so every query that selects `id, name, city` shares it.

use rusqlite::{Connection, Result, Row, params};

#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub city: String,
}

/// A fresh in-memory database with a few customers.
pub fn open_database() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(
        "CREATE TABLE customers (
             id   INTEGER PRIMARY KEY,
             name TEXT NOT NULL,
             city TEXT NOT NULL
         );
         INSERT INTO customers (name, city) VALUES
             ('Ada Lovelace', 'London'),
             ('Grace Hopper', 'New York'),
             ('Alan Turing', 'London'),
             ('Linus Torvalds', 'Helsinki');",
    )?;
    Ok(conn)
}

/// Reads one row of `SELECT id, name, city ...` into a `Customer`.
fn customer_from_row(row: &Row<'_>) -> Result<Customer> {
    Ok(Customer {
        id: row.get(0)?,
        name: row.get(1)?,
        city: row.get(2)?,
    })
}

/// Inserts a customer and returns its new id.
pub fn add_customer(conn: &Connection, name: &str, city: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO customers (name, city) VALUES (?1, ?2)",
        params![name, city],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Customers whose name is exactly `name`, by id.
pub fn find_by_name(conn: &Connection, name: &str) -> Result<Vec<Customer>> {
    let mut stmt = conn.prepare("SELECT id, name, city FROM customers WHERE name = ?1 ORDER BY id")?;
    stmt.query_map(params![name], customer_from_row)?.collect()
}

/// Customers living in `city`, by id.
pub fn customers_in_city(conn: &Connection, city: &str) -> Result<Vec<Customer>> {
    let mut stmt = conn.prepare("SELECT id, name, city FROM customers WHERE city = ?1 ORDER BY id")?;
    stmt.query_map(params![city], customer_from_row)?.collect()
}

fn main() -> Result<()> {
    let conn = open_database()?;
    add_customer(&conn, "Siobhán O'Brien", "Dublin")?;
    for customer in find_by_name(&conn, "Siobhán O'Brien")? {
        println!("{customer:?}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count_customers(conn: &Connection) -> i64 {
        conn.query_row("SELECT COUNT(*) FROM customers", [], |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn finds_a_customer_by_exact_name() {
        let conn = open_database().unwrap();
        let found = find_by_name(&conn, "Grace Hopper").unwrap();
        assert_eq!(
            found,
            vec![Customer {
                id: 2,
                name: "Grace Hopper".into(),
                city: "New York".into()
            }]
        );
    }

    #[test]
    fn name_with_an_apostrophe_is_stored_verbatim() {
        let conn = open_database().unwrap();
        let id = add_customer(&conn, "O'Brien", "Dublin").expect("inserting O'Brien must not be a SQL error");
        let found = find_by_name(&conn, "O'Brien").expect("searching for O'Brien must not be a SQL error");
        assert_eq!(
            found,
            vec![Customer {
                id,
                name: "O'Brien".into(),
                city: "Dublin".into()
            }]
        );
    }

    #[test]
    fn injection_in_a_search_matches_nobody() {
        let conn = open_database().unwrap();
        let found = find_by_name(&conn, "' OR '1'='1").expect("a search must never be a SQL error");
        assert!(
            found.is_empty(),
            "the search text was run as SQL and returned {} customers",
            found.len()
        );
    }

    #[test]
    fn injection_in_an_insert_is_stored_as_plain_text() {
        let conn = open_database().unwrap();
        let evil = "Robert'); DROP TABLE customers; --";
        let id = add_customer(&conn, evil, "Paris").expect("an insert must never be a SQL error");
        assert_eq!(
            count_customers(&conn),
            5,
            "the table should hold the 4 seeded customers and Robert"
        );
        let found = find_by_name(&conn, evil).unwrap();
        assert_eq!(
            found,
            vec![Customer {
                id,
                name: evil.into(),
                city: "Paris".into()
            }]
        );
    }

    #[test]
    fn lists_customers_of_a_city_in_id_order() {
        let conn = open_database().unwrap();
        let londoners = customers_in_city(&conn, "London").unwrap();
        let names: Vec<&str> = londoners.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Ada Lovelace", "Alan Turing"]);
        assert_eq!(
            londoners[1],
            Customer {
                id: 3,
                name: "Alan Turing".into(),
                city: "London".into()
            }
        );
        assert!(customers_in_city(&conn, "London' OR 'x'='x").unwrap().is_empty());
    }

    /// Names and cities built from a seed, full of the characters SQL cares about.
    #[test]
    fn seeded_awkward_names_round_trip() {
        let seed: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(7);
        let mut state = seed;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        let pieces = [
            "O'", "Mc", "';", "--", "\"", " OR ", "%", "_", "\\", "Zoë", "1=1", ")",
        ];
        let conn = open_database().unwrap();
        let city = format!("Port {}'s", next() % 1000);
        let mut added = Vec::new();
        for _ in 0..20 {
            let name: String = (0..4).map(|_| pieces[next() % pieces.len()]).collect();
            let id = add_customer(&conn, &name, &city).expect("an insert must never be a SQL error");
            added.push(Customer {
                id,
                name,
                city: city.clone(),
            });
        }
        assert_eq!(customers_in_city(&conn, &city).unwrap(), added);
        for customer in &added {
            let found = find_by_name(&conn, &customer.name).unwrap();
            assert!(
                found.contains(customer),
                "{:?} was not found by its own name",
                customer.name
            );
        }
    }
}
