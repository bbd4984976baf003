#pragma once
/// @file
/// Lifecycle hooks, declared outside the struct: `relata::hooks<T>` with any of
/// `before_insert`, `before_update`, `before_delete` and `after_load`, called by the Session.
///
/// @code
/// template <> struct relata::hooks<blog::Post> {
///     static void before_insert(blog::Post& post) { post.created_at = post.updated_at = now(); }
///     static void before_update(blog::Post& post) { post.updated_at = now(); }
///     static void before_delete(const blog::Post& post) { audit("deleting", post.id); }
///     static void after_load(blog::Post& post) { post.title_length = post.title.size(); }
/// };
/// @endcode
///
/// The idea follows SQLAlchemy's mapper events (`before_insert`, `before_update`,
/// `before_delete`, `load`) and JPA's `@PrePersist`/`@PreUpdate`/`@PostLoad`, without
/// annotations in the struct.

namespace relata {

/// Lifecycle hooks of a model, specialized by the user outside the struct. Every hook is an
/// optional static member function:
/// - `static void before_insert(T&)`: at flush, before the object's INSERT is rendered; changes
///   it makes are inserted.
/// - `static void before_update(T&)`: at flush, for an object whose members differ from its
///   snapshot, before the changed columns are computed; changes it makes are written too. Not
///   called for unchanged objects, so setting a timestamp here does not make every object dirty.
/// - `static void before_delete(const T&)`: at flush, before the object's DELETE.
/// - `static void after_load(T&)`: when a row becomes a tracked object (a query, `get`, `find`,
///   a reload after `expire`, `refresh`). What it changes counts as loaded state: the snapshot
///   is taken after it, so its changes alone are not written back.
///
/// An exception from a hook aborts the flush (or the query) it runs in: nothing of that flush
/// is written, the Session's objects keep their values (including what hooks changed before
/// throwing) and states, and the exception propagates unchanged.
template <class Model>
struct hooks {};

namespace detail {

template <class T>
void run_before_insert(T& object) {
    if constexpr (requires { hooks<T>::before_insert(object); }) hooks<T>::before_insert(object);
}

template <class T>
void run_before_update(T& object) {
    if constexpr (requires { hooks<T>::before_update(object); }) hooks<T>::before_update(object);
}

template <class T>
void run_before_delete(const T& object) {
    if constexpr (requires { hooks<T>::before_delete(object); }) hooks<T>::before_delete(object);
}

template <class T>
void run_after_load(T& object) {
    if constexpr (requires { hooks<T>::after_load(object); }) hooks<T>::after_load(object);
}

/// True when T declares a before_update hook (its dirty check then runs the hook).
template <class T>
inline constexpr bool has_before_update_hook = requires(T& object) { hooks<T>::before_update(object); };

}  // namespace detail
}  // namespace relata
