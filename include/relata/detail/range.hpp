#pragma once
/// @file
/// std::ranges::input_range and std::ranges::range_value_t without `<ranges>`: the range
/// adaptors and views that header declares cost every translation unit about 0.2 s, and relata
/// needs only these two (std::ranges::begin/end and the iterator concepts are in `<iterator>`).

#include <iterator>
#include <utility>

namespace relata::detail {

/// The iterator type of `R`: `std::ranges::iterator_t<R>`.
template <class R>
using range_iterator_t = decltype(std::ranges::begin(std::declval<R&>()));

/// `std::ranges::input_range<R>`: `std::ranges::begin/end` apply and yield an input iterator.
template <class R>
concept input_range = requires(R& r) {
    std::ranges::begin(r);
    std::ranges::end(r);
} && std::input_iterator<range_iterator_t<R>>;

/// The element type of `R`: `std::ranges::range_value_t<R>`.
template <input_range R>
using range_value_t = std::iter_value_t<range_iterator_t<R>>;

}  // namespace relata::detail
