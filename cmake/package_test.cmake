# One test of tests/package (CTest label `package`), run as
#   cmake -DMODE=<mode> -DSOURCE_DIR=<relata> -DWORK_DIR=<build>/package -DGENERATOR=...
#         -DCXX=... -DCXX_FLAGS=... -DLINKER_FLAGS=... -DBUILD_TYPE=... -DVERSION=<project()>
#         -DWITH_POSTGRES=ON|OFF [-DPKG_CONFIG=...] -P cmake/package_test.cmake
# Modes:
#   install           cmake --install of MAIN_BINARY_DIR into WORK_DIR/staging, then moved to
#                     WORK_DIR/prefix (a relocated install; the fixture of find_package, pkg_config)
#   find_package      tests/package/find_package against WORK_DIR/prefix
#   build_tree        the same project against the build tree (relata_DIR=MAIN_BINARY_DIR),
#                     configure only: export() resolves the targets to the source tree
#   fetch_content     tests/package/fetch_content (FetchContent_Declare(SOURCE_DIR <relata>))
#   add_subdirectory  tests/package/add_subdirectory
#   pkg_config        the consumer compiled with `pkg-config --cflags --libs relata-sqlite`
#   vcpkg             cmake/vcpkg/ports/relata/portfile.cmake run with cmake/vcpkg_port_test.cmake
#                     into WORK_DIR/vcpkg/packages, then find_package against it
#   version           include/relata/version.hpp and both vcpkg.json agree with project()
# Every consumer prints "relata <version>: packaged" (tests/package/consumer/main.cpp).
cmake_minimum_required(VERSION 3.25)

# Runs a command; fails the test with its output unless it exits 0. Output in relata_run_output.
function(relata_package_run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "package.${MODE}: `${command}` failed (${rc}):\n${out}")
  endif()
  set(relata_run_output "${out}" PARENT_SCOPE)
endfunction()

function(relata_expect_consumer_output output)
  if(NOT output MATCHES "relata ${VERSION}: packaged")
    message(FATAL_ERROR "package.${MODE}: the consumer printed:\n${output}")
  endif()
endfunction()

# Configures tests/package/<project> in WORK_DIR/<MODE>-consumer, builds and runs relata_consumer.
# relata_run_output: the configure output (CONFIGURE_ONLY) or the program's.
function(relata_consumer project)
  cmake_parse_arguments(PARSE_ARGV 1 arg "CONFIGURE_ONLY" "" "")
  set(build "${WORK_DIR}/${MODE}-consumer")
  file(REMOVE_RECURSE "${build}")
  relata_package_run("${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/package/${project}" -B "${build}"
    -G "${GENERATOR}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}" "-DCMAKE_CXX_COMPILER=${CXX}"
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}"
    "-DRELATA_SOURCE_DIR=${SOURCE_DIR}" ${arg_UNPARSED_ARGUMENTS})
  message(STATUS "${relata_run_output}")
  if(arg_CONFIGURE_ONLY)
    set(relata_run_output "${relata_run_output}" PARENT_SCOPE)
    return()
  endif()
  relata_package_run("${CMAKE_COMMAND}" --build "${build}" -j2)
  relata_package_run("${build}/relata_consumer")
  relata_expect_consumer_output("${relata_run_output}")
  message(STATUS "${relata_run_output}")
endfunction()

set(prefix "${WORK_DIR}/prefix")

