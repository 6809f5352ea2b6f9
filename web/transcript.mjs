// web/: the syscall transcript of the test kernel: syscalls whose results do not depend on timing,
// in order, as text lines, the same on every host. The demo page's `transcript` command prints it,
// and the tests compare it between the threaded Node boot, the single-thread boot without
// SharedArrayBuffer and both modes in Chromium. `kernel` is any runtime/host Kernel; every call
// is synchronous (a browser's kernel runs it on the thread that owns the kernel).

/** Syscall numbers of the test kernel (kernel/test-kernel/syscalls.c; kernel/README.md). */
export const NR = {
  openat: 56, pipe2: 59, close: 57, read: 63, write: 64, nanosleep: 101, reboot: 142, uname: 160,
  getpid: 172, getppid: 173, gettid: 178, kstat: 500, block_test: 501, pipe_echo: 502,
};

const KSTATS = ['threadsStarted', 'threadsFinished', 'timersArmed', 'timersFired', 'tlsDestructors', 'longjmps', 'syscalls'];

/** The kernel's own counters (syscall 500). */
export function kstats(kernel) {
  const buf = kernel.alloc(KSTATS.length * 4);
  try {
    const n = kernel.syscall(NR.kstat, [buf, KSTATS.length * 4]);
    if (n !== KSTATS.length * 4) throw new Error(`kstat returned ${n}`);
    return Object.fromEntries(KSTATS.map((k, i) => [k, kernel.readU32(buf + 4 * i) | 0]));
  } finally {
    kernel.free(buf);
  }
}

/** Run the transcript's syscalls against `kernel`; its lines (`what = result`). */
export function transcript(kernel) {
  const out = [];
  const say = (what, v) => void out.push(`${what} = ${String(v)}`);
  say('getpid', kernel.syscall(NR.getpid));
  say('getppid', kernel.syscall(NR.getppid));
  say('gettid', kernel.syscall(NR.gettid));
  const uts = kernel.alloc(6 * 65);
  say('uname', kernel.syscall(NR.uname, [uts]));
  say('uname fields', [0, 1, 2, 3, 4, 5].map((i) => kernel.readString(uts + 65 * i, 65)).join(' | '));
  kernel.free(uts);
  say('unknown syscall', kernel.syscall(999));
  say('getpid with an argument', kernel.syscall(NR.getpid, [1]));
  say('close(42)', kernel.syscall(NR.close, [42]));

  const fds = kernel.alloc(16);
  const buf = kernel.alloc(512);
  say('pipe2', kernel.syscall(NR.pipe2, [fds, 0]));
  say('pipe2 again', kernel.syscall(NR.pipe2, [fds + 8, 0]));
  const [inR, inW, outR, outW] = [0, 4, 8, 12].map((o) => kernel.readU32(fds + o));
  say('fds', [inR, inW, outR, outW].join(','));
  say('pipe_echo', kernel.syscall(NR.pipe_echo, [inR, outW])); // a kernel thread: in → upper case → out
  for (const word of ['ping', 'hello from the host', 'w2js']) {
    kernel.writeString(buf, word);
    say(`write ${word}`, kernel.syscall(NR.write, [inW, buf, word.length]));
    let got = '';
    while (got.length < word.length) {
      const n = kernel.syscall(NR.read, [outR, buf, 256]);
      if (n <= 0) {
        say('read failed', n);
        break;
      }
      got += kernel.readString(buf, n);
    }
    say('echoed', got);
  }
  say('close in', kernel.syscall(NR.close, [inW]));
  say('read at end of file', kernel.syscall(NR.read, [outR, buf, 256]));
  say('close out', kernel.syscall(NR.close, [outR]));

  for (const file of ['/proc/version', '/proc/meminfo', '/proc/nope']) {
    const p = kernel.allocString(file);
    const fd = kernel.syscall(NR.openat, [-100, p, 0, 0]);
    kernel.free(p);
    say(`open ${file}`, fd);
    if (fd < 0) continue;
    const n = kernel.syscall(NR.read, [fd, buf, 100]);
    say(`read ${file}`, kernel.readString(buf, n).split('\n')[0]);
    say(`close ${file}`, kernel.syscall(NR.close, [fd]));
  }
  const msg = kernel.allocString('hello from the host\n');
  say('write(1)', kernel.syscall(NR.write, [1, msg, 20]));
  say('last log line', kernel.logLines().at(-1));
  [fds, buf, msg].forEach((p) => kernel.free(p));
  const k = kstats(kernel);
  say('kstat', JSON.stringify({ tlsDestructors: k.tlsDestructors, longjmps: k.longjmps, firedAll: k.timersFired === k.timersArmed }));
  return out;
}
