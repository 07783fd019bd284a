# Execution scripts built by the toolchains EE authors use (scripts/README.md,
# "Scripts built by real toolchains"), included by scripts/CMakeLists.txt:
#
#   scripts/assemblyscript/*.ts -> asc (AssemblyScript, the npm package pinned in
#       scripts/assemblyscript/package.json and package-lock.json, installed by
#       `npm ci` into <build>/assemblyscript at configure time, again only when
#       the lock file changes (scout_npm_ci, cmake/NpmCi.cmake); three builds
#       of each: asc's defaults, --runtime stub, -O3.
#   scripts/rust/*.rs -> rustc --target wasm32-unknown-unknown, #![no_std],
#       no crates: a debug build (-g) and an optimised one (-O). Debian's
#       rustc (/usr/bin/rustc, with libstd-rust-dev-wasm32) is preferred: a
#       rustup rustc earlier on PATH often lacks the wasm32 standard library.
#   scripts/wasi/*.c -> clang --target=wasm32-wasi against wasi-libc, -O0 and
#       -O2, int main(void) exported as clang makes it, (i32, i32) -> i32.
#
# Every toolchain is optional. Each is tried at configure time (a probe build);
# when one is missing or does not work, configure prints a notice saying why,
# its scripts are not built, and the ctest toolchains.* tests of its vectors
# report SKIPPED with that reason (test/engines/toolchains.cmake). The reasons
# are left in the global properties SCOUT_TOOLCHAIN_SKIPPED_<as|rust|wasi>
# (empty: built).
#
# Appends the outputs to scout_script_outputs (target scout_scripts).

include("${PROJECT_SOURCE_DIR}/cmake/NpmCi.cmake")

set(toolchain_probe_dir "${CMAKE_CURRENT_BINARY_DIR}/toolchain-probes")
file(MAKE_DIRECTORY "${toolchain_probe_dir}")

function(scout_toolchain_skipped prefix reason)
  string(REPLACE ";" "," reason "${reason}")  # one test argument (test/engines/toolchains.cmake)
  set_property(GLOBAL PROPERTY SCOUT_TOOLCHAIN_SKIPPED_${prefix} "${reason}")
  if(reason)
    message(STATUS "scripts: NOTICE: ${prefix}_*.wasm not built: ${reason}; "
                   "their tests (ctest -L toolchains) will be skipped")
  endif()
endfunction()

# ---------------------------------------------------------------- AssemblyScript
set(as_source_dir "${CMAKE_CURRENT_SOURCE_DIR}/assemblyscript")
set(as_build_dir "${CMAKE_BINARY_DIR}/assemblyscript")
set(asc_js "${as_build_dir}/node_modules/assemblyscript/bin/asc.js")
# package-lock.json: assemblyscript 0.28 declares engines node >= 20.
scout_npm_ci(AssemblyScript SOURCE_DIR "${as_source_dir}" INSTALL_DIR "${as_build_dir}"
             CHECK_FILE node_modules/assemblyscript/bin/asc.js SKIP_VAR as_skip
             MIN_NODE_MAJOR 20 MIN_NODE_WHY "AssemblyScript 0.28" NODE_VERSION_VAR node_version)
if(NOT as_skip)
  execute_process(COMMAND "${SCOUT_NODE}" "${asc_js}" --version OUTPUT_VARIABLE asc_version
                  OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0)
    set(as_skip "${asc_js} --version failed")
  else()
    message(STATUS "scripts: AssemblyScript ${asc_version} (node ${node_version})")
  endif()
endif()
scout_toolchain_skipped(as "${as_skip}")

