// Reducing a failing case to a small one that fails the same way (same signature()). Binaryen's
// wasm-reduce is shipped in the npm package but aborts under Node, so there are two reducers here:
//   - reduceModule (valid modules, differential failures): on binaryen.js's IR, drop exports,
//     replace function bodies by `unreachable`, replace subtrees by the simplest expression of
//     their type or by a child of the same type, then tidy up with binaryen passes. Every
//     candidate must still validate.
//   - reduceBytes (malformed cases): drop sections, make bodies `unreachable`, drop vector
//     entries, then delete byte ranges of halving length (ddmin-like).
// The test of a candidate runs in the worker (runner.mjs), so a candidate that hangs is just
// "not the same failure".
//
//   node test/fuzz/reduce.mjs <case.wasm> --kind differential|malformed [--out file]

import fs from 'node:fs';
import { binaryen, cleanScratch, toText } from './binaryen-tools.mjs';
import { concat, readSections, sectionEntries, uleb } from './binary.mjs';
import { codeBodies } from './mutate.mjs';
import { errorKind } from './compare.mjs';
import { parseArgs } from './generate.mjs';
import { CaseRunner } from './runner.mjs';

/** Numbers, offsets and indices masked (but not the 2 of w2js), whitespace folded. */
const normalize = (s) => String(s ?? '').replace(/0x[0-9a-f]+|(?<!w)\d+/gi, 'N').replace(/\s+/g, ' ').slice(0, 160);

/** Steps where only V8 or binaryen runs: a hang there is not w2js's (worker.mjs steps). */
export const isNativeStep = (step = '') => /^(native|denan native|generate|denan$|v8 validate)/.test(step);

