#pragma once
/// @file
/// relata's version, the same as `project(relata VERSION ...)` in CMakeLists.txt (the CTest
/// test `package.version` fails when the two disagree).
///
/// @code
/// #if RELATA_VERSION >= 100  // 0.1.0 or newer
/// @endcode

/// Major version: an increase may break the API.
#define RELATA_VERSION_MAJOR 0
/// Minor version: new features.
#define RELATA_VERSION_MINOR 1
/// Patch version: fixes.
#define RELATA_VERSION_PATCH 0

/// The version as one number, MAJOR * 10000 + MINOR * 100 + PATCH (0.1.0 is 100), for `#if`.
#define RELATA_VERSION (RELATA_VERSION_MAJOR * 10000 + RELATA_VERSION_MINOR * 100 + RELATA_VERSION_PATCH)

/// The version as a string literal, "MAJOR.MINOR.PATCH".
#define RELATA_VERSION_STRING "0.1.0"
