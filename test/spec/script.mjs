// Spec runner, stage 2: run one converted script's commands in order on an engine, one handler
// per command kind, and tally the outcome per kind.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSpectest } from './spectest.mjs';
import { checkResults, createHostRefs, hasSignallingF32Arg, toJsArgs } from './values.mjs';
import { readImportModuleNames } from './wasm-imports.mjs';

/** Read skips.tsv: `path<TAB>line<TAB>reason`, path relative to the spec root; # starts a comment. */
export function readSkips(file) {
  const skips = new Map();
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [p, l, ...reason] = line.split('\t');
    skips.set(`${p}:${Number(l)}`, reason.join('\t') || 'no reason given');
  }
  return skips;
}

/**
 * Read engine-differences.tsv: `runtime<TAB>path<TAB>line<TAB>category`; only `runtime`'s rows.
 * Returns a Map from `path:line` to the category.
 */
export function readDifferences(file, runtime) {
  const differences = new Map();
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [rt, p, l, category] = line.split('\t');
    if (rt === runtime) differences.set(`${p}:${Number(l)}`, category || 'no category given');
  }
  return differences;
}

/** A failure the harness reports as-is (no module, no such export, ...). */
class CommandFailure extends Error {}

/** How an unexpected exception reads in a failure line. */
function describeError(e) {
  if (e === null || typeof e !== 'object') return `threw ${String(e)}`;
  const first = String(e.message).split('\n')[0];
  if (e.code) return `${e.code}: ${first}`;
  return `${e.name ?? 'Error'}: ${first}`;
}

/** A script's mutable state: the current and named instances, registrations, spectest. */
class ScriptState {
  constructor(engine, dir, textRejects, rel) {
    this.engine = engine;
    this.dir = dir;
    this.textRejects = textRejects;
    this.threads = rel.includes('proposals/threads/');
    this.current = null;
    this.named = new Map();
    this.registered = new Map();
    this.hostRef = createHostRefs();
    this.spectest = null;
  }

  /** The import object for a binary: spectest, every registered instance, and {} for unknown modules. */
  importsFor(bytes) {
    this.spectest ??= createSpectest(this.engine);
    const imports = {};
    // Own data properties, so that names like `__proto__` or `toString` behave like any other.
    const put = (name, value) => Object.defineProperty(imports, name, { value, enumerable: true, writable: true, configurable: true });
    put('spectest', this.spectest);
    for (const [name, exports] of this.registered) put(name, exports);
    for (const name of readImportModuleNames(bytes)) if (!Object.hasOwn(imports, name)) put(name, {});
    return imports;
  }

  readBytes(cmd) {
    if (!cmd.filename.endsWith('.wasm')) throw new CommandFailure(`expected a binary module, got ${cmd.filename}`);
    return new Uint8Array(readFileSync(path.join(this.dir, cmd.filename)));
  }

  /** Compile a module, turning a compile error into a CommandFailure (the command expected success). */
  async compile(bytes) {
    try {
      return await this.engine.compile(bytes);
    } catch (e) {
      throw new CommandFailure(`compile failed: ${describeError(e)}`);
    }
  }

  instanceOf(action) {
    const inst = action.module ? this.named.get(action.module) : this.current;
    if (!inst) throw new CommandFailure(`no module ${action.module ?? '(current)'} to act on`);
    return inst;
  }

  /** Resolve an action to a thunk: failures to resolve are harness failures, the thunk's throws are the engine's. */
  prepare(action) {
    const exports = this.instanceOf(action).exports;
    const ex = exports[action.field];
    if (action.type === 'invoke') {
      if (typeof ex !== 'function') throw new CommandFailure(`export "${action.field}" is not a function`);
      const args = toJsArgs(this.engine, this.hostRef, action.args);
      return () => Reflect.apply(ex, undefined, args);
    }
    if (action.type === 'get') {
      if (ex === null || typeof ex !== 'object' || !('value' in ex)) throw new CommandFailure(`export "${action.field}" is not a global`);
      return () => ex.value;
    }
    throw new CommandFailure(`unknown action ${action.type}`);
  }
}

const pass = { ok: true };
const fail = (message) => ({ ok: false, message });

/** Expect compilation of the command's module to be rejected (assert_invalid, assert_malformed). */
async function expectRejected(cmd, s) {
  if (cmd.filename.endsWith('.wat')) {
    const text = readFileSync(path.join(s.dir, cmd.filename), 'utf8');
    const verdict = await s.textRejects(text, { threads: s.threads });
    return verdict.rejected ? pass : fail(`text parser accepted it; expected "${cmd.text}"`);
  }
  const bytes = s.readBytes(cmd);
  try {
    await s.engine.compile(bytes);
  } catch (e) {
    if (!s.engine.isCompileError(e)) return fail(`expected a compile error "${cmd.text}", got ${describeError(e)}`);
    // The brief: an unsupported feature is a rejection too, when the command expects one; tallied apart.
    return { ok: true, unsupported: e.code === 'E_UNSUPPORTED' };
  }
  return fail(`compiled; expected "${cmd.text}"`);
}

/** Expect instantiation to throw; `check(e)` says whether the error is the right one. */
async function expectInstantiateError(cmd, s, what, check) {
  const bytes = s.readBytes(cmd);
  const compiled = await s.compile(bytes);
  try {
    await compiled.instantiate(s.importsFor(bytes));
  } catch (e) {
    return check(e) ? pass : fail(`expected ${what} "${cmd.text}", got ${describeError(e)}`);
  }
  return fail(`instantiated; expected ${what} "${cmd.text}"`);
}