/** What kind of failure a result is, coarse enough to survive reduction; undefined = passes. */
export function signature(kind, result) {
  const s = result.status;
  if (s === 'generator-error' || s === 'native-hang' || (s === 'hang' && isNativeStep(result.step))) return undefined;
  if (s === 'hang') return `hang in ${normalize(String(result.step).replace(/^((?:denan )?w2js) call .*/, '$1 call'))}`;
  if (s === 'crash' || s === 'harness-error') return `${s}: ${normalize(String(result.detail).split('\n')[0])}`;
  if (kind === 'differential') {
    if (s !== 'mismatch') return undefined;
    const m = result.mismatches[0];
    const where = m.where.replace(/^call #\d+ [^:]*: /, '').replace(/\[\d+\]/g, '').replace(/ \(length\)/, '');
    if (where === 'outcome') return `mismatch outcome ${errorKind(m.native) ?? m.native}≠${errorKind(m.w2js) ?? m.w2js}`.replace(/returned \S+/g, 'returned');
    if (where === 'compile' || where === 'validation') return `mismatch ${where}: ${normalize(m.w2js)}`;
    return `mismatch ${where.split(' ')[0]}`;
  }
  if (['rejected', 'valid', 'unsupported', 'v8-limit', 'v8-lax'].includes(s)) return undefined;
  if (s === 'mismatch') return signature('differential', result);
  return `${s}: ${normalize(result.detail).replace(/mutant\.wasm: (func\[N\] \S+ )?/, '')}`;
}

/**
 * Shrink `bytes` while `test(bytes)` still holds, in phases repeated until none helps: drop whole
 * sections; make function bodies `unreachable`; drop entries of vector sections (a function with
 * its body); delete byte ranges (len/2, len/4, … 1 bytes).
 */
export async function reduceBytes(bytes, test, { budget = 600 } = {}) {
  let current = bytes;
  let tests = 0;
  const attempt = async (candidate) => {
    if (!candidate || tests >= budget) return false;
    tests++;
    if (!(await test(candidate))) return false;
    current = candidate;
    return true;
  };
  const safely = (f) => {
    try {
      return f();
    } catch {
      return undefined; // the structure it needs is broken
    }
  };
  const phases = [
    async function dropSections() {
      for (let i = (safely(() => readSections(current)) ?? []).length - 1; i >= 0; i--) {
        const s = safely(() => readSections(current))?.[i];
        if (s) await attempt(concat([current.subarray(0, s.headerAt), current.subarray(s.end)]));
      }
    },
    async function unreachableBodies() {
      const minimal = [0x00, 0x00, 0x0b]; // no locals, unreachable, end: valid for any type
      const layout = safely(() => codeBodies(current));
      if (!layout || (await attempt(replaceBodies(current, layout, () => minimal)))) return;
      for (let i = layout.bodies.length - 1; i >= 0; i--) {
        const now = safely(() => codeBodies(current));
        if (now) await attempt(replaceBodies(current, now, (j, body) => (j === i ? minimal : body)));
      }
    },
    async function dropEntries() {
      for (const id of [10, 7, 6, 2, 4, 5, 1]) {
        for (let chunk = 64; chunk >= 1; chunk >>= 1) {
          for (let at = 0; tests < budget; at += chunk) {
            const candidate = withoutEntries(current, id, at, chunk);
            if (!candidate) break;
            if (await attempt(candidate)) at -= chunk; // the entries after moved down
          }
        }
      }
    },
    async function deleteBytes() {
      for (let chunk = Math.max(1, current.length >> 1); chunk >= 1 && tests < budget; chunk >>= 1) {
        for (let at = current.length - chunk; at >= 0 && tests < budget; at -= chunk) {
          await attempt(concat([current.subarray(0, at), current.subarray(at + chunk)]));
        }
      }
    },
  ];
  const deleteBytes = phases.pop();
  const structural = async () => {
    for (let round = 0; round < 4 && tests < budget; round++) {
      const before = current.length;
      for (const phase of phases) await phase();
      if (current.length >= before) break;
    }
  };
  await structural();
  await deleteBytes();
  await structural();
  return current;
}

/**
 * The module without entries [at, at+n) of section `id` (for code, also of the function
 * section); undefined when there is no such entry or the sections cannot be read.
 */
function withoutEntries(bytes, id, at, n) {
  let sections;
  try {
    sections = readSections(bytes);
  } catch {
    return undefined;
  }
  const edits = [];
  for (const s of sections.filter((x) => x.id === id || (id === 10 && x.id === 3))) {
    let parsed;
    try {
      parsed = sectionEntries(bytes, s);
    } catch {
      return undefined;
    }
    const { entries, end } = parsed;
    if (at >= entries.length) return undefined;
    const kept = entries.filter((_, i) => i < at || i >= at + n);
    const payload = concat([uleb(kept.length), ...kept.map((e) => bytes.subarray(e.start, e.end)), bytes.subarray(end, s.end)]);
    edits.push({ s, replacement: concat([[s.id], uleb(payload.length), payload]) });
  }
  if (edits.length === 0) return undefined;
  const parts = [];
  let pos = 0;
  for (const { s, replacement } of edits.sort((a, b) => a.s.headerAt - b.s.headerAt)) {
    parts.push(bytes.subarray(pos, s.headerAt), replacement);
    pos = s.end;
  }
  parts.push(bytes.subarray(pos));
  return concat(parts);
}

/** The module with each function body replaced by `f(index, bytes)`, sizes re-encoded. */
function replaceBodies(bytes, { code, bodies }, f) {
  const parts = [uleb(bodies.length)];
  bodies.forEach((b, i) => {
    const body = f(i, bytes.subarray(b.start, b.end));
    parts.push(uleb(body.length), body);
  });
  const payload = concat(parts);
  return concat([bytes.subarray(0, code.headerAt), [10], uleb(payload.length), payload, bytes.subarray(code.end)]);
}

const CHILD_SLOTS = {
  Block: [],
  If: ['Condition', 'IfTrue', 'IfFalse'],
  Loop: ['Body'],
  Break: ['Condition', 'Value'],
  Switch: ['Condition', 'Value'],
  LocalSet: ['Value'],
  GlobalSet: ['Value'],
  Load: ['Ptr'],
  Store: ['Ptr', 'Value'],
  Unary: ['Value'],
  Binary: ['Left', 'Right'],
  Select: ['IfTrue', 'IfFalse', 'Condition'],
  Drop: ['Value'],
  Return: ['Value'],
  MemoryGrow: ['Delta'],
  AtomicRMW: ['Ptr', 'Value'],
  AtomicCmpxchg: ['Ptr', 'Expected', 'Replacement'],
  AtomicNotify: ['Ptr', 'NotifyCount'],
  MemoryFill: ['Dest', 'Value', 'Size'],
  MemoryCopy: ['Dest', 'Source', 'Size'],
  MemoryInit: ['Dest', 'Offset', 'Size'],
  TableSet: ['Index', 'Value'],
  TableGet: ['Index'],
  RefIsNull: ['Value'],
};

/** Every expression of `body` in preorder, with how to replace it: [{ expr, replace(newExpr), parent }]. */
export function expressions(b, body, setBody) {
  const out = [];
  const visit = (expr, replace, parent) => {
    if (!expr) return;
    out.push({ expr, replace, parent });
    const id = b.getExpressionId(expr);
    const cls = Object.keys(CHILD_SLOTS).find((k) => b[`${k}Id`] === id);
    if (cls === 'Block') {
      const n = b.Block.getNumChildren(expr);
      for (let i = 0; i < n; i++) visit(b.Block.getChildAt(expr, i), (e) => b.Block.setChildAt(expr, i, e), expr);
    } else if (cls) {
      for (const slot of CHILD_SLOTS[cls]) visit(b[cls][`get${slot}`](expr), (e) => b[cls][`set${slot}`](expr, e), expr);
    } else if (id === b.CallId || id === b.CallIndirectId) {
      const api = id === b.CallId ? b.Call : b.CallIndirect;
      if (id === b.CallIndirectId) visit(api.getTarget(expr), (e) => api.setTarget(expr, e), expr);
      const n = api.getNumOperands(expr);
      for (let i = 0; i < n; i++) visit(api.getOperandAt(expr, i), (e) => api.setOperandAt(expr, i, e), expr);
    }
  };
  visit(body, setBody);
  return out;
}

/** The simplest expression of `type`: nop, a zero, a null, or unreachable. */
function simplest(b, m, type) {
  if (type === b.none) return m.nop();
  if (type === b.i32) return m.i32.const(0);
  if (type === b.i64) return m.i64.const(0n);
  if (type === b.f32) return m.f32.const(0);
  if (type === b.f64) return m.f64.const(0);
  if (type === b.funcref || type === b.externref) return m.ref.null(type);
  return m.unreachable();
}

/**
 * Run `f` with this process's output dropped: binaryen's validator prints every error it finds,
 * through a console.error it bound when it loaded, so the streams themselves are muted.
 */
function quietly(f) {
  const { stdout, stderr } = process;
  const saved = [stdout.write, stderr.write];
  stdout.write = stderr.write = () => true;
  try {
    return f();
  } finally {
    [stdout.write, stderr.write] = saved;
  }
}

const isLeaf = (b, id) => [b.NopId, b.ConstId, b.LocalGetId, b.GlobalGetId, b.UnreachableId, b.RefNullId].includes(id);

/**
 * Shrink a valid module while `test(bytes)` holds. Each candidate is the current module read
 * afresh, changed in one place, validated and written out.
 */
export async function reduceModule(bytes, test, { budget = 800 } = {}) {
  const b = await binaryen();
  const F = b.Features;
  // The differential sets' features (generate.mjs): with more, binaryen may write encodings V8 lacks.
  const features = F.Atomics | F.MutableGlobals | F.NontrappingFPToInt | F.BulkMemory | F.BulkMemoryOpt | F.SignExt | F.ReferenceTypes | F.Multivalue;
  let current = bytes;
  let tests = 0;
  /** Apply `edit(module)` to a fresh copy; keep it if it validates and still fails. */
  const attempt = async (edit) => {
    if (tests >= budget) return false;
    const m = b.readBinary(current, features);
    try {
      let candidate;
      try {
        if (edit(m) === false || !quietly(() => m.validate())) return false;
        candidate = m.emitBinary();
      } catch {
        return false; // binaryen refused the edit (a C++ exception)
      }
      if (candidate.length === current.length && candidate.every((x, i) => x === current[i])) return false;
      tests++;
      if (!(await test(candidate))) return false;
      current = candidate;
      return true;
    } finally {
      m.dispose();
    }
  };
  const count = (f) => {
    const m = b.readBinary(current, features);
    try {
      return f(m);
    } finally {
      m.dispose();
    }
  };
  const passes = [['remove-unused-module-elements'], ['dce', 'vacuum'], ['simplify-locals', 'vacuum'], ['merge-blocks', 'remove-unused-brs', 'remove-unused-names'], ['precompute', 'vacuum'], ['remove-unused-module-elements', 'reorder-locals', 'coalesce-locals']];
  for (let round = 0; round < 3 && tests < budget; round++) {
    const before = current.length;
    // Exports, last first (call-export refers to earlier ones by position).
    for (let i = count((m) => m.getNumExports()) - 1; i >= 0; i--) {
      await attempt((m) => m.removeExport(b.getExportInfo(m.getExportByIndex(i)).name));
    }
    // Functions may disappear below (remove-unused-module-elements): recount each time.
    const nFuncs = () => count((m) => m.getNumFunctions());
    for (let i = 0; i < nFuncs(); i++) {
      await attempt((m) => {
        const f = m.getFunctionByIndex(i);
        if (b.getFunctionInfo(f).module) return false; // an import
        b.Function.setBody(f, m.unreachable());
      });
    }
    for (const p of passes) await attempt((m) => m.runPasses(p));
    // Expressions: replace subtrees by the simplest expression of their type, biggest first.
    for (let i = 0; i < nFuncs() && tests < budget; i++) {
      for (let k = 0; tests < budget; k++) {
        const done = count((m) => {
          if (i >= m.getNumFunctions()) return true;
          const f = m.getFunctionByIndex(i);
          return !!b.getFunctionInfo(f).module || k >= expressions(b, b.Function.getBody(f), () => {}).length;
        });
        if (done) break;
        // The node k of function i: replaced by the simplest expression of its type, else by
        // one of its direct children of the same type (hoisting what matters over its siblings).
        const at = (m) => {
          const f = m.getFunctionByIndex(i);
          const list = expressions(b, b.Function.getBody(f), (e) => b.Function.setBody(f, e));
          return { list, node: list[k] };
        };
        const simplified = await attempt((m) => {
          const { node } = at(m);
          if (isLeaf(b, b.getExpressionId(node.expr))) return false;
          node.replace(simplest(b, m, b.getExpressionType(node.expr)));
        });
        if (simplified) continue;
        for (let c = 0; tests < budget; c++) {
          let exists = true;
          const hoisted = await attempt((m) => {
            const { list, node } = at(m);
            const type = b.getExpressionType(node.expr);
            const children = list.filter((x) => x.parent === node.expr && b.getExpressionType(x.expr) === type);
            if (c >= children.length) return (exists = false);
            node.replace(children[c].expr);
          });
          if (hoisted || !exists) break;
        }
      }
    }
    for (const p of passes) await attempt((m) => m.runPasses(p));
    if (current.length >= before) break;
  }
  return current;
}

/**
 * Reduce `bytes`, a `kind` failure with signature `sig`, using `runner` to test candidates.
 * Returns the smallest bytes found and how they were checked.
 */
export async function reduceCase(runner, kind, bytes, sig, { budget } = {}) {
  const test = async (candidate) => {
    const job = kind === 'differential' ? { kind: 'module', bytes: Buffer.from(candidate).toString('base64'), denan: false } : { kind: 'mutant', bytes: Buffer.from(candidate).toString('base64'), run: true };
    return signature(kind, await runner.run(job)) === sig;
  };
  if (WebAssembly.validate(bytes)) {
    try {
      return await reduceModule(bytes, test, { budget });
    } catch {
      // binaryen cannot read it (a feature outside the differential sets): bytes it is
    }
  }
  return reduceBytes(bytes, test, { budget });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs(process.argv.slice(2));
  const file = process.argv[2];
  const kind = args.kind ?? 'differential';
  const runner = new CaseRunner({ timeoutMs: Number(args.timeout ?? 30_000) });
  const bytes = new Uint8Array(fs.readFileSync(file));
  const job = kind === 'differential' ? { kind: 'module', bytes: Buffer.from(bytes).toString('base64'), denan: false } : { kind: 'mutant', bytes: Buffer.from(bytes).toString('base64'), run: true };
  const sig = signature(kind, await runner.run(job));
  if (!sig) {
    console.log(`${file}: passes, nothing to reduce`);
  } else {
    console.log(`${file}: ${sig}`);
    const reduced = await reduceCase(runner, kind, bytes, sig, { budget: Number(args.budget ?? 800) });
    const out = args.out ?? file.replace(/\.wasm$/, '.reduced.wasm');
    fs.writeFileSync(out, reduced);
    const text = await toText(reduced);
    if (text) fs.writeFileSync(out.replace(/\.wasm$/, '.wat'), text);
    console.log(`${bytes.length} → ${reduced.length} bytes: ${out}`);
  }
  await runner.stop();
  cleanScratch();
}
