/* subscribe -- a small Redis pub/sub subscriber.  MIT licensed.
 * See subscribe.h for the contract. */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>

#include "resp.h"
#include "sock.h"
#include "subscribe.h"

void
subscribe_init(struct subscribe *b, unsigned char *buf, size_t cap)
{
	memset(b, 0, sizeof *b);
	b->fd = -1;
	b->buf = buf;
	b->cap = cap;
}

int
subscribe_parse_url(struct subscribe *b, const char *url)
{
	const char *chan;
	size_t n;

	if (rsink_parse_url(&b->addr, url, &chan) != 0 || b->addr.is_unix)
		return SUBSCRIBE_E_URL;
	n = strlen(chan);
	if (n == 0 || n >= sizeof b->chan)
		return SUBSCRIBE_E_URL;
	memcpy(b->chan, chan, n + 1);
	return 0;
}

void
subscribe_close(struct subscribe *b)
{
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	b->len = 0;
	b->t_retry = sock_now_ms() + SUBSCRIBE_RETRY_MS;
}

int64_t
subscribe_retry_ms(const struct subscribe *b)
{
	return b->t_retry - sock_now_ms();
}

/* Closes, keeping errno for the caller's message; returns rc. */
static int
fail(struct subscribe *b, int rc)
{
	int e = errno;

	subscribe_close(b);
	errno = e;
	return rc;
}

static int
send_command(int fd, int argc, const char *const *argv)
{
	unsigned char cmd[1024];
	size_t len, off = 0;
	ssize_t w;

	if (resp_command(cmd, sizeof cmd, &len, argc, argv, NULL) < 0)
		return -1;
	while (off < len) {
		w = write(fd, cmd + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

int
subscribe_connect(struct subscribe *b)
{
	struct addrinfo hints, *res, *ai;
	const char *argv[3];
	int fd = -1;

	subscribe_close(b);
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(b->addr.host, b->addr.port, &hints, &res) != 0)
		return fail(b, SUBSCRIBE_E_RESOLVE);
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return fail(b, SUBSCRIBE_E_CONNECT);
	b->fd = fd;
	if (b->addr.pass[0]) {
		argv[0] = "AUTH";
		argv[1] = b->addr.user[0] ? b->addr.user : b->addr.pass;
		argv[2] = b->addr.pass;
		if (send_command(fd, b->addr.user[0] ? 3 : 2, argv) < 0)
			return fail(b, SUBSCRIBE_E_WRITE);
	}
	argv[0] = "SUBSCRIBE";
	argv[1] = b->chan;
	if (send_command(fd, 2, argv) < 0)
		return fail(b, SUBSCRIBE_E_WRITE);
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return 0;
}

/* A RESP line "<c><digits>\r\n" (or "+text\r\n", "-text\r\n") at
 * p[*i..n): 1 with *type and *v (the number, or the text's length) and
 * *i past it, 0 when more bytes are needed, -1 when malformed. */
static int
resp_line(const unsigned char *p, size_t n, size_t *i, int *type, long *v)
{
	size_t k = *i;
	long x = 0;
	int neg = 0;

	if (k >= n)
		return 0;
	*type = p[k++];
	if (*type == '+' || *type == '-') {
		while (k + 1 < n && !(p[k] == '\r' && p[k + 1] == '\n'))
			k++;
		if (k + 1 >= n)
			return 0;
		*v = (long)(k - *i - 1);
		*i = k + 2;
		return 1;
	}
	if (k < n && p[k] == '-') {
		neg = 1;
		k++;
	}
	for (; k < n && p[k] >= '0' && p[k] <= '9'; k++) {
		if (x > 100000000L)
			return -1;
		x = x * 10 + (p[k] - '0');
	}
	if (k + 1 >= n)
		return 0;
	if (p[k] != '\r' || p[k + 1] != '\n')
		return -1;
	*v = neg ? -x : x;
	*i = k + 2;
	return 1;
}

int
subscribe_frame(const unsigned char *p, size_t n, size_t *used,
    const unsigned char **msg, size_t *mlen)
{
	size_t i = 0;
	long cnt, len, e;
	int type, rc, is_msg = 0;

	*msg = NULL;
	rc = resp_line(p, n, &i, &type, &cnt);
	if (rc <= 0)
		return rc < 0 ? SUBSCRIBE_E_REPLY : 0;
	if (type == '-')
		return SUBSCRIBE_E_REPLY;
	if (type == '+' || type == ':') {
		*used = i;
		return 1;
	}
	if (type != '*' || cnt < 0 || cnt > 8)
		return SUBSCRIBE_E_REPLY;
	for (e = 0; e < cnt; e++) {
		rc = resp_line(p, n, &i, &type, &len);
		if (rc <= 0)
			return rc < 0 ? SUBSCRIBE_E_REPLY : 0;
		if (type == ':')
			continue;
		if (type != '$' || len < 0)
			return SUBSCRIBE_E_REPLY;
		if (n - i < (size_t)len + 2)
			return 0;
		if (p[i + (size_t)len] != '\r' ||
		    p[i + (size_t)len + 1] != '\n')
			return SUBSCRIBE_E_REPLY;
		if (e == 0 && len == 7 && !memcmp(p + i, "message", 7))
			is_msg = 1;
		if (e == 2 && is_msg) {
			*msg = p + i;
			*mlen = (size_t)len;
		}
		i += (size_t)len + 2;
	}
	*used = i;
	return 1;
}

int
subscribe_read(struct subscribe *b, subscribe_message_fn fn, void *arg)
{
	const unsigned char *m;
	size_t used, mlen;
	ssize_t r;
	int rc;

	if (b->fd < 0)
		return 0;
	if (b->len == b->cap)
		return fail(b, SUBSCRIBE_E_TOOBIG);
	r = read(b->fd, b->buf + b->len, b->cap - b->len);
	if (r < 0 && (errno == EINTR || errno == EAGAIN ||
	    errno == EWOULDBLOCK))
		return 0;
	if (r <= 0)
		return fail(b, r == 0 ? SUBSCRIBE_E_CLOSED : SUBSCRIBE_E_READ);
	b->len += (size_t)r;
	for (;;) {
		rc = subscribe_frame(b->buf, b->len, &used, &m, &mlen);
		if (rc == 0)
			break;
		if (rc < 0)
			return fail(b, rc);
		if (m != NULL) {
			b->received++;
			fn(arg, (const char *)m, mlen);
		}
		memmove(b->buf, b->buf + used, b->len - used);
		b->len -= used;
	}
	return 0;
}
