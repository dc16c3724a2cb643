/* sinkredis -- the Redis output: a list queue (RPUSH), pub/sub (PUBLISH)
 * or a stream (XADD), with an exact shared counter and an on/off switch.
 * MIT licensed, see LICENSE.  Tool side: does I/O (POSIX sockets), never
 * blocks except in rsink_wait()/rsink_flush_blocking() and getaddrinfo(),
 * no malloc; the caller owns the context and the backlog buffer.
 *
 * Loop.  The sink is driven by the caller's single poll() loop:
 *     rsink_poll_fds(r, fds, cap, &timeout)   -> 0 or 1 pollfd to add
 *     poll(...)
 *     rsink_step(r, fds, n)                   -> connects, writes, reads
 * rsink_step() MUST be called after every poll, also on a timeout.
 *
 * Data flow.  rsink_write() encodes a message's command(s) with resp.c
 * into the backlog, a caller buffer (default 4 MiB): nothing is sent
 * there, the next rsink_step() pipelines everything unsent to Redis.
 * Each message becomes one group of commands:
 *     LIST     RPUSH key msg [; LTRIM key -maxlen -1]
 *     PUBLISH  PUBLISH channel msg
 *     XADD     XADD key [MAXLEN ~ maxlen] * m msg
 * and with a counter_key the group is MULTI; <the above>; INCR counter;
 * EXEC, so the message and its count are applied together or not at all:
 * the counter equals the number of messages Redis holds, exactly, even
 * when a group is sent twice (below).  The replies are parsed with resp.c
 * and checked: an error reply (also inside EXEC) is the sticky error
 * RSINK_E_REPLY with Redis' text in rsink_errmsg(); -LOADING/-BUSY mean
 * "not now" and reconnect.  A group's bytes leave the backlog only when
 * its last reply has arrived (acknowledged).
 *
 * Reconnect.  When the connection fails (refused, reset, EOF, connect
 * timeout) the sink waits (backoff RSINK_BACKOFF_MIN_MS doubling up to
 * cfg.backoff_max_ms), reconnects, sends AUTH (ACL user + password, or
 * password) and SELECT, then re-sends every group not yet acknowledged.
 * Nothing acknowledged is lost, and nothing unacknowledged is dropped.
 * The honest edge: a group that Redis applied but whose reply was lost
 * with the connection is applied again -- RPUSH/XADD then store that
 * message twice and PUBLISH delivers it twice (with a counter, MULTI/EXEC
 * keeps counter == LLEN even then).  At most the groups in flight at the
 * moment of the failure can repeat; consumers that must be exact dedupe
 * by message id.
 *
 * Full backlog.  With RSINK_BLOCK (default) rsink_room() turns false when
 * less than a quarter of the backlog is free: the caller then stops
 * reading upstream (TCP backpressure) until it is true again.  A message
 * that does not fit at all is refused with RSINK_FULL (the caller keeps
 * it and retries after rsink_fits(), or calls rsink_wait()).  The first
 * pause is logged at notice level, later ones only at verbose level
 * (r->full counts them).  With RSINK_DROP, rsink_room() is always true
 * and a message that does not fit is dropped and counted (RSINK_DROPPED).
 *
 * Switch.  With cfg.switch_key the sink GETs that key at most once per
 * RSINK_SWITCH_MS while connected; rsink_switch() reports OFF when its
 * value is exactly "off", ON for any other value or a missing key,
 * UNKNOWN before the first answer.  What to do (stop, pause) is the
 * caller's.
 *
 * URL: redis://[[user]:password@]host[:port][/db] (host may be [v6];
 * user and password are %-decoded; "password@" without a colon is a
 * password for the default user), or unix:/path/to/socket[?db=N].
 *
 * Memory: sizeof(struct rsink) is 19,584 bytes on LP64 (a 16 KiB read
 * buffer and a 1 KiB control buffer), plus the backlog buffer.
 */
#ifndef SINKREDIS_H
#define SINKREDIS_H

#include <sys/socket.h>

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "resp.h"