if(MODE STREQUAL "install")
  file(REMOVE_RECURSE "${WORK_DIR}/staging" "${prefix}")
  set(config)
  if(BUILD_TYPE)
    set(config --config "${BUILD_TYPE}")
  endif()
  relata_package_run("${CMAKE_COMMAND}" --install "${MAIN_BINARY_DIR}" ${config} --prefix "${WORK_DIR}/staging")
  file(RENAME "${WORK_DIR}/staging" "${prefix}")
  foreach(file IN ITEMS include/relata/relata.hpp include/relata/version.hpp
      share/cmake/relata/relata-config.cmake share/cmake/relata/relata-config-version.cmake
      share/cmake/relata/relata-targets.cmake share/cmake/relata/relata-sqlite-targets.cmake
      share/pkgconfig/relata.pc share/pkgconfig/relata-sqlite.pc)
    if(NOT EXISTS "${prefix}/${file}")
      message(FATAL_ERROR "package.install: ${file} was not installed")
    endif()
  endforeach()
  # Relocatable: nothing installed names the directory it was installed to.
  file(GLOB_RECURSE files "${prefix}/share/*")
  foreach(file IN LISTS files)
    file(READ "${file}" text)
    string(FIND "${text}" "${WORK_DIR}/staging" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "package.install: ${file} names the install prefix")
    endif()
  endforeach()

elseif(MODE STREQUAL "find_package")
  relata_consumer(find_package "-DCMAKE_PREFIX_PATH=${prefix}")

elseif(MODE STREQUAL "build_tree")
  relata_consumer(find_package CONFIGURE_ONLY "-Drelata_DIR=${MAIN_BINARY_DIR}")
  if(NOT relata_run_output MATCHES "relata ${VERSION} from ${MAIN_BINARY_DIR}")
    message(FATAL_ERROR "package.build_tree: relata was not found in the build tree:\n${relata_run_output}")
  endif()

elseif(MODE STREQUAL "fetch_content")
  relata_consumer(fetch_content)

elseif(MODE STREQUAL "add_subdirectory")
  relata_consumer(add_subdirectory "-DRELATA_WITH_POSTGRES=${WITH_POSTGRES}")

elseif(MODE STREQUAL "pkg_config")
  set(ENV{PKG_CONFIG_PATH} "${prefix}/share/pkgconfig")
  relata_package_run("${PKG_CONFIG}" --modversion relata-sqlite)
  string(STRIP "${relata_run_output}" modversion)
  if(NOT modversion STREQUAL VERSION)
    message(FATAL_ERROR "package.pkg_config: relata-sqlite is version '${modversion}', project() says ${VERSION}")
  endif()
  execute_process(COMMAND "${PKG_CONFIG}" --exists relata-postgres RESULT_VARIABLE rc)
  if(WITH_POSTGRES AND NOT rc EQUAL 0)
    message(FATAL_ERROR "package.pkg_config: relata-postgres.pc is missing or its Requires (libpq) are not found")
  endif()
  relata_package_run("${PKG_CONFIG}" --cflags --libs relata-sqlite)
  separate_arguments(pkg_flags UNIX_COMMAND "${relata_run_output}")
  separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS}")
  separate_arguments(linker_flags UNIX_COMMAND "${LINKER_FLAGS}")
  set(build "${WORK_DIR}/pkg_config")
  file(REMOVE_RECURSE "${build}")
  file(MAKE_DIRECTORY "${build}")
  # As a Makefile would: $(CXX) $(CXXFLAGS) -std=c++20 main.cpp $(pkg-config ...) $(LDFLAGS)
  relata_package_run("${CXX}" ${cxx_flags} -std=c++20 "${SOURCE_DIR}/tests/package/consumer/main.cpp"
    -o "${build}/relata_consumer" ${pkg_flags} ${linker_flags})
  relata_package_run("${build}/relata_consumer")
  relata_expect_consumer_output("${relata_run_output}")
  message(STATUS "${relata_run_output}")

