// runtime/host/: the thread table (ABI group 2) and the workers that run threads. A thread is
// a record in the host state; its handle is the record's index. A worker runs one thread at a
// time and then waits, idle, for the next: creating a thread hands it to an idle worker
// directly through its worker record (no event loop involved, so a thread blocked in the
// kernel can create threads), or asks the spawner worker for a new one (spawner.ts).

import { HostAbiError } from './abi.js';
import type { Caller } from './sync.js';
import {
  H_NEXT_TID, H_SPAWN_SEQ, H_THREADS_CREATED, HostState, T_ARG, T_DETACHED, T_FUNC, T_KIND, T_RESULT, T_STACK_BASE, T_STACK_SIZE, T_STATE, T_TID,
  T_WORKER, THREAD_EXITED, THREAD_FREE, THREAD_RUNNING, THREAD_STARTING, W_ASSIGN, W_STATE, WORKER_BUSY, WORKER_CLAIMED,
  WORKER_IDLE, WORKER_NONE, WORKER_STARTING,
} from './state.js';
import { waitOn } from './wait.js';

/** A new thread record (STARTING) for `kind`; -1 when the table is full. */
export function claimThread(state: HostState, kind: number, func: number, arg: number, stack: { base: number; size: number }): number {
  const i32 = state.i32;
  for (let t = 1; t < state.limits.threads; t++) {
    const at = state.thread(t);
    if (Atomics.load(i32, at + T_STATE) === THREAD_FREE && Atomics.compareExchange(i32, at + T_STATE, THREAD_FREE, -1) === THREAD_FREE) {
      i32[at + T_TID] = Atomics.add(i32, H_NEXT_TID, 1);
      i32[at + T_DETACHED] = 0;
      i32[at + T_RESULT] = 0;
      i32[at + T_FUNC] = func;
      i32[at + T_ARG] = arg;
      i32[at + T_STACK_BASE] = stack.base;
      i32[at + T_STACK_SIZE] = stack.size;
      i32[at + T_KIND] = kind;
      i32[at + T_WORKER] = -1;
      Atomics.store(i32, at + T_STATE, THREAD_STARTING);
      Atomics.add(i32, H_THREADS_CREATED, 1);
      return t;
    }
  }
  return -1;
}

/** Hand thread `t` to an idle worker, or ask the spawner to start a worker for it. */
export function dispatchThread(state: HostState, t: number): void {
  const i32 = state.i32;
  for (let w = 0; w < state.limits.workers; w++) {
    const at = state.worker(w);
    if (Atomics.load(i32, at + W_STATE) === WORKER_IDLE && Atomics.compareExchange(i32, at + W_STATE, WORKER_IDLE, WORKER_CLAIMED) === WORKER_IDLE) {
      Atomics.store(i32, at + W_ASSIGN, t);
      Atomics.store(i32, at + W_STATE, WORKER_BUSY);
      Atomics.notify(i32, at + W_STATE);
      return;
    }
  }
  if (claimNewWorker(state, t) < 0) throw new HostAbiError(`thread_create: all ${state.limits.workers} workers are busy`);
  wakeSpawner(state);
}

/** Claim a worker record that has no worker and mark it STARTING with `assign` (a thread, or -1 for none); its index, or -1. */
function claimNewWorker(state: HostState, assign: number): number {
  const i32 = state.i32;
  for (let w = 0; w < state.limits.workers; w++) {
    const at = state.worker(w);
    if (Atomics.load(i32, at + W_STATE) === WORKER_NONE && Atomics.compareExchange(i32, at + W_STATE, WORKER_NONE, WORKER_CLAIMED) === WORKER_NONE) {
      Atomics.store(i32, at + W_ASSIGN, assign);
      Atomics.store(i32, at + W_STATE, WORKER_STARTING);
      return w;
    }
  }
  return -1;
}

/** Have the spawner look for STARTING records (spawner.ts). */
function wakeSpawner(state: HostState): void {
  Atomics.add(state.i32, H_SPAWN_SEQ, 1);
  Atomics.notify(state.i32, H_SPAWN_SEQ);
}

/**
 * Ask the spawner for `n` workers with no thread yet: each loads and instantiates the kernel
 * and goes idle, so threads created later start at once. Returns the worker indices.
 */
