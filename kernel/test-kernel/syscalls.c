/*
 * kernel/test-kernel: the syscall table and the exported entry point. Each entry holds a
 * function pointer of its exact arity; dispatch calls it through a pointer of that type,
 * so in wasm each call_indirect matches its callee's signature exactly.
 * Numbers are asm-generic's (as LKL's), kernel-specific ones start at 500.
 */
#include "kernel.h"

#define NR_openat 56
#define NR_pipe2 59
#define NR_close 57
#define NR_read 63
#define NR_write 64
#define NR_nanosleep 101
#define NR_clock_gettime 113
#define NR_reboot 142
#define NR_uname 160
#define NR_getpid 172
#define NR_getppid 173
#define NR_gettid 178
#define NR_kstat 500
#define NR_block_test 501
#define NR_pipe_echo 502
#define NR_hostcall 503
#define NR_crash 504
#define NR_MAX 505

#define LINUX_REBOOT_MAGIC1 0xfee1deadu
#define LINUX_REBOOT_MAGIC2 672274793u
#define LINUX_REBOOT_CMD_RESTART 0x01234567u
#define LINUX_REBOOT_CMD_HALT 0xCDEF0123u
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321FEDCu

typedef long (*sys0_t)(void);
typedef long (*sys1_t)(long);
typedef long (*sys2_t)(long, long);
typedef long (*sys3_t)(long, long, long);
typedef long (*sys4_t)(long, long, long, long);

struct syscall_entry {
	const char *name;
	int argc;
	union {
		sys0_t f0;
		sys1_t f1;
		sys2_t f2;
		sys3_t f3;
		sys4_t f4;
	};
};

static struct syscall_entry table[NR_MAX];

static long sys_read(long fd, long buf, long count) { return fd_read((int)fd, (char *)buf, count); }
static long sys_write(long fd, long buf, long count) { return fd_write((int)fd, (const char *)buf, count); }
static long sys_close(long fd) { return fd_close((int)fd); }

static long sys_pipe2(long fds, long flags)
{
	if (flags != 0)
		return -EINVAL;
	return pipe_create((int *)fds);
}

/* openat(dirfd, path, flags, mode): the /proc files of procfs.c, read-only. */
static long sys_openat(long dirfd, long path, long flags, long mode)
{
	(void)dirfd;
	(void)mode;
	if (!path)
		return -EFAULT;
	if ((flags & 3) != 0)
		return -EPERM;
	return proc_open((const char *)path);
}

static long sys_getpid(void) { return 1; }
static long sys_getppid(void) { return 0; }
static long sys_gettid(void) { return host_gettid(); }

struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

static void set_field(char *field, const char *value)
{
	memset(field, 0, 65);
	memcpy(field, value, strlen(value));
}

static long sys_uname(long buf)
{
	struct utsname *u = (struct utsname *)buf;
	if (!u)
		return -EFAULT;
	set_field(u->sysname, KERNEL_NAME);
	set_field(u->nodename, "w2js");
	set_field(u->release, KERNEL_RELEASE);
	set_field(u->version, "#1 SMP wasm32");
	set_field(u->machine, "wasm32");
	set_field(u->domainname, "(none)");
	return 0;
}

struct timespec64 {
	long long tv_sec;
	long long tv_nsec;
};

static long sys_nanosleep(long req, long rem)
{
	const struct timespec64 *t = (const struct timespec64 *)req;
	if (!t || t->tv_nsec < 0 || t->tv_nsec >= 1000000000 || t->tv_sec < 0)
		return -EINVAL;
	task_sleep_ms((unsigned)(t->tv_sec * 1000 + t->tv_nsec / 1000000)); /* the clock event's irq wakes us */
	if (rem)
		memset((void *)rem, 0, sizeof(struct timespec64));
	return 0;
}

static long sys_clock_gettime(long clock, long ts)
{
	if (clock < 0 || clock > 1)
		return -EINVAL;
	uint64_t ns = host_time();
	struct timespec64 *t = (struct timespec64 *)ts;
	t->tv_sec = (long long)(ns / 1000000000u);
	t->tv_nsec = (long long)(ns % 1000000000u);
	return 0;
}

