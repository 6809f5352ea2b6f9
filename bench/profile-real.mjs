// bench/profile-real.mjs: a CPU profile of a real workload's steady state (bench/real/<name>.mjs):
// `warm` rounds unprofiled, then `measured` rounds under the inspector's profiler (200 µs samples),
// written to <out.cpuprofile> for DevTools; prints the measured rounds' CPU seconds. Native, or the
// polyfill with W2JS_POLYFILL=force and `--import ./dist/polyfill/node.js` (W2JS_CACHE to reuse).
//
//   node [--import ./dist/polyfill/node.js] bench/profile-real.mjs <workload> <size> <warm> <measured> <out.cpuprofile>
import { Session } from 'node:inspector/promises';
import fs from 'node:fs';
const [name, size, warm, measured, out] = process.argv.slice(2);
const w = await import(new URL(`./real/${name}.mjs`, import.meta.url).href);
const inst = await w.setup();
for (let i = 0; i < +warm; i++) await inst.run(+size);
const s = new Session(); s.connect();
await s.post('Profiler.enable'); await s.post('Profiler.setSamplingInterval', { interval: 200 });
await s.post('Profiler.start');
const c = process.cpuUsage();
for (let i = 0; i < +measured; i++) await inst.run(+size);
const cpu = process.cpuUsage(c);
const { profile } = await s.post('Profiler.stop');
fs.writeFileSync(out, JSON.stringify(profile));
console.log('cpu s', (cpu.user + cpu.system) / 1e6);
process.exit(0);
