// bench/experiments/nan-emit-probe.mjs: the NaN probe (test/engines/nan-probe.mjs) on Bun and Node, once
// on w2js's output as compiled and once with the emit changes of runtime/README.md "NaN contract" applied
// by hand (nan-emit-patch.py), to show what those changes buy on JavaScriptCore before the compiler makes them.
//
//   node bench/experiments/nan-emit-probe.mjs

import { cpSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileProbe, runProbe, tally } from '../../test/engines/nan-probe.mjs';

const patcher = fileURLToPath(new URL('./nan-emit-patch.py', import.meta.url));
const compiled = await compileProbe();
const patched = `${path.dirname(compiled.indexPath)}-patched`;
cpSync(path.dirname(compiled.indexPath), patched, { recursive: true });
const script = `
import sys
sys.argv = ['nan-emit-patch.py']
exec(open(${JSON.stringify(patcher)}).read())
f = ${JSON.stringify(path.join(patched, 'index.js'))}
s = open(f).read()
s, n1 = patch(s)
s, n2 = patch_more(s)
head = s.split('\\n')[1]
for name in ['i32_store', 'i32_load', 'high', 'f64_load']:
    if name + ',' not in head and name + ' ' not in head:
        s = s.replace('import { ', 'import { ' + name + ', ', 1)
open(f, 'w').write(s)
print('rewrites:', n1 + n2)
`;
execFileSync('python3', ['-c', script], { stdio: 'inherit' });

for (const [label, c] of [['as compiled', compiled], ['patched', { ...compiled, indexPath: path.join(patched, 'index.js') }]]) {
  for (const rt of ['bun', 'node']) {
    const run = runProbe(rt, c);
    const cold = tally(run.checks, 'coldClass');
    const hot = tally(run.checks, 'hotClass');
    console.log(`${label} on ${rt} ${run.version}: cold ${JSON.stringify(cold)}, hot ${JSON.stringify(hot)}`);
    const signLost = [...new Set(run.checks.filter((x) => x.coldClass === 'sign' || x.hotClass === 'sign').map((x) => x.probe))];
    if (signLost.length) console.log(`  sign lost in: ${signLost.join(' ')}`);
  }
}
