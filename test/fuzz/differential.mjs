// The differential fuzzer's one case: a module runs on native V8 and through w2js with the same
// logging imports; the two traces must agree (compare.mjs). Runs inside worker.mjs, the child
// process that fuzz.mjs kills when a case exceeds its time limit.

import { readModuleInfo, addExports } from './binary.mjs';
import { compareTraces } from './compare.mjs';
import { compileW2js, nativeEngine, loadCompiler } from './engines.mjs';
import { memoryExportName, runModule } from './harness.mjs';
import { generateModule } from './generate.mjs';
import { FEATURE_SETS, wasmOpt } from './binaryen-tools.mjs';

/** The module with every memory exported (as `__fuzz_memory<i>`) so the harness can hash it. */
export function instrument(bytes) {
  const info = readModuleInfo(bytes);
  return addExports(bytes, info.memories.map((_, i) => ({ name: memoryExportName(i), kind: 2, index: i })));
}

/**
 * Check one module. Result `status`:
 *   ok | mismatch | crash (w2js threw something other than CompileError, or its output failed to
 *   load) | unsupported (w2js: E_UNSUPPORTED) | invalid (V8 rejects; then w2js must reject too,
 *   else mismatch).
 *   | nan-divergence (a mismatch that disappears when NaNs are made 0, see below)
 *   | native-slow (a call took V8 over a second: not run through w2js).
 * `onStep(step)` is called before each step, so a hang can be placed.
 */
export async function checkModule(bytes, onStep = () => {}, options = { denan: true }) {
  const { CompileError } = await loadCompiler();
  const base = { exportsCalled: 0, allowances: {}, mismatches: [] };
  if (!WebAssembly.validate(bytes)) {
    onStep('w2js compile (invalid module)');
    try {
      await compileW2js(bytes);
    } catch (e) {
      if (e instanceof CompileError) return { ...base, status: 'invalid', detail: e.message };
      return { ...base, status: 'crash', detail: `w2js threw ${e?.stack ?? e}` };
    }
    return { ...base, status: 'mismatch', mismatches: [{ where: 'validation', native: 'rejected', w2js: 'accepted' }] };
  }
  const first = await runBoth(bytes, onStep);
  if (first.status !== 'mismatch' || first.mismatches[0].where === 'compile' || !options.denan) return first;
  // A NaN's sign and payload are nondeterministic (spec 4.3.3) and may reach integers through
  // reinterpret or memory; if the module with every NaN turned into 0 (binaryen --denan) agrees,
  // the difference came from NaN bits: counted, not a failure.
  onStep('denan');
  let denanned;
  try {
    denanned = await wasmOpt(bytes, ['--denan', '-q', ...FEATURE_SETS.threads]);
  } catch {
    return first; // binaryen cannot process it (a module outside its features): as it is
  }
  const second = await runBoth(denanned, (s) => onStep(`denan ${s}`));
  if (second.status === 'ok') return { ...first, status: 'nan-divergence' };
  return { ...second, first: first.mismatches, reproducer: 'denan' };
}

/** Run `bytes` (valid) on both engines and compare. */
async function runBoth(bytes, onStep) {
  const { CompileError } = await loadCompiler();
  const base = { exportsCalled: 0, allowances: {}, mismatches: [] };
  const instrumented = instrument(bytes);
  const info = readModuleInfo(instrumented);
  // ttf's hang limit keeps calls short; a mutant without it may loop for seconds natively and
  // minutes through w2js: not run further (status native-slow).
  const native = await runModule(nativeEngine, instrumented, info, (s) => onStep(`native ${s}`), { maxCallMs: 1000 });
  if (native.slow) return { ...base, status: 'native-slow', detail: native.slow };
  onStep('w2js compile');
  let w2js;
  try {
    w2js = await compileW2js(instrumented);
  } catch (e) {
    if (e instanceof CompileError) {
      if (e.code === 'E_UNSUPPORTED') return { ...base, status: 'unsupported', detail: e.message };
      return { ...base, status: 'mismatch', mismatches: [{ where: 'compile', native: 'valid', w2js: e.message }] };
    }
    return { ...base, status: 'crash', detail: `w2js compile or load threw ${e?.stack ?? e}` };
  }
  let trace;
  try {
    trace = await runModule(w2js, instrumented, info, (s) => onStep(`w2js ${s}`));
  } catch (e) {
    return { ...base, status: 'crash', detail: `harness threw on w2js ${e?.stack ?? e}` };
  }
  const { mismatches, allowances } = compareTraces(native, trace);
  return { status: mismatches.length ? 'mismatch' : 'ok', exportsCalled: native.calls.length, allowances, mismatches };
}

/** Generate case `seed` (generate.mjs) and check it. */
export async function differentialCase(seed, onStep) {
  onStep?.('generate');
  let generated;
  try {
    generated = await generateModule(seed);
  } catch (e) {
    return { status: 'generator-error', detail: String(e?.message ?? e).slice(0, 500), exportsCalled: 0, allowances: {}, mismatches: [] };
  }
  const { bytes, features } = generated;
  const result = await checkModule(bytes, onStep);
  return { ...result, features, size: bytes.length };
}