#ifndef RSINK_BACKLOG_DEFAULT
#define RSINK_BACKLOG_DEFAULT (4UL * 1024 * 1024)
#endif
#ifndef RSINK_RBUF
#define RSINK_RBUF 16384		/* reply read buffer */
#endif
#ifndef RSINK_CTL_MAX
#define RSINK_CTL_MAX 1024		/* AUTH / SELECT / GET commands */
#endif
#ifndef RSINK_CTLQ
#define RSINK_CTLQ 4			/* control commands in flight */
#endif
#ifndef RSINK_ADDRS
#define RSINK_ADDRS 4			/* addresses tried per resolve */
#endif
#ifndef RSINK_CONNECT_MS
#define RSINK_CONNECT_MS 5000
#endif
#ifndef RSINK_BACKOFF_MIN_MS
#define RSINK_BACKOFF_MIN_MS 100
#endif
#ifndef RSINK_BACKOFF_MAX_MS
#define RSINK_BACKOFF_MAX_MS 5000
#endif
#ifndef RSINK_SWITCH_MS
#define RSINK_SWITCH_MS 1000
#endif

/* Events (positive) from rsink_write(). */
#define RSINK_FULL 1		/* BLOCK: refused, keep it and retry */
#define RSINK_DROPPED 2		/* DROP: did not fit, dropped, counted */

/* Errors.  Range -260 .. -279 (sticky unless said otherwise). */
#define RSINK_ERRORS(X) \
	X(RSINK_E_URL, -260, "invalid Redis URL") \
	X(RSINK_E_CONFIG, -261, "invalid Redis sink configuration") \
	X(RSINK_E_TOOBIG, -262, "message larger than the whole Redis backlog") \
	X(RSINK_E_AUTH, -263, "Redis refused AUTH") \
	X(RSINK_E_SELECT, -264, "Redis refused SELECT") \
	X(RSINK_E_REPLY, -265, "Redis answered a write with an error") \
	X(RSINK_E_PROTOCOL, -266, "malformed or unexpected reply from Redis") \
	X(RSINK_E_TIMEOUT, -267, "Redis backlog not flushed in time") \
	X(RSINK_E_SOCKET, -268, "cannot create a socket for Redis") \
	X(RSINK_E_SWITCH, -269, "Redis refused to read the switch key")

enum rsink_error {
#define RSINK_ENUM(name, code, text) name = code,
	RSINK_ERRORS(RSINK_ENUM)
#undef RSINK_ENUM
	RSINK_E_NONE = 0
};

enum rsink_mode { RSINK_LIST, RSINK_PUBLISH, RSINK_XADD };
enum rsink_full { RSINK_BLOCK, RSINK_DROP };
enum rsink_switch {
	RSINK_SWITCH_UNKNOWN, RSINK_SWITCH_ON, RSINK_SWITCH_OFF
};

/* Log lines: level 0 error, 1 notice, 2 verbose (same as stream_log_fn). */
typedef void (*rsink_log_fn)(void *arg, int level, const char *text);

struct rsink_cfg {
	const char *url;		/* see above */
	enum rsink_mode mode;
	const char *key;		/* list key, channel or stream key */
	uint64_t maxlen;		/* LTRIM / MAXLEN ~; 0 none */
	const char *counter_key;	/* NULL: no counter */
	const char *switch_key;		/* NULL: no switch */
	enum rsink_full on_full;
	long connect_timeout_ms;	/* 0: RSINK_CONNECT_MS */
	long backoff_max_ms;		/* 0: RSINK_BACKOFF_MAX_MS */
	rsink_log_fn on_log;		/* NULL: silent */
	void *log_arg;
};

/* Where a Redis URL points (see "URL" above); also what the "sluice
 * serve --from-redis" subscriber (subscribe.h) connects to. */
struct rsink_addr {
	char host[256];
	char port[8];			/* "6379" unless given */
	char user[128];			/* %-decoded; "": none */
	char pass[256];			/* %-decoded; "": none */
	char path[108];			/* unix socket */
	int is_unix;
};

/* The context.  Caller-allocated; do not touch the fields. */
struct rsink {
	struct rsink_cfg cfg;		/* copy; its strings MUST outlive r */
	struct rsink_addr addr;
	long db;
	char maxlen_s[24];		/* "N" */
	char nmaxlen_s[24];		/* "-N" */

	int state;
	int fd;
	int err;
	int sys_errno;
	char errmsg[160];		/* Redis' error text / last failure */

	/* backlog: [ack, sent) in flight, [sent, end) unsent */
	unsigned char *bl;
	size_t cap, ack, sent, end;
	size_t grp_off;			/* end of the replies seen so far */
	int grp_replies;		/* replies seen of the group at ack */
	int kper;			/* commands per message */
	uint64_t groups_total, groups_acked;

