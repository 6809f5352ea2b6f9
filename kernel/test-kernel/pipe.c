/*
 * kernel/test-kernel: pipes. A pipe is a 4 KiB ring under a host mutex with two condition
 * variables (readable, writable). File descriptors 0-2 are the console (reads see end of
 * file; writes go to printk), 3.. name pipe ends.
 */
#include "kernel.h"

#define PIPE_SIZE 4096
#define MAX_FDS 64

struct pipe {
	host_mutex_t lock;
	struct kcond readable;
	struct kcond writable;
	int readers;
	int writers;
	unsigned head; /* next byte to read */
	unsigned count;
	char ring[PIPE_SIZE];
};

struct file {
	struct pipe *pipe; /* a pipe end, or */
	struct procfile *proc; /* a read-only file (procfs.c); both 0: a free slot (or the console for fds 0-2) */
	int write_end;
};

static struct file files[MAX_FDS];
static host_mutex_t fd_lock;

void fd_init(void)
{
	fd_lock = host_mutex_alloc(0);
}

static int fd_alloc(struct pipe *p, int write_end)
{
	for (int fd = 3; fd < MAX_FDS; fd++) {
		if (!files[fd].pipe && !files[fd].proc) {
			files[fd].pipe = p;
			files[fd].write_end = write_end;
			return fd;
		}
	}
	return -EMFILE;
}

long pipe_create(int fds[2])
{
	struct pipe *p = kmalloc(sizeof *p);
	if (!p)
		return -ENOMEM;
	memset(p, 0, sizeof *p);
	p->lock = host_mutex_alloc(0);
	kcond_init(&p->readable);
	kcond_init(&p->writable);
	p->readers = p->writers = 1;
	host_mutex_lock(fd_lock);
	int r = fd_alloc(p, 0);
	int w = r < 0 ? r : fd_alloc(p, 1);
	if (w < 0 && r >= 0)
		files[r].pipe = 0;
	host_mutex_unlock(fd_lock);
	if (w < 0) {
		kcond_destroy(&p->readable);
		kcond_destroy(&p->writable);
		host_mutex_free(p->lock);
		kfree(p);
		return w;
	}
	fds[0] = r;
	fds[1] = w;
	return 0;
}

static struct file *fd_get(int fd)
{
	if (fd < 3 || fd >= MAX_FDS || !(files[fd].pipe || files[fd].proc))
		return 0;
	return &files[fd];
}

/* A new fd for a read-only file. */
long fd_open_proc(struct procfile *pf)
{
	host_mutex_lock(fd_lock);
	int fd = fd_alloc(0, 0);
	if (fd >= 0)
		files[fd].proc = pf;
	else
		procfile_free(pf);
	host_mutex_unlock(fd_lock);
	return fd;
}

/* Blocks until at least one byte is there or every writer is gone (then 0). */
long fd_read(int fd, char *buf, long count)
{
	if (fd == 0)
		return 0;
	struct file *f = fd_get(fd);
	if (!f || f->write_end)
		return -EBADF;
	if (count <= 0)
		return count < 0 ? -EINVAL : 0;
	if (f->proc)
		return procfile_read(f->proc, buf, count);
	struct pipe *p = f->pipe;
	host_mutex_lock(p->lock);
	while (p->count == 0 && p->writers > 0)
		kcond_wait(&p->readable, p->lock);
	long n = 0;
	while (n < count && p->count > 0) {
		buf[n++] = p->ring[p->head];
		p->head = (p->head + 1) % PIPE_SIZE;
		p->count--;
	}
	kcond_broadcast(&p->writable);
	host_mutex_unlock(p->lock);
	return n;
}

/* Blocks until every byte is in the pipe; -EPIPE once no reader is left. */
long fd_write(int fd, const char *buf, long count)
{
	if (fd == 1 || fd == 2) {
		char line[200];
		long done = 0;
		while (done < count) {
			long n = count - done < (long)sizeof line ? count - done : (long)sizeof line;
			memcpy(line, buf + done, n);
			host_print(line, (int)n);
			done += n;
		}
		return count;
	}
	struct file *f = fd_get(fd);
	if (!f || !f->write_end || f->proc)
		return -EBADF;
	if (count < 0)
		return -EINVAL;
	struct pipe *p = f->pipe;
	long n = 0;
	host_mutex_lock(p->lock);
	while (n < count) {
		if (p->readers == 0) {
			host_mutex_unlock(p->lock);
			return n ? n : -EPIPE;
		}
		if (p->count == PIPE_SIZE) {
			kcond_broadcast(&p->readable);
			kcond_wait(&p->writable, p->lock);
			continue;
		}
		p->ring[(p->head + p->count) % PIPE_SIZE] = buf[n++];
		p->count++;
	}
	kcond_broadcast(&p->readable);
	host_mutex_unlock(p->lock);
	return n;
}

long fd_close(int fd)
{
	host_mutex_lock(fd_lock);
	struct file *f = fd_get(fd);
	if (!f) {
		host_mutex_unlock(fd_lock);
		return -EBADF;
	}
	struct pipe *p = f->pipe;
	struct procfile *pf = f->proc;
	int write_end = f->write_end;
	f->pipe = 0;
	f->proc = 0;
	host_mutex_unlock(fd_lock);
	if (pf) {
		procfile_free(pf);
		return 0;
	}

	host_mutex_lock(p->lock);
	if (write_end)
		p->writers--;
	else
		p->readers--;
	int last = p->readers == 0 && p->writers == 0;
	kcond_broadcast(&p->readable);
	kcond_broadcast(&p->writable);
	host_mutex_unlock(p->lock);
	if (last) {
		kcond_destroy(&p->readable);
		kcond_destroy(&p->writable);
		host_mutex_free(p->lock);
		kfree(p);
	}
	return 0;
}

void fd_close_all(void)
{
	for (int fd = 3; fd < MAX_FDS; fd++)
		if (files[fd].pipe || files[fd].proc)
			fd_close(fd);
}
