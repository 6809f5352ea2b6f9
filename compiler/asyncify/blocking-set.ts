// compiler/asyncify/: which functions of a kernel may block, so that Binaryen's Asyncify pass
// instruments only those (asyncify-onlylist). Runs on our own reader's IR, before Binaryen.
//
// Kept: every function on a call path (direct, or indirect through the table) from any caller to
// a host op that suspends a green thread is listed. Dropped: indirect calls are narrowed by
// signature (a call_indirect of type T reaches only table functions of type T), and calls of
// the blocking import from the ABI's non-blocking wrappers (host_print, host_sem_up, ...: known
// by their name-section names) are not suspension points, nor are the helpers they share with
// blocking wrappers when called from them. A function that calls the import and is not a known
// non-blocking wrapper (a helper, or a wrapper inlined into its caller) is assumed to block.

import { readFuncBody, readModule } from '../read/module.js';
import type { FuncType, Module } from '../ir/module.js';

/** Host ops of kernel/abi/wasmlinux_host.h that never suspend the calling green thread. */
export const NON_BLOCKING_WRAPPERS: readonly string[] = [
  'host_print', 'host_panic', 'host_sem_alloc', 'host_sem_free', 'host_sem_up', 'host_mutex_alloc', 'host_mutex_free',
  'host_mutex_unlock', 'host_thread_create', 'host_thread_detach', 'host_thread_exit', 'host_thread_self', 'host_thread_equal',
  'host_gettid', 'host_tls_alloc', 'host_tls_free', 'host_tls_set', 'host_tls_get', 'host_mem_alloc', 'host_mem_free', 'host_time',
  'host_timer_alloc', 'host_timer_set_oneshot', 'host_timer_free', 'host_jmp_buf_longjmp',
];

export interface BlockingAnalysis {
  /** Function indices (imports included) that may unwind: the import itself and every caller chain to it. */
  blocking: Set<number>;
  /** Index of each blocking import. */
  imports: number[];
  /** Defined functions in the module. */
  defined: number;
}

function signature(t: FuncType): string {
  return `${t.params.join(',')}->${t.results.join(',')}`;
}

/** The functions that may suspend through `blockingImports` ("module.name"). */
export function findBlockingFunctions(bytes: Uint8Array, blockingImports: readonly string[]): BlockingAnalysis {
  const m: Module = readModule(bytes, { lazyBodies: true });
  const imports: number[] = [];
  let funcIndex = 0;
  for (const imp of m.imports) {
    if (imp.kind !== 'func') continue;
    if (blockingImports.includes(`${imp.module}.${imp.name}`)) imports.push(funcIndex);
    funcIndex++;
  }
  const sig = (f: number): string => signature(m.types[m.funcTypes[f]!]!);
  // Table functions by signature: what a call_indirect of that signature may reach.
  const tableBySig = new Map<string, number[]>();
  for (const e of m.elems) {
    for (const init of e.init) {
      for (const ins of init.body) {
        if (ins.op !== 'ref.func' || ins.index === undefined) continue;
        const s = sig(ins.index);
        const list = tableBySig.get(s) ?? tableBySig.set(s, []).get(s)!;
        list.push(ins.index);
      }
    }
  }
  // Reverse call graph: callee → callers.
  const callers = new Map<number, Set<number>>();
  const addEdge = (from: number, to: number): void => {
    (callers.get(to) ?? callers.set(to, new Set()).get(to)!).add(from);
  };
  const nonBlocking = new Set(NON_BLOCKING_WRAPPERS);
  const blocking = new Set<number>(imports);
  const importSet = new Set(imports);
  for (let i = 0; i < m.funcs.length; i++) {
    const self = m.importedFuncs + i;
    const body = readFuncBody(bytes, m, m.funcs[i]!);
    for (const ins of body) {
      if ((ins.op === 'call' || ins.op === 'return_call') && ins.index !== undefined) {
        if (importSet.has(ins.index)) {
          if (!nonBlocking.has(m.names.funcs.get(self) ?? '')) blocking.add(self);
        } else {
          addEdge(self, ins.index);
        }
      } else if ((ins.op === 'call_indirect' || ins.op === 'return_call_indirect') && ins.index !== undefined) {
        for (const target of tableBySig.get(signature(m.types[ins.index]!)) ?? []) addEdge(self, target);
      }
    }
  }
  const work = [...blocking];
  // A non-blocking wrapper reaches the import only with its own op, whatever helpers it shares
  // with blocking ones (host_sem_up and host_sem_down both call clang's outlined call1).
  const isWrapper = (f: number): boolean => nonBlocking.has(m.names.funcs.get(f) ?? '');
  while (work.length > 0) {
    const f = work.pop()!;
    for (const c of callers.get(f) ?? []) {
      if (!blocking.has(c) && !isWrapper(c)) {
        blocking.add(c);
        work.push(c);
      }
    }
  }
  return { blocking, imports, defined: m.funcs.length };
}
