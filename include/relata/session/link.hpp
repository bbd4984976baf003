#pragma once
/// @file
/// `session.link(child, &Child::parent_id, parent)`: fills a foreign key from a tracked parent
/// whose key may not exist yet (the flush copies the parent's generated key into the child).
#include <string>
#include <type_traits>
#include <utility>

#include "relata/detail/foreign_keys.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/mapping.hpp"
#include "relata/session/flush_order.hpp"
#include "relata/session/identity_map.hpp"
#include "relata/session/object_state.hpp"

namespace relata::detail {

template <class Session>
struct session_access;

/// The body of `session::link` (documented there): finds the foreign key `member` -> Parent in
/// `mapping<Child>::foreign_keys`, copies the parent's key now when it has one, otherwise
/// registers a parent_link that the flush resolves after the parent's INSERT.
/// @throws relata::session_error when either object is not tracked by the Session, or when
/// `member` is not a declared foreign key to Parent.
template <class Session, model Child, class Member, model Parent>
void link_to_parent(Session& session, Child& child, Member Child::*member, Parent& parent) {
    using access = session_access<Session>;
    entry<Child>& child_entry = access::entry_of(session, child);
    entry<Parent>& parent_entry = access::entry_of(session, parent);
    bool declared = false;
    if constexpr (requires { mapping<Child>::foreign_keys; }) {
        for_each_in_tuple(mapping<Child>::foreign_keys, [&](const auto& key) {
            using target = foreign_key_target_t<decltype(key)>;
            if constexpr (std::is_same_v<target, Parent> && std::is_same_v<decltype(members_of(key)), Member Child::*>) {
                if (declared || key.member != member) return;
                declared = true;
                auto target_member = key.target_member;
                parent_link<Child> link{
                    index_of_member<Child>(member), &parent_entry.object,
                    [&parent_entry, member, target_member](Child& object) {
                        if (parent_entry.state == object_state::detached) return false;
                        if constexpr (generated_key<Parent>) {
                            using key_type = std::remove_cvref_t<decltype(parent_entry.object.*target_member)>;
                            if (index_of_member<Parent>(target_member) == primary_key_index<Parent> &&
                                parent_entry.object.*target_member == key_type{})
                                return false;
                        }
                        object.*member = parent_entry.object.*target_member;
                        return true;
                    },
                    [&parent_entry] { return detail::format("a {} {}", state_name(parent_entry.state), type_name<Parent>); }};
                if (!link.assign(child)) access::template registry<Child>(session).add_link(child_entry, std::move(link));
            }
        });
    }
    if (!declared)
        throw session_error(detail::format("link(): {} has no foreign key from this member to {} in "
                                           "relata::mapping<{}>::foreign_keys",
                                           type_name<Child>, type_name<Parent>, type_name<Child>));
}

}  // namespace relata::detail
