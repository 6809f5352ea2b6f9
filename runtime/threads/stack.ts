// runtime/threads/: thread stacks. Each thread's shadow stack (clang's `__stack_pointer` stack)
// is a region of linear memory; the allocator that hands regions out is pluggable.

/** A region [base, base + size) of linear memory. */
export interface StackRegion {
  base: number;
  size: number;
}

/** Hands out thread stacks. Runs on the thread that owns the ThreadPool. */
export interface StackAllocator {
  allocate(size: number, threadId: number): StackRegion | Promise<StackRegion>;
  /** Called once the thread's worker has exited, so the region is free again. */
  release(stack: StackRegion, threadId: number): void | Promise<void>;
}

/** Wasm's red zone: leaf functions may use up to 128 bytes below the stack pointer unannounced. */
export const RED_ZONE = 128;
/** The stack pointer's alignment in the wasm C ABI. */
export const STACK_ALIGN = 16;

/** The initial stack pointer of a region: its top, aligned down to 16 (the stack grows down). */
export function initialStackPointer(stack: StackRegion): number {
  const top = stack.base + stack.size;
  return top - (top % STACK_ALIGN);
}

/** Check that a region can hold a stack at all; returns it. */
export function checkStack(stack: StackRegion): StackRegion {
  const { base, size } = stack;
  if (!Number.isInteger(base) || !Number.isInteger(size) || base < 0 || size < 0 || base + size > 2 ** 32) {
    throw new RangeError(`stack region [${base}, ${base}+${size}) is not inside a 32-bit memory`);
  }
  if (initialStackPointer(stack) - base < RED_ZONE + STACK_ALIGN) throw new RangeError(`stack region of ${size} bytes is too small`);
  return stack;
}

/**
 * The default allocator: carves stacks out of a region the caller reserved (a static array in
 * the program, or memory above its heap), 16-byte aligned, and reuses released ones.
 */
export class RegionStackAllocator implements StackAllocator {
  private next: number;
  private readonly end: number;
  private readonly free: StackRegion[] = [];

  constructor(region: StackRegion) {
    const base = Math.ceil(region.base / STACK_ALIGN) * STACK_ALIGN;
    this.next = base;
    this.end = region.base + region.size;
  }

  allocate(size: number): StackRegion {
    const rounded = Math.ceil(size / STACK_ALIGN) * STACK_ALIGN;
    const i = this.free.findIndex((s) => s.size === rounded);
    if (i >= 0) return this.free.splice(i, 1)[0]!;
    if (this.next + rounded > this.end) throw new RangeError(`no room for another ${rounded}-byte thread stack in the stack region`);
    const stack = { base: this.next, size: rounded };
    this.next += rounded;
    return checkStack(stack);
  }

  release(stack: StackRegion): void {
    this.free.push(stack);
  }
}
