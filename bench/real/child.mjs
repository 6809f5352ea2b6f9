// bench/real/child.mjs: one process of bench/real.mjs. Loads a workload module (bench/real/<name>.mjs),
// calls its setup() (the package's own loader; timed as "load"), then runs its run(size) `rounds`
// times, each timed by process.cpuUsage (CPU seconds of the whole process: every thread, so V8's
// background compiler and GC threads too) and by the wall clock. Every round must return the same
// result string. Prints one JSON line.
//
//   node [--jitless] [--import dist/polyfill/node.js] bench/real/child.mjs <workload> <size> <rounds>
const [name, sizeText, roundsText] = process.argv.slice(2);
const size = Number(sizeText);
const rounds = Number(roundsText);

const cpuSeconds = (c) => (c.user + c.system) / 1e6;
const loadCpu = process.cpuUsage();
const loadWall = process.hrtime.bigint();
const workload = await import(new URL(`./${name}.mjs`, import.meta.url).href);
const instance = await workload.setup();
const load = { cpu: cpuSeconds(process.cpuUsage(loadCpu)), wall: Number(process.hrtime.bigint() - loadWall) / 1e9 };

const times = [];
let result;
for (let i = 0; i < rounds; i++) {
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  const r = await instance.run(size);
  times.push({ cpu: cpuSeconds(process.cpuUsage(cpu)), wall: Number(process.hrtime.bigint() - wall) / 1e9 });
  if (i === 0) result = r;
  else if (r !== result) throw new Error(`round ${i + 1} returned ${JSON.stringify(r)}, round 1 ${JSON.stringify(result)}`);
}
await instance.close?.();
const polyfilled = !String(WebAssembly.Module).includes('[native code]');
process.stdout.write(`${JSON.stringify({ result, info: instance.info ?? {}, polyfilled, load, rounds: times, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
process.exit(0);