elseif(MODE STREQUAL "vcpkg")
  set(port_dir "${SOURCE_DIR}/cmake/vcpkg/ports/relata")
  file(READ "${port_dir}/vcpkg.json" manifest)
  string(JSON PORT GET "${manifest}" name)
  string(JSON VERSION GET "${manifest}" version)
  # The features vcpkg installs by default: core and the default features.
  set(FEATURES core)
  string(JSON count LENGTH "${manifest}" default-features)
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON feature GET "${manifest}" default-features ${i})
    list(APPEND FEATURES "${feature}")
  endforeach()
  set(TARGET_TRIPLET x64-linux)
  set(CURRENT_PACKAGES_DIR "${WORK_DIR}/vcpkg/packages/${PORT}_${TARGET_TRIPLET}")
  set(CURRENT_BUILDTREES_DIR "${WORK_DIR}/vcpkg/buildtrees/${PORT}")
  file(REMOVE_RECURSE "${WORK_DIR}/vcpkg")
  include("${SOURCE_DIR}/cmake/vcpkg_port_test.cmake")
  include("${port_dir}/portfile.cmake")

  # The layout vcpkg expects of a header-only port.
  foreach(file IN ITEMS include/relata/relata.hpp include/relata/sqlite.hpp
      share/${PORT}/relata-config.cmake share/${PORT}/relata-sqlite-targets.cmake
      share/${PORT}/copyright share/${PORT}/usage share/pkgconfig/relata-sqlite.pc)
    if(NOT EXISTS "${CURRENT_PACKAGES_DIR}/${file}")
      message(FATAL_ERROR "package.vcpkg: the port did not install ${file}")
    endif()
  endforeach()
  foreach(path IN ITEMS debug lib bin share/cmake share/doc share/${PORT}/relata-postgres-targets.cmake
      include/relata/postgres.hpp include/relata/postgres share/pkgconfig/relata-postgres.pc)
    if(EXISTS "${CURRENT_PACKAGES_DIR}/${path}")
      message(FATAL_ERROR "package.vcpkg: the port installed ${path}")
    endif()
  endforeach()
  # Default features only: postgres is a component this install lacks, with relata's message.
  relata_consumer(find_package "-DCMAKE_PREFIX_PATH=${CURRENT_PACKAGES_DIR}"
    -DRELATA_TEST_MISSING_COMPONENT=postgres)

elseif(MODE STREQUAL "version")
  file(STRINGS "${SOURCE_DIR}/include/relata/version.hpp" lines REGEX "^#define RELATA_VERSION_")
  set(header_version)
  foreach(part IN ITEMS MAJOR MINOR PATCH)
    list(FILTER lines EXCLUDE REGEX "^$")
    set(found)
    foreach(line IN LISTS lines)
      if(line MATCHES "^#define RELATA_VERSION_${part} ([0-9]+)$")
        set(found "${CMAKE_MATCH_1}")
      endif()
    endforeach()
    if(found STREQUAL "")
      message(FATAL_ERROR "package.version: version.hpp defines no RELATA_VERSION_${part}")
    endif()
    list(APPEND header_version "${found}")
  endforeach()
  list(JOIN header_version "." header_version)
  set(string_version)
  foreach(line IN LISTS lines)
    if(line MATCHES "^#define RELATA_VERSION_STRING \"([^\"]*)\"$")
      set(string_version "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  set(versions "version.hpp RELATA_VERSION_MAJOR/MINOR/PATCH=${header_version}"
    "version.hpp RELATA_VERSION_STRING=${string_version}")
  foreach(manifest_file IN ITEMS cmake/vcpkg/ports/relata/vcpkg.json vcpkg.json)
    file(READ "${SOURCE_DIR}/${manifest_file}" manifest)
    string(JSON manifest_version GET "${manifest}" version)
    list(APPEND versions "${manifest_file}=${manifest_version}")
  endforeach()
  foreach(entry IN LISTS versions)
    string(REGEX REPLACE "^.*=" "" value "${entry}")
    if(NOT value STREQUAL VERSION)
      message(FATAL_ERROR "package.version: project(relata VERSION ${VERSION}) but ${entry}")
    endif()
  endforeach()
  message(STATUS "relata ${VERSION}: ${versions}")

else()
  message(FATAL_ERROR "package_test.cmake: unknown MODE '${MODE}'")
endif()
