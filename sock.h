/* sock -- TCP client sockets: resolve, non-blocking connect with
 * deadlines, keep-alive, read/write that retry EINTR, optional HTTP
 * CONNECT proxy.  MIT licensed, see LICENSE.  Vendorable: libc (POSIX)
 * only, needs only this header.
 *
 * Data flow.  sock_resolve() runs getaddrinfo() once (it blocks; call it
 * once per connection) and keeps up to SOCK_ADDR_MAX addresses, IPv6 and
 * IPv4, in the resolver's order.  sock_connect_start() then opens a
 * non-blocking socket to the first address; the caller polls s->fd for
 * POLLOUT with sock_timeout_ms() as the poll timeout and hands every wake-up
 * (or a timeout, revents 0) to sock_connect_step().  An address that
 * fails, or does not answer within the per-attempt deadline, is dropped and
 * the next one is tried ("happy eyeballs lite": sequential, no racing);
 * everything stops at the total deadline.  Deadlines are CLOCK_MONOTONIC,
 * so a clock step cannot shorten or stretch them.  Nothing here ever
 * blocks except sock_resolve() and the sock_connect() convenience.
 *
 * With a proxy set (sock_set_proxy(), "http://host:port"), the addresses
 * are the proxy's and, once TCP is up, sock_connect_step() sends
 * "CONNECT host:port HTTP/1.1" and reads the proxy's reply head (at most
 * SOCK_PROXY_HEAD_MAX bytes, read one byte at a time so not a byte of the
 * tunnelled stream is consumed); a 2xx status completes the connect.
 * Built with -DSOCK_NO_PROXY, the CONNECT code is left out and
 * sock_set_proxy() fails with SOCK_E_ARG.
 *
 * Socket options on every connected socket: TCP_NODELAY (the request goes
 * out at once), SO_KEEPALIVE, and where the platform defines them
 * TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT (SOCK_KEEPIDLE etc. below) so
 * a dead peer is noticed in minutes, not hours.
 *
 * SIGPIPE: sock_write() sends with MSG_NOSIGNAL (POSIX.1-2008), and sets
 * SO_NOSIGPIPE where that exists instead; on a platform with neither the
 * program MUST ignore SIGPIPE (the sluice tool always does).
 *
 * Errors are negative SOCK_E_* codes, sticky until sock_init(); each comes
 * with a message in s->msg naming the cause and the address, e.g.
 * "connect to 127.0.0.1:443: connection refused" (sock_msg()).
 *
 * Memory: no heap use here (getaddrinfo's own aside, freed before return).
 * sizeof(struct sock) is 3024 bytes on LP64 with the defaults (mostly the
 * address list); test/test_sock prints it.
 */
#ifndef SOCK_H
#define SOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

#ifndef SOCK_ADDR_MAX
#define SOCK_ADDR_MAX 16		/* addresses kept from getaddrinfo */
#endif
#ifndef SOCK_HOST_MAX
#define SOCK_HOST_MAX 256		/* host name bytes, NUL included */
#endif
#ifndef SOCK_MSG_MAX
#define SOCK_MSG_MAX 256		/* error message bytes */
#endif
#ifndef SOCK_PROXY_HEAD_MAX
#define SOCK_PROXY_HEAD_MAX 4096	/* proxy reply head bytes */
#endif
#ifndef SOCK_KEEPIDLE
#define SOCK_KEEPIDLE 60		/* s idle before the first probe */
#endif
#ifndef SOCK_KEEPINTVL
#define SOCK_KEEPINTVL 15		/* s between probes */
#endif
#ifndef SOCK_KEEPCNT
#define SOCK_KEEPCNT 4			/* unanswered probes before reset */
#endif

/* Events (positive). */
#define SOCK_CONNECTED 1	/* connected (and tunnelled, with a proxy) */
#define SOCK_AGAIN 2		/* read/write would block: poll and retry */
#define SOCK_EOF 3		/* read: the peer closed its side */

/* Errors: sticky until sock_init().  Range -1 .. -19. */
#define SOCK_ERRORS(X) \
	X(SOCK_E_RESOLVE, -1, "cannot resolve host name") \
	X(SOCK_E_NOADDR, -2, "host has no usable address") \
	X(SOCK_E_SOCKET, -3, "cannot create socket") \
	X(SOCK_E_REFUSED, -4, "connection refused") \
	X(SOCK_E_UNREACH, -5, "network or host unreachable") \
	X(SOCK_E_CONNECT, -6, "connect failed") \
	X(SOCK_E_TIMEOUT, -7, "connect timed out") \
	X(SOCK_E_IO, -8, "socket read or write failed") \
	X(SOCK_E_RESET, -9, "connection reset by peer") \
	X(SOCK_E_ARG, -10, "bad host, port or proxy argument") \
	X(SOCK_E_PROXY, -11, "proxy refused the CONNECT request") \
	X(SOCK_E_PROXY_HEAD, -12, "malformed or oversized proxy reply") \
	X(SOCK_E_STATE, -13, "socket call out of sequence")

