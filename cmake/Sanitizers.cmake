# Sanitizer and fuzzing builds (docs/fuzzing.md).
#
#   -DSCOUT_SANITIZE=address,undefined   instrument scout's own code and tests
#                                        (gcc or clang); tools/sanitize.sh
#   -DSCOUT_FUZZ=ON                      also build the libFuzzer targets of
#                                        test/fuzz/ (clang only; implies
#                                        SCOUT_SANITIZE=address,undefined unless
#                                        set); tools/fuzz.sh
#
# The flags are added with add_compile_options/add_link_options, so they reach
# every C++ target defined after this file is included: src/'s libraries, scout, the
# unit tests and the fuzzers. The example scripts (scripts/) are wasm, built by
# custom commands, and are not affected. Prebuilt libraries (libbinaryen.so,
# yaml-cpp, GoogleTest, OpenSSL) are not instrumented; the Binaryen
# interpreter templates compiled into scout_engine_binaryen are.
#
# Any sanitizer report aborts the process (UBSan: -fno-sanitize-recover), so a
# finding fails the test that triggered it instead of scrolling by.

set(SCOUT_SANITIZE "" CACHE STRING
    "Comma-separated sanitizers for scout's code and tests, e.g. address,undefined (empty: none)")
option(SCOUT_FUZZ "Build the libFuzzer targets in test/fuzz (needs CMAKE_CXX_COMPILER=clang++)" OFF)

if(SCOUT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR
      "SCOUT_FUZZ=ON needs clang (libFuzzer): configure with "
      "-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ in a fresh build folder "
      "(tools/fuzz.sh does this), found ${CMAKE_CXX_COMPILER_ID}")
  endif()
  if(SCOUT_SANITIZE STREQUAL "")
    set(SCOUT_SANITIZE "address,undefined" CACHE STRING
        "Comma-separated sanitizers for scout's code and tests" FORCE)
  endif()
endif()

if(NOT SCOUT_SANITIZE STREQUAL "")
  string(REPLACE "," ";" _scout_sanitizers "${SCOUT_SANITIZE}")
  foreach(s IN LISTS _scout_sanitizers)
    if(NOT s MATCHES "^(address|undefined|leak|thread|memory)$")
      message(FATAL_ERROR "SCOUT_SANITIZE: unknown sanitizer '${s}' (address, undefined, leak, thread, memory)")
    endif()
  endforeach()
  set(_scout_san_flags -fsanitize=${SCOUT_SANITIZE} -fno-omit-frame-pointer -g)
  if("undefined" IN_LIST _scout_sanitizers)
    # Abort on the first UB report (the default only prints and goes on).
    # Without vptr: libbinaryen.so is built with -fno-rtti (Binaryen's
    # CMakeLists.txt), so every virtual call on an object Binaryen created
    # (the passes a PassRunner owns, ...) is reported as "invalid vptr", and
    # the interpreter's CRTP base downcasts before the derived object exists
    # (docs/fuzzing.md, F1). Neither can be suppressed narrowly; scout's own
    # class hierarchies lose this one check.
    list(APPEND _scout_san_flags -fno-sanitize=vptr -fno-sanitize-recover=undefined)
  endif()
  add_compile_options(${_scout_san_flags})
  add_link_options(-fsanitize=${SCOUT_SANITIZE})
  if(SCOUT_FUZZ)
    # Coverage instrumentation for libFuzzer on everything (src/'s libraries included);
    # only the fuzz targets link libFuzzer itself (-fsanitize=fuzzer, test/fuzz).
    add_compile_options(-fsanitize=fuzzer-no-link)
  endif()
  message(STATUS "Sanitizers: ${SCOUT_SANITIZE} (libFuzzer coverage: ${SCOUT_FUZZ})")

  # Default runtime options (halt on error, the LeakSanitizer suppressions),
  # linked into every executable defined after this point.
  add_library(scout_sanitizer_defaults OBJECT
    ${PROJECT_SOURCE_DIR}/test/sanitizers/sanitizer_defaults.cpp)
  target_compile_definitions(scout_sanitizer_defaults PRIVATE
    SCOUT_LSAN_SUPPRESSIONS="${PROJECT_SOURCE_DIR}/test/sanitizers/lsan.supp"
    SCOUT_UBSAN_SUPPRESSIONS="${PROJECT_SOURCE_DIR}/test/sanitizers/ubsan.supp")
  if(SCOUT_FUZZ)
    target_compile_definitions(scout_sanitizer_defaults PRIVATE SCOUT_SANITIZER_FUZZING=1)
  endif()
  link_libraries(scout_sanitizer_defaults)
endif()
