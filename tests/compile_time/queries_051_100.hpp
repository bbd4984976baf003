#pragma once
// Queries 51 to 100 of the compile-time benchmark (included by benchmark.cpp after queries 2 to
// 50), the same mix over mostly other models: 15 single-model filters, 9 joins (one through a
// self-join alias, one through a Session), 8 projections into tuples and structs, 7 aggregates
// (one window function), 4 subqueries, CTEs and set operations, 6 writes as query objects
// (upsert, insert_all, UPDATE/DELETE ... RETURNING), 1 Session unit of work.

namespace shop {

constexpr auto co = relata::columns<Coupon>;
constexpr auto de = relata::columns<Department>;
constexpr auto iv = relata::columns<Invoice>;
constexpr auto rf = relata::columns<Refund>;
constexpr auto ci = relata::columns<CartItem>;
constexpr auto tg = relata::columns<Tag>;

using manager = relata::alias<Employee, "manager">;
constexpr auto mg = relata::columns<manager>;

/// Result rows of projections (not tables).
struct EmployeeLine {
    std::string name;
    std::string department;
    double salary = 0;
};
RELATA_MODEL(EmployeeLine, name, department, salary)

struct ShipmentStatus {
    std::string carrier;
    std::optional<std::string> tracking_code;
    std::optional<timestamp> delivered_at;
};
RELATA_MODEL(ShipmentStatus, carrier, tracking_code, delivered_at)

struct InvoiceDue {
    std::string number;
    double amount = 0;
    std::int64_t customer_id = 0;
};
RELATA_MODEL(InvoiceDue, number, amount, customer_id)

struct MonthlyRefunds {
    std::string month;
    std::optional<double> total;
};
RELATA_MODEL(MonthlyRefunds, month, total)

struct Spender {
    std::int64_t customer_id = 0;
    std::optional<double> spent;
};
RELATA_MODEL(Spender, customer_id, spent)

// ---- single-model filters ------------------------------------------------------------------
void q051(db_type& db) { consume(relata::all(db, relata::select<Invoice>().where(iv.paid == false && iv.due_at < now).order_by(iv.due_at).limit(100))); }
void q052(db_type& db) {
    const std::optional<Coupon> coupon = relata::first(db, relata::select<Coupon>().where(co.code == "WELCOME10"));
    rendered_bytes += coupon.has_value();
}
void q053(db_type& db) { consume(relata::all(db, relata::select<Coupon>().where(co.valid_until.is_null() || co.valid_until > now))); }
void q054(db_type& db) { consume(relata::all(db, relata::select<Department>().where(de.budget > 1e6).order_by(de.name))); }
void q055(db_type& db) {
    const auto q = relata::select<Refund>().where(rf.approved_by.is_null()).order_by(rf.refunded_at.desc()).limit(25);
    render_for_postgres(q);
    consume(relata::all(db, q));
}
void q056(db_type& db) { consume(relata::all(db, relata::select<Cart>().where(ct.token == "abc"))); }
void q057(db_type& db) { consume(relata::all(db, relata::select<CartItem>().where(ci.cart_id == 3).order_by(ci.added_at))); }
void q058(db_type& db) { consume(relata::all(db, relata::select<Tag>().where(tg.label.like("sale%")).order_by(tg.weight.desc()))); }
void q059(db_type& db) { consume(relata::all(db, relata::select<Employee>().where(em.department_id == 2).order_by(em.hired_at).limit(10).offset(10))); }
void q060(db_type& db) {
    const auto q = relata::select<Shipment>().where(sh.tracking_code == "1Z999");
    render_for_postgres(q);
    consume(relata::all(db, q));
}
void q061(db_type& db) {
    const std::optional<Invoice> invoice = relata::first(db, relata::select<Invoice>().where(iv.order_id == 17));
    rendered_bytes += invoice.has_value();
}
void q062(db_type& db) { rendered_bytes += static_cast<std::size_t>(relata::count(db, relata::select<Review>().where(rv.body.is_null()))); }
void q063(db_type& db) {
    consume(relata::all(db, relata::select<Product>().where(pr.weight_grams > 1000 && pr.discontinued == false).order_by(pr.weight_grams.desc())));
}
void q064(db_type& db) { consume(relata::all(db, relata::select<Payment>().where(pa.reference.is_null()).limit(5))); }
void q065(db_type& db) {
    const auto q = relata::select<Customer>().where(cu.referrer_id.is_not_null() && cu.credit >= 50.0).order_by(cu.credit.desc(), cu.id);
    render_for_postgres(q);
    consume(relata::all(db, q));
}

// ---- joins ---------------------------------------------------------------------------------
void q066(db_type& db) { consume(relata::all(db, relata::select<Invoice, Order>().join(iv.order_id == od.id).where(iv.paid == false))); }
void q067(db_type& db) {
    consume(relata::all(db, relata::select<Refund, Payment, Order>().join(rf.payment_id == pa.id).join(pa.order_id == od.id).where(od.customer_id == 4)));
}
void q068(db_type& db) { consume(relata::all(db, relata::select<Employee, Department>().join(em.department_id == de.id).where(de.location == "Berlin"))); }
void q069(db_type& db) { consume(relata::all(db, relata::select<Employee, manager>().left_join(em.manager_id == mg.id).order_by(em.id))); }
void q070(db_type& db) {
    const auto q = relata::select<CartItem, Product>().join(ci.product_id == pr.id).where(ci.cart_id == 5);
    render_for_postgres(q);
    consume(relata::all(db, q));
}
void q071(db_type& db) { consume(relata::all(db, relata::select<Shipment, Warehouse>().join(sh.warehouse_id == wh.id).where(wh.code == "BER1"))); }
void q072(db_type& db) {
    consume(relata::all(db, relata::select<Tag, Product, Category>().join(tg.product_id == pr.id).join(pr.category_id == ca.id).where(tg.label == "sale")));
}
void q073(db_type& db) {
    consume(relata::all(db, relata::select<Review, Customer>().join(rv.customer_id == cu.id).where(rv.rating <= 2).order_by(rv.written_at.desc())));
}
void q074(db_type& db) {
    relata::session session{db};
    const auto rows = session.all(relata::select<Employee, Department>().join(em.department_id == de.id).where(em.salary > 1000.0));
    for (const auto& [employee, department] : rows) rendered_bytes += employee.name.size() + department.name.size();
}

// ---- projections ---------------------------------------------------------------------------
void q075(db_type& db) {
    const auto q = relata::select(iv.number, iv.amount, iv.due_at).where(iv.paid == false);
    render_for_postgres(q);
    consume(relata::all(db, q));
}
void q076(db_type& db) { consume(relata::all(db, relata::select(em.name, mg.name.nullable()).left_join(em.manager_id == mg.id))); }
void q077(db_type& db) { consume(relata::all(db, relata::select(co.code, co.percent).where(co.max_uses > 0))); }
void q078(db_type& db) { consume(relata::all(db, relata::select(ct.token, ct.updated_at).where(ct.customer_id == 3))); }
void q079(db_type& db) { consume(relata::all(db, relata::select(rf.reason, rf.amount).where(rf.amount > 100.0).order_by(rf.amount.desc()))); }
void q080(db_type& db) {
    const auto q = relata::select<EmployeeLine>(em.name, de.name.as<"department">(), em.salary).join(em.department_id == de.id);
    render_for_postgres(q);
    consume(relata::all(db, q));
}
void q081(db_type& db) {
    consume(relata::all(db, relata::select<ShipmentStatus>(sh.carrier, sh.tracking_code, sh.delivered_at).where(sh.order_id == 12)));
}
void q082(db_type& db) {
    consume(relata::all(db, relata::select<InvoiceDue>(iv.number, iv.amount, od.customer_id).join(iv.order_id == od.id).where(iv.paid == false)));
}

// ---- aggregates ----------------------------------------------------------------------------
void q083(db_type& db) {
    consume(relata::all(db, relata::select(de.name, relata::avg(em.salary), relata::count())
                                .join(em.department_id == de.id)
                                .group_by(de.name)
                                .having(relata::avg(em.salary) > 4000.0)));
}
void q084(db_type& db) {
    consume(relata::all(db, relata::select(sh.carrier, relata::count()).where(sh.delivered_at.is_null()).group_by(sh.carrier).order_by(relata::count().desc())));
}
void q085(db_type& db) {
    const auto q = relata::select(tg.label, relata::count(), relata::sum(tg.weight)).group_by(tg.label).having(relata::count() > 5);
    render_for_postgres(q);
    consume(relata::all(db, q));
}
void q086(db_type& db) {
    const auto month = relata::format_time(rf.refunded_at, "%Y-%m");
    consume(relata::all(db, relata::select<MonthlyRefunds>(month.as<"month">(), relata::sum(rf.amount).as<"total">()).group_by(month).order_by(month)));
}
void q087(db_type& db) {
    consume(relata::all(db, relata::select(ci.product_id, relata::sum(ci.quantity)).group_by(ci.product_id).order_by(relata::sum(ci.quantity).desc()).limit(10)));
}
void q088(db_type& db) {
    const auto [largest, earliest] = relata::one(db, relata::select(relata::max(iv.amount), relata::min(iv.issued_at)));
    rendered_bytes += largest.has_value() + earliest.has_value();
}
void q089(db_type& db) {
    consume(relata::all(db, relata::select(em.name, relata::rank()
                                                        .over(relata::partition_by(em.department_id), relata::order_by(em.salary.desc()))
                                                        .as<"position">())));
}

// ---- subqueries, CTEs, set operations ------------------------------------------------------
void q090(db_type& db) {
    const auto q = relata::select<Employee>().where(em.salary > relata::select(relata::avg(em.salary)));
    render_for_postgres(q);
    consume(relata::all(db, q));
}
void q091(db_type& db) {
    constexpr auto sp = relata::columns<Spender>;
    const auto spenders = relata::cte<Spender>(
        relata::select<Spender>(od.customer_id, relata::sum(od.total).as<"spent">()).group_by(od.customer_id));
    consume(relata::all(db, relata::select<Spender>().with(spenders).where(sp.spent > 1000.0).order_by(sp.spent.desc())));
}
void q092(db_type& db) {
    consume(relata::all(db, relata::select(de.name, relata::select(relata::count())
                                                        .from<Employee>()
                                                        .correlate<Department>()
                                                        .where(em.department_id == de.id)
                                                        .as<"staff">())));
}
void q093(db_type& db) { consume(relata::all(db, relata::select(cu.email).union_distinct(relata::select(em.email)).order_by(cu.email))); }

// ---- writes as query objects ---------------------------------------------------------------
void q094(db_type& db) {
    rendered_bytes += static_cast<std::size_t>(relata::execute(db, relata::insert(Department{.name = "Logistics", .budget = 2e6, .location = "Berlin"})));
}
void q095(db_type& db) {
    const auto q = relata::insert(Coupon{.code = "WELCOME10", .percent = 10.0, .valid_from = since, .valid_until = std::nullopt, .max_uses = 1000})
                       .on_conflict(co.code)
                       .do_update(relata::set(co.percent, relata::excluded(co.percent)));
    render_for_postgres(q);
    rendered_bytes += static_cast<std::size_t>(relata::execute(db, q));
}
void q096(db_type& db) { rendered_bytes += static_cast<std::size_t>(relata::execute(db, relata::update<Employee>().set(em.salary, em.salary * 1.05).where(em.department_id == 2))); }
void q097(db_type& db) { consume(relata::all(db, relata::remove<Refund>().where(rf.amount <= 0.0).returning(rf.id))); }
void q098(db_type& db) {
    const std::vector<Cart> carts{{.customer_id = 1, .token = "t1", .created_at = now, .updated_at = now},
                                  {.customer_id = std::nullopt, .token = "t2", .created_at = now, .updated_at = now}};
    rendered_bytes += static_cast<std::size_t>(relata::insert_all(db, carts));
}
void q099(db_type& db) { consume(relata::all(db, relata::update<Invoice>().set(iv.paid, true).where(iv.due_at < now && iv.amount == 0.0).returning(iv.number))); }

// ---- a Session unit of work ----------------------------------------------------------------
void q100(db_type& db) {
    relata::session session{db};
    Department& sales = session.add(Department{.name = "Sales", .budget = 1e5, .location = std::nullopt});
    session.flush();
    Employee& hire = session.add(Employee{.name = "Alan", .email = "alan@example.com", .manager_id = std::nullopt,
                                          .department_id = sales.id, .salary = 4200.0, .hired_at = now});
    session.commit();
    hire.salary += 100.0;
    session.remove(hire);
    session.commit();
}

}  // namespace shop

#define RELATA_COMPILE_TIME_QUERIES_051_100                                                                                   \
    shop::q051, shop::q052, shop::q053, shop::q054, shop::q055, shop::q056, shop::q057, shop::q058, shop::q059, shop::q060,  \
        shop::q061, shop::q062, shop::q063, shop::q064, shop::q065, shop::q066, shop::q067, shop::q068, shop::q069,          \
        shop::q070, shop::q071, shop::q072, shop::q073, shop::q074, shop::q075, shop::q076, shop::q077, shop::q078,          \
        shop::q079, shop::q080, shop::q081, shop::q082, shop::q083, shop::q084, shop::q085, shop::q086, shop::q087,          \
        shop::q088, shop::q089, shop::q090, shop::q091, shop::q092, shop::q093, shop::q094, shop::q095, shop::q096,          \
        shop::q097, shop::q098, shop::q099, shop::q100,
