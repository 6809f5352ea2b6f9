// test/debug/: a DevTools protocol session on a compiled C program (prog.c), driven as a
// debugger frontend would: a breakpoint at a C line through the source map, the paused frames'
// names and C lines, stepping by C lines, C variables read by name. Prints what it saw as JSON.
// Usage: node --experimental-websocket devtools-c.mjs <compiled dir> <C line of the breakpoint>

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { connect, generatedFor, spawnInspected } from './cdp.mjs';

const [dir, cLine] = [path.resolve(process.argv[2]), Number(process.argv[3])];
const { child, url, output } = await spawnInspected([new URL('debuggee-c.mjs', import.meta.url).pathname, dir], { brk: true });
const seen = {};
const { main, close } = await connect(url);
try {
  await main.post('Runtime.enable');
  await main.post('Debugger.enable');
  const at = generatedFor(path.join(dir, 'index.js.map'), 'prog.c', cLine);
  const bp = await main.post('Debugger.setBreakpointByUrl', { url: pathToFileURL(path.join(dir, 'index.js')).href, ...at });
  // --inspect-brk stops before the first line; go on from there to the breakpoint.
  const start = main.once('Debugger.paused');
  await main.post('Runtime.runIfWaitingForDebugger');
  await start;
  const hit = main.once('Debugger.paused', (p) => p.hitBreakpoints?.includes(bp.breakpointId));
  await main.post('Debugger.resume');
  let paused = await hit;

  const describe = (frames) => frames.map((f) => ({ name: f.functionName, c: main.original(f.location), ignored: main.ignored(f.location) }));
  seen.frames = describe(paused.callFrames);
  const top = paused.callFrames[0];
  const evaluate = async (frame, expression) => {
    const r = await main.post('Debugger.evaluateOnCallFrame', { callFrameId: frame.callFrameId, expression });
    return r.exceptionDetails ? `error: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}` : r.result.value;
  };
  seen.p = await evaluate(top, 'p');
  seen.count = await evaluate(paused.callFrames[1], 'count');
  const local = top.scopeChain.find((s) => s.type === 'local');
  const props = await main.post('Runtime.getProperties', { objectId: local.object.objectId, ownProperties: true });
  seen.locals = props.result.map((p) => p.name).sort();

  // Step as a source-mapped debugger does: JS steps until the C line changes.
  seen.steps = [];
  for (let s = 0; s < 2; s++) {
    const from = main.original(paused.callFrames[0].location)?.line;
    for (let i = 0; i < 50; i++) {
      const next = main.once('Debugger.paused');
      await main.post('Debugger.stepOver');
      paused = await next;
      const c = main.original(paused.callFrames[0].location);
      if (c && c.line !== from) break;
    }
    seen.steps.push({ name: paused.callFrames[0].functionName, c: main.original(paused.callFrames[0].location) });
  }
  await main.post('Debugger.removeBreakpoint', { breakpointId: bp.breakpointId });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await main.post('Debugger.resume');
  close();
  await exited;
  seen.output = output().trim();
} finally {
  child.kill();
}
console.log(JSON.stringify(seen, null, 1));
