/* The embedding example of doc/embedding.md: count tweets per language
 * from any stream, with the sluice engine as a library.  MIT licensed. */
#include <stdio.h>
#include <string.h>

#include "stream.h"

static struct stream s;			/* ~190 KiB: keep it static */
static struct ca_store anchors;	/* for https URLs */
static unsigned long tweets, deletes;

/* Called once per complete message (like tweepy's on_status). */
static int
on_message(void *arg, const char *msg, size_t len, const struct msg *m)
{
	(void)arg;
	(void)msg;
	(void)len;
	if (m && m->kind == MSG_TWEET)
		tweets++;
	else if (m && m->kind == MSG_DELETE)
		deletes++;
	return tweets >= 100 ? 1 : 0;	/* > 0: stop after this one */
}

static void
on_log(void *arg, int level, const char *text)
{
	(void)arg;
	if (level <= 1)
		fprintf(stderr, "embed: %s\n", text);
}

int
main(int argc, char **argv)
{
	struct stream_cfg cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.url = argc > 1 ? argv[1] : "http://127.0.0.1:8080/stream/500";
	cfg.compressed = 1;
	cfg.classify = 1;		/* we look at m->kind */
	cfg.stall_ms = 90000;
	cfg.connect_timeout_ms = 10000;
	cfg.retry = 3;			/* reconnects before giving up */
	cfg.record_fd = -1;
	cfg.anchors = &anchors;
	cfg.on_message = on_message;
	cfg.on_log = on_log;
	if (stream_init(&s, &cfg) < 0) {
		fprintf(stderr, "embed: %s\n", stream_last_error(&s));
		return 1;
	}
	if (stream_run(&s) != STREAM_OK)
		return 4;
	printf("%lu tweets, %lu deletes\n", tweets, deletes);
	return 0;
}
