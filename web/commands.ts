// web/: the demo terminal's commands, each a few syscalls into the booted test kernel
// (kernel/README.md lists them). They run wherever the kernel's calls are synchronous: on the
// page itself in single-thread mode, in the boot worker in threaded mode (web/boot-worker.ts).

import type { Kernel } from '../runtime/host/kernel.js';
import { NR, kstats, transcript } from './transcript.mjs';

const NR_CRASH = 504;

export const HELP = [
  'commands (each becomes syscalls into the kernel):',
  '  uname                 uname(2)',
  '  getpid | getppid | gettid',
  '  echo TEXT > pipe      write TEXT into a pipe; a kernel thread (pipe_echo) sends it back in upper case',
  '  echo TEXT             write(1, TEXT): the kernel prints it to its log',
  '  cat /proc/version | /proc/meminfo | /proc/self/stat',
  '  kstat                 the kernel\'s counters',
  '  transcript            the syscalls the tests compare between hosts',
  '  log                   the kernel log so far',
  '  panic | trap          crash the kernel (syscall 504): a panic, or a trap on a new kernel thread',
  'drop a .wasm file on the page to compile it here (w2js\'s compiler runs in the page)',
].join('\n');

/** Run one command line against `kernel`; what it prints. Throws a KernelError if the kernel stops. */
export function runCommand(kernel: Kernel, line: string): string {
  const [cmd = '', ...rest] = line.trim().split(/\s+/);
  const arg = line.trim().slice(cmd.length).trim();
  switch (cmd) {
    case '':
      return '';
    case 'help':
      return HELP;
    case 'getpid':
    case 'getppid':
    case 'gettid':
      return `${cmd}() = ${kernel.syscall(NR[cmd])}`;
    case 'uname':
      return uname(kernel);
    case 'echo':
      return /^(.*?)\s*>\s*pipe$/.test(arg) ? echoPipe(kernel, arg.replace(/\s*>\s*pipe$/, '')) : echoLog(kernel, arg);
    case 'cat':
      return cat(kernel, rest[0] ?? '');
    case 'kstat':
      return Object.entries(kstats(kernel)).map(([k, v]) => `${k}: ${v}`).join('\n');
    case 'transcript':
      return transcript(kernel).join('\n');
    case 'log':
      return kernel.logLines().join('\n');
    case 'panic':
    case 'trap':
      return `crash() = ${kernel.syscall(NR_CRASH, [cmd === 'panic' ? 1 : 2])}`;
    default:
      return `${cmd}: unknown command (try help)`;
  }
}

function uname(kernel: Kernel): string {
  const uts = kernel.alloc(6 * 65);
  try {
    const r = kernel.syscall(NR.uname, [uts]);
    if (r < 0) return `uname() = ${r}`;
    return [0, 1, 2, 3, 4].map((i) => kernel.readString(uts + 65 * i, 65)).join(' ');
  } finally {
    kernel.free(uts);
  }
}

/** Through two pipes and a kernel thread that upper-cases what it copies (syscall 502). */
function echoPipe(kernel: Kernel, text: string): string {
  const fds = kernel.alloc(16);
  const bytes = new TextEncoder().encode(text);
  const buf = kernel.alloc(Math.max(256, bytes.length));
  try {
    if (kernel.syscall(NR.pipe2, [fds, 0]) < 0 || kernel.syscall(NR.pipe2, [fds + 8, 0]) < 0) return 'pipe2 failed';
    const [inR, inW, outR, outW] = [0, 4, 8, 12].map((o) => kernel.readU32(fds + o)) as [number, number, number, number];
    kernel.syscall(NR.pipe_echo, [inR, outW]);
    kernel.writeBytes(buf, bytes);
    const wrote = kernel.syscall(NR.write, [inW, buf, bytes.length]);
    kernel.syscall(NR.close, [inW]); // end of file: the echo thread finishes and closes its end
    const got: Uint8Array[] = [];
    for (;;) {
      const n = kernel.syscall(NR.read, [outR, buf, 256]);
      if (n <= 0) break;
      got.push(kernel.readBytes(buf, n));
    }
    kernel.syscall(NR.close, [outR]);
    const back = new TextDecoder().decode(concat(got));
    return `write(pipe) = ${wrote}, read back through pipe_echo: ${back}`;
  } finally {
    kernel.free(fds);
    kernel.free(buf);
  }
}

function echoLog(kernel: Kernel, text: string): string {
  const p = kernel.allocString(`${text}\n`);
  try {
    return `write(1) = ${kernel.syscall(NR.write, [1, p, new TextEncoder().encode(text).length + 1])}`;
  } finally {
    kernel.free(p);
  }
}

function cat(kernel: Kernel, file: string): string {
  if (!file) return 'cat: which file? /proc/version, /proc/meminfo or /proc/self/stat';
  const name = kernel.allocString(file);
  const buf = kernel.alloc(4096);
  try {
    const fd = kernel.syscall(NR.openat, [-100, name, 0, 0]);
    if (fd < 0) return `cat: ${file}: error ${fd}`;
    const parts: Uint8Array[] = [];
    for (;;) {
      const n = kernel.syscall(NR.read, [fd, buf, 4096]);
      if (n <= 0) break;
      parts.push(kernel.readBytes(buf, n));
    }
    kernel.syscall(NR.close, [fd]);
    return new TextDecoder().decode(concat(parts)).replace(/\n$/, '');
  } finally {
    kernel.free(name);
    kernel.free(buf);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}
