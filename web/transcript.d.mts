// web/: types of transcript.mjs.
import type { Kernel } from '../runtime/host/kernel.js';

export declare const NR: Record<'openat' | 'pipe2' | 'close' | 'read' | 'write' | 'nanosleep' | 'reboot' | 'uname' | 'getpid' | 'getppid' | 'gettid' | 'kstat' | 'block_test' | 'pipe_echo', number>;
export declare function kstats(kernel: Kernel): Record<string, number>;
export declare function transcript(kernel: Kernel): string[];
