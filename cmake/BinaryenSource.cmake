# Locate Binaryen: the system libbinaryen.so (Debian package `binaryen`) and
# the C++ headers of exactly the same version, unpacked from Debian's source
# package into an ignored cache by tools/fetch-binaryen-source.sh.
#
# Defines the imported target scout::binaryen.

find_library(BINARYEN_LIBRARY NAMES binaryen REQUIRED)

find_program(DPKG_QUERY dpkg-query)
if(NOT DPKG_QUERY)
  message(FATAL_ERROR "dpkg-query not found: scout builds against Debian's binaryen package")
endif()
execute_process(
  COMMAND ${DPKG_QUERY} -W -f=\${Version} binaryen
  OUTPUT_VARIABLE BINARYEN_DEB_VERSION
  RESULT_VARIABLE rc
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT rc EQUAL 0 OR BINARYEN_DEB_VERSION STREQUAL "")
  message(FATAL_ERROR "The Debian package 'binaryen' is not installed (apt-get install binaryen)")
endif()

set(SCOUT_BINARYEN_CACHE "${PROJECT_SOURCE_DIR}/.cache/binaryen-src"
    CACHE PATH "Where the Binaryen source package is unpacked")
execute_process(
  COMMAND bash ${PROJECT_SOURCE_DIR}/tools/fetch-binaryen-source.sh ${SCOUT_BINARYEN_CACHE}
  OUTPUT_VARIABLE BINARYEN_SOURCE_DIR
  ERROR_VARIABLE fetch_err
  RESULT_VARIABLE rc
  OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "Could not fetch Binaryen's C++ headers: ${fetch_err}")
endif()

# Version check 1: the source tree must come from the installed Debian version.
file(READ "${BINARYEN_SOURCE_DIR}/.debian-version" headers_deb_version)
string(STRIP "${headers_deb_version}" headers_deb_version)
if(NOT headers_deb_version STREQUAL BINARYEN_DEB_VERSION)
  message(FATAL_ERROR
    "Binaryen header/library version mismatch: headers in ${BINARYEN_SOURCE_DIR} are "
    "from binaryen ${headers_deb_version}, the installed libbinaryen.so is ${BINARYEN_DEB_VERSION}. "
    "Delete ${SCOUT_BINARYEN_CACHE} and reconfigure.")
endif()

# Version check 2: the upstream version in the headers' CMakeLists must match
# what the installed tools report (wasm-opt ships in the same package).
file(STRINGS "${BINARYEN_SOURCE_DIR}/CMakeLists.txt" project_line
     REGEX "^project\\(binaryen .*VERSION [0-9]+")
string(REGEX MATCH "VERSION ([0-9]+)" _ "${project_line}")
set(BINARYEN_HEADERS_VERSION "${CMAKE_MATCH_1}")
find_program(WASM_OPT wasm-opt)
if(WASM_OPT)
  execute_process(COMMAND ${WASM_OPT} --version OUTPUT_VARIABLE wasm_opt_version
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  string(REGEX MATCH "version ([0-9]+)" _ "${wasm_opt_version}")
  if(NOT CMAKE_MATCH_1 STREQUAL BINARYEN_HEADERS_VERSION)
    message(FATAL_ERROR
      "Binaryen header/library version mismatch: headers are version ${BINARYEN_HEADERS_VERSION}, "
      "installed binaryen reports '${wasm_opt_version}'.")
  endif()
endif()
message(STATUS "Binaryen ${BINARYEN_HEADERS_VERSION} (Debian ${BINARYEN_DEB_VERSION}): "
               "${BINARYEN_LIBRARY}, headers from ${BINARYEN_SOURCE_DIR}/src")

add_library(scout_binaryen INTERFACE)
add_library(scout::binaryen ALIAS scout_binaryen)
# SYSTEM: Binaryen's headers are not ours to keep warning-free.
target_include_directories(scout_binaryen SYSTEM INTERFACE "${BINARYEN_SOURCE_DIR}/src")
target_link_libraries(scout_binaryen INTERFACE "${BINARYEN_LIBRARY}")
# The engine is written against Binaryen 108's C++ API (ModuleRunnerBase's
# members, the Flow protocol, wasm::Literal's layout), which changes between
# releases without notice: another version would fail to build at best and
# misbehave at worst. SCOUT_BINARYEN_ANY_VERSION=ON accepts it anyway, for
# porting work.
set(SCOUT_BINARYEN_REQUIRED_VERSION 108)
option(SCOUT_BINARYEN_ANY_VERSION "Build against a Binaryen other than ${SCOUT_BINARYEN_REQUIRED_VERSION} (porting only)" OFF)
if(NOT BINARYEN_HEADERS_VERSION STREQUAL SCOUT_BINARYEN_REQUIRED_VERSION AND NOT SCOUT_BINARYEN_ANY_VERSION)
  message(FATAL_ERROR
    "scout needs Binaryen ${SCOUT_BINARYEN_REQUIRED_VERSION}; found ${BINARYEN_HEADERS_VERSION} "
    "(Debian ${BINARYEN_DEB_VERSION}). Install Debian bookworm's binaryen package, or configure "
    "with -DSCOUT_BINARYEN_ANY_VERSION=ON to port scout to it.")
endif()
set(SCOUT_BINARYEN_VERSION "${BINARYEN_HEADERS_VERSION}")
