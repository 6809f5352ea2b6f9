// Reducing a failing case to a small one that fails the same way (same signature()). Binaryen's
// wasm-reduce is shipped in the npm package but aborts under Node, so there are two reducers here:
//   - reduceModule (valid modules, differential failures): on binaryen.js's IR, drop exports,
//     replace function bodies by `unreachable`, drop block items, replace subtrees by constants,
//     then tidy up with binaryen passes. Every candidate must still validate.
//   - reduceBytes (malformed cases): delete byte ranges, halving their length (ddmin-like).
// The test of a candidate runs in the worker (runner.mjs), so a candidate that hangs is just
// "not the same failure".
//
//   node test/fuzz/reduce.mjs <case.wasm> --kind differential|malformed [--out file]

import fs from 'node:fs';
import { binaryen, cleanScratch, toText } from './binaryen-tools.mjs';
import { errorKind } from './compare.mjs';
import { parseArgs } from './generate.mjs';
import { CaseRunner } from './runner.mjs';

const normalize = (s) => String(s ?? '').replace(/0x[0-9a-f]+|\d+/gi, 'N').replace(/\s+/g, ' ').slice(0, 160);

/** What kind of failure a result is, coarse enough to survive reduction; undefined = passes. */
export function signature(kind, result) {
  const s = result.status;
  if (s === 'hang') return `hang in ${normalize(result.step).replace(/^(native|w2js|denan \w+) (call) .*/, '$1 $2')}`;
  if (s === 'crash' || s === 'harness-error') return `${s}: ${normalize(String(result.detail).split('\n')[0])}`;
  if (kind === 'differential') {
    if (s !== 'mismatch') return undefined;
    const m = result.mismatches[0];
    const where = m.where.replace(/^call #\d+ [^:]*: /, '').replace(/\[\d+\]/g, '[]').replace(/ \(length\)/, '');
    if (where === 'outcome') return `mismatch outcome ${errorKind(m.native) ?? m.native}≠${errorKind(m.w2js) ?? m.w2js}`.replace(/returned \S+/g, 'returned');
    if (where === 'compile' || where === 'validation') return `mismatch ${where}: ${normalize(m.w2js)}`;
    return `mismatch ${where.split(' ')[0]}`;
  }
  if (['rejected', 'valid', 'unsupported', 'v8-limit'].includes(s)) return undefined;
  if (s === 'mismatch') return signature('differential', result);
  return `${s}: ${normalize(result.detail).replace(/mutant\.wasm: (func\[N\] \S+ )?/, '')}`;
}

/** Delete byte ranges while `test(bytes)` still holds: chunk sizes len/2, len/4, … 1. */
export async function reduceBytes(bytes, test, { budget = 600 } = {}) {
  let current = bytes;
  let tests = 0;
  for (let chunk = Math.max(1, current.length >> 1); chunk >= 1 && tests < budget; chunk = chunk >> 1) {
    for (let at = current.length - chunk; at >= 0 && tests < budget; at -= chunk) {
      const candidate = new Uint8Array([...current.subarray(0, at), ...current.subarray(at + chunk)]);
      tests++;
      if (await test(candidate)) current = candidate;
    }
    if (chunk === 1) break;
  }
  return current;
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

/** Every expression of `body` in preorder, with how to replace it: [{ expr, replace(newExpr) }]. */
function expressions(b, body, setBody) {
  const out = [];
  const visit = (expr, replace) => {
    if (!expr) return;
    out.push({ expr, replace });
    const id = b.getExpressionId(expr);
    const cls = Object.keys(CHILD_SLOTS).find((k) => b[`${k}Id`] === id);
    if (cls === 'Block') {
      const n = b.Block.getNumChildren(expr);
      for (let i = 0; i < n; i++) visit(b.Block.getChildAt(expr, i), (e) => b.Block.setChildAt(expr, i, e));
    } else if (cls) {
      for (const slot of CHILD_SLOTS[cls]) visit(b[cls][`get${slot}`](expr), (e) => b[cls][`set${slot}`](expr, e));
    } else if (id === b.CallId || id === b.CallIndirectId) {
      const api = id === b.CallId ? b.Call : b.CallIndirect;
      if (id === b.CallIndirectId) visit(api.getTarget(expr), (e) => api.setTarget(expr, e));
      const n = api.getNumOperands(expr);
      for (let i = 0; i < n; i++) visit(api.getOperandAt(expr, i), (e) => api.setOperandAt(expr, i, e));
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
    const m = b.readBinaryWithFeatures(current, features);
    try {
      if (edit(m) === false || !m.validate()) return false;
      const candidate = m.emitBinary();
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
    const m = b.readBinaryWithFeatures(current, features);
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
    const nFuncs = count((m) => m.getNumFunctions());
    for (let i = 0; i < nFuncs; i++) {
      await attempt((m) => {
        const f = m.getFunctionByIndex(i);
        if (b.getFunctionInfo(f).module) return false; // an import
        b.Function.setBody(f, m.unreachable());
      });
    }
    for (const p of passes) await attempt((m) => m.runPasses(p));
    // Expressions: replace subtrees by the simplest expression of their type, biggest first.
    for (let i = 0; i < nFuncs && tests < budget; i++) {
      for (let k = 0; tests < budget; k++) {
        const done = count((m) => {
          const f = m.getFunctionByIndex(i);
          return !!b.getFunctionInfo(f).module || k >= expressions(b, b.Function.getBody(f), () => {}).length;
        });
        if (done) break;
        await attempt((m) => {
          const f = m.getFunctionByIndex(i);
          const list = expressions(b, b.Function.getBody(f), (e) => b.Function.setBody(f, e));
          const { expr, replace } = list[k];
          const id = b.getExpressionId(expr);
          if (isLeaf(b, id)) return false;
          replace(simplest(b, m, b.getExpressionType(expr)));
        });
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
