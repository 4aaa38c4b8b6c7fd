// Model, view, controller for an HTML product listing.
//
// The controller reads the request, asks the model, and returns a decision: a
// page described as plain data (`ListingPage`), a redirect, or not found. The
// view turns a `ListingPage` into HTML and nothing else: it filters nothing,
// fetches nothing, and escapes everything it prints. Each can be tested alone:
// the controller by comparing data, the view by rendering a page built by hand.

/// The data and the questions that can be asked of it. No HTML, no URLs.
mod model {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Product {
        pub id: u32,
        pub name: String,
        pub price_cents: u64,
        pub in_stock: bool,
    }

    pub struct Catalog {
        products: Vec<Product>,
    }

    impl Catalog {
        pub fn new(products: Vec<Product>) -> Self {
            Catalog { products }
        }

        /// Every product, by name (think `ORDER BY name`).
        pub fn all(&self) -> Vec<&Product> {
            let mut products: Vec<&Product> = self.products.iter().collect();
            products.sort_by(|a, b| a.name.cmp(&b.name));
            products
        }

        /// The products that can be bought now, by name.
        pub fn in_stock(&self) -> Vec<&Product> {
            self.all().into_iter().filter(|p| p.in_stock).collect()
        }
    }
}

/// HTML from a page description: a pure function, no data access, no decisions.
mod view {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ListingPage {
        pub heading: String,
        pub rows: Vec<Row>,
        /// Offer the link to the full listing (sold-out products included).
        pub show_all_link: bool,
    }

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Row {
        /// As stored: escaping is the view's job.
        pub name: String,
        pub price_cents: u64,
        pub sold_out: bool,
    }

    pub fn escape(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                _ => out.push(c),
            }
        }
        out
    }

    fn price(cents: u64) -> String {
        format!("${}.{:02}", cents / 100, cents % 100)
    }

    pub fn render_listing(page: &ListingPage) -> String {
        let mut html = format!("<h1>{}</h1>\n", escape(&page.heading));
        if page.rows.is_empty() {
            html.push_str("<p>No products.</p>\n");
        } else {
            html.push_str("<ul>\n");
            for row in &page.rows {
                let sold_out = if row.sold_out { " <em>sold out</em>" } else { "" };
                html.push_str(&format!(
                    "<li>{} — {}{sold_out}</li>\n",
                    escape(&row.name),
                    price(row.price_cents)
                ));
            }
            html.push_str("</ul>\n");
        }
        if page.show_all_link {
            html.push_str("<a href=\"/products?show=all\">Show sold-out products</a>\n");
        }
        html
    }
}

/// Request in, decision out: which data, which view, or which other URL.
mod controller {
    use super::model::{Catalog, Product};
    use super::view::{ListingPage, Row};

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Action {
        Render(ListingPage),
        /// A permanent redirect to the canonical URL.
        Redirect(String),
        NotFound,
    }

    fn row(product: &Product) -> Row {
        Row {
            name: product.name.clone(),
            price_cents: product.price_cents,
            sold_out: !product.in_stock,
        }
    }

    /// `target` is the request target: a path and an optional `?query`.
    pub fn route(catalog: &Catalog, target: &str) -> Action {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        match path {
            "/products" => {
                let show_all = query.split('&').any(|pair| pair == "show=all");
                let page = if show_all {
                    ListingPage {
                        heading: "All products".into(),
                        rows: catalog.all().into_iter().map(row).collect(),
                        show_all_link: false,
                    }
                } else {
                    ListingPage {
                        heading: "Products".into(),
                        rows: catalog.in_stock().into_iter().map(row).collect(),
                        show_all_link: true,
                    }
                };
                Action::Render(page)
            }
            // One URL per page: caches and search engines see a single page.
            "/products/" if query.is_empty() => Action::Redirect("/products".into()),
            "/products/" => Action::Redirect(format!("/products?{query}")),
            _ => Action::NotFound,
        }
    }
}

use controller::Action;
use model::{Catalog, Product};

fn demo_catalog() -> Catalog {
    let product = |id, name: &str, price_cents, in_stock| Product {
        id,
        name: name.into(),
        price_cents,
        in_stock,
    };
    Catalog::new(vec![
        product(1, "Mug", 1250, true),
        product(2, "Tea & Biscuits", 305, false),
        product(3, "Kettle", 3999, true),
    ])
}

