// runtime/host/: the exceptions that unwind through generated (or native wasm) frames. Wasm
// code cannot catch JS exceptions, so one thrown by a host op runs straight back to the host
// frame that catches it: jmp_buf_set for a longjmp, the thread's entry for thread_exit, and
// every host frame for a halt. This is how the C++ runner uses C++ exceptions.

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
