/* sock -- TCP client sockets with deadlines.  MIT licensed, see LICENSE.
 * See sock.h for the contract. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
/* glibc hides TCP_KEEPIDLE & co. under strict POSIX; ask for them (other
 * libcs ignore this, and every use below is #ifdef'd anyway). */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "sock.h"

enum {
	S_IDLE,
	S_RESOLVED,
	S_CONNECTING,	/* TCP connect in progress on addr[cur] */
	S_PROXY_SEND,	/* sending CONNECT */
	S_PROXY_RECV,	/* reading the proxy's reply head */
	S_CONNECTED
};

/* Proxy reply parsing phases (proxy_pstate). */
enum { P_VERSION, P_STATUS, P_HEAD };

#ifdef MSG_NOSIGNAL
#define SEND_FLAGS MSG_NOSIGNAL
#else
#define SEND_FLAGS 0
#endif

int64_t
sock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- messages, built without stdio -------------------------------- */

static void
m_str(struct sock *s, const char *str)
{
	size_t have = strlen(s->msg), add = strlen(str);

	if (add > SOCK_MSG_MAX - 1 - have)
		add = SOCK_MSG_MAX - 1 - have;
	memcpy(s->msg + have, str, add);
	s->msg[have + add] = '\0';
}

static void
m_num(struct sock *s, unsigned long v)
{
	char d[24];
	size_t i = sizeof d - 1;

	d[i] = '\0';
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	m_str(s, d + i);
}

/* "1.2.3.4:443" or "[::1]:443" */
static void
m_addr(struct sock *s, const struct sock_addr *a)
{
	char buf[64];
	const struct sockaddr *sa = (const struct sockaddr *)&a->sa;
	unsigned port = 0;

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)&a->sa;

		if (inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf))
		{
			m_str(s, "[");
			m_str(s, buf);
			m_str(s, "]");
		}
		port = ntohs(in6->sin6_port);
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in =
		    (const struct sockaddr_in *)&a->sa;

		if (inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf))
			m_str(s, buf);
		port = ntohs(in->sin_port);
	} else {
		m_str(s, "?");
	}
	m_str(s, ":");
	m_num(s, port);
}

/* host:port with brackets around an IPv6 literal */
static void
m_hostport(struct sock *s, const char *host, const char *port)
{
	int v6 = strchr(host, ':') != NULL;

	if (v6)
		m_str(s, "[");
	m_str(s, host);
	if (v6)
		m_str(s, "]");
	m_str(s, ":");
	m_str(s, port);
}

static const char *
errno_words(int e)
{
	switch (e) {
	case ECONNREFUSED: return "connection refused";
	case ETIMEDOUT: return "timed out";
	case ENETUNREACH: return "network unreachable";
	case EHOSTUNREACH: return "host unreachable";
	case ECONNRESET: return "connection reset by peer";
	case EPIPE: return "broken pipe";
	case EADDRNOTAVAIL: return "address not available";
	case EAFNOSUPPORT: return "address family not supported";
	default: return strerror(e);
	}
}

static int
errno_code(int e)
{
	switch (e) {
	case ECONNREFUSED: return SOCK_E_REFUSED;
	case ENETUNREACH:
	case EHOSTUNREACH: return SOCK_E_UNREACH;
	case ETIMEDOUT: return SOCK_E_TIMEOUT;
	case ECONNRESET:
	case EPIPE: return SOCK_E_RESET;
	default: return SOCK_E_CONNECT;
	}
}

/* Sets the sticky error and starts its message with what. */
static int
fail(struct sock *s, int code, int e, const char *what)
{
	s->err = code;
	s->sys_errno = e;
	s->msg[0] = '\0';
	m_str(s, what);
	return code;
}

/* ---- setup ---------------------------------------------------------- */

void
sock_init(struct sock *s)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->state = S_IDLE;
}

