include_guard(GLOBAL)

# scout_npm_ci(): the npm packages a folder of the source tree pins, installed into the
# build folder at configure time. Used by scripts/toolchains.cmake (AssemblyScript's
# compiler) and test/peers/ (scout.ts, a peer harness on V8).
#
#   scout_npm_ci(<what>
#                SOURCE_DIR <dir with package.json and package-lock.json>
#                INSTALL_DIR <folder of the build tree>
#                CHECK_FILE <a file the install must leave, relative to INSTALL_DIR>
#                SKIP_VAR <var>
#                [MIN_NODE_MAJOR <n> MIN_NODE_WHY <what needs it>]
#                [NODE_VERSION_VAR <var>])
#
# Finds node and npm (the cache variables SCOUT_NODE and SCOUT_NPM), checks node's major
# version when MIN_NODE_MAJOR is given, and runs `npm ci` (exactly the committed lock
# file, never into the source tree) in INSTALL_DIR, with its output in
# INSTALL_DIR/npm-ci.log. The install is done again only when the lock file or node's
# version changes, or CHECK_FILE is gone: INSTALL_DIR/npm-ci.stamp holds the lock file's
# SHA-256 and node's version, and is written only after a complete install, so a
# rule may depend on it. Editing package.json or package-lock.json reruns configure.
#
# Sets SKIP_VAR in the caller to "" when the packages are installed, else to why not
# (node or npm missing, node too old, npm ci failed: offline?); the caller prints its
# notice and skips what needs them. NODE_VERSION_VAR gets `node --version` (or "").
function(scout_npm_ci what)
  cmake_parse_arguments(A ""
    "SOURCE_DIR;INSTALL_DIR;CHECK_FILE;SKIP_VAR;MIN_NODE_MAJOR;MIN_NODE_WHY;NODE_VERSION_VAR" "" ${ARGN})
  foreach(required SOURCE_DIR INSTALL_DIR CHECK_FILE SKIP_VAR)
    if(NOT A_${required})
      message(FATAL_ERROR "scout_npm_ci(${what}): ${required} is required")
    endif()
  endforeach()
  set(skip "")
  set(node_version "")
  find_program(SCOUT_NODE NAMES node nodejs
               DOC "Node.js, for the npm packages (and V8 verdicts in the tests)")
  find_program(SCOUT_NPM NAMES npm DOC "npm, to install the pinned npm packages (npm ci)")
  if(NOT SCOUT_NODE OR NOT SCOUT_NPM)
    set(skip "node or npm not found (Debian: nodejs, npm)")
  else()
    execute_process(COMMAND "${SCOUT_NODE}" --version OUTPUT_VARIABLE node_version
                    OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc ERROR_QUIET)
    string(REGEX MATCH "^[^\n]*" node_version "${node_version}")
    string(REGEX MATCH "^v([0-9]+)" node_major "${node_version}")
    set(node_major "${CMAKE_MATCH_1}")
    if(NOT rc EQUAL 0 OR node_major STREQUAL "")
      set(skip "${SCOUT_NODE} --version failed ('${node_version}')")
    elseif(A_MIN_NODE_MAJOR AND node_major LESS A_MIN_NODE_MAJOR)
      string(CONCAT skip "${A_MIN_NODE_WHY} needs node >= ${A_MIN_NODE_MAJOR}, "
                         "${SCOUT_NODE} --version says '${node_version}'")
    endif()
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
               "${A_SOURCE_DIR}/package.json" "${A_SOURCE_DIR}/package-lock.json")
  if(NOT skip)
    file(SHA256 "${A_SOURCE_DIR}/package-lock.json" lock_hash)
    set(stamp "${A_INSTALL_DIR}/npm-ci.stamp")
    set(log "${A_INSTALL_DIR}/npm-ci.log")
    set(installed "")
    if(EXISTS "${stamp}")
      file(READ "${stamp}" installed)
    endif()
    if(NOT installed STREQUAL "${lock_hash} ${node_version}"
       OR NOT EXISTS "${A_INSTALL_DIR}/${A_CHECK_FILE}")
      file(RELATIVE_PATH lock_rel "${PROJECT_SOURCE_DIR}" "${A_SOURCE_DIR}/package-lock.json")
      message(STATUS "npm ci (${what}, ${lock_rel}) into ${A_INSTALL_DIR}")
      file(REMOVE "${stamp}")
      file(MAKE_DIRECTORY "${A_INSTALL_DIR}")
      configure_file("${A_SOURCE_DIR}/package.json" "${A_INSTALL_DIR}/package.json" COPYONLY)
      configure_file("${A_SOURCE_DIR}/package-lock.json" "${A_INSTALL_DIR}/package-lock.json" COPYONLY)
      execute_process(
        COMMAND "${SCOUT_NPM}" ci --no-audit --no-fund --loglevel=error
        WORKING_DIRECTORY "${A_INSTALL_DIR}"
        RESULT_VARIABLE rc OUTPUT_FILE "${log}" ERROR_FILE "${log}"
        TIMEOUT 600)
      if(rc EQUAL 0 AND EXISTS "${A_INSTALL_DIR}/${A_CHECK_FILE}")
        file(WRITE "${stamp}" "${lock_hash} ${node_version}")
      else()
        set(skip "npm ci failed (${rc}; offline? see ${log})")
      endif()
    endif()
  endif()
  set(${A_SKIP_VAR} "${skip}" PARENT_SCOPE)
  if(A_NODE_VERSION_VAR)
    set(${A_NODE_VERSION_VAR} "${node_version}" PARENT_SCOPE)
  endif()
endfunction()
