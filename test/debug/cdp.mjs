// test/debug/: a small Chrome DevTools Protocol client over the inspector's WebSocket, as a
// debugger frontend uses it: sessions on the main thread and, through the NodeWorker domain, on
// worker threads; scripts' source maps read from their sourceMapURL (Debugger.scriptParsed), so
// positions go between generated JS and C lines as DevTools maps them. Needs a WebSocket global
// (Node 20: --experimental-websocket).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TraceMap, originalPositionFor, generatedPositionFor, GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND } from '@jridgewell/trace-mapping';

/** Start `node --inspect… args`; resolves with the process and its inspector's WebSocket URL. */
export function spawnInspected(args, { brk = false } = {}) {
  const child = spawn(process.execPath, [brk ? '--inspect-brk=127.0.0.1:0' : '--inspect=127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no inspector URL: ${stderr}`)), 20_000);
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /ws:\/\/\S+/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[0], output: () => stdout });
      }
    });
    child.on('exit', (code) => reject(new Error(`debuggee exited (${code}): ${stderr}`)));
  });
}

/** One protocol session: the main thread's over the socket, or a worker's through NodeWorker. */
export class Session {
  constructor(send) {
    this.sendRaw = send;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Map();
    /** scriptId → { url, map?: TraceMap }. */
    this.scripts = new Map();
    this.on('Debugger.scriptParsed', (p) => this.scriptParsed(p));
  }

  post(method, params = {}) {
    const id = this.nextId++;
    this.sendRaw(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, method }));
  }

  on(event, fn) {
    const list = this.listeners.get(event) ?? [];
    list.push(fn);
    this.listeners.set(event, list);
  }

  /** The next `event` (optionally one matching `pred`). */
  once(event, pred = () => true, timeoutMs = 20_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), timeoutMs);
      const fn = (p) => {
        if (!pred(p)) return;
        clearTimeout(timer);
        this.listeners.set(event, this.listeners.get(event).filter((f) => f !== fn));
        resolve(p);
      };
      this.on(event, fn);
    });
  }

  dispatch(text) {
    const msg = JSON.parse(text);
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p?.resolve(msg.result);
      return;
    }
    for (const fn of [...(this.listeners.get(msg.method) ?? [])]) fn(msg.params);
  }

  scriptParsed(p) {
    const script = { url: p.url, map: undefined };
    // As DevTools does: the map's URL relative to the script's.
    if (p.sourceMapURL && p.url.startsWith('file:')) {
      try {
        const mapUrl = new URL(p.sourceMapURL, p.url);
        script.mapUrl = mapUrl.href;
        script.map = new TraceMap(fs.readFileSync(fileURLToPath(mapUrl), 'utf8'), mapUrl.href);
      } catch {
        // a map that does not load is a script without one
      }
    }
    this.scripts.set(p.scriptId, script);
  }

  /** A call frame's location as the source map gives it: { source (absolute URL), line (1-based) }, or undefined. */
  original(location) {
    const script = this.scripts.get(location.scriptId);
    if (!script?.map) return undefined;
    const pos = originalPositionFor(script.map, { line: location.lineNumber + 1, column: location.columnNumber, bias: GREATEST_LOWER_BOUND });
    return pos.source ? { source: pos.source, line: pos.line } : undefined;
  }

  /** Is the script's map ignore-listing every source of it (runtime files)? */
  ignored(location) {
    const script = this.scripts.get(location.scriptId);
    const list = script?.map?.ignoreList ?? [];
    return script?.map !== undefined && list.length > 0 && list.length === script.map.sources.length;
  }
}

/** Where C `file:line` is in the generated JS, through `mapFile` (a map on disk, for scripts not loaded yet). */
export function generatedFor(mapFile, sourceSuffix, line) {
  const map = new TraceMap(fs.readFileSync(mapFile, 'utf8'), new URL(`file://${mapFile}`).href);
  const source = map.resolvedSources.find((s) => s.endsWith(sourceSuffix));
  if (!source) throw new Error(`${sourceSuffix} is not a source of ${mapFile}: ${map.resolvedSources}`);
  const pos = generatedPositionFor(map, { source, line, column: 0, bias: LEAST_UPPER_BOUND });
  if (pos.line === null) throw new Error(`no code for ${sourceSuffix}:${line}`);
  return { lineNumber: pos.line - 1, columnNumber: pos.column };
}

/** Connect to the inspector at `url`: the main thread's session, and worker sessions as they attach. */
export async function connect(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
  });
  const main = new Session((text) => ws.send(text));
  /** sessionId → Session of a worker. */
  const workers = new Map();
  ws.onmessage = (e) => main.dispatch(String(e.data));
  main.on('NodeWorker.attachedToWorker', (p) => {
    const s = new Session((message) => void main.post('NodeWorker.sendMessageToWorker', { sessionId: p.sessionId, message }));
    s.workerInfo = p.workerInfo;
    workers.set(p.sessionId, s);
  });
  main.on('NodeWorker.receivedMessageFromWorker', (p) => workers.get(p.sessionId)?.dispatch(p.message));
  return { main, workers, close: () => ws.close() };
}
