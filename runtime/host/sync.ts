// runtime/host/: semaphores and mutexes (ABI group 1). Each is a record in the host state's
// sync table; its handle is the record's index (never 0). A semaphore's value word is its
// count, and its owner word counts the threads waiting on it (so sem_up notifies only when one
// may be); a mutex's value word is a futex (0 free, 1 locked, 2 locked with waiters) with the
// owner's tid and, for a recursive mutex, the depth beside it. Waits are Atomics.wait.
// These run on every kernel lock, unlock and context switch: no allocation, one type check.

import { HostAbiError } from './abi.js';
import { HostState, S_DEPTH, S_OWNER, S_TYPE, S_VALUE, SYNC_FREE, SYNC_MUTEX, SYNC_RMUTEX, SYNC_SEM } from './state.js';
import { waitOn } from './wait.js';

/** What a sync op needs to know about the calling thread. */
export interface Caller {
  readonly state: HostState;
  /** Thread slot (for halting waits). */
  readonly slot: number;
  readonly tid: number;
}

const KIND_NAMES = ['free', 'semaphore', 'mutex', 'recursive mutex'];
/** A semaphore's waiter count lives in the owner word (semaphores have no owner). */
const S_WAITERS = S_OWNER;

function alloc(state: HostState, type: number, value: number): number {
  const i32 = state.i32;
  for (let h = 1; h < state.limits.syncObjects; h++) {
    const at = state.sync(h);
    if (Atomics.load(i32, at + S_TYPE) === SYNC_FREE && Atomics.compareExchange(i32, at + S_TYPE, SYNC_FREE, -1) === SYNC_FREE) {
      Atomics.store(i32, at + S_VALUE, value);
      Atomics.store(i32, at + S_OWNER, 0);
      Atomics.store(i32, at + S_DEPTH, 0);
      Atomics.store(i32, at + S_TYPE, type);
      return h;
    }
  }
  throw new HostAbiError(`sync: all ${state.limits.syncObjects - 1} semaphores and mutexes are in use`);
}

/** Type masks for record(): bit `type` set for each type allowed. */
const SEM = 1 << SYNC_SEM;
const MUTEXES = (1 << SYNC_MUTEX) | (1 << SYNC_RMUTEX);

/** The record of handle `h`, checked to be of a type in the `types` mask. */
function record(state: HostState, h: number, types: number, op: string): number {
  if (!(h > 0 && h < state.limits.syncObjects)) throw new HostAbiError(`${op}: bad handle ${h}`);
  const at = state.sync(h);
  const type = Atomics.load(state.i32, at + S_TYPE);
  if (type < 0 || ((1 << type) & types) === 0) throw new HostAbiError(`${op}: handle ${h} is a ${KIND_NAMES[type] ?? 'bad object'}`);
  return at;
}

function free(state: HostState, h: number, types: number, op: string): void {
  const at = record(state, h, types, op);
  Atomics.store(state.i32, at + S_TYPE, SYNC_FREE);
}

export function semAlloc(state: HostState, count: number): number {
  return alloc(state, SYNC_SEM, count);
}

export function semFree(state: HostState, h: number): void {
  free(state, h, SEM, 'sem_free');
}

export function semUp(state: HostState, h: number): void {
  const rec = record(state, h, SEM, 'sem_up');
  Atomics.add(state.i32, rec + S_VALUE, 1);
  // A waiter counts itself before it reads the count (all seq-cst): either it sees this unit, or
  // this sees it and wakes it.
  if (Atomics.load(state.i32, rec + S_WAITERS) > 0) Atomics.notify(state.i32, rec + S_VALUE, 1);
}

/** Take one unit, blocking while the count is 0. */
export function semDown(c: Caller, h: number): void {
  const i32 = c.state.i32;
  const rec = record(c.state, h, SEM, 'sem_down');
  const at = rec + S_VALUE;
  for (;;) {
    const n = Atomics.load(i32, at);
    if (n > 0) {
      if (Atomics.compareExchange(i32, at, n, n - 1) === n) return;
      continue;
    }
    Atomics.add(i32, rec + S_WAITERS, 1);
    try {
      waitOn(c.state, c.slot, at, 0);
    } finally {
      Atomics.sub(i32, rec + S_WAITERS, 1);
    }
  }
}

export function mutexAlloc(state: HostState, recursive: boolean): number {
  return alloc(state, recursive ? SYNC_RMUTEX : SYNC_MUTEX, 0);
}

export function mutexFree(state: HostState, h: number): void {
  free(state, h, MUTEXES, 'mutex_free');
}

export function mutexLock(c: Caller, h: number): void {
  const i32 = c.state.i32;
  const rec = record(c.state, h, MUTEXES, 'mutex_lock');
  const word = rec + S_VALUE;
  if (Atomics.load(i32, rec + S_OWNER) === c.tid) {
    if (Atomics.load(i32, rec + S_TYPE) !== SYNC_RMUTEX) throw new HostAbiError(`mutex_lock: thread ${c.tid} already holds mutex ${h} (not recursive): deadlock`);
    i32[rec + S_DEPTH]!++; // only the owner touches the depth
    return;
  }
  // Drepper, "Futexes Are Tricky", mutex 3.
  let s = Atomics.compareExchange(i32, word, 0, 1);
  if (s !== 0) {
    if (s !== 2) s = Atomics.exchange(i32, word, 2);
    while (s !== 0) {
      waitOn(c.state, c.slot, word, 2);
      s = Atomics.exchange(i32, word, 2);
    }
  }
  Atomics.store(i32, rec + S_OWNER, c.tid);
  i32[rec + S_DEPTH] = 0;
}

export function mutexUnlock(c: Caller, h: number): void {
  const i32 = c.state.i32;
  const rec = record(c.state, h, MUTEXES, 'mutex_unlock');
  const owner = Atomics.load(i32, rec + S_OWNER);
  if (Atomics.load(i32, rec + S_TYPE) === SYNC_RMUTEX) {
    if (owner !== c.tid) throw new HostAbiError(`mutex_unlock: thread ${c.tid} does not hold recursive mutex ${h} (owner ${owner})`);
    if (i32[rec + S_DEPTH]! > 0) {
      i32[rec + S_DEPTH]!--;
      return;
    }
  }
  Atomics.store(i32, rec + S_OWNER, 0);
  const word = rec + S_VALUE;
  if (Atomics.sub(i32, word, 1) !== 1) {
    Atomics.store(i32, word, 0);
    Atomics.notify(i32, word, 1);
  }
}
