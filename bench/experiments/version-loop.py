#!/usr/bin/env python3
# bench/experiments/version-loop.py: hand edit of a w2js output (commit e15eff6's inline access
# form) for README "Decisions" D5: merge the bounds checks of one loop body into one.
#
#   python3 bench/experiments/version-loop.py <dir> <function> <label> '<guard>'
#   python3 bench/experiments/version-loop.py <dir> --unchecked-all
#
# The first form versions the body of loop <label> in $<function>: `if (<guard>) { body with every
# inline access unchecked } else { body as it was }`. The guard, written by hand, must prove every
# access of the body aligned and in bounds (base pointers' alignment, lowest and highest offset),
# and the body must not call anything (memory cannot grow inside it). The body ends before the
# `if (...) { continue <label>; }` that closes the loop.
# --unchecked-all drops the check of every inline access in the file: an upper bound only.
import re, sys

LOAD = re.compile(r'\((\w+) = ([^,]+), \(\1 & \d\) === 0 && \1 \+ \d <= mem\.length \? mem\.(\w+)\[\1 >>> (\d)\] : \w+\(mem, \1\)\)')
STORE = re.compile(r'(\w+) = ([^,]+), (\w+) = (.+?), \(\1 & \d\) === 0 && \1 \+ \d <= mem\.length \? mem\.(\w+)\[\1 >>> (\d)\] = \3 : \w+\(mem, \1, \3\);')
PAIR_LOAD = re.compile(r'\((\w+) = ([^,]+), \(\1 & 3\) === 0 && \1 \+ 8 <= mem\.length \? \(high\.bits = mem\.i32\[\(\1 >>> 2\) \+ 1\], mem\.i32\[\1 >>> 2\]\) : i64_load\(mem, \1\)\)')
PAIR_STORE = re.compile(r'(\w+) = ([^,]+), \(\1 & 3\) === 0 && \1 \+ 8 <= mem\.length \? \(mem\.i32\[\1 >>> 2\] = (\w+), mem\.i32\[\(\1 >>> 2\) \+ 1\] = (\w+)\) : i64_store\(mem, \1, \3, \4\);')

def uncheck(text):
    for _ in range(3):  # loads nest inside stores' values
        text = LOAD.sub(lambda m: f'(mem.{m.group(3)}[{m.group(2)} >>> {m.group(4)}])', text)
        text = PAIR_LOAD.sub(lambda m: f'({m.group(1)} = {m.group(2)}, high.bits = mem.i32[({m.group(1)} >>> 2) + 1], mem.i32[{m.group(1)} >>> 2])', text)
    text = STORE.sub(lambda m: f'{m.group(1)} = {m.group(2)}, {m.group(3)} = {m.group(4)}, mem.{m.group(5)}[{m.group(1)} >>> {m.group(6)}] = {m.group(3)};', text)
    return PAIR_STORE.sub(lambda m: f'{m.group(1)} = {m.group(2)}, mem.i32[{m.group(1)} >>> 2] = {m.group(3)}, mem.i32[({m.group(1)} >>> 2) + 1] = {m.group(4)};', text)

path = sys.argv[1] + '/index.js'
src = open(path).read()
if sys.argv[2] == '--unchecked-all':
    open(path, 'w').write(uncheck(src))
    print(f'{path}: every inline access unchecked')
    sys.exit(0)
func, label, guard = sys.argv[2:5]
fstart = src.index(f'function ${func}(')
header = re.compile(rf'^( *){label}: for \(;;\) \{{\n', re.M).search(src, fstart)
start = header.end()
cont = src.index(f'continue {label};', start)
end = src.rindex('\n', start, src.rindex(' if (', start, cont)) + 1
body = src[start:end]
fast = uncheck(body)
left = len(re.findall(r'<= mem\.length', fast))
assert left == 0, f'{left} checked accesses left in the fast copy'
pad = header.group(1) + '  '
indent = lambda text: ''.join('  ' + line if line.strip() else line for line in text.splitlines(True))
src = src[:start] + f'{pad}if ({guard}) {{\n' + indent(fast) + f'{pad}}} else {{\n' + indent(body) + f'{pad}}}\n' + src[end:]
open(path, 'w').write(src)
print(f'{path}: ${func} {label}: {body.count("<= mem.length")} checked accesses -> 1 guard')