if(NOT as_skip)
  file(GLOB as_sources CONFIGURE_DEPENDS "${as_source_dir}/*.ts")
  # Three builds: asc's defaults (the incremental runtime, no optimisation),
  # the stub runtime, and -O3.
  set(as_options_default)
  set(as_options_stub --runtime stub)
  set(as_options_O3 -O3)
  foreach(name accumulator token)
    foreach(variant default stub O3)
      set(options ${as_options_${variant}})
      string(REPLACE ";" " " comment_options "${options}")
      set(suffix "_${variant}")
      if(variant STREQUAL "default")
        set(suffix "")
      endif()
      set(out "${SCOUT_SCRIPTS_OUTPUT_DIR}/as_${name}${suffix}.wasm")
      # Run in the source folder with a relative path: abort messages name
      # the file as "token.ts", whatever the checkout's path.
      add_custom_command(
        OUTPUT "${out}"
        COMMAND "${SCOUT_NODE}" "${asc_js}" ${name}.ts ${options} -o "${out}"
        WORKING_DIRECTORY "${as_source_dir}"
        DEPENDS ${as_sources} "${as_build_dir}/npm-ci.stamp"
        COMMENT "asc ${comment_options} scripts/assemblyscript/${name}.ts -> scripts/bin/as_${name}${suffix}.wasm"
        VERBATIM)
      list(APPEND scout_script_outputs "${out}")
    endforeach()
  endforeach()
endif()

# ---------------------------------------------------------------- Rust
set(rust_skip "")
find_program(SCOUT_RUSTC NAMES rustc HINTS /usr/bin NO_DEFAULT_PATH
             DOC "rustc with the wasm32-unknown-unknown standard library")
if(NOT SCOUT_RUSTC)
  find_program(SCOUT_RUSTC NAMES rustc)
endif()
if(NOT SCOUT_RUSTC)
  set(rust_skip "rustc not found (Debian: rustc, libstd-rust-dev-wasm32)")
