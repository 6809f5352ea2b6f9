/*
 * kernel/abi: the host operations of wasmlinux_host.h as calls of nccc_call64.
 * Each builds [group, op, args...] on its stack and reads results from out[].
 */
#include "wasmlinux_host.h"

#define P(x) ((uint64_t)(uintptr_t)(x))

static inline void call0(uint64_t group, uint64_t op)
{
	uint64_t in[2] = { group, op };
	nccc_call64(in, 0);
}

static inline void call1(uint64_t group, uint64_t op, uint64_t a)
{
	uint64_t in[3] = { group, op, a };
	nccc_call64(in, 0);
}

static inline uint64_t ret0(uint64_t group, uint64_t op)
{
	uint64_t in[2] = { group, op };
	uint64_t out[1] = { 0 };
	nccc_call64(in, out);
	return out[0];
}

static inline uint64_t ret1(uint64_t group, uint64_t op, uint64_t a)
{
	uint64_t in[3] = { group, op, a };
	uint64_t out[1] = { 0 };
	nccc_call64(in, out);
	return out[0];
}

static inline uint64_t ret2(uint64_t group, uint64_t op, uint64_t a, uint64_t b)
{
	uint64_t in[4] = { group, op, a, b };
	uint64_t out[1] = { 0 };
	nccc_call64(in, out);
	return out[0];
}

void host_print(const char *str, int len)
{
	uint64_t in[4] = { HOST_ADMIN, HOST_PRINT, P(str), (uint64_t)len };
	nccc_call64(in, 0);
}

_Noreturn void host_panic(void)
{
	call0(HOST_ADMIN, HOST_PANIC);
	__builtin_trap();
}

host_sem_t host_sem_alloc(int count) { return (host_sem_t)ret1(HOST_SYNC, HOST_SEM_ALLOC, (uint64_t)count); }
void host_sem_free(host_sem_t sem) { call1(HOST_SYNC, HOST_SEM_FREE, sem); }
void host_sem_up(host_sem_t sem) { call1(HOST_SYNC, HOST_SEM_UP, sem); }
void host_sem_down(host_sem_t sem) { call1(HOST_SYNC, HOST_SEM_DOWN, sem); }
host_mutex_t host_mutex_alloc(int recursive) { return (host_mutex_t)ret1(HOST_SYNC, HOST_MUTEX_ALLOC, (uint64_t)recursive); }
void host_mutex_free(host_mutex_t mutex) { call1(HOST_SYNC, HOST_MUTEX_FREE, mutex); }
void host_mutex_lock(host_mutex_t mutex) { call1(HOST_SYNC, HOST_MUTEX_LOCK, mutex); }
void host_mutex_unlock(host_mutex_t mutex) { call1(HOST_SYNC, HOST_MUTEX_UNLOCK, mutex); }

host_thread_t host_thread_create(host_thread_fn fn, void *arg)
{
	return (host_thread_t)ret2(HOST_THREAD, HOST_THREAD_CREATE, P(fn), P(arg));
}
void host_thread_detach(void) { call0(HOST_THREAD, HOST_THREAD_DETACH); }
_Noreturn void host_thread_exit(void)
{
	call0(HOST_THREAD, HOST_THREAD_EXIT);
	__builtin_trap();
}
long host_thread_join(host_thread_t thread) { return (long)ret1(HOST_THREAD, HOST_THREAD_JOIN, thread); }
host_thread_t host_thread_self(void) { return (host_thread_t)ret0(HOST_THREAD, HOST_THREAD_SELF); }
int host_thread_equal(host_thread_t a, host_thread_t b) { return (int)ret2(HOST_THREAD, HOST_THREAD_EQUAL, a, b); }
long host_gettid(void) { return (long)ret0(HOST_THREAD, HOST_GETTID); }
host_tls_key_t host_tls_alloc(host_tls_destructor destructor) { return (host_tls_key_t)ret1(HOST_THREAD, HOST_TLS_ALLOC, P(destructor)); }
void host_tls_free(host_tls_key_t key) { call1(HOST_THREAD, HOST_TLS_FREE, key); }
int host_tls_set(host_tls_key_t key, void *value) { return (int)ret2(HOST_THREAD, HOST_TLS_SET, key, P(value)); }
void *host_tls_get(host_tls_key_t key) { return (void *)(uintptr_t)ret1(HOST_THREAD, HOST_TLS_GET, key); }

void *host_mem_alloc(unsigned long size) { return (void *)(uintptr_t)ret1(HOST_MEMORY, HOST_MEM_ALLOC, size); }
void host_mem_free(void *ptr) { call1(HOST_MEMORY, HOST_MEM_FREE, P(ptr)); }

uint64_t host_time(void) { return ret0(HOST_TIMER, HOST_TIME); }
host_timer_t host_timer_alloc(host_timer_fn fn, void *arg) { return (host_timer_t)ret2(HOST_TIMER, HOST_TIMER_ALLOC, P(fn), P(arg)); }
int host_timer_set_oneshot(host_timer_t timer, uint64_t delta_ns) { return (int)ret2(HOST_TIMER, HOST_TIMER_SET_ONESHOT, timer, delta_ns); }
void host_timer_free(host_timer_t timer) { call1(HOST_TIMER, HOST_TIMER_FREE, timer); }

void host_jmp_buf_set(struct host_jmp_buf *jmpb, void (*fn)(void))
{
	uint64_t in[5] = { HOST_CONTEXT, HOST_JMP_BUF_SET, P(jmpb), P(fn), sizeof(struct host_jmp_buf) };
	nccc_call64(in, 0);
}

_Noreturn void host_jmp_buf_longjmp(struct host_jmp_buf *jmpb, int val)
{
	uint64_t in[4] = { HOST_CONTEXT, HOST_JMP_BUF_LONGJMP, P(jmpb), (uint64_t)(uint32_t)val };
	nccc_call64(in, 0);
	__builtin_trap();
}
