/*
 * kernel/test-kernel: our own small kernel for the WasmLinux host ABI. It boots through
 * init(), runs self-tests of every host operation on threads of its own, then serves
 * syscalls (see syscalls.c). Everything here is freestanding: klib.c is its libc.
 */
#ifndef TEST_KERNEL_H
#define TEST_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "../abi/wasmlinux_host.h"

#define KERNEL_NAME "w2js-test-kernel"
#define KERNEL_RELEASE "1.0.0"

#define EPERM 1
#define ENOENT 2
#define EINTR 4
#define EIO 5
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EINVAL 22
#define EMFILE 24
#define EPIPE 32
#define ENOSYS 38

/* klib.c: the bits of libc the kernel needs */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* kmem.c: a first-fit allocator over the block the host gives at boot */
void kmem_init(unsigned long size);
void *kmalloc(size_t size);
void kfree(void *ptr);
size_t kmem_in_use(void);

/* A thread entry returning int: the host calls it by table index, so its value reaches join. */
#define INT_THREAD_FN(f) ((host_thread_fn)(uintptr_t)(f))

/* sched.c: threads, sleeping, condition variables over host semaphores */
host_thread_t kthread_start(host_thread_fn fn, void *arg);
void ksleep_ms(unsigned ms);
struct kcond {
	host_sem_t sem;
	int waiters;
};
void kcond_init(struct kcond *c);
void kcond_destroy(struct kcond *c);
void kcond_wait(struct kcond *c, host_mutex_t held);
void kcond_broadcast(struct kcond *c);

/* cpu.c: one CPU shared by kernel tasks, as LKL has it (see cpu.c) */
struct task;
struct cpu_stats {
	int tasks_started;
	int tasks_exited;
};
extern struct cpu_stats cpu_stats;
void cpu_start(void);
void cpu_stop(void);
void cpu_enter(void);
void cpu_leave(void);
int cpu_should_stop(void);
struct task *task_create(const char *name, int (*fn)(void *), void *arg);
int task_join(struct task *t);
struct task *task_current(void);
void task_sleep(void);
void task_wake_up(struct task *t);
void task_sleep_ms(unsigned ms);
void schedule(void);
void cond_resched(void);

/* grow.c: threads whose views of memory predate its first growth */
void grow_probes_start(void);
void grow_probes_check(void);
void *kmem_top(void);

/* Counters the host can read through the kstat syscall (see syscalls.c). */
struct kstats {
	int threads_started;
	int threads_finished;
	int timers_armed;
	int timers_fired;
	int tls_destructors;
	int longjmps;
	int syscalls;
};
extern struct kstats kstats;
#define KSTAT_INC(field) __atomic_fetch_add(&kstats.field, 1, __ATOMIC_SEQ_CST)

/* selftest.c */
void selftest_run(void);

/* pipe.c: in-kernel pipes behind a small fd table */
void fd_init(void);
long pipe_create(int fds[2]);
long fd_read(int fd, char *buf, long count);
long fd_write(int fd, const char *buf, long count);
long fd_close(int fd);
void fd_close_all(void);
struct procfile;
long fd_open_proc(struct procfile *pf);

/* procfs.c: read-only files whose text is made at open */
long proc_open(const char *path);
long procfile_read(struct procfile *pf, char *buf, long count);
void procfile_free(struct procfile *pf);

/* kthreads.c */
void kthreads_boot(void);
void kthreads_stop(void);

/* syscalls.c */
void syscalls_init(void);
int syscall_count(void);

/* main.c */
void kworker_queue(void (*fn)(void *), void *arg);
void kernel_shutdown(void);
extern volatile int kernel_halted;

#endif
