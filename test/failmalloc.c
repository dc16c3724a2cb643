/* failmalloc -- LD_PRELOAD shim for the allocation-failure sweep (tests
 * only).  MIT licensed, see LICENSE.
 *
 * FAILMALLOC_N=k makes the k-th call (from 1) to malloc, calloc or realloc
 * fail with ENOMEM, every other call succeeds; FAILMALLOC_COUNT=1 writes
 * "failmalloc: N calls" to stderr at exit.  glibc's own internal calls
 * (getaddrinfo, stdio) go through these too.  See test/allocfail.sh.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t m);
void *__libc_realloc(void *p, size_t n);

static long calls, fail_at = -2;

static int
hit(void)
{
	if (fail_at == -2) {
		const char *e = getenv("FAILMALLOC_N");

		fail_at = e ? strtol(e, NULL, 10) : -1;
	}
	return ++calls == fail_at;
}

void *
malloc(size_t n)
{
	if (hit()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t m)
{
	if (hit()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, m);
}

void *
realloc(void *p, size_t n)
{
	if (hit()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}

static void report(void) __attribute__((destructor));

static void
report(void)
{
	char buf[64], num[24];
	size_t k = 0, i;
	long c = calls;

	if (getenv("FAILMALLOC_COUNT") == NULL)
		return;
	do {
		num[k++] = (char)('0' + c % 10);
		c /= 10;
	} while (c > 0 && k < sizeof num);
	memcpy(buf, "failmalloc: ", 12);
	for (i = 0; i < k; i++)
		buf[12 + i] = num[k - 1 - i];
	memcpy(buf + 12 + k, " calls\n", 7);
	(void)!write(2, buf, 12 + k + 7);
}
