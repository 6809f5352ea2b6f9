// web/: the script of the threaded demo's kernel workers: the bundled kernel registered under the
// name the boot worker's spec gives (so no worker loads a second copy of it or of the runtime),
// then runtime/host/thread-worker.ts, which waits for its start data and runs kernel threads.

import * as compiled from 'w2js-kernel-threads';
import { registerCompiledKernel, type CompiledModule } from '../runtime/host/kernel-instance.js';
import { KERNEL_KEY } from './protocol.js';

registerCompiledKernel(KERNEL_KEY, compiled as unknown as CompiledModule);
await import('../runtime/host/thread-worker.js');
