// compiler/asyncify/: `w2js compile --asyncify`, a wasm → wasm step before read: Binaryen's
// Asyncify pass, so that a call of a blocking import can unwind the wasm stack into linear
// memory and later rewind it (green threads on one JS thread: runtime/host/single-thread.ts).
// Binaryen is loaded here only, on demand (its module is 10 MB and takes a second to start).
//
// Kept: every function that may reach a blocking import is instrumented (blocking-set.ts says
// which), the name section (the kernel host finds __stack_pointer by name). Added: the exports
// asyncify_start_unwind(data), asyncify_stop_unwind(), asyncify_start_rewind(data),
// asyncify_stop_rewind(), asyncify_get_state(), and two globals of Binaryen's (per instance).

import { findBlockingFunctions } from './blocking-set.js';

/** The kernel ABI's one import: every host op, including the ones that block (kernel/README.md). */
export const KERNEL_BLOCKING_IMPORT = 'env.nccc_call64';

export interface AsyncifyOptions {
  /** Imports ("module.name") that may suspend (default: the kernel ABI's nccc_call64). */
  imports?: readonly string[];
  /**
   * Instrument only functions that may reach a blocking host op (signature-narrowed indirect
   * calls, the ABI's non-blocking wrappers excluded). Default true; false: Binaryen's own
   * analysis (every function that may reach the import, every indirect call).
   */
  narrow?: boolean;
  /** Binaryen's optimize level for the instrumented code (default 1: its local clean-ups). */
  optimizeLevel?: number;
}

export interface AsyncifyResult {
  bytes: Uint8Array;
  /** Functions instrumented (of `defined`), when narrowed; undefined otherwise. */
  instrumented: number | undefined;
  defined: number;
}

interface Binaryen {
  readBinary(data: Uint8Array): BinaryenModule;
  setPassArgument(key: string, value: string | null): void;
  setOptimizeLevel(level: number): number;
  setShrinkLevel(level: number): number;
  setDebugInfo(on: boolean): void;
  getFunctionInfo(ref: number): { name: string; module: string | null; base: string | null };
  Features: Record<'Atomics' | 'MutableGlobals' | 'NontrappingFPToInt' | 'BulkMemory' | 'BulkMemoryOpt' | 'SignExt' | 'ReferenceTypes' | 'Multivalue' | 'CallIndirectOverlong', number>;
}

interface BinaryenModule {
  setFeatures(features: number): void;
  getNumFunctions(): number;
  getFunctionByIndex(index: number): number;
  runPasses(passes: string[]): void;
  validate(): number;
  emitBinary(): Uint8Array;
  dispose(): void;
}

/** Apply Asyncify to `bytes`. Throws with Binaryen's message if it cannot read the module. */
export async function asyncifyWasm(bytes: Uint8Array, options: AsyncifyOptions = {}): Promise<AsyncifyResult> {
  const imports = options.imports ?? [KERNEL_BLOCKING_IMPORT];
  const narrow = options.narrow ?? true;
  const analysis = narrow ? findBlockingFunctions(bytes, imports) : undefined;
  // binaryen is an optional peer dependency (104 MB): only --asyncify needs it.
  const binaryen = ((await import('binaryen').catch(() => {
    throw new Error('--asyncify needs the binaryen package: npm install binaryen');
  })) as { default: unknown }).default as unknown as Binaryen;
  const module = binaryen.readBinary(bytes);
  try {
    // What w2js reads (WebAssembly 2.0 and threads): with every feature on, Binaryen writes newer
    // encodings (shared-everything imports) that w2js rejects.
    const f = binaryen.Features;
    module.setFeatures(f.Atomics | f.MutableGlobals | f.NontrappingFPToInt | f.BulkMemory | f.BulkMemoryOpt | f.SignExt | f.ReferenceTypes | f.Multivalue | f.CallIndirectOverlong);
    binaryen.setDebugInfo(true); // keep the name section
    binaryen.setOptimizeLevel(options.optimizeLevel ?? 1);
    binaryen.setShrinkLevel(0);
    binaryen.setPassArgument('asyncify-imports', imports.join(','));
    let instrumented: number | undefined;
    if (analysis) {
      const names: string[] = [];
      for (let i = 0; i < module.getNumFunctions(); i++) {
        const info = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
        if (info.module) continue; // imports are named by asyncify-imports
        // Binaryen keeps the binary's function order, imports first.
        if (analysis.blocking.has(i)) names.push(info.name);
      }
      // Binaryen splits the list at commas; a name with one (never in C) falls back to its analysis.
      if (names.every((n) => !n.includes(','))) {
        binaryen.setPassArgument('asyncify-onlylist', names.join(','));
        instrumented = names.length;
      }
    }
    module.runPasses(['asyncify']);
    binaryen.setPassArgument('asyncify-onlylist', null);
    binaryen.setPassArgument('asyncify-imports', null);
    return { bytes: module.emitBinary(), instrumented, defined: analysis?.defined ?? module.getNumFunctions() };
  } finally {
    module.dispose();
  }
}
