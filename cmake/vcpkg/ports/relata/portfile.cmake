# vcpkg port of relata, a header-only library: one release configuration, nothing compiled.
# CTest package.vcpkg runs this file with stand-ins for the vcpkg_* functions
# (cmake/vcpkg_port_test.cmake) and builds a find_package consumer against the result.
set(VCPKG_BUILD_TYPE release)

# As an overlay port from a relata checkout (vcpkg install relata --overlay-ports=
# <checkout>/cmake/vcpkg/ports), the port builds the checkout it lives in, four levels up.
# A copy of this directory in a registry has no checkout around it and downloads the release.
get_filename_component(relata_checkout "${CMAKE_CURRENT_LIST_DIR}/../../../.." ABSOLUTE)
if(EXISTS "${relata_checkout}/include/relata/relata.hpp" AND EXISTS "${relata_checkout}/CMakeLists.txt")
    set(SOURCE_PATH "${relata_checkout}")
else()
    vcpkg_from_github(
        OUT_SOURCE_PATH SOURCE_PATH
        REPO relata/relata  # placeholder: relata's public repository
        REF "v${VERSION}"
        SHA512 0  # placeholder: vcpkg prints the archive's hash on the first install
        HEAD_REF main
    )
endif()

vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
    FEATURES
        sqlite3     RELATA_WITH_SQLITE
        postgresql  RELATA_WITH_POSTGRES
)

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        ${FEATURE_OPTIONS}
        -DRELATA_INSTALL=ON
        -DRELATA_BUILD_TESTS=OFF
        -DRELATA_BUILD_EXAMPLES=OFF
        -DRELATA_BUILD_BENCHMARKS=OFF
        -DRELATA_BUILD_FUZZERS=OFF
        -DRELATA_BUILD_COMPILE_TIME_BENCHMARK=OFF
        -DRELATA_BUILD_DOCS=OFF
)
vcpkg_cmake_install()

# relata installs its package to share/cmake/relata; vcpkg wants share/relata.
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/relata)
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/doc")  # the LICENSE, installed below as copyright
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