export function prestartWorkers(state: HostState, n: number): number[] {
  const started: number[] = [];
  for (let w; started.length < n && (w = claimNewWorker(state, -1)) >= 0; ) started.push(w);
  wakeSpawner(state);
  return started;
}

/** Block until each of `workers` has left STARTING (loaded, or failed and gone). */
export function waitWorkersStarted(state: HostState, workers: number[]): void {
  for (const w of workers) {
    const at = state.worker(w) + W_STATE;
    for (;;) {
      const s = Atomics.load(state.i32, at);
      if (s !== WORKER_STARTING) break;
      waitOn(state, -1, at, s);
    }
  }
}

/** The thread record of handle `t`, checked. */
export function threadRecord(state: HostState, t: number, op: string): number {
  if (!(t > 0 && t < state.limits.threads)) throw new HostAbiError(`${op}: bad thread handle ${t}`);
  const at = state.thread(t);
  const s = Atomics.load(state.i32, at + T_STATE);
  if (s === THREAD_FREE || s === -1) throw new HostAbiError(`${op}: thread handle ${t} names no thread`);
  return at;
}

/** Wait for thread `t` to end; its result. The record is then free. */
export function joinThread(c: Caller, t: number): number {
  const i32 = c.state.i32;
  const at = threadRecord(c.state, t, 'thread_join');
  if (t === c.slot) throw new HostAbiError(`thread_join: thread ${t} joins itself`);
  if (i32[at + T_DETACHED]) throw new HostAbiError(`thread_join: thread ${t} is detached`);
  for (;;) {
    const s = Atomics.load(i32, at + T_STATE);
    if (s === THREAD_EXITED) break;
    waitOn(c.state, c.slot, at + T_STATE, s);
  }
  const result = i32[at + T_RESULT]!;
  Atomics.store(i32, at + T_STATE, THREAD_FREE);
  return result;
}

/** The thread has started on its worker. */
export function markRunning(state: HostState, t: number, worker: number): void {
  const at = state.thread(t);
  state.i32[at + T_WORKER] = worker;
  Atomics.store(state.i32, at + T_STATE, THREAD_RUNNING);
  Atomics.notify(state.i32, at + T_STATE);
}

/** The thread has ended: a detached one's record is free at once, others wait for join. */
export function markExited(state: HostState, t: number, result: number): void {
  const i32 = state.i32;
  const at = state.thread(t);
  i32[at + T_RESULT] = result | 0;
  Atomics.store(i32, at + T_STATE, i32[at + T_DETACHED] ? THREAD_FREE : THREAD_EXITED);
  Atomics.notify(i32, at + T_STATE);
}

/** Block until thread `t` runs (a timer's thread must be up before its timer can be armed). */
export function waitRunning(c: Caller, t: number): void {
  const at = c.state.thread(t) + T_STATE;
  for (;;) {
    const s = Atomics.load(c.state.i32, at);
    if (s !== THREAD_STARTING) return;
    waitOn(c.state, c.slot, at, s);
  }
}

// ---- TLS keys: the key table is shared, the values are each thread's own (host-thread.ts) ----

export function tlsAlloc(state: HostState, destructor: number): number {
  const i32 = state.i32;
  for (let k = 1; k < state.limits.tlsKeys; k++) {
    const at = state.tls(k);
    if (Atomics.compareExchange(i32, at, 0, -1) === 0) {
      i32[at + 1] = destructor;
      Atomics.store(i32, at, 1);
      return k;
    }
  }
  throw new HostAbiError(`tls_alloc: all ${state.limits.tlsKeys - 1} TLS keys are in use`);
}

export function tlsCheck(state: HostState, key: number, op: string): void {
  if (!(key > 0 && key < state.limits.tlsKeys) || Atomics.load(state.i32, state.tls(key)) !== 1) throw new HostAbiError(`${op}: bad TLS key ${key}`);
}

export function tlsFree(state: HostState, key: number): void {
  tlsCheck(state, key, 'tls_free');
  Atomics.store(state.i32, state.tls(key), 0);
}

/** Key `k`'s destructor (a table index; 0 for none), or -1 if the key is not allocated. */
export function tlsDestructor(state: HostState, k: number): number {
  const at = state.tls(k);
  return Atomics.load(state.i32, at) === 1 ? state.i32[at + 1]! : -1;
}

