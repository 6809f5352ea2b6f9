#!/usr/bin/env python3
# bench/experiments/pair-direct.py: hand edit of a w2js output (commit e15eff6's inline i64 load
# form) for README "Decisions" D6. e15eff6 inlines an i64 load as an expression that leaves the
# high half in the shared `high.bits` slot, which the next statement copies into the local:
#     t4 = (t3 = A, <check> ? (high.bits = mem.i32[(t3 >>> 2) + 1], mem.i32[t3 >>> 2]) : i64_load(mem, t3));
#     t4_hi = high.bits;
# This writes both halves straight into the locals on the fast path:
#     t3 = A;
#     if (<check>) { t4 = mem.i32[t3 >>> 2]; t4_hi = mem.i32[(t3 >>> 2) + 1]; } else { t4 = i64_load(mem, t3); t4_hi = high.bits; }
#
#   python3 bench/experiments/pair-direct.py <dir>
import re, sys

path = sys.argv[1] + '/index.js'
src = open(path).read()
pat = re.compile(r'^(\s*)(\w+) = \((\w+) = (.+), \(\3 & 3\) === 0 && \3 \+ 8 <= mem\.length \? \(high\.bits = mem\.i32\[\(\3 >>> 2\) \+ 1\], mem\.i32\[\3 >>> 2\]\) : i64_load\(mem, \3\)\);\n\s*(\w+) = high\.bits;$', re.M)
src, n = pat.subn(lambda m: f'{m.group(1)}{m.group(3)} = {m.group(4)};\n{m.group(1)}if (({m.group(3)} & 3) === 0 && {m.group(3)} + 8 <= mem.length) {{ {m.group(2)} = mem.i32[{m.group(3)} >>> 2]; {m.group(5)} = mem.i32[({m.group(3)} >>> 2) + 1]; }} else {{ {m.group(2)} = i64_load(mem, {m.group(3)}); {m.group(5)} = high.bits; }}', src)
open(path, 'w').write(src)
print(f'{path}: {n} i64 loads write their halves directly')