static long sys_reboot(long magic1, long magic2, long cmd, long arg)
{
	(void)arg;
	if ((uint32_t)magic1 != LINUX_REBOOT_MAGIC1 || (uint32_t)magic2 != LINUX_REBOOT_MAGIC2)
		return -EINVAL;
	uint32_t c = (uint32_t)cmd;
	if (c != LINUX_REBOOT_CMD_RESTART && c != LINUX_REBOOT_CMD_HALT && c != LINUX_REBOOT_CMD_POWER_OFF)
		return -EINVAL;
	kernel_shutdown();
	return 0;
}

static long sys_kstat(long buf, long len)
{
	long n = len < (long)sizeof kstats ? len : (long)sizeof kstats;
	if (n < 0)
		return -EINVAL;
	memcpy((void *)buf, &kstats, (size_t)n);
	return n;
}

/* block_test(kind, ms): block the calling thread in one host operation for about ms. */
struct block_arg {
	host_mutex_t mutex;
	host_sem_t started;
	unsigned ms;
	int recursive;
};

static void block_holder(void *p)
{
	struct block_arg *a = p;
	host_mutex_lock(a->mutex);
	if (a->recursive)
		host_mutex_lock(a->mutex);
	host_sem_up(a->started);
	ksleep_ms(a->ms);
	if (a->recursive)
		host_mutex_unlock(a->mutex);
	host_mutex_unlock(a->mutex);
}

static int block_sleeper(void *p)
{
	ksleep_ms(((struct block_arg *)p)->ms);
	return 42;
}

static void sem_up_cb(void *p)
{
	KSTAT_INC(timers_fired);
	host_sem_up(*(host_sem_t *)p);
}

static long sys_block_test(long kind, long ms)
{
	struct block_arg a = { 0, 0, (unsigned)ms, 0 };
	uint64_t t0;
	long result = 0;
	switch (kind) {
	case 1: { /* sem_down, woken by a timer's callback */
		host_sem_t s = host_sem_alloc(0);
		host_timer_t t = host_timer_alloc(sem_up_cb, &s);
		KSTAT_INC(timers_armed);
		t0 = host_time();
		host_timer_set_oneshot(t, (uint64_t)ms * 1000000u);
		host_sem_down(s);
		result = (long)((host_time() - t0) / 1000000u);
		host_timer_free(t);
		host_sem_free(s);
		return result;
	}
	case 2: /* mutex_lock, on a mutex another thread holds for ms */
	case 4: { /* the same with a recursive mutex held twice */
		a.recursive = kind == 4;
		a.mutex = host_mutex_alloc(a.recursive);
		a.started = host_sem_alloc(0);
		t0 = host_time(); /* before the holder's sleep starts: a late wake-up here cannot shorten it */
		host_thread_t t = kthread_start(block_holder, &a);
		host_sem_down(a.started);
		host_mutex_lock(a.mutex);
		result = (long)((host_time() - t0) / 1000000u);
		host_mutex_unlock(a.mutex);
		host_thread_join(t);
		host_mutex_free(a.mutex);
		host_sem_free(a.started);
		return result;
	}
	case 3: { /* thread_join, on a thread that sleeps for ms and returns 42 */
		t0 = host_time();
		host_thread_t t = host_thread_create(INT_THREAD_FN(block_sleeper), &a);
		long r = host_thread_join(t);
		result = (long)((host_time() - t0) / 1000000u);
		return r == 42 ? result : -EIO;
	}
	default:
		return -EINVAL;
	}
}

/* pipe_echo(rfd, wfd): a kernel thread copies rfd to wfd upper-cased until end of file. */
struct echo_arg {
	int rfd, wfd;
};

static void echo_thread(void *p)
{
	struct echo_arg a = *(struct echo_arg *)p;
	kfree(p);
	host_thread_detach();
	char buf[128];
	long n;
	while ((n = fd_read(a.rfd, buf, sizeof buf)) > 0) {
		for (long i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] -= 32;
		if (fd_write(a.wfd, buf, n) != n)
			break;
	}
	fd_close(a.rfd);
	fd_close(a.wfd);
}