static int
copy_str(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

static int
valid_port(const char *p)
{
	unsigned long v = 0;
	size_t i;

	if (p[0] == '\0' || strlen(p) > 5)
		return 0;
	for (i = 0; p[i]; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	return v > 0 && v < 65536;
}

int
sock_set_proxy(struct sock *s, const char *url)
{
#ifdef SOCK_NO_PROXY
	if (s->err)
		return s->err;
	fail(s, SOCK_E_ARG, 0, "proxy support left out (SOCK_NO_PROXY): ");
	m_str(s, url);
	return s->err;
#else
	const char *h, *e, *colon, *end;

	if (s->err)
		return s->err;
	if (strncmp(url, "http://", 7) != 0)
		goto bad;
	h = url + 7;
	end = h + strlen(h);
	if (end > h && end[-1] == '/')
		end--;
	if (*h == '[') {		/* [v6]:port */
		e = memchr(h, ']', (size_t)(end - h));
		if (e == NULL)
			goto bad;
		if (copy_str(s->proxy_host, sizeof s->proxy_host, h + 1,
		    (size_t)(e - h - 1)) != 0)
			goto bad;
		colon = e + 1 < end && e[1] == ':' ? e + 1 : NULL;
		if (colon == NULL && e + 1 != end)
			goto bad;
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
		if (copy_str(s->proxy_host, sizeof s->proxy_host, h,
		    (size_t)((colon ? colon : end) - h)) != 0)
			goto bad;
	}
	if (s->proxy_host[0] == '\0' || memchr(h, '/', (size_t)(end - h)))
		goto bad;
	if (colon) {
		if (copy_str(s->proxy_port, sizeof s->proxy_port, colon + 1,
		    (size_t)(end - colon - 1)) != 0)
			goto bad;
	} else {
		memcpy(s->proxy_port, "3128", 5);
	}
	if (!valid_port(s->proxy_port))
		goto bad;
	return 0;
bad:
	s->proxy_host[0] = '\0';
	fail(s, SOCK_E_ARG, 0, "bad proxy URL (want http://host:port): ");
	m_str(s, url);
	return s->err;
#endif
}

int
sock_resolve(struct sock *s, const char *host, const char *port)
{
	struct addrinfo hints, *res = NULL, *ai;
	const char *rh, *rp;
	int rc;

	if (s->err)
		return s->err;
	if (s->state != S_IDLE && s->state != S_RESOLVED)
		return fail(s, SOCK_E_STATE, 0, "resolve while connected");
	if (copy_str(s->host, sizeof s->host, host, strlen(host)) != 0 ||
	    !valid_port(port) || host[0] == '\0') {
		fail(s, SOCK_E_ARG, 0, "bad host or port: ");
		m_str(s, host);
		m_str(s, " ");
		m_str(s, port);
		return s->err;
	}
	memcpy(s->port, port, strlen(port) + 1);
	rh = s->proxy_host[0] ? s->proxy_host : s->host;
	rp = s->proxy_host[0] ? s->proxy_port : s->port;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	rc = getaddrinfo(rh, rp, &hints, &res);
	if (rc != 0) {
		fail(s, SOCK_E_RESOLVE, rc == EAI_SYSTEM ? errno : 0,
		    s->proxy_host[0] ? "resolve proxy " : "resolve ");
		m_str(s, rh);
		m_str(s, ": ");
		m_str(s, rc == EAI_SYSTEM ? strerror(errno) :
		    gai_strerror(rc));
		return s->err;
	}
	s->naddr = 0;
	for (ai = res; ai && s->naddr < SOCK_ADDR_MAX; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof s->addr[0].sa)
			continue;
		memcpy(&s->addr[s->naddr].sa, ai->ai_addr, ai->ai_addrlen);
		s->addr[s->naddr].len = (socklen_t)ai->ai_addrlen;
		s->naddr++;
	}
	freeaddrinfo(res);
	if (s->naddr == 0) {
		fail(s, SOCK_E_NOADDR, 0, "resolve ");
		m_str(s, rh);
		m_str(s, ": no IPv4 or IPv6 address");
		return s->err;
	}
	s->cur = 0;
	s->state = S_RESOLVED;
	return 0;
}

/* ---- connect -------------------------------------------------------- */

static void
set_options(int fd)
{
	int on = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
#ifdef SO_NOSIGPIPE
	(void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#endif
#ifdef TCP_KEEPIDLE
	on = SOCK_KEEPIDLE;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &on, sizeof on);
#endif
#ifdef TCP_KEEPINTVL
	on = SOCK_KEEPINTVL;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &on, sizeof on);
#endif
#ifdef TCP_KEEPCNT
	on = SOCK_KEEPCNT;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &on, sizeof on);
