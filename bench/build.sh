#!/bin/sh
# bench/build.sh: rebuild bench/programs/*.wasm from the C sources next to them.
# clang-19 targeting wasm32 with no libc: common.h supplies memcpy/memmove/memset and a bump
# allocator. The .wasm files are committed so a bench run needs no C toolchain.
set -eu
cd "$(dirname "$0")/programs"
CC=${CC:-clang-19}
for src in hash nbody i64 mem interp; do
  "$CC" --target=wasm32 -nostdlib -O2 -Wl,--no-entry -Wl,--export=run -Wl,--export=bench_main \
    -o "$src.wasm" "$src.c"
  echo "built bench/programs/$src.wasm ($(wc -c < "$src.wasm") bytes)"
done
