/*
 * kernel/abi: the kernel side of the WasmLinux host ABI (see kernel/README.md).
 *
 * Every host operation is one call of the single import `env.nccc_call64(in, out)`:
 * `in` points to u64 words [group, op, args...], `out` to u64 words for results (0 when
 * there are none). Pointers, function pointers (table indices) and handles are 32-bit
 * values carried in u64 slots. Handles are opaque non-zero numbers chosen by the host.
 *
 * The layout of `struct lkl_host_operations` is not part of this header: a kernel that
 * wants one (LKL does) fills it from these functions.
 */
#ifndef WASMLINUX_HOST_H
#define WASMLINUX_HOST_H

#include <stdint.h>

/* Groups and operations: the numbers are the ABI. */
enum host_group {
	HOST_ADMIN = 0,
	HOST_SYNC = 1,
	HOST_THREAD = 2,
	HOST_MEMORY = 3,
	HOST_TIMER = 4,
	HOST_CONTEXT = 5,
};

enum host_admin_op { HOST_PRINT = 1, HOST_PANIC = 2 };
enum host_sync_op {
	HOST_SEM_ALLOC = 1, HOST_SEM_FREE = 2, HOST_SEM_UP = 3, HOST_SEM_DOWN = 4,
	HOST_MUTEX_ALLOC = 5, HOST_MUTEX_FREE = 6, HOST_MUTEX_LOCK = 7, HOST_MUTEX_UNLOCK = 8,
};
enum host_thread_op {
	HOST_THREAD_CREATE = 1, HOST_THREAD_DETACH = 2, HOST_THREAD_EXIT = 3, HOST_THREAD_JOIN = 4,
	HOST_THREAD_SELF = 5, HOST_THREAD_EQUAL = 6, HOST_GETTID = 7,
	HOST_TLS_ALLOC = 8, HOST_TLS_FREE = 9, HOST_TLS_SET = 10, HOST_TLS_GET = 11,
};
enum host_memory_op { HOST_MEM_ALLOC = 1, HOST_MEM_FREE = 2 };
enum host_timer_op { HOST_TIME = 1, HOST_TIMER_ALLOC = 2, HOST_TIMER_SET_ONESHOT = 3, HOST_TIMER_FREE = 4 };
enum host_context_op { HOST_JMP_BUF_SET = 1, HOST_JMP_BUF_LONGJMP = 2 };

/* The one import. */
__attribute__((import_module("env"), import_name("nccc_call64")))
void nccc_call64(uint64_t *in, uint64_t *out);

typedef uint32_t host_sem_t;
typedef uint32_t host_mutex_t;
typedef uint32_t host_thread_t;
typedef uint32_t host_tls_key_t;
typedef uint32_t host_timer_t;

/* A thread's entry; a function returning int may be cast to this: join returns its value. */
typedef void (*host_thread_fn)(void *arg);
typedef void (*host_tls_destructor)(void *value);
typedef void (*host_timer_fn)(void *arg);

/* As LKL's struct lkl_jmp_buf: the host keeps its own token in the first word. */
struct host_jmp_buf {
	unsigned long buf[32];
};

/* 0: admin */
void host_print(const char *str, int len);
_Noreturn void host_panic(void);

/* 1: sync objects. sem_down and mutex_lock block. */
host_sem_t host_sem_alloc(int count);
void host_sem_free(host_sem_t sem);
void host_sem_up(host_sem_t sem);
void host_sem_down(host_sem_t sem);
host_mutex_t host_mutex_alloc(int recursive);
void host_mutex_free(host_mutex_t mutex);
void host_mutex_lock(host_mutex_t mutex);
void host_mutex_unlock(host_mutex_t mutex);

/* 2: threads and thread-local storage */
host_thread_t host_thread_create(host_thread_fn fn, void *arg);
void host_thread_detach(void);
_Noreturn void host_thread_exit(void);
long host_thread_join(host_thread_t thread);
host_thread_t host_thread_self(void);
int host_thread_equal(host_thread_t a, host_thread_t b);
long host_gettid(void);
host_tls_key_t host_tls_alloc(host_tls_destructor destructor);
void host_tls_free(host_tls_key_t key);
int host_tls_set(host_tls_key_t key, void *value);
void *host_tls_get(host_tls_key_t key);

/* 3: memory, from the host's pool in linear memory */
void *host_mem_alloc(unsigned long size);
void host_mem_free(void *ptr);

/* 4: time (ns) and one-shot timers whose callbacks run on a thread of their own */
uint64_t host_time(void);
host_timer_t host_timer_alloc(host_timer_fn fn, void *arg);
int host_timer_set_oneshot(host_timer_t timer, uint64_t delta_ns);
void host_timer_free(host_timer_t timer);

/* 5: context: fn runs inside; a longjmp to jmpb from within it returns from jmp_buf_set */
void host_jmp_buf_set(struct host_jmp_buf *jmpb, void (*fn)(void));
_Noreturn void host_jmp_buf_longjmp(struct host_jmp_buf *jmpb, int val);

#endif
