// node [--import polyfill] .profreal.mjs <workload> <size> <warm> <measured> <out.cpuprofile>
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
