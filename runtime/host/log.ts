// runtime/host/: the kernel log (ABI print). Every thread appends the bytes the kernel prints
// to one SharedArrayBuffer (a reserved range per print, so prints never interleave inside a
// line) and, for live output, writes them to a file descriptor itself (Node; fdSink): a worker
// cannot rely on the main thread's event loop, which may be blocked in a syscall. A page reads
// the buffer instead. No static Node import: a page's workers load this file too.

const HEADER = 8; // [bytes written (may exceed capacity), bytes dropped]

export class SharedLog {
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;

  /** A log with room for `capacity` bytes; `plain`: in a plain ArrayBuffer, for one JS thread. */
  static create(capacity: number, plain = typeof SharedArrayBuffer !== 'function'): SharedLog {
    return new SharedLog(plain ? new ArrayBuffer(HEADER + capacity) : new SharedArrayBuffer(HEADER + capacity));
  }

  constructor(
    readonly buffer: SharedArrayBuffer | ArrayBuffer,
    /** Where to copy each print as it happens (fdSink; none: nowhere). */
    private readonly sink?: (bytes: Uint8Array) => void,
  ) {
    this.i32 = new Int32Array(buffer, 0, 2);
    this.u8 = new Uint8Array(buffer, HEADER);
  }

  append(bytes: Uint8Array): void {
    const at = Atomics.add(this.i32, 0, bytes.length);
    const room = Math.max(0, Math.min(bytes.length, this.u8.length - at));
    this.u8.set(bytes.subarray(0, room), at);
    if (room < bytes.length) Atomics.add(this.i32, 1, bytes.length - room);
    this.sink?.(bytes);
  }

  /** Everything printed so far (up to the capacity). */
  text(): string {
    const n = Math.min(Atomics.load(this.i32, 0), this.u8.length);
    return new TextDecoder().decode(this.u8.slice(0, n));
  }

  /** Bytes that did not fit. */
  get dropped(): number {
    return Atomics.load(this.i32, 1);
  }
}

/** A log sink writing each print to file descriptor `fd` (Node's fs; none for fd < 0). */
export async function fdSink(fd: number): Promise<((bytes: Uint8Array) => void) | undefined> {
  if (fd < 0) return undefined;
  const { writeSync } = await import('node:fs');
  return (bytes) => {
    try {
      writeSync(fd, bytes);
    } catch {
      // A closed or full output must not take the kernel down; the log keeps the text.
    }
  };
}
