#pragma once
// The compile-time benchmark's models: a shop with 20 tables (4 to 9 members each) and their
// mapping<> specializations (table names, unique constraints, foreign keys, indexes).
// RELATA_COMPILE_TIME_MODELS (1, 10 or 20; default 20) says how many are declared.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include <relata/relata.hpp>

#ifndef RELATA_COMPILE_TIME_MODELS
#define RELATA_COMPILE_TIME_MODELS 20
#endif

namespace shop {

using timestamp = std::chrono::sys_seconds;

// ---- model 1 -------------------------------------------------------------------------------
struct Customer {
    std::int64_t id = 0;
    std::string email;
    std::string name;
    std::optional<std::string> phone;
    timestamp created_at{};
    double credit = 0;
    std::optional<std::int64_t> referrer_id;
};
RELATA_MODEL(Customer, id, email, name, phone, created_at, credit, referrer_id)

}  // namespace shop

template <>
struct relata::mapping<shop::Customer> {
    static constexpr auto unique = std::tuple{relata::unique(&shop::Customer::email)};
};

#if RELATA_COMPILE_TIME_MODELS >= 10
namespace shop {

// ---- models 2 to 10 ------------------------------------------------------------------------
struct Address {
    std::int64_t id = 0;
    std::int64_t customer_id = 0;
    std::string street;
    std::string city;
    std::string postal_code;
    std::string country;
    bool is_default = false;
};
RELATA_MODEL(Address, id, customer_id, street, city, postal_code, country, is_default)

struct Category {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::int64_t> parent_id;
    int position = 0;
};
RELATA_MODEL(Category, id, name, parent_id, position)

struct Supplier {
    std::int64_t id = 0;
    std::string name;
    std::string country;
    double rating = 0;
    std::optional<std::string> contact_email;
};
RELATA_MODEL(Supplier, id, name, country, rating, contact_email)

struct Product {
    std::int64_t id = 0;
    std::string sku;
    std::string name;
    std::int64_t category_id = 0;
    std::int64_t supplier_id = 0;
    double price = 0;
    std::optional<std::int64_t> weight_grams;
    timestamp created_at{};
    bool discontinued = false;
};
RELATA_MODEL(Product, id, sku, name, category_id, supplier_id, price, weight_grams, created_at, discontinued)

struct Warehouse {
    std::int64_t id = 0;
    std::string code;
    std::string city;
    std::int64_t capacity = 0;
};
RELATA_MODEL(Warehouse, id, code, city, capacity)

struct Stock {
    std::int64_t id = 0;
    std::int64_t product_id = 0;
    std::int64_t warehouse_id = 0;
    std::int64_t quantity = 0;
    timestamp updated_at{};
};
RELATA_MODEL(Stock, id, product_id, warehouse_id, quantity, updated_at)

struct Order {
    std::int64_t id = 0;
    std::int64_t customer_id = 0;
    std::int64_t address_id = 0;
    std::string status;
    timestamp placed_at{};
    std::optional<timestamp> shipped_at;
    double total = 0;
    std::optional<std::string> note;
};
RELATA_MODEL(Order, id, customer_id, address_id, status, placed_at, shipped_at, total, note)

struct OrderLine {
    std::int64_t id = 0;
    std::int64_t order_id = 0;
    std::int64_t product_id = 0;
    int quantity = 0;
    double unit_price = 0;
    std::optional<double> discount;
};
RELATA_MODEL(OrderLine, id, order_id, product_id, quantity, unit_price, discount)

struct Payment {
    std::int64_t id = 0;
    std::int64_t order_id = 0;
    double amount = 0;
    std::string method;
    timestamp paid_at{};
    std::optional<std::string> reference;
};
RELATA_MODEL(Payment, id, order_id, amount, method, paid_at, reference)

}  // namespace shop

template <>
struct relata::mapping<shop::Address> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&shop::Address::customer_id, &shop::Customer::id)};
};

template <>
struct relata::mapping<shop::Category> {
    static constexpr auto table = "categories";
    static constexpr auto unique = std::tuple{relata::unique(&shop::Category::name)};
};

template <>
struct relata::mapping<shop::Product> {
    static constexpr auto unique = std::tuple{relata::unique(&shop::Product::sku)};
    static constexpr auto foreign_keys = std::tuple{relata::references(&shop::Product::category_id, &shop::Category::id),
                                                    relata::references(&shop::Product::supplier_id, &shop::Supplier::id)};
    static constexpr auto indexes = std::tuple{relata::index(&shop::Product::created_at)};
};

template <>
struct relata::mapping<shop::Warehouse> {
    static constexpr auto unique = std::tuple{relata::unique(&shop::Warehouse::code)};
};

template <>
struct relata::mapping<shop::Stock> {
    static constexpr auto unique = std::tuple{relata::unique(&shop::Stock::product_id, &shop::Stock::warehouse_id)};
    static constexpr auto foreign_keys = std::tuple{relata::references(&shop::Stock::product_id, &shop::Product::id),
                                                    relata::references(&shop::Stock::warehouse_id, &shop::Warehouse::id)};
};

template <>
struct relata::mapping<shop::Order> {
    static constexpr auto table = "orders";
    static constexpr auto foreign_keys = std::tuple{relata::references(&shop::Order::customer_id, &shop::Customer::id),
                                                    relata::references(&shop::Order::address_id, &shop::Address::id)};
    static constexpr auto indexes = std::tuple{relata::index(&shop::Order::placed_at)};
};

