// The N+1 query problem.
//
// "List the authors with their books": one query for the authors, then — in a
// loop — one query per author for their books. With 4 authors in the dev
// database that is 5 queries and nobody notices. In production the page lists
// 500 authors: 501 round trips to the database, each a few hundred
// microseconds to milliseconds of network and planning, and the page takes
// seconds. ORMs make this easy to write by accident (lazy-loaded relations),
// and it is one of the most common causes of slow endpoints.
//
// The fix is to ask for the books of all those authors at once — one query
// with `WHERE author_id IN (...)`, one query for all books, or a JOIN — and
// group them in memory. The number of queries then stays the same whatever
// the number of authors.
//
// The `Db` below counts the queries sent through it, like the query log of an
// ORM. Make the tests pass: `authors_with_books` must give the same result in
// at most 2 queries.

use rusqlite::Result;

pub use db::Db;

mod db {
    use std::cell::Cell;

    use rusqlite::{Connection, Params, Result, Row};

    /// A database connection that counts the queries run through it.
    pub struct Db {
        conn: Connection,
        queries: Cell<usize>,
    }

    impl Db {
        pub fn new(conn: Connection) -> Self {
            Db {
                conn,
                queries: Cell::new(0),
            }
        }

        /// Runs one SELECT and maps each row with `map`.
        pub fn query<T, P: Params>(
            &self,
            sql: &str,
            params: P,
            map: impl FnMut(&Row<'_>) -> Result<T>,
        ) -> Result<Vec<T>> {
            self.queries.set(self.queries.get() + 1);
            let mut stmt = self.conn.prepare_cached(sql)?;
            stmt.query_map(params, map)?.collect()
        }

        /// How many queries ran so far.
        pub fn queries(&self) -> usize {
            self.queries.get()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    pub title: String,
    pub year: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuthorWithBooks {
    pub name: String,
    /// By year, then title.
    pub books: Vec<Book>,
}

/// Every author (by name, then id) with their books (by year, then title).
pub fn authors_with_books(db: &Db) -> Result<Vec<AuthorWithBooks>> {
    let authors = db.query("SELECT id, name FROM authors ORDER BY name, id", [], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut result = Vec::new();
    for (id, name) in authors {
        let books = db.query(
            "SELECT title, year FROM books WHERE author_id = ?1 ORDER BY year, title",
            [id],
            |row| {
                Ok(Book {
                    title: row.get(0)?,
                    year: row.get(1)?,
                })
            },
        )?;
        result.push(AuthorWithBooks { name, books });
    }
    Ok(result)
}

fn main() -> Result<()> {
    let conn = rusqlite::Connection::open_in_memory()?;
    conn.execute_batch(
        "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id),
                             title TEXT NOT NULL, year INTEGER NOT NULL);
         INSERT INTO authors VALUES (1, 'Ursula K. Le Guin'), (2, 'Terry Pratchett');
         INSERT INTO books (author_id, title, year) VALUES
             (1, 'The Dispossessed', 1974), (1, 'A Wizard of Earthsea', 1968), (2, 'Mort', 1987);",
    )?;
    let db = Db::new(conn);
    for author in authors_with_books(&db)? {
        println!(
            "{}: {:?}",
            author.name,
            author.books.iter().map(|b| &b.title).collect::<Vec<_>>()
        );
    }
    println!("{} queries", db.queries());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::{Connection, params};

    type Library = Vec<(String, Vec<(String, i64)>)>;

    /// A database holding `library`: author names with their (title, year) books.
    fn database(library: &Library) -> Db {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id),
                                 title TEXT NOT NULL, year INTEGER NOT NULL);",
        )
        .unwrap();
        for (name, books) in library {
            conn.execute("INSERT INTO authors (name) VALUES (?1)", [name])
                .unwrap();
            let author_id = conn.last_insert_rowid();
            for (title, year) in books {
                conn.execute(
                    "INSERT INTO books (author_id, title, year) VALUES (?1, ?2, ?3)",
                    params![author_id, title, year],
                )
                .unwrap();
            }
        }
        Db::new(conn)
    }

    fn small_library() -> Library {
        let author = |name: &str, books: &[(&str, i64)]| {
            (
                name.to_string(),
                books.iter().map(|(t, y)| (t.to_string(), *y)).collect(),
            )
        };
        vec![
            author(
                "Ursula K. Le Guin",
                &[("The Dispossessed", 1974), ("A Wizard of Earthsea", 1968)],
            ),
            author(
                "Terry Pratchett",
                &[("Mort", 1987), ("Guards! Guards!", 1989), ("Small Gods", 1992)],
            ),
            author("Octavia E. Butler", &[]),
            author(
                "Iain M. Banks",
                &[("Excession", 1996), ("Consider Phlebas", 1987)],
            ),
        ]
    }

    /// What `authors_with_books` must return for `library`, computed without SQL.
    fn expected(library: &Library) -> Vec<AuthorWithBooks> {
        let mut authors: Vec<(usize, AuthorWithBooks)> = library
            .iter()
            .enumerate()
            .map(|(i, (name, books))| {
                let mut books: Vec<Book> = books
                    .iter()
                    .map(|(title, year)| Book {
                        title: title.clone(),
                        year: *year,
                    })
                    .collect();
                books.sort_by(|a, b| (a.year, &a.title).cmp(&(b.year, &b.title)));
                (
                    i,
                    AuthorWithBooks {
                        name: name.clone(),
                        books,
                    },
                )
            })
            .collect();
        authors.sort_by(|(i, a), (j, b)| (&a.name, i).cmp(&(&b.name, j)));
        authors.into_iter().map(|(_, a)| a).collect()
    }

    #[test]
    fn lists_authors_with_their_books_in_order() {
        let library = small_library();
        let db = database(&library);
        let result = authors_with_books(&db).unwrap();
        assert_eq!(result, expected(&library));
        assert_eq!(result[0].name, "Iain M. Banks");
        assert_eq!(result[0].books[0].title, "Consider Phlebas");
    }

    #[test]
    fn authors_without_books_are_kept() {
        let db = database(&small_library());
        let result = authors_with_books(&db).unwrap();
        let butler = result
            .iter()
            .find(|a| a.name == "Octavia E. Butler")
            .expect("an author with no books went missing");
        assert!(butler.books.is_empty());
    }

    #[test]
    fn loads_everything_in_at_most_two_queries() {
        let db = database(&small_library());
        authors_with_books(&db).unwrap();
        assert!(
            db.queries() <= 2,
            "{} queries for 4 authors: one query per author is the N+1 problem",
            db.queries()
        );
    }

    /// A larger library drawn from a seed: same result, and still at most 2 queries.
    #[test]
    fn query_count_does_not_grow_with_the_number_of_authors() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(23);
        let mut next = move |below: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % below
        };
        let library: Library = (0..60)
            .map(|_| {
                let name = format!("Author {}", next(40));
                let books = (0..next(6))
                    .map(|_| (format!("Title {}", next(1_000)), 1900 + next(120) as i64))
                    .collect();
                (name, books)
            })
            .collect();
        let db = database(&library);
        assert_eq!(authors_with_books(&db).unwrap(), expected(&library));
        assert!(db.queries() <= 2, "{} queries for 60 authors", db.queries());
    }
}
