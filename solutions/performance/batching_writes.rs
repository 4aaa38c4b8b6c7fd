// Batching writes: one transaction, one prepared statement.
//
// The whole import is one transaction: one commit, and `?` on any row drops
// the transaction uncommitted, which rolls every row back. The INSERT is
// compiled once and executed per row. The statement borrows the transaction,
// so it lives in its own block and is gone before `commit` takes the
// transaction by value.

use rusqlite::{Result, params};

pub use db::Db;

// A toolbox: each way of writing the import uses a different part of it.
#[allow(dead_code)]
mod db {
    use std::cell::Cell;

    use rusqlite::{Connection, Params, Result, Statement, Transaction};

    #[derive(Default)]
    struct Counters {
        commits: Cell<usize>,
        compiled: Cell<usize>,
    }

    impl Counters {
        fn bump(counter: &Cell<usize>) {
            counter.set(counter.get() + 1);
        }
    }

    /// A connection that counts commits and statement compilations.
    pub struct Db {
        conn: Connection,
        counters: Counters,
    }

    /// A prepared statement; `execute` it as many times as needed.
    pub struct Stmt<'a> {
        stmt: Statement<'a>,
        conn: &'a Connection,
        counters: &'a Counters,
    }

    /// An open transaction: `commit` it, or drop it to roll back.
    pub struct Tx<'a> {
        tx: Transaction<'a>,
        counters: &'a Counters,
    }

    fn compile<'a>(conn: &'a Connection, counters: &'a Counters, sql: &str) -> Result<Stmt<'a>> {
        Counters::bump(&counters.compiled);
        Ok(Stmt {
            stmt: conn.prepare(sql)?,
            conn,
            counters,
        })
    }

    impl Db {
        pub fn new(conn: Connection) -> Self {
            Db {
                conn,
                counters: Counters::default(),
            }
        }

        pub fn prepare(&self, sql: &str) -> Result<Stmt<'_>> {
            compile(&self.conn, &self.counters, sql)
        }

        /// Prepares and runs one statement; outside a transaction it commits on its own.
        pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
            self.prepare(sql)?.execute(params)
        }

        pub fn transaction(&mut self) -> Result<Tx<'_>> {
            Ok(Tx {
                tx: self.conn.transaction()?,
                counters: &self.counters,
            })
        }

        /// Commits so far, implicit (autocommit) or explicit.
        pub fn commits(&self) -> usize {
            self.counters.commits.get()
        }

        /// Statements compiled so far.
        pub fn statements_compiled(&self) -> usize {
            self.counters.compiled.get()
        }

        /// A single number from a query, for checks; not counted.
        pub fn scalar(&self, sql: &str) -> Result<i64> {
            self.conn.query_row(sql, [], |row| row.get(0))
        }
    }

    impl Stmt<'_> {
        pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
            let changed = self.stmt.execute(params)?;
            // Back in autocommit mode right after a write: it committed on its own.
            if self.conn.is_autocommit() {
                Counters::bump(&self.counters.commits);
            }
            Ok(changed)
        }
    }

    impl Tx<'_> {
        pub fn prepare(&self, sql: &str) -> Result<Stmt<'_>> {
            compile(&self.tx, self.counters, sql)
        }

        pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
            self.prepare(sql)?.execute(params)
        }

        pub fn commit(self) -> Result<()> {
            self.tx.commit()?;
            Counters::bump(&self.counters.commits);
            Ok(())
        }
    }
}

#[derive(Debug, Clone)]
pub struct Payment {
    pub reference: String,
    pub account: String,
    pub amount_cents: i64,
}

pub const SCHEMA: &str = "CREATE TABLE payments (
    reference    TEXT PRIMARY KEY,
    account      TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0)
);";

/// Stores every payment, or none of them if one is rejected.
pub fn import_payments(db: &mut Db, payments: &[Payment]) -> Result<()> {
    let tx = db.transaction()?;
    {
        let mut insert =
            tx.prepare("INSERT INTO payments (reference, account, amount_cents) VALUES (?1, ?2, ?3)")?;
        for payment in payments {
            insert.execute(params![payment.reference, payment.account, payment.amount_cents])?;
        }
    }
    tx.commit()
}

fn main() -> Result<()> {
    let conn = rusqlite::Connection::open_in_memory()?;
    conn.execute_batch(SCHEMA)?;
    let mut db = Db::new(conn);
    let payments: Vec<Payment> = (0..1_000)
        .map(|i| Payment {
            reference: format!("pay_{i}"),
            account: format!("acct_{}", i % 7),
            amount_cents: 100 + i,
        })
        .collect();
    import_payments(&mut db, &payments)?;
    let rows = db.scalar("SELECT COUNT(*) FROM payments")?;
    println!(
        "{rows} rows, {} commits, {} statements compiled",
        db.commits(),
        db.statements_compiled()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn empty_db() -> Db {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        Db::new(conn)
    }

    /// 10,000 payments with amounts drawn from the seed.
    fn payments() -> Vec<Payment> {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(29);
        (0..10_000)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                Payment {
                    reference: format!("pay_{i:05}"),
                    account: format!("acct_{}", (state >> 60) % 16),
                    amount_cents: 1 + ((state >> 33) % 100_000) as i64,
                }
            })
            .collect()
    }

    #[test]
    fn imports_every_row() {
        let mut db = empty_db();
        let payments = payments();
        import_payments(&mut db, &payments).unwrap();
        assert_eq!(db.scalar("SELECT COUNT(*) FROM payments").unwrap(), 10_000);
        let total: i64 = payments.iter().map(|p| p.amount_cents).sum();
        assert_eq!(
            db.scalar("SELECT SUM(amount_cents) FROM payments").unwrap(),
            total
        );
        assert_eq!(
            db.scalar("SELECT amount_cents FROM payments WHERE reference = 'pay_04242'")
                .unwrap(),
            payments[4242].amount_cents
        );
    }

    #[test]
    fn imports_in_a_single_transaction() {
        let mut db = empty_db();
        import_payments(&mut db, &payments()).unwrap();
        assert_eq!(
            db.commits(),
            1,
            "{} commits for one import: each one is a disk flush in production",
            db.commits()
        );
    }

    #[test]
    fn compiles_the_insert_once() {
        let mut db = empty_db();
        import_payments(&mut db, &payments()).unwrap();
        assert!(
            db.statements_compiled() <= 3,
            "the same INSERT was compiled {} times: prepare it once, execute it per row",
            db.statements_compiled()
        );
    }

    #[test]
    fn a_rejected_row_rolls_back_the_whole_import() {
        let mut db = empty_db();
        let mut payments = payments();
        payments[5_000].amount_cents = -500;
        assert!(
            import_payments(&mut db, &payments).is_err(),
            "a negative amount must make the import fail"
        );
        assert_eq!(
            db.scalar("SELECT COUNT(*) FROM payments").unwrap(),
            0,
            "half an import was left behind: the rows before the bad one were committed"
        );
    }

    #[test]
    fn an_empty_import_changes_nothing() {
        let mut db = empty_db();
        import_payments(&mut db, &[]).unwrap();
        assert_eq!(db.scalar("SELECT COUNT(*) FROM payments").unwrap(), 0);
        assert!(db.commits() <= 1);
    }
}
