// runtime/host/: nccc_call64, the kernel's one import. It reads [group, op, args...] (u64
// words) at `in`, runs the operation for the calling thread and writes results (u64) at
// `out`. Pointers and handles are the low 32 bits of their words; counts and times use all 64.
// This is the hot path of every kernel lock and unlock: no allocation per call.

import { describeOp, HostAbiError } from './abi.js';
import type { HostThread } from './host-thread.js';
import { HALT_PANIC, KIND_THREAD } from './state.js';
import { wasmStackHere } from '../wasm-stack.js';
import { mutexAlloc, mutexFree, mutexLock, mutexUnlock, semAlloc, semDown, semFree, semUp } from './sync.js';
import { joinThread, tlsAlloc, tlsCheck, tlsFree } from './threads.js';
import { timerFree, timerSetOneshot } from './timers.js';
import { ThreadExit } from './unwind.js';
import { checkHalted } from './wait.js';

/** The low 32 bits of the u64 at `addr`. */
function u32(t: HostThread, addr: number): number {
  return t.mem(addr, 8).getUint32(addr, true);
}

function u64(t: HostThread, addr: number): bigint {
  return t.mem(addr, 8).getBigUint64(addr, true);
}

/** Write a result word (a number is zero- or sign-extended as the i32/u32 it is); none if `out` is 0. */
function put(t: HostThread, out: number, value: number | bigint): void {
  if (out === 0) return;
  const v = t.mem(out, 8);
  if (typeof value === 'bigint') {
    v.setBigUint64(out, BigInt.asUintN(64, value), true);
  } else {
    v.setUint32(out, value >>> 0, true);
    v.setUint32(out + 4, value < 0 ? 0xffffffff : 0, true);
  }
}

/** The `env.nccc_call64` import for thread `t`. */
export function createNccc(t: HostThread): (input: number, output: number) => void {
  const state = t.state;
  return function nccc_call64(input: number, output: number): void {
    const p = input >>> 0;
    const out = output >>> 0;
    const group = u32(t, p);
    const op = u32(t, p + 8);
    const a = p + 16; // argument i is the u64 at a + 8 * i
    switch (group) {
      case 0: // admin
        if (op === 1) return t.log.append(t.bytes(u32(t, a), u32(t, a + 8)).slice());
        if (op === 2) {
          // The panicking thread's kernel stack, with C files and lines where source maps are on.
          state.recordFault(`kernel panic on thread ${t.slot} (tid ${t.tid}); kernel stack:${wasmStackHere()}`);
          state.halt(HALT_PANIC);
          return checkHalted(state);
        }
        break;
      case 1: // sync
        switch (op) {
          case 1: return put(t, out, semAlloc(state, u32(t, a) | 0));
          case 2: return semFree(state, u32(t, a));
          case 3: return semUp(state, u32(t, a));
          case 4: return semDown(t, u32(t, a));
          case 5: return put(t, out, mutexAlloc(state, u32(t, a) !== 0));
          case 6: return mutexFree(state, u32(t, a));
          case 7: return mutexLock(t, u32(t, a));
          case 8: return mutexUnlock(t, u32(t, a));
        }
        break;
      case 2: // threads
        switch (op) {
          case 1: return put(t, out, t.createThread(KIND_THREAD, u32(t, a), u32(t, a + 8)));
          case 2: return t.detach();
          case 3:
            checkHalted(state);
            throw new ThreadExit();
          case 4: return put(t, out, joinThread(t, u32(t, a)));
          case 5: return put(t, out, t.slot);
          case 6: return put(t, out, u32(t, a) === u32(t, a + 8) ? 1 : 0);
          case 7: return put(t, out, t.tid);
          case 8: return put(t, out, tlsAlloc(state, u32(t, a)));
          case 9: return tlsFree(state, u32(t, a));
          case 10: {
            const key = u32(t, a);
            tlsCheck(state, key, 'tls_set');
            t.tlsSet(key, u32(t, a + 8));
            return put(t, out, 0);
          }
          case 11: {
            const key = u32(t, a);
            tlsCheck(state, key, 'tls_get');
            return put(t, out, t.tlsGet(key));
          }
        }
        break;
      case 3: // memory
        if (op === 1) {
          const size = u64(t, a);
          return put(t, out, size > 0xffffffffn ? 0 : t.pool.alloc(Number(size)));
        }
        if (op === 2) return t.pool.free(u32(t, a));
        break;
      case 4: // timer
        switch (op) {
          case 1: return put(t, out, state.now());
          case 2: return put(t, out, t.createTimer(u32(t, a), u32(t, a + 8)));
          case 3:
            timerSetOneshot(state, u32(t, a), u64(t, a + 8));
            return put(t, out, 0);
          case 4: return timerFree(state, u32(t, a));
        }
        break;
      case 5: // context
        if (op === 1) return t.jmpBufSet(u32(t, a), u32(t, a + 8));
        if (op === 2) return t.longjmp(u32(t, a), u32(t, a + 8));
        break;
    }
    throw new HostAbiError(`nccc_call64: ${describeOp(group, op)}`);
  };
}

