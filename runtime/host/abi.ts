// runtime/host/: the WasmLinux host ABI's numbering (kernel/abi/wasmlinux_host.h is the C
// side): every host operation is `env.nccc_call64(in, out)` with in = [group, op, args...].
// The names here only serve error messages and logs; the numbers are the ABI.

/** Groups and their operations, by number. */
export const ABI: Readonly<Record<number, { group: string; ops: Readonly<Record<number, string>> }>> = {
  0: { group: 'admin', ops: { 1: 'print', 2: 'panic' } },
  1: {
    group: 'sync',
    ops: { 1: 'sem_alloc', 2: 'sem_free', 3: 'sem_up', 4: 'sem_down', 5: 'mutex_alloc', 6: 'mutex_free', 7: 'mutex_lock', 8: 'mutex_unlock' },
  },
  2: {
    group: 'threads',
    ops: {
      1: 'thread_create', 2: 'thread_detach', 3: 'thread_exit', 4: 'thread_join', 5: 'thread_self', 6: 'thread_equal',
      7: 'gettid', 8: 'tls_alloc', 9: 'tls_free', 10: 'tls_set', 11: 'tls_get',
    },
  },
  3: { group: 'memory', ops: { 1: 'mem_alloc', 2: 'mem_free' } },
  4: { group: 'timer', ops: { 1: 'time', 2: 'timer_alloc', 3: 'timer_set_oneshot', 4: 'timer_free' } },
  5: { group: 'context', ops: { 1: 'jmp_buf_set', 2: 'jmp_buf_longjmp' } },
};

/** `threads.thread_join (2.4)`, or what is known of an unknown pair. */
export function describeOp(group: number, op: number): string {
  const g = ABI[group];
  if (!g) return `unknown group ${group} (op ${op})`;
  const name = g.ops[op];
  return name ? `${g.group}.${name} (${group}.${op})` : `unknown op ${op} in group ${group} (${g.group})`;
}

/** A host operation the kernel called wrongly (unknown op, bad handle): a bug in the kernel or the host. */
export class HostAbiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostAbiError';
  }
}
