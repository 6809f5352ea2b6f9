// test/debug/: a DevTools protocol session on the debug test kernel: attach to its worker
// threads (NodeWorker domain), pause those blocked in a host op (Atomics.wait), and read each
// one's frames as C through the source maps. Prints what it saw as JSON.
// Usage: node --experimental-websocket devtools-kernel.mjs <cache dir>

import { connect, spawnInspected } from './cdp.mjs';

const { child, url, output } = await spawnInspected([new URL('debuggee-kernel.mjs', import.meta.url).pathname, process.argv[2]]);
const seen = { threads: [] };
try {
  const deadline = Date.now() + 60_000;
  while (!/READY/.test(output())) {
    if (Date.now() > deadline) throw new Error(`the kernel did not boot: ${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  seen.ready = output().trim();
  const { main, workers, close } = await connect(url);
  await main.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
  await new Promise((r) => setTimeout(r, 500)); // attachedToWorker for each existing worker
  seen.workers = workers.size;
  for (const w of [...workers.values()].slice(0, 8)) {
    await w.post('Debugger.enable'); // replays scriptParsed for scripts already loaded, with their maps
    const paused = w.once('Debugger.paused', () => true, 10_000);
    await w.post('Debugger.pause');
    let p;
    try {
      p = await paused;
    } catch {
      seen.threads.push({ title: w.workerInfo.title, paused: false });
      continue;
    }
    const frames = p.callFrames.map((f) => ({ name: f.functionName, c: w.original(f.location), ignored: w.ignored(f.location) }));
    seen.threads.push({ title: w.workerInfo.title, paused: true, frames });
    await w.post('Debugger.resume');
    await w.post('Debugger.disable');
  }
  close();
} finally {
  child.kill();
}
console.log(JSON.stringify(seen, null, 1));
