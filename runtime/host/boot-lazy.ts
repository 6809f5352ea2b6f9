// runtime/host/: bootKernel as the runtime's index exports it. Booting needs Node (files, the
// compile cache, workers), and every compiled module imports the runtime's index: a dynamic
// import keeps runtime/host/boot.ts and its node: imports out of that module graph until used.

import type { BootOptions, Kernel } from './boot.js';

/** Boot a kernel of the WasmLinux host ABI (see runtime/host/boot.ts and kernel/README.md). */
export async function bootKernel(target: string, options?: BootOptions): Promise<Kernel> {
  const boot = await import('./boot.js');
  return boot.bootKernel(target, options);
}
