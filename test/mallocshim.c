/* sluice: a malloc-counting LD_PRELOAD shim for glibc -- MIT licensed, see
 * LICENSE.  Test-only.  Counts every allocation call (malloc, calloc,
 * realloc, memalign family) and splits the count in three:
 *   start    before the first write(2) to MALLOCSHIM_FD (default 1, the
 *            output: the first message delivered ends start-up);
 *   resolver inside getaddrinfo()/freeaddrinfo() (libc's resolver, called
 *            once per connect: the one documented exception);
 *   steady   every other call after the first output write.
 * At exit it writes "mallocshim: start=N steady=N resolver=N" to
 * MALLOCSHIM_OUT (a file, appended) or stderr.  MALLOCSHIM_FAIL=N makes
 * the Nth allocation outside the resolver fail with ENOMEM (the
 * allocation-failure sweep; glibc 2.36's getaddrinfo itself crashes in
 * nss_database.c when its own malloc fails, so it is left alone);
 * MALLOCSHIM_ABORT=1 aborts on the first steady allocation (for a core
 * dump or gdb backtrace showing where it came from).
 * Allocates nothing itself: it forwards to glibc's __libc_* entry points,
 * so it needs no dlsym() bootstrap for malloc. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static unsigned long n_start, n_steady, n_resolver, fail_at;
static int started, in_resolver, out_fd = 1, inited, abort_steady;

static void
init(void)
{
	const char *s;

	if (inited)
		return;
	inited = 1;
	if ((s = getenv("MALLOCSHIM_FAIL")) != NULL)
		fail_at = strtoul(s, NULL, 10);
	abort_steady = getenv("MALLOCSHIM_ABORT") != NULL;
	if ((s = getenv("MALLOCSHIM_FD")) != NULL)
		out_fd = (int)strtol(s, NULL, 10);
}

/* Returns 0 if this allocation must fail. */
static int
count(void)
{
	init();
	if (in_resolver)
		n_resolver++;
	else if (started) {
		n_steady++;
		if (abort_steady)
			abort();
	}
	else
		n_start++;
	if (fail_at && !in_resolver && n_start + n_steady == fail_at) {
		errno = ENOMEM;
		return 0;
	}
	return 1;
}

void *
malloc(size_t n)
{
	return count() ? __libc_malloc(n) : NULL;
}

void *
calloc(size_t a, size_t b)
{
	return count() ? __libc_calloc(a, b) : NULL;
}

void *
realloc(void *p, size_t n)
{
	return count() ? __libc_realloc(p, n) : NULL;
}

void *
memalign(size_t al, size_t n)
{
	return count() ? __libc_memalign(al, n) : NULL;
}

void *
aligned_alloc(size_t al, size_t n)
{
	return count() ? __libc_memalign(al, n) : NULL;
}

int
posix_memalign(void **p, size_t al, size_t n)
{
	if (!count())
		return ENOMEM;
	*p = __libc_memalign(al, n);
	return *p ? 0 : ENOMEM;
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	static ssize_t (*next)(int, const void *, size_t);

	if (next == NULL)
		next = (ssize_t (*)(int, const void *, size_t))
		    dlsym(RTLD_NEXT, "write");
	init();
	if (fd == out_fd && n > 0)
		started = 1;
	return next(fd, buf, n);
}

int
getaddrinfo(const char *node, const char *serv, const struct addrinfo *h,
    struct addrinfo **res)
{
	static int (*next)(const char *, const char *,
	    const struct addrinfo *, struct addrinfo **);
	int rc;

	if (next == NULL)
		next = (int (*)(const char *, const char *,
		    const struct addrinfo *, struct addrinfo **))
		    dlsym(RTLD_NEXT, "getaddrinfo");
	in_resolver++;
	rc = next(node, serv, h, res);
	in_resolver--;
	return rc;
}

void
freeaddrinfo(struct addrinfo *ai)
{
	static void (*next)(struct addrinfo *);

	if (next == NULL)
		next = (void (*)(struct addrinfo *))dlsym(RTLD_NEXT,
		    "freeaddrinfo");
	in_resolver++;
	next(ai);
	in_resolver--;
}

__attribute__((destructor)) static void
report(void)
{
	char line[160];
	const char *path = getenv("MALLOCSHIM_OUT");
	int fd = 2, n;

	n = snprintf(line, sizeof line, "mallocshim: start=%lu steady=%lu "
	    "resolver=%lu\n", n_start, n_steady, n_resolver);
	if (path != NULL)
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0 && n > 0) {
		in_resolver++;	/* our own write is not output */
		started = 1;
		if (write(fd, line, (size_t)n) < 0)
			n = 0;
	}
	if (path != NULL && fd >= 0)
		close(fd);
}
