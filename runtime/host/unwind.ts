// runtime/host/: the exceptions that unwind through generated (or native wasm) frames. Wasm
// code cannot catch JS exceptions, so one thrown by a host op runs straight back to the host
// frame that catches it: jmp_buf_set for a longjmp, the thread's entry for thread_exit, and
// every host frame for a halt. This is how the C++ runner uses C++ exceptions.

import { is_gen } from '../generators.js';

/** jmp_buf_longjmp: caught by the jmp_buf_set frame that wrote `token` into `jmpbuf`. */
export class LongJump extends Error {
  constructor(
    readonly jmpbuf: number,
    readonly token: number,
    readonly value: number,
  ) {
    super(`longjmp to jmp_buf 0x${jmpbuf.toString(16)} escaped every jmp_buf_set frame`);
    this.name = 'LongJump';
  }
}

/** thread_exit: caught by the thread's entry, which then runs TLS destructors. */
export class ThreadExit extends Error {
  constructor() {
    super('thread_exit outside a kernel thread (on the boot thread)');
    this.name = 'ThreadExit';
  }
}

/** The kernel stopped (halt, panic or a fault elsewhere): every thread unwinds. */
export class KernelHalted extends Error {
  constructor(readonly reason: number, detail: string) {
    super(detail);
    this.name = 'KernelHalted';
  }
}

/**
 * One thread's jmp_buf_set tokens. A token is unique among the thread's live frames (a longjmp
 * only unwinds its own thread's stack, and the counter skips tokens still live after it wraps);
 * the slot bits make a buffer set on another thread miss rather than land in the wrong frame.
 */
export class JmpTokens {
  private counter = 0;
  private readonly live: number[] = [];

  /** A token for a new frame on thread `slot`, none of the live ones nor one `taken` holds. */
  next(slot: number, taken?: (token: number) => boolean): number {
    let token: number;
    do {
      this.counter = (this.counter + 1) & 0xfffff || 1;
      token = (((slot & 0x7ff) << 20) | this.counter) >>> 0;
    } while (this.live.includes(token) || taken?.(token));
    return token;
  }

  /** run() for generator mode: `body` may return a generator (a kernel function that may block), driven here. */
  *runGen<W>(token: number, body: () => unknown): Generator<W, boolean, void> {
    this.live.push(token);
    try {
      const r = body();
      if (is_gen(r)) yield* r as Generator<W, unknown, void>;
      return false;
    } catch (e) {
      if (!(e instanceof LongJump) || e.token !== token) throw e;
      return true;
    } finally {
      this.live.splice(this.live.lastIndexOf(token), 1);
    }
  }

  /** Call `body` with `token` live; true when a longjmp to it unwound back here. */
  run(token: number, body: () => void): boolean {
    this.live.push(token);
    try {
      body();
      return false;
    } catch (e) {
      if (!(e instanceof LongJump) || e.token !== token) throw e;
      return true;
    } finally {
      this.live.pop();
    }
  }
}
