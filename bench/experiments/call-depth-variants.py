#!/usr/bin/env python3
# bench/experiments/call-depth-variants.py: hand edits of the w2js output of bench/call-depth.mjs's
# module, one per change of the generated code's shape that could make frames smaller (README
# "Decisions" D8). Each variant is a copy of <base> (bench/.cache/call-depth/w2js after a run of
# call-depth.mjs) under <out>/<variant> with some functions replaced by the text below; measure
# them with `node bench/call-depth.mjs name=<out>/<variant> ...`. Only the depth is measured: a
# variant need not compute the same result (no-hi drops the i64 high halves).
#
#   python3 bench/experiments/call-depth-variants.py <base> <out>
#
# Variants:
#   no-inst      no `inst` parameter: the instance is a variable of a per-instance closure (here
#                a module-level `let` the export shims set; the shims are frames at the top only)
#   indirect-f   call_indirect without callee_inst(): `f.wasmCode(inst, ...)` (same-family case)
#   indirect-raw call_indirect through a funcref field holding the code without `inst` (with no-inst)
#   no-hi        i64 parameters as one JS parameter each (what an i64-as-one-value ABI would cost)
#   hoist        locals: the sum of the locals computed before the recursive call, so only one
#                value lives across it
#   direct-return  `return <expr>` in each branch instead of `r0 = <expr>` and one `return r0`
#   all          no-inst + indirect-raw + no-hi + hoist + direct-return

import os, re, shutil, sys

base, out = sys.argv[1], sys.argv[2]
src = open(os.path.join(base, 'index.js')).read()


def func(name):
    m = re.search(r'^function \$' + name + r'\(.*?^}\n', src, re.S | re.M)
    assert m, name
    return m


def replace(text, name, body):
    m = re.search(r'^function \$' + name + r'\(.*?^}\n', text, re.S | re.M)
    return text[:m.start()] + body + text[m.end():]


def no_inst_text(text):
    """Every function without its `inst` parameter; `inst` a module-level variable the export shims set."""
    text = re.sub(r'^function (\$\w+)\(inst(, )?', r'function \1(', text, flags=re.M)
    text = re.sub(r'(\$\w+)\(inst, ', r'\1(', text)
    text = text.replace('callee_inst(inst, f1), ', '')
    text = text.replace('f1.wasmCode(', 'f1.wasmCode(inst, ')  # the funcref's code is a shim taking inst
    text = text.replace('const module = {', 'let inst = null;\nconst shim = (f) => (i, ...a) => (inst = i, f(...a));\nconst module = {', 1)
    return re.sub(r'code: \[(.*?)\]', lambda m: 'code: [' + ', '.join(f'shim({f.strip()})' for f in m.group(1).split(',')) + ']', text, count=1)


def indirect_raw(text):
    """call_indirect calls a funcref field holding the bare code (no shim frame, no inst)."""
    text = text.replace('f1.wasmCode(inst, ', 'f1.wasmRaw(')
    return text.replace('  return instantiateModule(module, imports);',
                        '  return instantiateModule(module, imports).then((r) => (r.instance.exports.indirect.wasmRaw = $indirect, r));')


def no_hi(text):
    """i64 params as one JS param each (the high halves dropped: wrong results, same frame count)."""
    m = re.search(r'^function \$i64\(.*?^}\n', text, re.S | re.M)
    body = m.group(0)
    body = body.replace('a_0, a_0_hi, b_1, b_1_hi, n_2)', 'a_0, b_1, n_2)').replace(', t1_hi = 0', '').replace('  t1_hi = high.bits;\n', '')
    body = body.replace('i64_mul(b_1, b_1_hi, a_0, a_0_hi)', 'i64_mul(b_1, 0, a_0, 0)')
    body = re.sub(r'a_0 \+ 1 \| 0, a_0_hi \+ .*?\| 0, t1, t1_hi, ', 'a_0 + 1 | 0, t1, ', body)
    assert 'hi' not in body, body
    text = text[:m.start()] + body + text[m.end():]
    # The export still passes halves: an adapter (one frame, at the top only) drops the high ones.
    call = '$i64(a[0], a[1], a[3], a[5])' if 'function $i64(inst' in text else '(inst = a[0], $i64(a[1], a[3], a[5]))'
    text = text.replace('const module = {', f'const i64Entry = (...a) => {call};\nconst module = {{', 1)
    return re.sub(r'(code: \[.*?)(shim\()?\$i64(\))?', r'\1i64Entry', text, count=1)


def hoist(text):
    """locals: the sum of the other locals computed before the recursive call (one value lives across it)."""
    m = re.search(r'^  (a_1) = a_1 \+ (\$locals\(.*?\)) \| 0;\n  return \(a_1 \+ (.*?)\) \+ (i32_trunc.*?) \| 0;\n', text, re.S | re.M)
    assert m, 'hoist pattern'
    new = f'  s = {m.group(3)};\n  s = s + {m.group(4)} | 0;\n  a_1 = a_1 + {m.group(2)} | 0;\n  return a_1 + s | 0;\n'
    text = text[:m.start()] + new + text[m.end():]
    return text.replace('let a_1 = 0,', 'let s = 0, a_1 = 0,', 1)


def direct_return(text):
    """A function's result returned where it is computed, not through a result variable `r0`."""
    def one(m):
        body = m.group(0)
        if not re.search(r'^  return r0;\n}\n$', body, re.M) or len(re.findall(r'\br0\b', body)) != body.count('r0 = ') + 1:
            return body
        body = re.sub(r'^(\s+)r0 = ', r'\1return ', body, flags=re.M).replace('  return r0;\n}\n', '}\n')
        return re.sub(r'let r0 = 0(, )?', lambda d: 'let ' if d.group(1) else '', body).replace('  let \n', '')
    return re.sub(r'^function \$\w+\(.*?^}\n', one, text, flags=re.S | re.M)


variants = {
    'no-inst': no_inst_text(src),
    'indirect-f': src.replace('callee_inst(inst, f1)', 'inst'),
    'indirect-raw': indirect_raw(no_inst_text(src)),
    'no-hi': no_hi(src),
    'hoist': hoist(src),
    'direct-return': direct_return(src),
    'all': direct_return(hoist(no_hi(indirect_raw(no_inst_text(src))))),
}

for name, text in variants.items():
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(base, d)
    open(os.path.join(d, 'index.js'), 'w').write(text)
    print(d)
