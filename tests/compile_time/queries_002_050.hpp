#pragma once
// Queries 2 to 50 of the compile-time benchmark (included by benchmark.cpp): 14 single-model
// filters, 9 joins of 2 or 3 models (one through a Session), 8 projections into tuples and
// structs, 7 aggregates, 4 subqueries and CTEs, 6 writes as query objects, 1 Session unit of work.

namespace shop {

const timestamp since{std::chrono::sys_days{std::chrono::year{2024} / 1 / 1}};
const timestamp now{std::chrono::sys_days{std::chrono::year{2026} / 12 / 6}};

constexpr auto ad = relata::columns<Address>;
constexpr auto ca = relata::columns<Category>;
constexpr auto su = relata::columns<Supplier>;
constexpr auto pr = relata::columns<Product>;
constexpr auto wh = relata::columns<Warehouse>;
constexpr auto st = relata::columns<Stock>;
constexpr auto od = relata::columns<Order>;
constexpr auto ol = relata::columns<OrderLine>;
constexpr auto pa = relata::columns<Payment>;
constexpr auto sh = relata::columns<Shipment>;
constexpr auto rv = relata::columns<Review>;
constexpr auto em = relata::columns<Employee>;
constexpr auto ct = relata::columns<Cart>;

/// Result rows of projections (not tables).
struct CustomerSummary {
    std::string name;
    std::string email;
    std::int64_t orders = 0;
};
RELATA_MODEL(CustomerSummary, name, email, orders)

struct ProductLine {
    std::string sku;
    std::string name;
    double price = 0;
};
RELATA_MODEL(ProductLine, sku, name, price)

struct StockLevel {
    std::string sku;
    std::string code;
    std::int64_t quantity = 0;
};
RELATA_MODEL(StockLevel, sku, code, quantity)

struct RatingSummary {
    std::int64_t product_id = 0;
    std::optional<double> average;
    std::int64_t reviews = 0;
};
RELATA_MODEL(RatingSummary, product_id, average, reviews)

struct CategoryTree {
    std::int64_t id = 0;
    std::string name;
    std::int64_t depth = 0;
};
RELATA_MODEL(CategoryTree, id, name, depth)

template <class Rows>
void consume(const Rows& rows) {
    rendered_bytes += rows.size();
}

// ---- single-model filters ------------------------------------------------------------------
void q002(db_type& db) { consume(relata::all(db, relata::select<Product>().where(pr.price > 10.0 && pr.discontinued == false).order_by(pr.price.desc()).limit(20))); }
void q003(db_type& db) { consume(relata::all(db, relata::select<Order>().where(od.status == "open" && od.placed_at >= since).order_by(od.placed_at.desc()).limit(50))); }
void q004(db_type& db) { consume(relata::all(db, relata::select<Address>().where(ad.customer_id == 1 && ad.is_default == true))); }
void q005(db_type& db) {
    const auto q = relata::select<Category>().where(ca.parent_id.is_null()).order_by(ca.position);
    render_for_postgres(q);
    consume(relata::all(db, q));
}
void q006(db_type& db) { consume(relata::all(db, relata::select<Supplier>().where(su.country.in({"DE", "FR", "NZ"}) && su.rating >= 4.0))); }
void q007(db_type& db) { consume(relata::all(db, relata::select<Stock>().where(st.quantity < 5).order_by(st.quantity, st.product_id).limit(100))); }
void q008(db_type& db) {
    consume(relata::all(db, relata::select<Payment>().where(pa.method == "card" && pa.amount >= 100.0).order_by(pa.paid_at.desc()).limit(20).offset(20)));
}
void q009(db_type& db) { consume(relata::all(db, relata::select<Warehouse>().where(wh.city.like("Ber%")))); }
void q010(db_type& db) {
    const auto q = relata::select<OrderLine>().where(ol.order_id == 42).order_by(ol.id);
    render_for_postgres(q);
    consume(relata::all(db, q));
}
void q011(db_type& db) {
    const std::optional<Customer> newest = relata::first(db, relata::select<Customer>().where(cu.phone.is_not_null()).order_by(cu.created_at.desc()));
    rendered_bytes += newest.has_value();
}
void q012(db_type& db) { rendered_bytes += static_cast<std::size_t>(relata::count(db, relata::select<Order>().where(od.shipped_at.is_null()))); }
void q013(db_type& db) { consume(relata::all(db, relata::select<Shipment>().where(sh.delivered_at.is_null() && sh.carrier == "DHL").order_by(sh.shipped_at))); }
void q014(db_type& db) { consume(relata::all(db, relata::select<Review>().where(rv.rating >= 4).order_by(rv.written_at.desc()).limit(10))); }
void q015(db_type& db) {
    const auto q = relata::select<Employee>().where(em.salary.between(3000.0, 5000.0)).order_by(em.name);
    render_for_postgres(q);
    consume(relata::all(db, q));
}

// ---- joins ---------------------------------------------------------------------------------
void q016(db_type& db) {
    consume(relata::all(db, relata::select<Order, Customer>().join(od.customer_id == cu.id).where(cu.email == "ada@example.com").order_by(od.placed_at.desc())));
}
void q017(db_type& db) { consume(relata::all(db, relata::select<OrderLine, Product>().join(ol.product_id == pr.id).where(ol.order_id == 7))); }
void q018(db_type& db) {
    const auto q = relata::select<Product, Category, Supplier>().join(pr.category_id == ca.id).join(pr.supplier_id == su.id).where(su.country == "DE");
    render_for_postgres(q);
    consume(relata::all(db, q));
}
void q019(db_type& db) { consume(relata::all(db, relata::select<Stock, Warehouse>().left_join(st.warehouse_id == wh.id).where(st.quantity == 0))); }
void q020(db_type& db) { consume(relata::all(db, relata::select<Customer>().join(od.customer_id == cu.id).where(od.total > 500.0).distinct())); }
void q021(db_type& db) {
    consume(relata::all(db, relata::select<Order, Address, Customer>().join(od.address_id == ad.id).join(od.customer_id == cu.id).where(ad.country == "NZ").limit(100)));
}
void q022(db_type& db) { consume(relata::all(db, relata::select<Payment, Order>().join(pa.order_id == od.id).where(od.status == "paid" && pa.paid_at >= since))); }
void q023(db_type& db) {
    consume(relata::all(db, relata::select<Review, Product>().join(rv.product_id == pr.id).where(pr.category_id == 3).order_by(rv.rating.desc())));
}
void q024(db_type& db) {
    relata::session session{db};
    const auto rows = session.all(relata::select<Order, Customer>().join(od.customer_id == cu.id).where(od.status == "open"));
    for (const auto& [order, customer] : rows) rendered_bytes += order.status.size() + customer.name.size();
}

// ---- projections ---------------------------------------------------------------------------
void q025(db_type& db) { consume(relata::all(db, relata::select(cu.id, cu.name).where(cu.credit > 0.0).order_by(cu.name))); }
void q026(db_type& db) { consume(relata::all(db, relata::select(pr.sku, pr.price, pr.weight_grams).where(pr.supplier_id == 2))); }
void q027(db_type& db) {
    const auto q = relata::select(od.id, cu.name, od.total).join(od.customer_id == cu.id).where(od.placed_at >= since);
    render_for_postgres(q);
    consume(relata::all(db, q));
}
void q028(db_type& db) { consume(relata::all(db, relata::select(em.name, relata::lower(em.email)).where(em.manager_id.is_null()))); }
void q029(db_type& db) { consume(relata::all(db, relata::select(sh.tracking_code).where(sh.order_id == 9))); }
void q030(db_type& db) {
    consume(relata::all(db, relata::select<CustomerSummary>(cu.name, cu.email, relata::count(od.id).as<"orders">())
                                .left_join(od.customer_id == cu.id)
                                .group_by(cu.name, cu.email)));
}
void q031(db_type& db) { consume(relata::all(db, relata::select<ProductLine>(pr.sku, pr.name, pr.price).where(pr.discontinued == false).order_by(pr.name))); }
void q032(db_type& db) {
    consume(relata::all(db, relata::select<StockLevel>(pr.sku, wh.code, st.quantity).join(st.product_id == pr.id).join(st.warehouse_id == wh.id)));
}

// ---- aggregates ----------------------------------------------------------------------------
void q033(db_type& db) {
    const auto q = relata::select(od.customer_id, relata::sum(od.total), relata::count())
                       .group_by(od.customer_id)
                       .having(relata::sum(od.total) > 1000.0)
                       .order_by(relata::sum(od.total).desc());
    render_for_postgres(q);
    consume(relata::all(db, q));
}
void q034(db_type& db) {
    consume(relata::all(db, relata::select(ca.name, relata::count(), relata::avg(pr.price)).join(pr.category_id == ca.id).group_by(ca.name)));
}
void q035(db_type& db) {
    const auto year = relata::year(od.placed_at);
    const auto month = relata::month(od.placed_at);
    consume(relata::all(db, relata::select(year, month, relata::sum(od.total)).group_by(year, month).order_by(year, month)));
}
void q036(db_type& db) {
    consume(relata::all(db, relata::select(pa.method, relata::count(), relata::max(pa.amount)).group_by(pa.method).having(relata::count() > 10)));
}
void q037(db_type& db) {
    consume(relata::all(db, relata::select<RatingSummary>(rv.product_id, relata::avg(rv.rating).as<"average">(), relata::count().as<"reviews">())
                                .group_by(rv.product_id)
                                .having(relata::count() >= 3)));
}
void q038(db_type& db) { consume(relata::all(db, relata::select(wh.city, relata::sum(st.quantity)).join(st.warehouse_id == wh.id).group_by(wh.city))); }
void q039(db_type& db) { rendered_bytes += static_cast<std::size_t>(relata::one(db, relata::select(relata::count()).from<Customer>())); }

// ---- subqueries and CTEs -------------------------------------------------------------------
void q040(db_type& db) {
    const auto q = relata::select<Customer>().where(cu.id.in(relata::select(od.customer_id).where(od.total > 1000.0)));
    render_for_postgres(q);
    consume(relata::all(db, q));
}
void q041(db_type& db) {
    consume(relata::all(db, relata::select<Product>().where(relata::not_exists(relata::select(ol.id).correlate<Product>().where(ol.product_id == pr.id)))));
}
void q042(db_type& db) { consume(relata::all(db, relata::select(pr.name).where(pr.price > relata::select(relata::avg(pr.price))))); }
void q043(db_type& db) {
    constexpr auto tree = relata::columns<CategoryTree>;
    const auto walk = relata::cte<CategoryTree>(
        relata::select<CategoryTree>(ca.id, ca.name, relata::literal<std::int64_t>(0).as<"depth">())
            .where(ca.parent_id.is_null())
            .union_all(relata::select<CategoryTree>(ca.id, ca.name, (tree.depth + 1).as<"depth">()).join(ca.parent_id == tree.id)));
    consume(relata::all(db, relata::select<CategoryTree>().with_recursive(walk).order_by(tree.depth, tree.name)));
}

// ---- writes as query objects ---------------------------------------------------------------
void q044(db_type& db) {
    rendered_bytes += static_cast<std::size_t>(relata::execute(
        db, relata::insert(Customer{.email = "grace@example.com", .name = "Grace", .phone = std::nullopt, .created_at = now, .credit = 10.0})));
}
void q045(db_type& db) {
    const std::int64_t id = relata::one(db, relata::insert(Address{.customer_id = 1, .street = "1 Main St", .city = "Wellington",
                                                                   .postal_code = "6011", .country = "NZ", .is_default = true})
                                                .returning(ad.id));
    rendered_bytes += static_cast<std::size_t>(id);
}
void q046(db_type& db) {
    const auto q = relata::update<Order>().set(od.status, "shipped").set(od.shipped_at, now).where(od.id == 5);
    render_for_postgres(q);
    rendered_bytes += static_cast<std::size_t>(relata::execute(db, q));
}
void q047(db_type& db) {
    rendered_bytes += static_cast<std::size_t>(relata::execute(db, relata::remove<Cart>().where(ct.updated_at < since && ct.customer_id.is_null())));
}
void q048(db_type& db) {
    rendered_bytes += static_cast<std::size_t>(relata::execute(
        db, relata::insert(Warehouse{.code = "BER1", .city = "Berlin", .capacity = 5000}).on_conflict(wh.code).do_update()));
}
void q049(db_type& db) { consume(relata::all(db, relata::update<Product>().set(pr.price, pr.price * 1.1).where(pr.supplier_id == 3).returning(pr.id, pr.price))); }

// ---- a Session unit of work ----------------------------------------------------------------
void q050(db_type& db) {
    relata::session session{db};
    Customer& customer = session.add(Customer{.email = "joan@example.com", .name = "Joan", .phone = "555", .created_at = now, .credit = 0.0});
    session.commit();
    Customer& again = session.get<Customer>(customer.id);
    again.credit += 5.0;
    session.commit();
}

}  // namespace shop

#define RELATA_COMPILE_TIME_QUERIES_002_050                                                                                   \
    shop::q002, shop::q003, shop::q004, shop::q005, shop::q006, shop::q007, shop::q008, shop::q009, shop::q010, shop::q011,  \
        shop::q012, shop::q013, shop::q014, shop::q015, shop::q016, shop::q017, shop::q018, shop::q019, shop::q020,          \
        shop::q021, shop::q022, shop::q023, shop::q024, shop::q025, shop::q026, shop::q027, shop::q028, shop::q029,          \
        shop::q030, shop::q031, shop::q032, shop::q033, shop::q034, shop::q035, shop::q036, shop::q037, shop::q038,          \
        shop::q039, shop::q040, shop::q041, shop::q042, shop::q043, shop::q044, shop::q045, shop::q046, shop::q047,          \
        shop::q048, shop::q049, shop::q050,
