// bench/lib/perf-child.mjs: the process bench/perf-lines.mjs samples. Loads a real workload
// (bench/real/<name>.mjs), runs `warm` rounds, prints "READY <pid>", then runs rounds until it is
// killed, so that every sample perf takes falls in a steady round.
//
//   node --perf-prof [--import dist/polyfill/node.js] bench/lib/perf-child.mjs <workload> <size> <warm>
const [name, sizeText, warmText] = process.argv.slice(2);
// stdin is bench/perf-lines.mjs's pipe: when it closes, that process has ended.
process.stdin.on('close', () => process.exit(0)).resume();
const size = Number(sizeText);
const workload = await import(new URL(`../real/${name}.mjs`, import.meta.url).href);
const instance = await workload.setup();
for (let i = 0; i < Number(warmText); i++) await instance.run(size);
process.stdout.write(`READY ${process.pid}\n`);
for (;;) await instance.run(size);