template <>
struct relata::mapping<shop::OrderLine> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&shop::OrderLine::order_id, &shop::Order::id),
                                                    relata::references(&shop::OrderLine::product_id, &shop::Product::id)};
};

template <>
struct relata::mapping<shop::Payment> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&shop::Payment::order_id, &shop::Order::id)};
};
#endif

#if RELATA_COMPILE_TIME_MODELS >= 20
namespace shop {

// ---- models 11 to 20 -----------------------------------------------------------------------
struct Shipment {
    std::int64_t id = 0;
    std::int64_t order_id = 0;
    std::int64_t warehouse_id = 0;
    std::string carrier;
    std::optional<std::string> tracking_code;
    timestamp shipped_at{};
    std::optional<timestamp> delivered_at;
};
RELATA_MODEL(Shipment, id, order_id, warehouse_id, carrier, tracking_code, shipped_at, delivered_at)

struct Review {
    std::int64_t id = 0;
    std::int64_t product_id = 0;
    std::int64_t customer_id = 0;
    int rating = 0;
    std::string title;
    std::optional<std::string> body;
    timestamp written_at{};
};
RELATA_MODEL(Review, id, product_id, customer_id, rating, title, body, written_at)

struct Coupon {
    std::int64_t id = 0;
    std::string code;
    double percent = 0;
    timestamp valid_from{};
    std::optional<timestamp> valid_until;
    std::optional<std::int64_t> max_uses;
};
RELATA_MODEL(Coupon, id, code, percent, valid_from, valid_until, max_uses)

struct Department {
    std::int64_t id = 0;
    std::string name;
    double budget = 0;
    std::optional<std::string> location;
};
RELATA_MODEL(Department, id, name, budget, location)

struct Employee {
    std::int64_t id = 0;
    std::string name;
    std::string email;
    std::optional<std::int64_t> manager_id;
    std::int64_t department_id = 0;
    double salary = 0;
    timestamp hired_at{};
};
RELATA_MODEL(Employee, id, name, email, manager_id, department_id, salary, hired_at)

struct Invoice {
    std::int64_t id = 0;
    std::int64_t order_id = 0;
    std::string number;
    timestamp issued_at{};
    timestamp due_at{};
    double amount = 0;
    bool paid = false;
};
RELATA_MODEL(Invoice, id, order_id, number, issued_at, due_at, amount, paid)

struct Refund {
    std::int64_t id = 0;
    std::int64_t payment_id = 0;
    double amount = 0;
    std::string reason;
    timestamp refunded_at{};
    std::optional<std::int64_t> approved_by;
};
RELATA_MODEL(Refund, id, payment_id, amount, reason, refunded_at, approved_by)

struct Cart {
    std::int64_t id = 0;
    std::optional<std::int64_t> customer_id;
    std::string token;
    timestamp created_at{};
    timestamp updated_at{};
};
RELATA_MODEL(Cart, id, customer_id, token, created_at, updated_at)

struct CartItem {
    std::int64_t id = 0;
    std::int64_t cart_id = 0;
    std::int64_t product_id = 0;
    int quantity = 0;
    timestamp added_at{};
};
RELATA_MODEL(CartItem, id, cart_id, product_id, quantity, added_at)

struct Tag {
    std::int64_t id = 0;
    std::int64_t product_id = 0;
    std::string label;
    double weight = 0;
};
RELATA_MODEL(Tag, id, product_id, label, weight)

}  // namespace shop

template <>
struct relata::mapping<shop::Shipment> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&shop::Shipment::order_id, &shop::Order::id),
                                                    relata::references(&shop::Shipment::warehouse_id, &shop::Warehouse::id)};
};

template <>
struct relata::mapping<shop::Review> {
    static constexpr auto unique = std::tuple{relata::unique(&shop::Review::product_id, &shop::Review::customer_id)};
    static constexpr auto foreign_keys = std::tuple{relata::references(&shop::Review::product_id, &shop::Product::id),
                                                    relata::references(&shop::Review::customer_id, &shop::Customer::id)};
};

template <>
struct relata::mapping<shop::Coupon> {
    static constexpr auto unique = std::tuple{relata::unique(&shop::Coupon::code)};
};

template <>
struct relata::mapping<shop::Employee> {
    static constexpr auto unique = std::tuple{relata::unique(&shop::Employee::email)};
    static constexpr auto foreign_keys = std::tuple{relata::references(&shop::Employee::department_id, &shop::Department::id)};
};

template <>
struct relata::mapping<shop::Invoice> {
    static constexpr auto unique = std::tuple{relata::unique(&shop::Invoice::number)};
    static constexpr auto foreign_keys = std::tuple{relata::references(&shop::Invoice::order_id, &shop::Order::id)};
};

template <>
struct relata::mapping<shop::Refund> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&shop::Refund::payment_id, &shop::Payment::id)};
};

template <>
struct relata::mapping<shop::Cart> {
    static constexpr auto unique = std::tuple{relata::unique(&shop::Cart::token)};
};

template <>
struct relata::mapping<shop::CartItem> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&shop::CartItem::cart_id, &shop::Cart::id),
                                                    relata::references(&shop::CartItem::product_id, &shop::Product::id)};
};

template <>
struct relata::mapping<shop::Tag> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&shop::Tag::product_id, &shop::Product::id)};
    static constexpr auto indexes = std::tuple{relata::index(&shop::Tag::label)};
};
#endif
