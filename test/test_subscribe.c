/* Tests for subscribe.c: the URL, push frames cut at every byte, and
 * reading from a socket pair (messages, error replies, EOF, too big).
 * MIT licensed, see LICENSE. */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "t.h"
#include "subscribe.h"

static int
url(void)
{
	struct subscribe b;

	subscribe_init(&b, NULL, 0);
	check(subscribe_parse_url(&b, "redis://127.0.0.1/tweets") == 0);
	check(!strcmp(b.addr.host, "127.0.0.1") &&
	    !strcmp(b.addr.port, "6379") && !strcmp(b.chan, "tweets"));
	check(b.addr.user[0] == '\0' && b.addr.pass[0] == '\0');
	check(subscribe_parse_url(&b, "redis://u:p%40ss@[::1]:7000/a/b") == 0);
	check(!strcmp(b.addr.host, "::1") && !strcmp(b.addr.port, "7000"));
	check(!strcmp(b.addr.user, "u") && !strcmp(b.addr.pass, "p@ss"));
	check(!strcmp(b.chan, "a/b"));
	check(subscribe_parse_url(&b, "redis://secret@h/c") == 0);
	check(!strcmp(b.addr.pass, "secret") && b.addr.user[0] == '\0');
	check(subscribe_parse_url(&b, "redis://h") == SUBSCRIBE_E_URL);
	check(subscribe_parse_url(&b, "redis://h/") == SUBSCRIBE_E_URL);
	check(subscribe_parse_url(&b, "http://h/c") == SUBSCRIBE_E_URL);
	check(subscribe_parse_url(&b, "unix:/tmp/r.sock") == SUBSCRIBE_E_URL);
	check(subscribe_parse_url(&b, "redis://h:0/c") == SUBSCRIBE_E_URL);
	check(subscribe_parse_url(&b, "redis://h:x/c") == SUBSCRIBE_E_URL);
	return 0;
}

static const char frames[] =
    "*3\r\n$9\r\nsubscribe\r\n$6\r\ntweets\r\n:1\r\n"
    "*3\r\n$7\r\nmessage\r\n$6\r\ntweets\r\n$11\r\n{\"id\":\"1\"}\n\r\n"
    "+OK\r\n"
    "*3\r\n$7\r\nmessage\r\n$6\r\ntweets\r\n$0\r\n\r\n";

/* Each frame is "need more" at every cut before its end and the same
 * frame at every cut after it. */
static int
frame_cuts(void)
{
	const unsigned char *p = (const unsigned char *)frames, *m;
	size_t n = sizeof frames - 1, off = 0, used, mlen, k, whole;
	int nframe = 0, rc;
	static const size_t lens[] = { (size_t)-1, 11, (size_t)-1, 0 };

	while (off < n) {
		rc = subscribe_frame(p + off, n - off, &whole, &m, &mlen);
		check(rc == 1);
		check(lens[nframe] == (size_t)-1 ? m == NULL :
		    (m != NULL && mlen == lens[nframe]));
		for (k = 0; k < whole; k++)
			check(subscribe_frame(p + off, k, &used, &m,
			    &mlen) == 0);
		off += whole;
		nframe++;
	}
	check(nframe == 4 && off == n);
	return 0;
}

static int
frame_bad(void)
{
	static const char *const bad[] = {
		"-ERR wrong\r\n", "?3\r\n", "*3\r\n$x\r\n",
		"*9\r\n", "*1\r\n$-1\r\n", "*1\r\n+x\r\n",
		"*1\r\n$2\r\nabcd\r\n", "*1\r\n$999999999999\r\n",
	};
	const unsigned char *m;
	size_t used, mlen, i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		check(subscribe_frame((const unsigned char *)bad[i],
		    strlen(bad[i]), &used, &m, &mlen) == SUBSCRIBE_E_REPLY);
	return 0;
}

static char got[4][64];
static int ngot;

static void
on_message(void *arg, const char *p, size_t n)
{
	(void)arg;
	if (ngot < 4 && n < sizeof got[0]) {
		memcpy(got[ngot], p, n);
		got[ngot][n] = '\0';
	}
	ngot++;
}

/* A subscriber reading from one end of a socket pair. */
static int
pair(struct subscribe *b, unsigned char *buf, size_t cap, int *peer)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return -1;
	subscribe_init(b, buf, cap);
	b->fd = sv[0];
	(void)fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	*peer = sv[1];
	return 0;
}

static int
reading(void)
{
	struct subscribe b;
	unsigned char buf[256];
	size_t i, n = sizeof frames - 1;
	int peer;

	/* byte by byte: the same two messages */
	check(pair(&b, buf, sizeof buf, &peer) == 0);
	ngot = 0;
	check(subscribe_read(&b, on_message, NULL) == 0);	/* nothing */
	for (i = 0; i < n; i++) {
		check(write(peer, frames + i, 1) == 1);
		check(subscribe_read(&b, on_message, NULL) == 0);
	}
	check(ngot == 2 && b.received == 2);
	check(!strcmp(got[0], "{\"id\":\"1\"}\n") && got[1][0] == '\0');
	check(b.len == 0 && b.fd >= 0);
	/* an error reply closes */
	check(write(peer, "-NOAUTH x\r\n", 11) == 11);
	check(subscribe_read(&b, on_message, NULL) == SUBSCRIBE_E_REPLY);
	check(b.fd == -1 && subscribe_retry_ms(&b) > 0);
	close(peer);

	/* end of stream */
	check(pair(&b, buf, sizeof buf, &peer) == 0);
	close(peer);
	check(subscribe_read(&b, on_message, NULL) == SUBSCRIBE_E_CLOSED);
	check(b.fd == -1);

	/* a message larger than the buffer */
	check(pair(&b, buf, 32, &peer) == 0);
	check(write(peer, frames + 35, 40) == 40);	/* the 2nd frame */
	check(subscribe_read(&b, on_message, NULL) == 0);	/* 32 read */
	check(subscribe_read(&b, on_message, NULL) == SUBSCRIBE_E_TOOBIG);
	check(b.fd == -1);
	close(peer);
	return 0;
}

int
main(void)
{
	t_init("test_subscribe");
	t_run("url", url);
	t_run("frame_cuts", frame_cuts);
	t_run("frame_bad", frame_bad);
	t_run("reading", reading);
	return t_done();
}
