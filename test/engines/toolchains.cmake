# V8 against scout on the scripts built by real toolchains (included by
# test/engines/CMakeLists.txt): each vector of test-vectors/toolchains/ runs on V8
# (node tools/bench-node/run.mjs, a JS EEI) and with `scout run --engine E` for every
# engine; all must give V8's verdict, and V8's must be the vector's own (PASS;
# toolchains/traps/: a trap in the last block). Tests toolchains.<vector>
# (toolchains.py). A vector whose scripts' toolchain was not available when
# scripts/ was configured (scripts/toolchains.cmake), or with no node to give V8's
# verdict, is reported SKIPPED with the reason (exit 77), never left out.
find_program(SCOUT_NODE NAMES node nodejs DOC "Node.js, for V8's verdicts")
set(toolchain_vectors_dir ${PROJECT_SOURCE_DIR}/test-vectors/toolchains)
file(GLOB_RECURSE toolchain_vectors CONFIGURE_DEPENDS ${toolchain_vectors_dir}/*.yaml)
list(SORT toolchain_vectors)

set(toolchain_skips)
foreach(prefix as rust wasi)
  get_property(configured GLOBAL PROPERTY SCOUT_TOOLCHAIN_SKIPPED_${prefix} SET)
  get_property(reason GLOBAL PROPERTY SCOUT_TOOLCHAIN_SKIPPED_${prefix})
  if(NOT configured)
    set(reason "scripts/ is not configured (SCOUT_BUILD_SCRIPTS=OFF)")
  endif()
  if(reason)
    list(APPEND toolchain_skips "--skip=${prefix}=${reason}")
    message(STATUS "tests: NOTICE: toolchains.* tests of ${prefix}_*.wasm will be SKIPPED: ${reason}")
  endif()
endforeach()
if(NOT SCOUT_NODE)
  set(SCOUT_NODE "")
  message(STATUS "tests: NOTICE: node not found: every toolchains.* test will be SKIPPED (no V8 verdict)")
endif()

foreach(v IN LISTS toolchain_vectors)
  file(RELATIVE_PATH rel ${toolchain_vectors_dir} ${v})
  string(REGEX REPLACE "\\.ya?ml$" "" name ${rel})
  string(REPLACE "/" "." name ${name})
  set(expect pass)
  if(rel MATCHES "^traps/")
    set(expect fail)
  endif()
  add_test(NAME toolchains.${name}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/toolchains.py
            --scout $<TARGET_FILE:scout> "--node=${SCOUT_NODE}"
            --runner ${PROJECT_SOURCE_DIR}/tools/bench-node/run.mjs
            --vector ${v} --expect ${expect} --engines binaryen,wabt,wasm2c ${toolchain_skips}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(toolchains.${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300
    LABELS "toolchains" ENVIRONMENT SCOUT_CACHE_DIR=${wasm2c_cache})
endforeach()
