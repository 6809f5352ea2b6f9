// runtime/host/: time and one-shot timers (ABI group 4). time() is the monotonic clock in ns
// (counted from the Unix epoch). Each timer owns a thread (a worker with its own instance)
// that sleeps in Atomics.wait until the deadline and then calls func(arg) there, as the C++
// runner gives each timer a std::thread. The timer's word packs a sequence number with the
// ARMED and DISPOSED bits, so a re-arm racing with a firing is never lost.

import { HostAbiError } from './abi.js';
import type { Caller } from './sync.js';
import {
  H_TIMERS_FIRED, HostState, KIND_TIMER, M_ARG, M_FIRED, M_FUNC, M_THREAD, M_USED, M_WORD, TIMER_ARMED, TIMER_DISPOSED,
} from './state.js';
import { claimThread, dispatchThread, waitRunning } from './threads.js';
import { waitOn } from './wait.js';

const SEQ = 4;

function timerRecord(state: HostState, h: number, op: string): number {
  if (!(h > 0 && h < state.limits.timers) || Atomics.load(state.i32, state.timer(h) + M_USED) !== 1) throw new HostAbiError(`${op}: bad timer handle ${h}`);
  return state.timer(h);
}

/**
 * A timer calling func(arg); its thread is running when this returns (so deadlines are kept
 * from the first arming on). `stack` gives the timer thread's stack.
 */
export function timerAlloc(c: Caller, func: number, arg: number, stack: { base: number; size: number }): number {
  const i32 = c.state.i32;
  for (let h = 1; h < c.state.limits.timers; h++) {
    const at = c.state.timer(h);
    if (Atomics.compareExchange(i32, at + M_USED, 0, -1) !== 0) continue;
    i32[at + M_FUNC] = func;
    i32[at + M_ARG] = arg;
    i32[at + M_FIRED] = 0;
    Atomics.store(i32, at + M_WORD, 0);
    const t = claimThread(c.state, KIND_TIMER, h, 0, stack);
    if (t < 0) {
      Atomics.store(i32, at + M_USED, 0);
      throw new HostAbiError('timer_alloc: the thread table is full');
    }
    i32[at + M_THREAD] = t;
    Atomics.store(i32, at + M_USED, 1);
    dispatchThread(c.state, t);
    waitRunning(c, t);
    return h;
  }
  throw new HostAbiError(`timer_alloc: all ${c.state.limits.timers - 1} timers are in use`);
}

/** Fire once, `deltaNs` from now; replaces any earlier arming. */
export function timerSetOneshot(state: HostState, h: number, deltaNs: bigint): void {
  const at = timerRecord(state, h, 'timer_set_oneshot');
  Atomics.store(state.i64, state.timerDeadline(h), state.now() + deltaNs);
  const i32 = state.i32;
  for (;;) {
    const w = Atomics.load(i32, at + M_WORD);
    if (w & TIMER_DISPOSED) throw new HostAbiError(`timer_set_oneshot: timer ${h} has been freed`);
    if (Atomics.compareExchange(i32, at + M_WORD, w, ((w + SEQ) & ~3) | TIMER_ARMED) === w) break;
  }
  Atomics.notify(i32, at + M_WORD);
}

/** Stop the timer; its thread ends (after a callback in progress returns) and frees the record. */
export function timerFree(state: HostState, h: number): void {
  const at = timerRecord(state, h, 'timer_free');
  Atomics.or(state.i32, at + M_WORD, TIMER_DISPOSED);
  Atomics.notify(state.i32, at + M_WORD);
}

/** The timer thread's body: wait for each deadline and call `fire()`, until the timer is freed. */
export function runTimer(c: Caller, h: number, fire: (func: number, arg: number) => void): void {
  const state = c.state;
  const i32 = state.i32;
  const at = state.timer(h);
  for (;;) {
    const w = Atomics.load(i32, at + M_WORD);
    if (w & TIMER_DISPOSED) break;
    if (!(w & TIMER_ARMED)) {
      waitOn(state, c.slot, at + M_WORD, w);
      continue;
    }
    const left = Atomics.load(state.i64, state.timerDeadline(h)) - state.now();
    if (left > 0n) {
      // Wake a little late rather than early: Atomics.wait takes whole-ish milliseconds.
      waitOn(state, c.slot, at + M_WORD, w, Math.ceil(Number(left) / 1e6));
      continue;
    }
    if (Atomics.compareExchange(i32, at + M_WORD, w, w & ~TIMER_ARMED) !== w) continue; // re-armed meanwhile
    Atomics.add(i32, at + M_FIRED, 1);
    Atomics.add(i32, H_TIMERS_FIRED, 1);
    fire(i32[at + M_FUNC]!, i32[at + M_ARG]!);
  }
  Atomics.store(i32, at + M_USED, 0);
}
