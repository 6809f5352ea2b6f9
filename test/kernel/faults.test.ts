// test/kernel/: how the host reports a kernel that goes wrong, on both engines: an unknown
// host op names itself, a panic and a trap on a kernel thread stop the kernel (waking the boot
// thread blocked in a join) with the trap and the function it happened in; and the other
// shape of kernel (memory defined and exported, __stack_pointer exported) boots as well.

import { describe, expect, test } from 'vitest';
import type { Kernel, KernelError } from '../../runtime/host/boot.js';
import { boot, exportMemoryKernel, NR, testKernel } from './helpers.js';

function fails(kernel: Kernel, no: number, args: number[]): KernelError {
  try {
    kernel.syscall(no, args);
  } catch (e) {
    return e as KernelError;
  }
  throw new Error('the syscall returned');
}

async function expectStopped(kernel: Kernel): Promise<void> {
  expect(kernel.halted).toBe(true);
  const report = await kernel.halt();
  expect(report.workersLeft).toBe(0);
  expect(kernel.stats().workersAlive).toBe(0);
}

describe.each(['w2js', 'native'] as const)('%s', (engine) => {
  test('an unknown host op stops the kernel with a message naming it', async () => {
    const kernel = await boot(testKernel, engine);
    const e = fails(kernel, NR.hostcall, engine === 'w2js' ? [2, 99] : [7, 1]);
    expect(e.name).toBe('KernelError');
    expect(e.reason).toBe('fault');
    expect(e.message).toMatch(engine === 'w2js' ? /HostAbiError: nccc_call64: unknown op 99 in group 2 \(threads\)/ : /HostAbiError: nccc_call64: unknown group 7 \(op 1\)/);
    expect(e.message).toMatch(/sys_hostcall/); // where: the kernel function that made the call
    await expectStopped(kernel);
  });

  test('a trap on a kernel thread stops the kernel and wakes the thread joining it', async () => {
    const kernel = await boot(testKernel, engine);
    const t0 = performance.now();
    const e = fails(kernel, NR.crash, [2]);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(e.reason).toBe('fault');
    expect(e.message).toMatch(/RuntimeError: unreachable/);
    expect(e.message).toMatch(/crash_deep[\s\S]*crash_thread/);
    await expectStopped(kernel);
  });

  test('panic() halts with the last lines of the log', async () => {
    const kernel = await boot(testKernel, engine);
    const e = fails(kernel, NR.crash, [1]);
    expect(e.reason).toBe('panic');
    expect(e.message).toMatch(/kernel panic on thread 1/);
    expect(e.message).toMatch(/Kernel panic - not syncing: crash requested by syscall/);
    await expectStopped(kernel);
  });

  test('a kernel that defines and exports its memory and __stack_pointer boots too', async () => {
    const kernel = await boot(exportMemoryKernel, engine);
    expect(kernel.logLines().at(-1)).toBe('boot: done');
    expect(kernel.syscall(NR.getpid)).toBe(1);
    const report = await kernel.halt();
    expect(report.workersLeft).toBe(0);
  });
});