#endif
}

static void
close_fd(struct sock *s)
{
	if (s->fd >= 0)
		(void)close(s->fd);
	s->fd = -1;
}

/* Records why addr[cur] failed ("connect to A: cause"). */
static int
addr_fail(struct sock *s, int code, int e, const char *cause)
{
	close_fd(s);
	fail(s, code, e, s->proxy_host[0] ? "connect to proxy " :
	    "connect to ");
	m_addr(s, &s->addr[s->cur]);
	m_str(s, ": ");
	m_str(s, cause ? cause : errno_words(e));
	return code;
}

/* TCP is up on addr[cur]. */
static int
tcp_up(struct sock *s)
{
	set_options(s->fd);
	if (s->proxy_host[0]) {
		s->state = S_PROXY_SEND;
		s->proxy_off = 0;
		return 0;
	}
	s->state = S_CONNECTED;
	return SOCK_CONNECTED;
}

/* Tries addr[cur], addr[cur+1] ... until one is connecting or connected.
 * The last failure's error stays in s->err/msg when all fail. */
static int
try_next(struct sock *s)
{
	int64_t now;

	for (; s->cur < s->naddr; s->cur++) {
		const struct sockaddr *sa =
		    (const struct sockaddr *)&s->addr[s->cur].sa;
		int fl;

		now = sock_now_ms();
		if (now >= s->total_end) {
			/* Out of time before trying addr[cur]: keep the last
			 * address's cause in the words, if there was one. */
			if (s->err == 0)
				addr_fail(s, SOCK_E_TIMEOUT, 0, "timed out");
			else
				m_str(s, "; then the connect deadline passed");
			s->err = SOCK_E_TIMEOUT;
			break;
		}
		s->err = 0;
		s->fd = socket(sa->sa_family, SOCK_STREAM, 0);
		if (s->fd < 0) {
			addr_fail(s, SOCK_E_SOCKET, errno, NULL);
			continue;
		}
		fl = fcntl(s->fd, F_GETFL);
		if (fl < 0 || fcntl(s->fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
		    fcntl(s->fd, F_SETFD, FD_CLOEXEC) < 0) {
			addr_fail(s, SOCK_E_SOCKET, errno, NULL);
			continue;
		}
		if (connect(s->fd, sa, s->addr[s->cur].len) == 0)
			return tcp_up(s);
		/* EINTR: the connect goes on asynchronously, like
		 * EINPROGRESS (POSIX connect()). */
		if (errno == EINPROGRESS || errno == EINTR) {
			s->attempt_end = now + s->attempt_ms;
			if (s->attempt_end > s->total_end)
				s->attempt_end = s->total_end;
			s->state = S_CONNECTING;
			return 0;
		}
		addr_fail(s, errno_code(errno), errno, NULL);
	}
	close_fd(s);
	s->state = S_IDLE;
	if (s->err == 0)
		fail(s, SOCK_E_NOADDR, 0, "no address to connect to");
	return s->err;
}

int
sock_connect_start(struct sock *s, int attempt_ms, int total_ms)
{
	if (s->err)
		return s->err;
	if (s->state != S_RESOLVED || attempt_ms <= 0 || total_ms <= 0)
		return fail(s, SOCK_E_STATE, 0,
		    "connect before resolve, or bad timeout");
	s->attempt_ms = attempt_ms;
	s->total_end = sock_now_ms() + total_ms;
	s->cur = 0;
	return try_next(s);
}

#ifndef SOCK_NO_PROXY
/* Builds the CONNECT request into buf; returns its length. */
static size_t
proxy_request(const struct sock *s, char *buf, size_t cap)
{
	size_t n = 0;
	int pass;

	/* Two lines naming the same target: the request line and Host. */
	for (pass = 0; pass < 2; pass++) {
		const char *parts[6];
		int v6 = strchr(s->host, ':') != NULL, i;

		parts[0] = pass ? "Host: " : "CONNECT ";
		parts[1] = v6 ? "[" : "";
		parts[2] = s->host;
		parts[3] = v6 ? "]:" : ":";
		parts[4] = s->port;
		parts[5] = pass ? "\r\n\r\n" : " HTTP/1.1\r\n";
		for (i = 0; i < 6; i++) {
			size_t l = strlen(parts[i]);

			if (n + l > cap)
				return 0;
			memcpy(buf + n, parts[i], l);
			n += l;
		}
	}
	return n;
}

static int
proxy_fail(struct sock *s, int code, int e, const char *cause)
{
	close_fd(s);
	s->state = S_IDLE;
	fail(s, code, e, "proxy ");
	m_addr(s, &s->addr[s->cur]);
	m_str(s, ": CONNECT ");
	m_hostport(s, s->host, s->port);
	m_str(s, ": ");
	if (cause) {
		m_str(s, cause);
	} else if (code == SOCK_E_PROXY) {
		m_str(s, "refused with status ");
		m_num(s, s->proxy_status);
	} else {
		m_str(s, errno_words(e));
	}
	return code;
}

/* One byte of the proxy reply.  Returns 1 at the end of the head, 0 for
 * more, a negative error. */
static int
proxy_byte(struct sock *s, unsigned char c)
{
	if (++s->proxy_head > SOCK_PROXY_HEAD_MAX)
		return proxy_fail(s, SOCK_E_PROXY_HEAD, 0, "reply too long");
	switch (s->proxy_pstate) {
	case P_VERSION:
		if (c == ' ') {
			if (s->proxy_head != 9)	/* "HTTP/1.x " */
				return proxy_fail(s, SOCK_E_PROXY_HEAD, 0,
				    "not an HTTP reply");
			s->proxy_pstate = P_STATUS;
			s->proxy_status = 0;
		} else if (c != "HTTP/1.x"[s->proxy_head - 1] &&
		    s->proxy_head != 8) {
			return proxy_fail(s, SOCK_E_PROXY_HEAD, 0,
			    "not an HTTP reply");
		}
		return 0;
	case P_STATUS:
		if (c >= '0' && c <= '9' && s->proxy_status < 1000) {
			s->proxy_status = s->proxy_status * 10 + (c - '0');
			return 0;
		}
		if (s->proxy_status < 100 || s->proxy_status > 999)
			return proxy_fail(s, SOCK_E_PROXY_HEAD, 0,
			    "bad status code");
		s->proxy_pstate = P_HEAD;
		s->proxy_off = 1;
		/* FALLTHROUGH - c is part of the head */
	case P_HEAD:
		/* proxy_off: bytes on the current line other than CR; an
		 * LF ending an empty line ends the head (so "\r\n\r\n" and
		 * "\n\n" both do; a status line is never empty). */
		if (c == '\n') {
			if (s->proxy_off == 0)
				return 1;
			s->proxy_off = 0;
		} else if (c != '\r') {
			s->proxy_off++;
		}
		return 0;
	}
	return 0;
}

/* The CONNECT exchange, once TCP to the proxy is up. */
static int
proxy_step(struct sock *s)
{
	char req[2 * SOCK_HOST_MAX + 64];
	size_t len;
	ssize_t r;
	int rc;

	switch (s->state) {
	case S_PROXY_SEND:
		if (sock_now_ms() >= s->total_end)
			return proxy_fail(s, SOCK_E_TIMEOUT, 0, "timed out");
		len = proxy_request(s, req, sizeof req);
		while (s->proxy_off < len) {
			r = send(s->fd, req + s->proxy_off,
			    len - s->proxy_off, SEND_FLAGS);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return 0;
			if (r < 0)
				return proxy_fail(s, errno_code(errno), errno,
				    NULL);
			s->proxy_off += (unsigned)r;
		}
		s->state = S_PROXY_RECV;
		s->proxy_head = 0;
		s->proxy_pstate = P_VERSION;
		s->proxy_off = 0;
		/* FALLTHROUGH */
	case S_PROXY_RECV:
		for (;;) {
			unsigned char c;

			if (sock_now_ms() >= s->total_end)
				return proxy_fail(s, SOCK_E_TIMEOUT, 0,
				    "timed out");
			r = recv(s->fd, &c, 1, 0);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return 0;
			if (r < 0)
				return proxy_fail(s, errno_code(errno), errno,
				    NULL);
			if (r == 0)
				return proxy_fail(s, SOCK_E_PROXY_HEAD, 0,
				    "proxy closed the connection");
			rc = proxy_byte(s, c);
			if (rc < 0)
				return rc;
			if (rc == 1)
				break;
		}
		if (s->proxy_status < 200 || s->proxy_status > 299)
			return proxy_fail(s, SOCK_E_PROXY, 0, NULL);
		s->state = S_CONNECTED;
		return SOCK_CONNECTED;
	}
	return fail(s, SOCK_E_STATE, 0, "connect step out of sequence");
}
#endif

int
sock_connect_step(struct sock *s, short revents)
{
	int rc;

	if (s->err)
		return s->err;
	switch (s->state) {
	case S_CONNECTED:
		return SOCK_CONNECTED;
	case S_CONNECTING:
		if (revents & (POLLOUT | POLLERR | POLLHUP)) {
			int e = 0;
			socklen_t el = sizeof e;

			if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
				e = errno;
			if (e == 0)
				return tcp_up(s) == SOCK_CONNECTED ?
				    SOCK_CONNECTED : sock_connect_step(s, 0);
			addr_fail(s, errno_code(e), e, NULL);
		} else if (sock_now_ms() >= s->attempt_end) {
			addr_fail(s, SOCK_E_TIMEOUT, 0, "timed out");
		} else {
			return 0;
		}
		s->cur++;
		rc = try_next(s);
		return rc;
#ifndef SOCK_NO_PROXY
	case S_PROXY_SEND:
	case S_PROXY_RECV:
		return proxy_step(s);
#endif
	default:
		return fail(s, SOCK_E_STATE, 0, "connect step out of sequence");
	}
}

short
sock_events(const struct sock *s)
{
	return s->state == S_PROXY_RECV ? POLLIN : POLLOUT;
}

int
sock_timeout_ms(const struct sock *s)
{
	int64_t end = s->state == S_CONNECTING ? s->attempt_end : s->total_end;
	int64_t left = end - sock_now_ms();

	if (left < 0)
		return 0;
	return left > 0x7fffffff ? 0x7fffffff : (int)left;
}

int
sock_connect(struct sock *s, const char *host, const char *port,
    int timeout_ms)
{
	int rc;

	if ((rc = sock_resolve(s, host, port)) < 0)
		return rc;
	rc = sock_connect_start(s, timeout_ms, timeout_ms);
	while (rc == 0) {
		struct pollfd pfd;
		int n;

		pfd.fd = s->fd;
		pfd.events = sock_events(s);
		pfd.revents = 0;
		n = poll(&pfd, 1, sock_timeout_ms(s));
		if (n < 0 && errno == EINTR)
			continue;	/* the deadline is recomputed */
		if (n < 0)
			return fail(s, SOCK_E_IO, errno, "poll failed");
		rc = sock_connect_step(s, n ? pfd.revents : 0);
	}
	return rc;
}

/* ---- data ----------------------------------------------------------- */

static int
io_fail(struct sock *s, int e, const char *what)
{
	int code = (e == ECONNRESET || e == EPIPE) ? SOCK_E_RESET : SOCK_E_IO;

	fail(s, code, e, what);
	m_hostport(s, s->host, s->port);
	m_str(s, ": ");
	m_str(s, errno_words(e));
	return code;
}

int
sock_read(struct sock *s, void *p, size_t n, size_t *got)
{
	ssize_t r;

	*got = 0;
	if (s->err)
		return s->err;
	for (;;) {
		r = read(s->fd, p, n);
		if (r > 0) {
			*got = (size_t)r;
			return 0;
		}
		if (r == 0)
			return SOCK_EOF;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return SOCK_AGAIN;
		return io_fail(s, errno, "read from ");
	}
}

int
sock_write(struct sock *s, const void *p, size_t n, size_t *put)
{
	ssize_t r;

	*put = 0;
	if (s->err)
		return s->err;
	for (;;) {
		r = send(s->fd, p, n, SEND_FLAGS);
		if (r >= 0) {
			*put = (size_t)r;
			return r > 0 || n == 0 ? 0 : SOCK_AGAIN;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return SOCK_AGAIN;
		return io_fail(s, errno, "write to ");
	}
}

void
sock_close(struct sock *s)
{
	close_fd(s);
	if (s->state != S_IDLE)
		s->state = S_IDLE;
}
