# Stand-ins for the vcpkg functions that cmake/vcpkg/ports/relata/portfile.cmake calls, so that
# CTest package.vcpkg runs the port's own portfile without vcpkg (no vcpkg here, no network).
# Each does what vcpkg does for a header-only release build, through plain CMake:
#   vcpkg_check_features       -D<option>=ON/OFF per feature in FEATURES
#   vcpkg_cmake_configure      cmake -S <source> with CMAKE_INSTALL_PREFIX=CURRENT_PACKAGES_DIR
#   vcpkg_cmake_install        cmake --build <build> --target install
#   vcpkg_cmake_config_fixup   moves CONFIG_PATH to share/<port> and corrects the prefix
#                              computations for the new depth, as vcpkg-cmake-config does
#   vcpkg_fixup_pkgconfig      refuses .pc files that name CURRENT_PACKAGES_DIR
#   vcpkg_install_copyright    share/<port>/copyright
# Included by cmake/package_test.cmake (MODE vcpkg), which sets PORT, VERSION, FEATURES,
# CURRENT_PACKAGES_DIR, CURRENT_BUILDTREES_DIR and the toolchain variables.

function(vcpkg_from_github)
  message(FATAL_ERROR "package.vcpkg: the port must build the checkout it lives in, not download")
endfunction()

function(vcpkg_check_features)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "OUT_FEATURE_OPTIONS" "FEATURES;INVERTED_FEATURES")
  set(options)
  while(arg_FEATURES)
    list(POP_FRONT arg_FEATURES feature option)
    if(feature IN_LIST FEATURES)
      list(APPEND options "-D${option}=ON")
    else()
      list(APPEND options "-D${option}=OFF")
    endif()
  endwhile()
  set(${arg_OUT_FEATURE_OPTIONS} "${options}" PARENT_SCOPE)
endfunction()

function(vcpkg_cmake_configure)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "SOURCE_PATH" "OPTIONS;OPTIONS_RELEASE;OPTIONS_DEBUG")
  if(NOT VCPKG_BUILD_TYPE STREQUAL "release")
    message(FATAL_ERROR "package.vcpkg: a header-only port builds the release configuration only (VCPKG_BUILD_TYPE release)")
  endif()
  set(build "${CURRENT_BUILDTREES_DIR}/${TARGET_TRIPLET}-rel")
  file(REMOVE_RECURSE "${build}")
  relata_package_run("${CMAKE_COMMAND}" -S "${arg_SOURCE_PATH}" -B "${build}" -G "${GENERATOR}"
    -DCMAKE_BUILD_TYPE=Release
    "-DCMAKE_INSTALL_PREFIX=${CURRENT_PACKAGES_DIR}"
    -DCMAKE_INSTALL_LIBDIR:STRING=lib -DCMAKE_INSTALL_BINDIR:STRING=bin
    -DFETCHCONTENT_FULLY_DISCONNECTED=ON
    "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
    ${arg_OPTIONS} ${arg_OPTIONS_RELEASE})
  set_property(GLOBAL PROPERTY relata_vcpkg_build "${build}")
endfunction()

function(vcpkg_cmake_install)
  get_property(build GLOBAL PROPERTY relata_vcpkg_build)
  relata_package_run("${CMAKE_COMMAND}" --build "${build}" --target install -j2)
endfunction()

function(vcpkg_cmake_config_fixup)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "CONFIG_PATH;PACKAGE_NAME" "")
  if(NOT arg_PACKAGE_NAME)
    set(arg_PACKAGE_NAME "${PORT}")
  endif()
  if(NOT arg_CONFIG_PATH)
    set(arg_CONFIG_PATH "share/${arg_PACKAGE_NAME}")
  endif()
  set(from "${CURRENT_PACKAGES_DIR}/${arg_CONFIG_PATH}")
  set(to "${CURRENT_PACKAGES_DIR}/share/${arg_PACKAGE_NAME}")
  if(NOT EXISTS "${from}")
    message(FATAL_ERROR "package.vcpkg: vcpkg_cmake_config_fixup: ${arg_CONFIG_PATH} was not installed")
  endif()
  if(NOT from STREQUAL to)
    file(MAKE_DIRECTORY "${to}")
    file(GLOB files "${from}/*")
    file(COPY ${files} DESTINATION "${to}")
    file(REMOVE_RECURSE "${from}")
    get_filename_component(parent "${from}" DIRECTORY)
    get_filename_component(parent_name "${parent}" NAME)
    file(GLOB left "${parent}/*")
    if(parent_name STREQUAL "cmake" AND NOT left)
      file(REMOVE_RECURSE "${parent}")
    endif()
  endif()
  # share/<package> is two levels below the prefix.
  file(GLOB files "${to}/*.cmake")
  foreach(file IN LISTS files)
    file(READ "${file}" text)
    string(REGEX REPLACE
      "get_filename_component\\(PACKAGE_PREFIX_DIR \"\\\${CMAKE_CURRENT_LIST_DIR}/[./]*\" ABSOLUTE\\)"
      "get_filename_component(PACKAGE_PREFIX_DIR \"\${CMAKE_CURRENT_LIST_DIR}/../../\" ABSOLUTE)"
      text "${text}")
    string(REGEX REPLACE
      "get_filename_component\\(_IMPORT_PREFIX \"\\\${CMAKE_CURRENT_LIST_FILE}\" PATH\\)(\nget_filename_component\\(_IMPORT_PREFIX \"\\\${_IMPORT_PREFIX}\" PATH\\))*"
      "get_filename_component(_IMPORT_PREFIX \"\${CMAKE_CURRENT_LIST_FILE}\" PATH)\nget_filename_component(_IMPORT_PREFIX \"\${_IMPORT_PREFIX}\" PATH)\nget_filename_component(_IMPORT_PREFIX \"\${_IMPORT_PREFIX}\" PATH)"
      text "${text}")
    file(WRITE "${file}" "${text}")
  endforeach()
endfunction()

function(vcpkg_fixup_pkgconfig)
  file(GLOB_RECURSE files "${CURRENT_PACKAGES_DIR}/*.pc")
  foreach(file IN LISTS files)
    file(READ "${file}" text)
    string(FIND "${text}" "${CURRENT_PACKAGES_DIR}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "package.vcpkg: ${file} names the packages directory:\n${text}")
    endif()
  endforeach()
endfunction()

function(vcpkg_install_copyright)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "" "FILE_LIST")
  set(text "")
  foreach(file IN LISTS arg_FILE_LIST)
    file(READ "${file}" content)
    string(APPEND text "${content}")
  endforeach()
  file(WRITE "${CURRENT_PACKAGES_DIR}/share/${PORT}/copyright" "${text}")
endfunction()
