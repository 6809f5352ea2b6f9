// runtime/host/: blocking. Every host wait is Atomics.wait on a word of the host state (never a
// spin), registered in the thread's record so halting the kernel can wake it, and re-checked
// every RECHECK_MS in case a halt's wake-up raced ahead of the wait (one wake-up a second
// costs nothing measurable).

import { getMayBlock } from '../atomics.js';
import { HostAbiError } from './abi.js';
import { H_HALTED, HALT_FAULT, HALT_PANIC, HALT_REQUESTED, HostState, T_WAIT } from './state.js';
import { KernelHalted } from './unwind.js';

const RECHECK_MS = 1000;

/** Throw KernelHalted if the kernel has stopped. */
export function checkHalted(state: HostState): void {
  const reason = Atomics.load(state.i32, H_HALTED);
  if (reason !== 0) throw new KernelHalted(reason, haltText(state, reason));
}

/** Why the kernel stopped, in words. */
export function haltText(state: HostState, reason: number): string {
  if (reason === HALT_REQUESTED) return 'the kernel has halted';
  if (reason === HALT_PANIC) return state.fault() ?? 'kernel panic';
  if (reason === HALT_FAULT) return state.fault() ?? 'a kernel thread failed';
  return `the kernel stopped (${reason})`;
}

/**
 * Block while `state.i32[index] === expected`, at most `timeoutMs`. Returns early on a wake-up
 * (the caller re-checks its condition); throws KernelHalted once the kernel stops.
 * `thread`: the calling thread's slot (-1 for none).
 */
export function waitOn(state: HostState, thread: number, index: number, expected: number, timeoutMs = Infinity): 'ok' | 'not-equal' | 'timed-out' {
  const waitWord = thread >= 0 ? state.thread(thread) + T_WAIT : -1;
  if (waitWord >= 0) Atomics.store(state.i32, waitWord, index);
  try {
    const until = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
    for (;;) {
      checkHalted(state);
      const left = until - performance.now();
      if (left <= 0) return 'timed-out';
      // A browser's main thread (or one marked with setMayBlock(false)) must not block.
      if (!getMayBlock() && Atomics.load(state.i32, index) === expected) throw new HostAbiError('a host op would block a thread that may not block (runtime/atomics.ts setMayBlock)');
      const r = Atomics.wait(state.i32, index, expected, Math.min(left, RECHECK_MS));
      if (r !== 'timed-out') return r;
    }
  } finally {
    if (waitWord >= 0) Atomics.store(state.i32, waitWord, -1);
  }
}

/** A futex mutex on one word (0 free, 1 locked, 2 locked with waiters): for host-internal tables. */
export function lockWord(state: HostState, thread: number, index: number): void {
  const i32 = state.i32;
  let c = Atomics.compareExchange(i32, index, 0, 1);
  if (c === 0) return;
  if (c !== 2) c = Atomics.exchange(i32, index, 2);
  while (c !== 0) {
    waitOn(state, thread, index, 2);
    c = Atomics.exchange(i32, index, 2);
  }
}

export function unlockWord(state: HostState, index: number): void {
  if (Atomics.sub(state.i32, index, 1) !== 1) {
    Atomics.store(state.i32, index, 0);
    Atomics.notify(state.i32, index, 1);
  }
}
