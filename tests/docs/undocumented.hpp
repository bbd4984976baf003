#pragma once
/// @file
/// Fixture of the CTest test docs.gate (cmake/docs_gate_check.cmake): Doxygen with relata's
/// settings (cmake/docs.cmake) must fail here, reporting exactly the two undocumented public
/// declarations below and nothing from the detail namespace. Not part of relata.

/// The fixture's namespace (documented, so its members are checked).
namespace relata_docs_fixture {

/// A documented function: not reported.
inline int documented_function(int x) { return x; }

inline int undocumented_function(int x) { return x; }

/// A documented struct with one undocumented public member.
struct documented_struct {
    /// A documented member: not reported.
    int documented_member = 0;
    int undocumented_member = 0;

private:
    int private_member_ = 0;  // private: not reported
};

namespace detail {
// Implementation detail (EXCLUDE_SYMBOLS): not reported although undocumented.
struct undocumented_detail_struct {
    int undocumented_detail_member = 0;
};
inline int undocumented_detail_function() { return 0; }
}  // namespace detail

}  // namespace relata_docs_fixture
