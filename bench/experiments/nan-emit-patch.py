# bench/experiments/nan-emit-patch.py: hand-applies the emit changes proposed in runtime/README.md "NaN contract"
# (E1-E5) to w2js output files, to measure them on JavaScriptCore before the compiler makes them.
#   python3 bench/experiments/nan-emit-patch.py <dir>/index.js...   (prints the number of rewrites per file)
# The patterns are those of the spec suite's float_literals, float_memory and float_exprs modules and of
# test/engines/nan-probe.mjs; bench/experiments/nan-emit-probe.mjs runs the probe as compiled and patched.
# Hand-applies the proposed emit changes (E1-E4, runtime/README.md "NaN contract") to w2js output files.
import re, sys
def halves(x):
    u = x & 0xffffffffffffffff
    lo = u & 0xffffffff; hi = u >> 32
    s = lambda v: v - (1 << 32) if v >= 1 << 31 else v
    return s(lo), s(hi)
def patch(src):
    n = 0
    # E2: i32.reinterpret_f32 of an f32.const -> i32.const
    src, k = re.subn(r'f32ToBits\(f32FromBits\((\d+)\)\)', lambda m: f'({int(m.group(1))} | 0)', src); n += k
    # E2: i64.reinterpret_f64 of an f64.const -> i64.const halves
    def e2b(m):
        lo, hi = halves(int(m.group(1))); return f'(high.bits = {hi}, {lo})'
    src, k = re.subn(r'i64_reinterpret_f64\(f64FromBits\((-?\d+)n\)\)', e2b, src); n += k
    # E3: f32.store of an f32.const -> i32.store of its bits
    src, k = re.subn(r'f32_store\(mem, ([^,]+), f32FromBits\((\d+)\)\)', lambda m: f'i32_store(mem, {m.group(1)}, {int(m.group(2))} | 0)', src); n += k
    # E3: f64.store of an f64.const -> i64.store of its halves (constant slot and dynamic forms)
    def e3a(m):
        k2 = int(m.group(1)); lo, hi = halves(int(m.group(2)))
        return f'(mem.i32[{2*k2}] = {lo}, mem.i32[{2*k2+1}] = {hi})'
    src, k = re.subn(r'mem\.f64\[(\d+)\] = f64FromBits\((-?\d+)n\)', e3a, src); n += k
    def e3b(m):
        lo, hi = halves(int(m.group(2)))
        return f'a0 = {m.group(1)}, i64_store(mem, a0, {lo}, {hi})'
    src, k = re.subn(r'a0 = (\d+), a1 = f64FromBits\((-?\d+)n\), \(a0 & 7\) === 0 && a0 \+ 8 <= mem\.length \? mem\.f64\[a0 >>> 3\] = a1 : f64_store\(mem, a0, a1\)', e3b, src); n += k
    # E4: a sign operation between two reinterprets -> the integer bit operation
    src, k = re.subn(r'f32ToBits\(f32_neg\(f32FromBits\((\w+)\)\)\)', lambda m: f'({m.group(1)} ^ -2147483648)', src); n += k
    src, k = re.subn(r'i64_reinterpret_f64\(f64_neg\(f64_reinterpret_i64\((\w+), (\w+)\)\)\)', lambda m: f'(high.bits = {m.group(2)} ^ -2147483648, {m.group(1)})', src); n += k
    return src, n
def patch_more(src):
    """E1 (inline f64 loads re-read a NaN through the helper) and E5 (float copies and reinterprets of loads/stores as integers)."""
    n = 0
    # E5: reinterpret of reinterpret
    src, k = re.subn(r'f32ToBits\(f32FromBits\((p_0)\)\)', r'\1', src); n += k
    src, k = re.subn(r'i64_reinterpret_f64\(f64_reinterpret_i64\((\w+), (\w+)\)\)', r'(high.bits = \2, \1)', src); n += k
    # E5: f32.store of a reinterpret, f32.load under a reinterpret, f32 load->store copy
    src, k = re.subn(r'f32_store\(mem, ([^,]+), f32FromBits\((\w+)\)\)', r'i32_store(mem, \1, \2)', src); n += k
    src, k = re.subn(r'f32ToBits\(f32_load\(mem, ([^;]+)\)\);', r'i32_load(mem, \1);', src); n += k
    src, k = re.subn(r'f32_store\(mem, (\d+), f32_load\(mem, (\d+)\)\)', r'i32_store(mem, \1, i32_load(mem, \2))', src); n += k
    # E5: f64 load->store copy between constant slots
    src, k = re.subn(r'mem\.f64\[(\d+)\] = mem\.f64\[(\d+)\];', lambda m: f'(mem.i32[{2*int(m.group(1))}] = mem.i32[{2*int(m.group(2))}], mem.i32[{2*int(m.group(1))+1}] = mem.i32[{2*int(m.group(2))+1}]);', src); n += k
    # E1: an inlined f64 read that sees a NaN goes to the helper, which reads the sign through an integer view
    src, k = re.subn(r'\? mem\.f64\[(\w+) >>> 3\] : f64_load\(mem, (\w+)\)', r'? ((nan_v = mem.f64[\1 >>> 3]) === nan_v ? nan_v : f64_load(mem, \2)) : f64_load(mem, \2)', src); n += k
    src, k = re.subn(r'(?<![\w\]] )mem\.f64\[(\d+)\](?! =)', lambda m: f'((nan_v = mem.f64[{m.group(1)}]) === nan_v ? nan_v : f64_load(mem, {8*int(m.group(1))}))', src); n += k
    if n:
        src = src.replace('\nfunction ', '\nlet nan_v = 0;\nfunction ', 1)
    return src, n

if __name__ == "__main__":
    for f in sys.argv[1:]:
        s = open(f).read()
        s2, n = patch(s)
        if n:
            if 'high' not in s2.split('\n')[1] and 'high.bits' in s2:
                s2 = s2.replace('import { ', 'import { high, ', 1)
            if 'i32_store(mem' in s2 and 'i32_store,' not in s2.split('\n')[1]:
                s2 = s2.replace('import { ', 'import { i32_store, ', 1)
            if 'i64_store(mem' in s2 and 'i64_store,' not in s2.split('\n')[1]:
                s2 = s2.replace('import { ', 'import { i64_store, ', 1)
            open(f, 'w').write(s2)
        print(f, n)