static long sys_pipe_echo(long rfd, long wfd)
{
	struct echo_arg *a = kmalloc(sizeof *a);
	if (!a)
		return -ENOMEM;
	a->rfd = (int)rfd;
	a->wfd = (int)wfd;
	kthread_start(echo_thread, a);
	return 0;
}

/* hostcall(group, op): a raw nccc_call64 without arguments, to see the host refuse bad ones. */
static long sys_hostcall(long group, long op)
{
	uint64_t in[2] = { (uint32_t)group, (uint32_t)op };
	uint64_t out[1] = { 0 };
	nccc_call64(in, out);
	return (long)out[0];
}

/* crash(kind): 1 panics on the calling thread; 2 traps on a new kernel thread, joined here. */
__attribute__((noinline)) static void crash_deep(int depth)
{
	volatile char frame[16];
	frame[0] = (char)depth;
	if (depth == 0)
		__builtin_trap();
	crash_deep(depth - 1);
	frame[1] = 0;
}

static void crash_thread(void *arg)
{
	crash_deep((int)(uintptr_t)arg);
}

static long sys_crash(long kind)
{
	if (kind == 1)
		panic("crash requested by syscall\n");
	if (kind == 2) {
		host_thread_join(host_thread_create(crash_thread, (void *)3));
		return -EIO; /* not reached: the trap halts the kernel, which wakes this join */
	}
	return -EINVAL;
}

#define SYS0(nr, fn) table[nr] = (struct syscall_entry){ .name = #fn, .argc = 0, .f0 = fn }
#define SYS1(nr, fn) table[nr] = (struct syscall_entry){ .name = #fn, .argc = 1, .f1 = fn }
#define SYS2(nr, fn) table[nr] = (struct syscall_entry){ .name = #fn, .argc = 2, .f2 = fn }
#define SYS3(nr, fn) table[nr] = (struct syscall_entry){ .name = #fn, .argc = 3, .f3 = fn }
#define SYS4(nr, fn) table[nr] = (struct syscall_entry){ .name = #fn, .argc = 4, .f4 = fn }

void syscalls_init(void)
{
	SYS3(NR_read, sys_read);
	SYS3(NR_write, sys_write);
	SYS1(NR_close, sys_close);
	SYS2(NR_pipe2, sys_pipe2);
	SYS4(NR_openat, sys_openat);
	SYS0(NR_getpid, sys_getpid);
	SYS0(NR_getppid, sys_getppid);
	SYS0(NR_gettid, sys_gettid);
	SYS1(NR_uname, sys_uname);
	SYS2(NR_nanosleep, sys_nanosleep);
	SYS2(NR_clock_gettime, sys_clock_gettime);
	SYS4(NR_reboot, sys_reboot);
	SYS2(NR_kstat, sys_kstat);
	SYS2(NR_block_test, sys_block_test);
	SYS2(NR_pipe_echo, sys_pipe_echo);
	SYS2(NR_hostcall, sys_hostcall);
	SYS1(NR_crash, sys_crash);
}

int syscall_count(void)
{
	int n = 0;
	for (int i = 0; i < NR_MAX; i++)
		n += table[i].name != 0;
	return n;
}

static long dispatch(const struct syscall_entry *e, const long *args)
{
	switch (e->argc) {
	case 0:
		return e->f0();
	case 1:
		return e->f1(args[0]);
	case 2:
		return e->f2(args[0], args[1]);
	case 3:
		return e->f3(args[0], args[1], args[2]);
	case 4:
		return e->f4(args[0], args[1], args[2], args[3]);
	}
	return -ENOSYS;
}

/* The export: syscall `no` with exactly `nargs` arguments at `args`; the result or -errno.
 * As in LKL, the calling host thread takes the CPU for the syscall (cpu.c). */
__attribute__((export_name("syscall"))) long kernel_syscall(long no, long nargs, const long *args)
{
	if (kernel_halted)
		return -EIO;
	if (no < 0 || no >= NR_MAX || !table[no].name)
		return -ENOSYS;
	const struct syscall_entry *e = &table[no];
	if (nargs != e->argc || (nargs && !args))
		return -EINVAL;
	KSTAT_INC(syscalls);
	cpu_enter();
	long r = dispatch(e, args);
	cpu_leave();
	return r;
}
