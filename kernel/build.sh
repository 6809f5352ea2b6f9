#!/bin/sh
# kernel/build.sh: rebuild kernel/test-kernel.wasm (and test-kernel.debug.wasm, with DWARF)
# from kernel/abi and kernel/test-kernel with clang/lld 19, and kernel/large-kernel.wasm: the
# same kernel with thousands of generated initcalls (kernel/large/gen-initcalls.mjs, needs
# node). The built files are committed, so tests need no compiler.
# Usage: kernel/build.sh [clang]   (default: clang-19)
set -eu
cd "$(dirname "$0")"
CC=${1:-clang-19}

SOURCES="abi/host_ops.c test-kernel/klib.c test-kernel/kmem.c test-kernel/sched.c test-kernel/pipe.c
  test-kernel/syscalls.c test-kernel/selftest.c test-kernel/main.c test-kernel/cpu.c test-kernel/grow.c
  test-kernel/kthreads.c test-kernel/procfs.c"

# wasm32 with threads: atomics and bulk memory; freestanding, no libc.
CFLAGS="--target=wasm32 -matomics -mbulk-memory -ffreestanding -nostdlib -fno-builtin
  -Wall -Wextra -Werror -Wno-unused-parameter -std=c11"
# Shared memory imported as env.memory (2 MiB at start, room to grow to 256 MiB), the
# function table and __heap_base exported, a 64 KiB stack for the boot thread, no entry point. The name
# section stays (no -s): hosts find __stack_pointer and __heap_base there. Function pointers
# start at 4096 in the table, as in LKL's WasmLinux build (--table-base=4096).
LDFLAGS="-Wl,--no-entry -Wl,--shared-memory -Wl,--import-memory
  -Wl,--initial-memory=2097152 -Wl,--max-memory=268435456
  -Wl,--export-table -Wl,--export=__heap_base -Wl,-z,stack-size=65536 -Wl,--table-base=4096"

# Compiled and linked apart: at -O1 and above clang's link step runs wasm-opt when it finds one
# on PATH, which strips DWARF and the name section (hosts need __stack_pointer by name); a link
# without -O runs none. (clang 19's --no-wasm-opt would do, but it skips the link altogether.)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# build <out.wasm> "<compile flags>" "<link flags>" <sources...>
build() {
  out=$1 cflags=$2 ldflags=$3
  shift 3
  objs=
  for src in "$@"; do
    obj="$TMP/$out.$(echo "$src" | tr / _).o"
    # shellcheck disable=SC2086
    $CC $CFLAGS $cflags -c -o "$obj" "$src"
    objs="$objs $obj"
  done
  # shellcheck disable=SC2086
  $CC $CFLAGS $ldflags -o "$out" $objs
}

# shellcheck disable=SC2086
build test-kernel.wasm "-O2" "$LDFLAGS" $SOURCES
# shellcheck disable=SC2086
build test-kernel.debug.wasm "-O1 -g" "$LDFLAGS" $SOURCES
# The same kernel defining (and exporting) its memory and exporting __stack_pointer instead:
# the other shape hosts must support. It has no __heap_base (so the pool starts at the end of
# the memory the kernel starts with).
# shellcheck disable=SC2086
build test-kernel.export-memory.wasm "-O2" "-Wl,--no-entry -Wl,--shared-memory -Wl,--export-memory
  -Wl,--initial-memory=2097152 -Wl,--max-memory=268435456
  -Wl,--export-table -Wl,--export=__stack_pointer -Wl,-z,stack-size=65536 -Wl,--table-base=4096" $SOURCES

# The large kernel: the test kernel's initcalls replaced by ~4000 generated functions, memory
# up to 1 GiB as LKL's. The generated C is not committed (large/initcalls.gen.c is rebuilt here).
node large/gen-initcalls.mjs --out large/initcalls.gen.c
# shellcheck disable=SC2086
build large-kernel.wasm "-O2 -DLARGE_KERNEL" "$(echo "$LDFLAGS" | sed 's/--max-memory=268435456/--max-memory=1073741824/')" \
  $SOURCES large/initcalls.gen.c
ls -l test-kernel.wasm test-kernel.debug.wasm test-kernel.export-memory.wasm large-kernel.wasm
