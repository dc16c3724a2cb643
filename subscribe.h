/* subscribe -- a small Redis pub/sub subscriber: what "sluice serve
 * --from-redis redis://host/CHANNEL --serve PORT" reads, so that the
 * capture, the Redis server and the web view can be three processes on
 * three machines.  MIT licensed, see LICENSE.  Tool side: POSIX sockets,
 * no malloc, no stdio; the caller owns the context and the read buffer.
 *
 * Use:
 *     subscribe_init(b, buf, cap);          cap: the largest message
 *     subscribe_parse_url(b, "redis://[[user]:password@]host[:port]/CH")
 *     subscribe_connect(b)                  AUTH, SUBSCRIBE
 *     loop: poll b->fd for POLLIN (when >= 0), then
 *           subscribe_read(b, on_message, arg)    on_message per message
 *           when b->fd < 0 and subscribe_retry_ms(b) <= 0:
 *               subscribe_connect(b)
 *     subscribe_close(b)
 * subscribe_connect() blocks (getaddrinfo, connect, two writes): it is
 * meant for a Redis server on the LAN.  Reading is non-blocking.  A
 * failure closes the connection and returns its code; the caller logs it
 * and calls subscribe_connect() again after SUBSCRIBE_RETRY_MS.  Messages
 * published while the subscriber is not connected are not seen: that is
 * pub/sub.
 *
 * The URL is parsed by sinkredis.c's rsink_parse_url(), so it takes the
 * same forms (%-decoded user and password, [v6] hosts); the path is the
 * channel.  Unix sockets are not supported here.
 *
 * Only push frames are parsed: "message" arrays (kind, channel, payload)
 * hand their payload to on_message; subscribe confirmations, simple
 * strings and integers are skipped; an error reply or anything malformed
 * closes the connection.  A message must fit the read buffer whole.
 *
 * Memory: sizeof(struct subscribe) is 1064 bytes on LP64, plus the read
 * buffer.
 */
#ifndef SUBSCRIBE_H
#define SUBSCRIBE_H

#include <stddef.h>
#include <stdint.h>

#include "sinkredis.h"

#ifndef SUBSCRIBE_RETRY_MS
#define SUBSCRIBE_RETRY_MS 1000		/* wait before connecting again */
#endif

/* Errors: negative, -320..-339 (errstr.c has the words). */
#define SUBSCRIBE_ERRORS(X) \
	X(SUBSCRIBE_E_URL, -320, "invalid Redis URL: want " \
	    "redis://[[user]:password@]host[:port]/CHANNEL") \
	X(SUBSCRIBE_E_RESOLVE, -321, "cannot resolve the Redis host") \
	X(SUBSCRIBE_E_CONNECT, -322, "cannot connect to Redis") \
	X(SUBSCRIBE_E_WRITE, -323, "cannot send to Redis") \
	X(SUBSCRIBE_E_CLOSED, -324, "Redis closed the connection") \
	X(SUBSCRIBE_E_READ, -325, "cannot read from Redis (errno)") \
	X(SUBSCRIBE_E_TOOBIG, -326, "message larger than the read buffer") \
	X(SUBSCRIBE_E_REPLY, -327, \
	    "Redis sent an error reply or malformed data")

#define SUBSCRIBE_ENUM(name, code, text) name = code,
enum { SUBSCRIBE_ERRORS(SUBSCRIBE_ENUM) SUBSCRIBE_E_LAST_ = -339 };
#undef SUBSCRIBE_ENUM

/* The subscriber.  Caller-allocated; read fd, received; do not write. */
struct subscribe {
	struct rsink_addr addr;
	char chan[256];
	int fd;				/* -1 while not connected */
	int64_t t_retry;		/* sock_now_ms() of the next connect */
	unsigned char *buf;		/* the caller's, cap bytes */
	size_t cap, len;
	uint64_t received;		/* messages handed to on_message */
};

/* Called once per message with its payload, valid only during the call. */
typedef void (*subscribe_message_fn)(void *arg, const char *msg, size_t len);

/* Resets b, not connected, with the read buffer buf[0..cap). */
void subscribe_init(struct subscribe *b, unsigned char *buf, size_t cap);

/* Sets the address and channel from url.  Returns 0 or SUBSCRIBE_E_URL. */
int subscribe_parse_url(struct subscribe *b, const char *url);

/* Connects, authenticates when the URL has a password, subscribes.
 * Returns 0, or SUBSCRIBE_E_RESOLVE / _CONNECT / _WRITE (closed, the next
 * try is due in SUBSCRIBE_RETRY_MS; errno is kept for _CONNECT). */
int subscribe_connect(struct subscribe *b);

/* Reads what the socket has and hands every complete message to fn.
 * Returns 0 (also when nothing was there), or SUBSCRIBE_E_CLOSED / _READ
 * (errno kept) / _TOOBIG / _REPLY, after closing. */
int subscribe_read(struct subscribe *b, subscribe_message_fn fn, void *arg);

/* Milliseconds until the next connect is due (<= 0: now). */
int64_t subscribe_retry_ms(const struct subscribe *b);

/* Closes the connection (if any); the next connect is due in
 * SUBSCRIBE_RETRY_MS. */
void subscribe_close(struct subscribe *b);

/* One push frame at p[0..n): 1 with *used set (and, for a "message",
 * *msg and *mlen; else *msg NULL), 0 when more bytes are needed,
 * SUBSCRIBE_E_REPLY for an error reply or malformed data.  Exposed for
 * tests. */
int subscribe_frame(const unsigned char *p, size_t n, size_t *used,
    const unsigned char **msg, size_t *mlen);

#endif