enum sock_error {
#define SOCK_ENUM(name, code, text) name = code,
	SOCK_ERRORS(SOCK_ENUM)
#undef SOCK_ENUM
	SOCK_E_NONE = 0
};

/* One resolved address. */
struct sock_addr {
	struct sockaddr_storage sa;
	socklen_t len;
};

/* Connection context.  Caller-allocated; fields are read-only for the
 * caller except fd, which it may poll (do not touch the rest). */
struct sock {
	int fd;				/* -1 when none */
	int err;			/* sticky error, 0 if none */
	int sys_errno;			/* errno behind err, 0 if none */
	int state;
	unsigned naddr, cur;		/* addresses, the one being tried */
	struct sock_addr addr[SOCK_ADDR_MAX];
	int64_t attempt_end, total_end;	/* CLOCK_MONOTONIC ms */
	int attempt_ms;
	char host[SOCK_HOST_MAX];	/* target (not the proxy) */
	char port[8];
	char proxy_host[SOCK_HOST_MAX];	/* "" without a proxy */
	char proxy_port[8];
	unsigned proxy_off, proxy_len;	/* CONNECT request progress */
	unsigned proxy_head;		/* reply bytes read */
	unsigned proxy_status;		/* parsed status code */
	int proxy_pstate;
	char msg[SOCK_MSG_MAX];		/* last error in words */
};

/* Resets s completely (closing nothing: call sock_close() first if an fd
 * is open) and clears any error and proxy. */
void sock_init(struct sock *s);

/* Tunnels the next connections through the HTTP proxy url
 * ("http://host:port", port default 3128, a trailing "/" allowed).
 * Returns 0 or SOCK_E_ARG.  Call after sock_init(), before resolving. */
int sock_set_proxy(struct sock *s, const char *url);

/* Resolves host (name or numeric, IPv6 without brackets) and port
 * (decimal) with getaddrinfo, AF_UNSPEC, SOCK_STREAM; with a proxy set,
 * resolves the proxy instead and remembers host:port as the CONNECT
 * target.  Blocks.  Returns 0, SOCK_E_RESOLVE, SOCK_E_NOADDR or
 * SOCK_E_ARG. */
int sock_resolve(struct sock *s, const char *host, const char *port);

/* Starts connecting to the resolved addresses: each attempt may take
 * attempt_ms, the whole connect total_ms (both > 0).  Returns
 * SOCK_CONNECTED when connected at once (only possible without a proxy),
 * 0 when in progress -- the caller then polls s->fd for sock_events(s)
 * with timeout sock_timeout_ms(s) and calls sock_connect_step() -- or a
 * negative error when every address failed. */
int sock_connect_start(struct sock *s, int attempt_ms, int total_ms);

/* Advances the connect after poll() returned: revents are the fd's
 * revents, 0 on a poll timeout.  s->fd MAY change (the next address was
 * tried): always poll s->fd afresh.  Returns SOCK_CONNECTED, 0 (still in
 * progress) or a negative error (sticky; s->fd is closed, s->msg says
 * which address failed and why). */
int sock_connect_step(struct sock *s, short revents);

/* Poll events wanted while connecting: POLLOUT (TCP connect or sending the
 * CONNECT request) or POLLIN (reading the proxy's reply). */
short sock_events(const struct sock *s);

/* Milliseconds until the nearest deadline (>= 0), for poll(). */
int sock_timeout_ms(const struct sock *s);

/* Blocking convenience for tests and simple tools: resolve, connect with a
 * total timeout (each attempt may use all of it), using poll().  Returns
 * SOCK_CONNECTED or a negative error (message in s->msg). */
int sock_connect(struct sock *s, const char *host, const char *port,
    int timeout_ms);

/* Reads at most n bytes.  Retries EINTR.  Returns 0 with *got > 0 bytes
 * read, SOCK_AGAIN (nothing now; poll for POLLIN), SOCK_EOF, or SOCK_E_IO /
 * SOCK_E_RESET (sticky).  *got is always set. */
int sock_read(struct sock *s, void *p, size_t n, size_t *got);

/* Writes at most n bytes, never raising SIGPIPE where the platform allows
 * (see above).  Retries EINTR.  Returns 0 with *put > 0 bytes written,
 * SOCK_AGAIN, or SOCK_E_IO / SOCK_E_RESET (sticky).  *put is always set. */
int sock_write(struct sock *s, const void *p, size_t n, size_t *put);

/* Closes the fd if open (EINTR from close() is not retried: POSIX leaves
 * the fd state unspecified and Linux has closed it). */
void sock_close(struct sock *s);

/* Monotonic milliseconds (CLOCK_MONOTONIC), shared with callers that keep
 * their own deadlines. */
int64_t sock_now_ms(void);

/* The sticky error, or 0. */
static inline int
sock_error(const struct sock *s)
{
	return s->err;
}

/* The last error in words ("" if none). */
static inline const char *
sock_msg(const struct sock *s)
{
	return s->msg;
}

#endif