/** Expect the action to trap with `text`. */
function expectTrap(cmd, s, text) {
  const run = s.prepare(cmd.action);
  let result;
  try {
    result = run();
  } catch (e) {
    return s.engine.trapMatches(e, text) ? pass : fail(`expected trap "${text}", got ${describeError(e)}`);
  }
  return fail(`expected trap "${text}", returned ${typeof result === 'bigint' ? `${result}n` : String(result)}`);
}

/** One handler per command kind of wast2json's output. */
const handlers = {
  async module(cmd, s) {
    s.current = null;
    if (cmd.name) s.named.delete(cmd.name);
    const bytes = s.readBytes(cmd);
    const compiled = await s.compile(bytes);
    let instance;
    try {
      ({ instance } = await compiled.instantiate(s.importsFor(bytes)));
    } catch (e) {
      return fail(`instantiate failed: ${describeError(e)}`);
    }
    s.current = instance;
    if (cmd.name) s.named.set(cmd.name, instance);
    return pass;
  },

  async register(cmd, s) {
    const inst = cmd.name ? s.named.get(cmd.name) : s.current;
    if (!inst) return fail(`no module ${cmd.name ?? '(current)'} to register as "${cmd.as}"`);
    s.registered.set(cmd.as, inst.exports);
    return pass;
  },

  async action(cmd, s) {
    const run = s.prepare(cmd.action);
    try {
      run();
    } catch (e) {
      return fail(`action threw ${describeError(e)}`);
    }
    return pass;
  },

  async assert_return(cmd, s) {
    const run = s.prepare(cmd.action);
    let result;
    try {
      result = run();
    } catch (e) {
      return fail(`threw ${describeError(e)}`);
    }
    const r = checkResults(s.engine, s.hostRef, cmd.expected, result, {
      signallingArg: cmd.action.type === 'invoke' && hasSignallingF32Arg(cmd.action.args),
    });
    return r.ok ? { ok: true, boundary: r.boundary } : fail(r.message);
  },

  async assert_trap(cmd, s) {
    return expectTrap(cmd, s, cmd.text);
  },

  async assert_exhaustion(cmd, s) {
    return expectTrap(cmd, s, 'call stack exhausted');
  },

  async assert_invalid(cmd, s) {
    return expectRejected(cmd, s);
  },

  async assert_malformed(cmd, s) {
    return expectRejected(cmd, s);
  },

  async assert_unlinkable(cmd, s) {
    return expectInstantiateError(cmd, s, 'LinkError', (e) => e instanceof s.engine.LinkError);
  },

  async assert_uninstantiable(cmd, s) {
    return expectInstantiateError(cmd, s, 'trap', (e) => s.engine.trapMatches(e, cmd.text));
  },
};

/** A fresh per-kind tally. */
function newTally() {
  return { passed: 0, failed: 0, skipped: 0 };
}

/**
 * Run the commands of one converted script. `rel` names it in skips.tsv and in reports;
 * `differences` (optional, from readDifferences) lists commands known to fail on this runtime:
 * such a failure counts as skipped and in `differences`, and such a command passing is a failure;
 * `progress`, if given, is an Int32Array (usually shared with a supervising thread) kept up to
 * date as [line, passed, failed, skipped, total] *before* each command runs, so a script that hangs
 * can still be reported; `onFailure(failure)` hears of each failure as it happens.
 */
export async function runScript({ jsonPath, rel, engine, skips, differences, textRejects, progress, onFailure }) {
  const { commands } = JSON.parse(readFileSync(jsonPath, 'utf8'));
  const s = new ScriptState(engine, path.dirname(jsonPath), textRejects, rel);
  const result = {
    file: rel,
    total: commands.length,
    passed: 0,
    failed: 0,
    skipped: 0,
    boundary: 0,
    unsupportedRejections: 0,
    differences: 0,
    kinds: {},
    failures: [],
  };
  if (progress) progress[4] = commands.length;
  for (const cmd of commands) {
    if (progress) {
      progress[0] = cmd.line;
      progress[1] = result.passed;
      progress[2] = result.failed;
      progress[3] = result.skipped;
    }
    const tally = (result.kinds[cmd.type] ??= newTally());
    const reason = skips.get(`${rel}:${cmd.line}`);
    if (reason !== undefined) {
      tally.skipped++;
      result.skipped++;
      continue;
    }
    const handler = handlers[cmd.type];
    let outcome;
    try {
      outcome = handler ? await handler(cmd, s) : fail(`unknown command ${cmd.type}`);
    } catch (e) {
      outcome = fail(e instanceof CommandFailure ? e.message : `harness: ${describeError(e)}`);
    }
    const difference = differences?.get(`${rel}:${cmd.line}`);
    if (difference !== undefined) {
      if (outcome.ok) {
        outcome = fail(`listed in engine-differences.tsv (${difference}) but passed: remove the line`);
      } else {
        tally.skipped++;
        result.skipped++;
        result.differences++;
        continue;
      }
    }
    if (outcome.ok) {
      tally.passed++;
      result.passed++;
      if (outcome.boundary) result.boundary++;
      if (outcome.unsupported) result.unsupportedRejections++;
    } else {
      tally.failed++;
      result.failed++;
      const failure = { line: cmd.line, kind: cmd.type, message: outcome.message };
      result.failures.push(failure);
      onFailure?.(failure);
    }
  }
  return result;
}
