#pragma once
/// @file
/// What Session queries return: `relata::result_list<T>` of tracked objects, and the row type
/// of a joined query (`detail::tracked_shape`).
#include <cstddef>
#include <functional>
#include <iterator>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "relata/detail/reflection.hpp"
#include "relata/connection.hpp"
#include "relata/query/shape.hpp"

namespace relata {

/// The tracked objects a query returned, in row order; iterating yields `T&`.
template <model T>
class result_list {
public:
    /// Random-access iterator yielding `T&` (the tracked objects).
    class iterator {
    public:
        using iterator_category = std::random_access_iterator_tag;  ///< random access
        using value_type = T;                                       ///< the model
        using difference_type = std::ptrdiff_t;                     ///< distance between iterators
        using pointer = T*;                                         ///< pointer to a tracked object
        using reference = T&;                                       ///< reference to a tracked object
        /// A singular iterator.
        iterator() = default;
        /// Wraps a position in the list of tracked-object pointers.
        explicit iterator(typename std::vector<T*>::const_iterator it) : it_(it) {}
        /// The tracked object.
        reference operator*() const { return **it_; }
        /// The tracked object's address.
        pointer operator->() const { return *it_; }
        /// Next object.
        iterator& operator++() { ++it_; return *this; }
        /// Next object (postfix).
        iterator operator++(int) { auto copy = *this; ++it_; return copy; }
        /// Previous object.
        iterator& operator--() { --it_; return *this; }
        /// Previous object (postfix).
        iterator operator--(int) { auto copy = *this; --it_; return copy; }
        /// Advances by `n`.
        iterator& operator+=(difference_type n) { it_ += n; return *this; }
        /// Goes back by `n`.
        iterator& operator-=(difference_type n) { it_ -= n; return *this; }
        /// `i` advanced by `n`.
        friend iterator operator+(iterator i, difference_type n) { return i += n; }
        /// `i` advanced by `n`.
        friend iterator operator+(difference_type n, iterator i) { return i += n; }
        /// `i` moved back by `n`.
        friend iterator operator-(iterator i, difference_type n) { return i -= n; }
        /// Distance from `b` to `a`.
        friend difference_type operator-(const iterator& a, const iterator& b) { return a.it_ - b.it_; }
        /// The object `n` positions ahead.
        reference operator[](difference_type n) const { return *it_[n]; }
        /// Same position.
        friend bool operator==(const iterator& a, const iterator& b) { return a.it_ == b.it_; }
        /// Position order.
        friend auto operator<=>(const iterator& a, const iterator& b) { return a.it_ <=> b.it_; }

    private:
        typename std::vector<T*>::const_iterator it_{};
    };

    /// An empty list.
    result_list() = default;
    /// Wraps pointers to tracked objects.
    explicit result_list(std::vector<T*> objects) : objects_(std::move(objects)) {}
    /// First object.
    [[nodiscard]] iterator begin() const { return iterator(objects_.begin()); }
    /// Past the last object.
    [[nodiscard]] iterator end() const { return iterator(objects_.end()); }
    /// Number of objects.
    [[nodiscard]] std::size_t size() const noexcept { return objects_.size(); }
    /// True when the query returned no rows.
    [[nodiscard]] bool empty() const noexcept { return objects_.empty(); }
    /// The `index`-th object (unchecked).
    [[nodiscard]] T& operator[](std::size_t index) const { return *objects_[index]; }

private:
    std::vector<T*> objects_;
};

namespace detail {

/// True for a relata::result_list (what Session::all returns for one model).
template <class>
inline constexpr bool is_result_list = false;
template <model T>
inline constexpr bool is_result_list<result_list<T>> = true;

/// What a Session returns for a row of a model_shape: tracked objects (pointers for slots an
/// outer join made optional).
template <class Shape>
struct tracked_shape : std::false_type {};
template <class... Slots>
struct tracked_shape<model_shape<Slots...>> : std::true_type {
    template <class Slot>
    using reference = std::conditional_t<Slot::nullable, typename Slot::model_type*, typename Slot::model_type&>;
    using row = std::conditional_t<model_shape<Slots...>::single_model,
                                   typename first_of<type_list<typename Slots::model_type...>>::type*,
                                   std::tuple<reference<Slots>...>>;
    using list = std::vector<row>;
};

template <class Session>
struct session_access;

/// One model of a result row, from column `offset` on (advanced past it): the tracked object
/// (the identity map's, merged with the row), or nullptr for an outer join's missing row.
template <class Slot, class Session, class Row>
auto merge_slot(Session& session, const Row& row, std::size_t& offset) {
    using M = typename Slot::model_type;
    static_assert(has_primary_key<M>,
                  "relata: a Session tracks objects by primary key; select a model without one with relata::all(db, query)");
    using access = session_access<Session>;
    const std::size_t first = offset;
    offset += field_count<M>;
    if constexpr (Slot::nullable) {
        if (slot_is_null<Slot>(row, first)) return static_cast<M*>(nullptr);
        return &access::template registry<M>(session).merge_loaded(read_model<M>(row, first), access::statistics(session).queries);
    } else if constexpr (has_primary_key<M>) {
        return std::ref(access::template registry<M>(session).merge_loaded(read_model<M>(row, first),
                                                                            access::statistics(session).queries));
    }
}

/// A result row of a model_shape as tracked objects (`tracked_shape<Shape>::row`).
template <class Shape, class Session, class Row>
typename tracked_shape<Shape>::row merge_row(Session& session, const Row& row) {
    return [&]<class... Slots>(model_shape<Slots...>*) -> typename tracked_shape<Shape>::row {
        std::size_t offset = 0;
        if constexpr (Shape::single_model) return &merge_slot<Slots...>(session, row, offset).get();
        else return {merge_slot<Slots>(session, row, offset)...};  // braced list: evaluated in order
    }(static_cast<Shape*>(nullptr));
}

}  // namespace detail

}  // namespace relata