fn main() {
    let catalog = demo_catalog();
    for target in ["/products", "/products/?show=all", "/basket"] {
        println!("GET {target}");
        match controller::route(&catalog, target) {
            Action::Render(page) => println!("200 OK\n{}", view::render_listing(&page)),
            Action::Redirect(to) => println!("308 Permanent Redirect → {to}\n"),
            Action::NotFound => println!("404 Not Found\n"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::controller::{Action, route};
    use super::view::{ListingPage, Row, render_listing};
    use super::*;

    fn row(name: &str, price_cents: u64, sold_out: bool) -> Row {
        Row {
            name: name.into(),
            price_cents,
            sold_out,
        }
    }

    #[test]
    fn controller_lists_in_stock_products_by_name() {
        assert_eq!(
            route(&demo_catalog(), "/products"),
            Action::Render(ListingPage {
                heading: "Products".into(),
                rows: vec![row("Kettle", 3999, false), row("Mug", 1250, false)],
                show_all_link: true,
            })
        );
    }

    #[test]
    fn controller_lists_everything_with_show_all() {
        assert_eq!(
            route(&demo_catalog(), "/products?show=all"),
            Action::Render(ListingPage {
                heading: "All products".into(),
                rows: vec![
                    row("Kettle", 3999, false),
                    row("Mug", 1250, false),
                    row("Tea & Biscuits", 305, true),
                ],
                show_all_link: false,
            })
        );
    }

    #[test]
    fn controller_redirects_the_trailing_slash() {
        let catalog = demo_catalog();
        assert_eq!(
            route(&catalog, "/products/"),
            Action::Redirect("/products".into())
        );
        assert_eq!(
            route(&catalog, "/products/?show=all"),
            Action::Redirect("/products?show=all".into())
        );
    }

    #[test]
    fn controller_answers_not_found_for_other_paths() {
        let catalog = demo_catalog();
        for target in ["/", "/product", "/products/1", "/basket?show=all"] {
            assert_eq!(route(&catalog, target), Action::NotFound, "{target}");
        }
    }

    #[test]
    fn view_renders_exactly_the_rows_it_is_given() {
        // Built by hand: no catalog, no controller. A sold-out row is shown
        // because the page says so; filtering is not the view's business.
        let page = ListingPage {
            heading: "Products".into(),
            rows: vec![row("Mug", 1250, false), row("Tea", 5, true)],
            show_all_link: true,
        };
        let expected = "<h1>Products</h1>\n\
                        <ul>\n\
                        <li>Mug — $12.50</li>\n\
                        <li>Tea — $0.05 <em>sold out</em></li>\n\
                        </ul>\n\
                        <a href=\"/products?show=all\">Show sold-out products</a>\n";
        assert_eq!(render_listing(&page), expected);
        assert_eq!(render_listing(&page), expected, "same input, same output");
    }

    #[test]
    fn view_renders_an_empty_listing() {
        let page = ListingPage {
            heading: "All products".into(),
            rows: vec![],
            show_all_link: false,
        };
        assert_eq!(
            render_listing(&page),
            "<h1>All products</h1>\n<p>No products.</p>\n"
        );
    }

    #[test]
    fn controller_passes_raw_names_and_the_view_escapes_them() {
        let catalog = Catalog::new(vec![Product {
            id: 1,
            name: "<b>Tea</b> & \"Biscuits\"".into(),
            price_cents: 100,
            in_stock: true,
        }]);
        let Action::Render(page) = route(&catalog, "/products") else {
            panic!("/products renders a page");
        };
        assert_eq!(
            page.rows[0].name, "<b>Tea</b> & \"Biscuits\"",
            "the controller does not escape"
        );
        assert!(
            render_listing(&page)
                .contains("<li>&lt;b&gt;Tea&lt;/b&gt; &amp; &quot;Biscuits&quot; — $1.00</li>"),
            "the view escapes: {}",
            render_listing(&page)
        );
    }

    #[test]
    fn random_catalogs_list_in_stock_products_by_name() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5EED);
        let mut random = move |below: u64| {
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) % below
        };
        for _ in 0..20 {
            let products: Vec<Product> = (1..=random(12) as u32)
                .map(|id| Product {
                    id,
                    name: format!("item {}", random(1000)),
                    price_cents: random(100_000),
                    in_stock: random(3) != 0,
                })
                .collect();
            let mut expected: Vec<Row> = products
                .iter()
                .filter(|p| p.in_stock)
                .map(|p| row(&p.name, p.price_cents, false))
                .collect();
            expected.sort_by(|a, b| a.name.cmp(&b.name));
            let Action::Render(page) = route(&Catalog::new(products.clone()), "/products") else {
                panic!("/products renders a page");
            };
            assert_eq!(page.rows, expected, "products {products:?}");
            let html = render_listing(&page);
            assert_eq!(html.matches("<li>").count(), expected.len(), "{html}");
        }
    }
}