	/* control commands, sent before any further backlog byte */
	unsigned char ctl[RSINK_CTL_MAX];
	size_t ctl_len, ctl_sent;
	struct rsink_ctlq {
		int kind;
		uint64_t after;		/* groups acked before its reply */
	} q[RSINK_CTLQ];
	unsigned qh, qn;
	int get_out;			/* a switch GET is in flight */

	struct resp resp;
	unsigned char rbuf[RSINK_RBUF];

	/* connecting */
	struct sockaddr_storage addrs[RSINK_ADDRS];
	socklen_t alen[RSINK_ADDRS];
	int naddr, ai;
	int64_t t_next;			/* reconnect time / connect deadline */
	int64_t t_switch;		/* next switch GET */
	long backoff_ms;
	int was_up;			/* a connection has worked */

	enum rsink_switch sw;
	int low_said;			/* "backlog full" logged */
	uint64_t accepted, acked, dropped, reconnects, full;
};

/* Parses url into *a.  *tail is set to what follows: for redis:// the
 * text after "host[:port]/" ("" when there is none: the database for the
 * sink, the channel for the subscriber), for unix: the "?..." query or
 * "".  Returns 0 or RSINK_E_URL. */
int rsink_parse_url(struct rsink_addr *a, const char *url,
    const char **tail);

/* Sets r up for cfg with the backlog buf[0..cap) (cap 0: no backlog is
 * possible; use RSINK_BACKLOG_DEFAULT).  Does no I/O: the first
 * rsink_step() connects.  Returns 0 or RSINK_E_URL / RSINK_E_CONFIG. */
int rsink_init(struct rsink *r, const struct rsink_cfg *cfg,
    unsigned char *buf, size_t cap);

/* Queues msg[0..len).  Returns 0 (queued), RSINK_FULL (BLOCK: not
 * queued, nothing changed), RSINK_DROPPED (DROP: not queued, counted),
 * RSINK_E_TOOBIG (not sticky: could never fit), or the sticky error. */
int rsink_write(struct rsink *r, const void *msg, size_t len);

/* BLOCK policy: nonzero while the caller may read upstream (at least a
 * quarter of the backlog free).  DROP policy: always nonzero. */
int rsink_room(struct rsink *r);

/* Nonzero when a message of len bytes would be queued now. */
int rsink_fits(struct rsink *r, size_t len);

/* Adds at most one pollfd to fds[0..cap) and returns how many (0 or 1);
 * lowers *timeout_ms (-1: infinite) to the sink's next deadline. */
int rsink_poll_fds(struct rsink *r, struct pollfd *fds, int cap,
    int *timeout_ms);

/* Advances the sink with poll()'s results (it finds its own fd in
 * fds[0..n)); call after every poll.  Returns 0 or the sticky error. */
int rsink_step(struct rsink *r, const struct pollfd *fds, int n);

/* Blocks (its own poll loop, nothing else serviced) until a message of
 * len bytes fits, or timeout_ms passes (-1: no limit).  0, RSINK_E_TIMEOUT
 * or the sticky error. */
int rsink_wait(struct rsink *r, size_t len, long timeout_ms);

/* Blocks until every queued group is acknowledged or timeout_ms passes.
 * 0, RSINK_E_TIMEOUT (rsink_pending() says how much is left) or the
 * sticky error. */
int rsink_flush_blocking(struct rsink *r, long timeout_ms);

/* Closes the connection (the backlog is left as it is). */
void rsink_close(struct rsink *r);

static inline int
rsink_error(const struct rsink *r)
{
	return r->err;
}

static inline enum rsink_switch
rsink_switch(const struct rsink *r)
{
	return r->sw;
}

/* Redis' error text or the last connection failure ("" if none). */
static inline const char *
rsink_errmsg(const struct rsink *r)
{
	return r->errmsg;
}

/* Messages acknowledged by Redis / dropped (DROP) / refused (BLOCK). */
static inline uint64_t
rsink_acked(const struct rsink *r)
{
	return r->acked;
}

static inline uint64_t
rsink_dropped(const struct rsink *r)
{
	return r->dropped;
}

/* Backlog bytes not yet acknowledged. */
static inline size_t
rsink_pending(const struct rsink *r)
{
	return r->end - r->ack;
}

static inline int
rsink_connected(const struct rsink *r)
{
	return r->state == 3;	/* R_READY in sinkredis.c */
}

#endif