else()
  set(probe "${toolchain_probe_dir}/probe.rs")
  file(WRITE "${probe}" "#![no_std]\n#[no_mangle]\npub extern \"C\" fn main() {}\n"
       "#[panic_handler]\nfn panic(_: &core::panic::PanicInfo) -> ! { core::arch::wasm32::unreachable() }\n")
  execute_process(
    COMMAND "${SCOUT_RUSTC}" --edition 2021 --crate-type cdylib --target wasm32-unknown-unknown
            "${probe}" -o "${toolchain_probe_dir}/probe_rs.wasm"
    WORKING_DIRECTORY "${toolchain_probe_dir}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE probe_out ERROR_VARIABLE probe_out)
  if(NOT rc EQUAL 0)
    string(REGEX MATCH "error[^\n]*" first_error "${probe_out}")
    string(CONCAT rust_skip "${SCOUT_RUSTC} cannot build for wasm32-unknown-unknown (${first_error}); "
                  "Debian: libstd-rust-dev-wasm32, or set -DSCOUT_RUSTC=/usr/bin/rustc")
  else()
    execute_process(COMMAND "${SCOUT_RUSTC}" --version OUTPUT_VARIABLE rustc_version
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    message(STATUS "scripts: ${rustc_version} (${SCOUT_RUSTC}) for wasm32-unknown-unknown")
  endif()
endif()
scout_toolchain_skipped(rust "${rust_skip}")

if(NOT rust_skip)
  # "<output suffix>|<rustc options>": a debug build (with debug info, as cargo's
  # dev profile) and an optimised one.
  set(rust_variants "_debug|-g" "_opt|-O")
  foreach(name smt)
    set(src "${CMAKE_CURRENT_SOURCE_DIR}/rust/${name}.rs")
    foreach(variant IN LISTS rust_variants)
      string(REPLACE "|" ";" parts "${variant}")
      list(GET parts 0 suffix)
      list(SUBLIST parts 1 -1 options)
      set(out "${SCOUT_SCRIPTS_OUTPUT_DIR}/rust_${name}${suffix}.wasm")
      add_custom_command(
        OUTPUT "${out}"
        COMMAND "${SCOUT_RUSTC}" --edition 2021 --crate-type cdylib --crate-name ${name}
                --target wasm32-unknown-unknown ${options} "${src}" -o "${out}"
        WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
        DEPENDS "${src}"
        COMMENT "rustc ${options} scripts/rust/${name}.rs -> scripts/bin/rust_${name}${suffix}.wasm"
        VERBATIM)
      list(APPEND scout_script_outputs "${out}")
    endforeach()
  endforeach()
endif()

# ---------------------------------------------------------------- C + wasi-libc
# The newest clang that links a wasm32-wasi program against wasi-libc.
set(wasi_skip "")
set(SCOUT_WASI_SYSROOT "/usr" CACHE PATH "Sysroot of wasi-libc (Debian's wasi-libc: /usr)")
set(wasi_flags --target=wasm32-wasi "--sysroot=${SCOUT_WASI_SYSROOT}")
# Linked by clang (for wasi-libc and clang's builtins), without crt1.o (it would
# add _start and import wasi_snapshot_preview1.proc_exit) and without -O (with
# -O, clang also runs any wasm-opt on PATH over the result).
set(wasi_link_flags -nostartfiles -Wl,--no-entry -Wl,--export=main)
if(NOT SCOUT_WASI_CLANG)
  set(probe "${toolchain_probe_dir}/probe_wasi.c")
  file(WRITE "${probe}" "#include <string.h>\n#include <stdlib.h>\n"
       "int main(void) { char *p = malloc(8); strcpy(p, \"x\"); return (int)strlen(p); }\n")
  set(probe_errors "")
  foreach(candidate clang-19 clang-18 clang-17 clang-16 clang-15 clang-14 clang)
    find_program(wasi_clang_${candidate} NAMES ${candidate})
    if(NOT wasi_clang_${candidate})
      continue()
    endif()
    execute_process(
      COMMAND "${wasi_clang_${candidate}}" ${wasi_flags} ${wasi_link_flags} "${probe}"
              -o "${toolchain_probe_dir}/probe_wasi.wasm"
      RESULT_VARIABLE rc OUTPUT_VARIABLE probe_out ERROR_VARIABLE probe_out)
    if(rc EQUAL 0)
      set(SCOUT_WASI_CLANG "${wasi_clang_${candidate}}" CACHE FILEPATH
          "clang that builds wasm32-wasi programs against wasi-libc")
      break()
    endif()
    string(REGEX MATCH "error[^\n]*" first_error "${probe_out}")
    list(APPEND probe_errors "${candidate}: ${first_error}")
  endforeach()
  if(NOT SCOUT_WASI_CLANG)
    string(REPLACE ";" ", " probe_errors "${probe_errors}")
    string(CONCAT wasi_skip "no clang links wasm32-wasi programs against wasi-libc in ${SCOUT_WASI_SYSROOT} "
                  "(${probe_errors}); Debian: wasi-libc, libclang-rt-NN-dev-wasm32, lld")
  endif()
endif()
if(NOT wasi_skip)
  execute_process(COMMAND "${SCOUT_WASI_CLANG}" --version OUTPUT_VARIABLE clang_version
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  string(REGEX MATCH "^[^\n]*" clang_version "${clang_version}")
  message(STATUS "scripts: ${clang_version} (${SCOUT_WASI_CLANG}) with wasi-libc for wasm32-wasi")
endif()
scout_toolchain_skipped(wasi "${wasi_skip}")

if(NOT wasi_skip)
  foreach(name kv)
    set(src "${CMAKE_CURRENT_SOURCE_DIR}/wasi/${name}.c")
    foreach(level O0 O2)
      set(obj "${CMAKE_CURRENT_BINARY_DIR}/wasi_${name}_${level}.o")
      set(out "${SCOUT_SCRIPTS_OUTPUT_DIR}/wasi_${name}_${level}.wasm")
      add_custom_command(
        OUTPUT "${out}"
        COMMAND "${SCOUT_WASI_CLANG}" ${wasi_flags} -${level} -Wall -Wextra -c "${src}" -o "${obj}"
        COMMAND "${SCOUT_WASI_CLANG}" ${wasi_flags} ${wasi_link_flags} "${obj}" -o "${out}"
        DEPENDS "${src}" ${scout_c_headers}
        BYPRODUCTS "${obj}"
        COMMENT "clang -${level} + wasi-libc scripts/wasi/${name}.c -> scripts/bin/wasi_${name}_${level}.wasm"
        VERBATIM)
      list(APPEND scout_script_outputs "${out}")
    endforeach()
  endforeach()
endif()
