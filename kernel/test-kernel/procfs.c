/*
 * kernel/test-kernel: a few read-only /proc files, their text made at open (as procfs does
 * with seq_file), so that open/read/close is a realistic syscall path: a lookup, formatting
 * with live counters, an allocation, copies, a free.
 */
#include "kernel.h"

struct procfile {
	long pos;
	long len;
	char text[512];
};

static long proc_stat(char *buf, long size)
{
	uint64_t ns = host_time();
	return snprintf(buf, (size_t)size,
			"1 (init) S 0 1 1 0 -1 4194560 %d 0 0 0 %llu %llu 0 0 20 0 %d 0 %llu %lu %d\n", kstats.syscalls,
			(unsigned long long)(ns / 10000000u % 100000u), (unsigned long long)(ns / 1000u % 1000u),
			cpu_stats.tasks_started - cpu_stats.tasks_exited, (unsigned long long)(ns / 1000000000u % 100000u),
			(unsigned long)kmem_in_use(), kstats.threads_started);
}

static long proc_version(char *buf, long size)
{
	return snprintf(buf, (size_t)size, "Linux version %s (%s) #1 SMP wasm32\n", KERNEL_RELEASE, KERNEL_NAME);
}

static long proc_meminfo(char *buf, long size)
{
	unsigned long used = (unsigned long)kmem_in_use() / 1024;
	return snprintf(buf, (size_t)size, "MemTotal: %8lu kB\nMemFree:  %8lu kB\nMemUsed:  %8lu kB\n", 8192ul,
			8192ul - used, used);
}

static const struct {
	const char *path;
	long (*show)(char *buf, long size);
} proc_files[] = {
	{ "/proc/self/stat", proc_stat },
	{ "/proc/version", proc_version },
	{ "/proc/meminfo", proc_meminfo },
};

static int path_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* A new fd reading the file at `path`; -ENOENT if there is none. */
long proc_open(const char *path)
{
	for (size_t i = 0; i < sizeof proc_files / sizeof proc_files[0]; i++) {
		if (!path_eq(path, proc_files[i].path))
			continue;
		struct procfile *pf = kmalloc(sizeof *pf);
		if (!pf)
			return -ENOMEM;
		pf->pos = 0;
		pf->len = proc_files[i].show(pf->text, sizeof pf->text);
		if (pf->len >= (long)sizeof pf->text)
			pf->len = sizeof pf->text - 1;
		return fd_open_proc(pf);
	}
	return -ENOENT;
}

long procfile_read(struct procfile *pf, char *buf, long count)
{
	long n = pf->len - pf->pos;
	if (n > count)
		n = count;
	memcpy(buf, pf->text + pf->pos, (size_t)n);
	pf->pos += n;
	return n;
}

void procfile_free(struct procfile *pf)
{
	kfree(pf);
}
