/*
 * kernel/test-kernel: kmalloc. At boot the kernel asks the host for one large block
 * (host mem_alloc) and carves it first-fit; a host mutex serialises all callers.
 */
#include "kernel.h"

struct chunk {
	size_t size; /* payload bytes, a multiple of 16 */
	int free;
	struct chunk *next;
	uint32_t pad;
};

static struct chunk *heap;
static unsigned long heap_size;
static host_mutex_t kmem_lock;
static size_t in_use;

void kmem_init(unsigned long size)
{
	heap = host_mem_alloc(size);
	if (!heap)
		panic("kmem: the host has no %lu bytes\n", size);
	heap_size = size;
	heap->size = size - sizeof(struct chunk);
	heap->free = 1;
	heap->next = 0;
	kmem_lock = host_mutex_alloc(0);
	printk("kmem: %lu KiB heap from the host\n", size / 1024);
}

void *kmalloc(size_t size)
{
	size = (size + 15) & ~(size_t)15;
	host_mutex_lock(kmem_lock);
	for (struct chunk *c = heap; c; c = c->next) {
		if (!c->free || c->size < size)
			continue;
		if (c->size >= size + sizeof(struct chunk) + 16) {
			struct chunk *rest = (struct chunk *)((char *)(c + 1) + size);
			rest->size = c->size - size - sizeof(struct chunk);
			rest->free = 1;
			rest->next = c->next;
			c->next = rest;
			c->size = size;
		}
		c->free = 0;
		in_use += c->size;
		host_mutex_unlock(kmem_lock);
		return c + 1;
	}
	host_mutex_unlock(kmem_lock);
	return 0;
}

void kfree(void *ptr)
{
	if (!ptr)
		return;
	struct chunk *c = (struct chunk *)ptr - 1;
	host_mutex_lock(kmem_lock);
	c->free = 1;
	in_use -= c->size;
	/* Merge every run of free neighbours (the list is in address order). */
	for (struct chunk *p = heap; p; p = p->next) {
		while (p->free && p->next && p->next->free) {
			p->size += sizeof(struct chunk) + p->next->size;
			p->next = p->next->next;
		}
	}
	host_mutex_unlock(kmem_lock);
}

size_t kmem_in_use(void)
{
	host_mutex_lock(kmem_lock);
	size_t n = in_use;
	host_mutex_unlock(kmem_lock);
	return n;
}

/* The end of the heap: the last bytes the host's first mem_alloc made room for. */
void *kmem_top(void)
{
	return (char *)heap + heap_size;
}
