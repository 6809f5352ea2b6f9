// The main job's script (`npm start`): a few syscalls against the booted test kernel, printed.
// Run by `w2js boot <kernel> --exec kernel/demo.mjs`; syscall numbers are the generic Linux ones
// the test kernel serves (kernel/README.md).

const NR = { openat: 56, pipe2: 59, read: 63, write: 64, close: 57, uname: 160, getpid: 172, gettid: 178, kstat: 500 };

export default async function demo(kernel) {
  const say = (text) => console.log(`demo: ${text}`);
  say(`getpid() = ${kernel.syscall(NR.getpid)}`);

  // uname: struct utsname is six 65-byte fields.
  const uts = kernel.alloc(6 * 65);
  say(`uname() = ${kernel.syscall(NR.uname, [uts])}: ${[0, 1, 2, 3, 4].map((i) => kernel.readString(uts + i * 65, 65)).join(' | ')}`);

  // A pipe through the kernel: write into one end, read from the other.
  const fds = kernel.alloc(8);
  say(`pipe2() = ${kernel.syscall(NR.pipe2, [fds, 0])}: fds ${kernel.readU32(fds)}, ${kernel.readU32(fds + 4)}`);
  const message = 'hello from the host, through an in-kernel pipe';
  const out = kernel.allocString(message);
  say(`write() = ${kernel.syscall(NR.write, [kernel.readU32(fds + 4), out, message.length])}`);
  const buf = kernel.alloc(128);
  const got = kernel.syscall(NR.read, [kernel.readU32(fds), buf, 128]);
  say(`read() = ${got}: "${new TextDecoder().decode(kernel.readBytes(buf, Math.max(got, 0)))}"`);
  kernel.syscall(NR.close, [kernel.readU32(fds)]);
  kernel.syscall(NR.close, [kernel.readU32(fds + 4)]);
  for (const p of [uts, fds, out]) kernel.free(p);

  // A file: open, read and close /proc/version.
  const name = kernel.allocString('/proc/version');
  const fd = kernel.syscall(NR.openat, [-100, name, 0, 0]);
  const n = kernel.syscall(NR.read, [fd, buf, 128]);
  say(`open("/proc/version") = ${fd}, read() = ${n}: ${JSON.stringify(kernel.readString(buf, Math.max(n, 0)))}`);
  kernel.syscall(NR.close, [fd]);
  kernel.free(name);
  kernel.free(buf);

  const stats = kernel.stats();
  say(`kernel stats: ${JSON.stringify(stats)}`);
}
