/* sluice -- tap long-lived HTTP streaming APIs.  MIT licensed.
 * The command line tool: options, presets, credentials, signals, output,
 * exit codes.  Owns all memory in one static struct (ARCHITECTURE 3). */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cred.h"
#include "errstr.h"
#include "oauth.h"
#include "preset.h"
#include "sinkfile.h"
#include "stream.h"
#ifndef SLUICE_NO_REDIS
#include "sinkredis.h"
#endif
#ifndef SLUICE_NO_WEB
#include "web.h"
#endif
#if !defined(SLUICE_NO_WEB) && !defined(SLUICE_NO_REDIS)
#include "subscribe.h"
#endif

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "unknown"
#endif
#ifndef SLUICE_BUILD_CFLAGS
#define SLUICE_BUILD_CFLAGS "unknown"
#endif
#ifndef SLUICE_BEARSSL
#define SLUICE_BEARSSL "BearSSL"
#endif

/* Exit codes (ARCHITECTURE.md section 6). */
enum {
	EXIT_OK = 0, EXIT_GENERIC = 1, EXIT_USAGE = 2, EXIT_OUTPUT = 3,
	EXIT_NETWORK = 4, EXIT_TLS = 5, EXIT_AUTH = 6, EXIT_PROTOCOL = 7,
	EXIT_HTTP = 8
};


#define MAX_FIELDS 32

/* Every byte of state the tool needs, sized at compile time; what only
 * an option needs (the Redis sink, the web view's storage, the Redis
 * subscriber of "sluice serve") is allocated once at start-up, when the
 * option is given. */
static struct app {
	struct stream stream;
	struct stream_cfg cfg;
	struct preset preset;		/* URL, body, credentials, signing */
	struct preset_opts popts;
	enum preset_kind kind;
	struct fsink out;
	struct fsink_cfg out_cfg;
	const char *fields[MAX_FIELDS];
	size_t nfields;
	int verbose, quiet, tty;
	long stats_every;
	const char *stats_json;
	const char *data;
	int record_fd;
	int64_t last_status;
	uint64_t last_written;
	int out_given;			/* -o given: write the file too */

#ifndef SLUICE_NO_REDIS
	/* Redis output (--redis and a mode) */
	struct rsink *redis;		/* malloc'd at start-up, with a mode */
	struct rsink_cfg rcfg;
	const char *redis_url;
	int redis_on;			/* a mode was given */
	int switch_pause;		/* --switch-pause */
	size_t backlog_size;
	unsigned char *backlog;		/* malloc'd at start-up */
#endif

#ifndef SLUICE_NO_WEB
	/* web view (--serve) */
	struct web *web;		/* malloc'd at start-up, with --serve */
	struct web_cfg wcfg;
	const char *serve;
	const char *serve_token;
	unsigned serve_clients;
	long long serve_rate;		/* -1: not given */
	int web_take;			/* the feed takes this message */
	char serve_addr[256], serve_port[8];
	char track_kw[WEB_TRACK_MAX + 1];
#endif
	struct pollfd *fds;		/* malloc'd at start-up */
	int nfds_cap;

#if !defined(SLUICE_NO_WEB) && !defined(SLUICE_NO_REDIS)
	/* "sluice serve --from-redis URL": a Redis subscriber, no stream */
	const char *from_redis;
	struct from_redis {
		struct subscribe sub;	/* its read buffer malloc'd too */
		struct json json;
		struct json_tok toks[STREAM_TOKENS];
		struct msg msg;
	} *sub;			/* malloc'd at start-up, serve only */
#endif
} app;

static const char *argv0 = "sluice";
static volatile sig_atomic_t got_stop, got_usr1, got_hup;

/* ---- diagnostics ---------------------------------------------------------- */

static void
vwarn(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	fprintf(stderr, "%s: ", argv0);
	vfprintf(stderr, fmt, ap);
	if (n && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

static void
warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

static void
die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(code);
}

static void
usage(void)
{
	fprintf(stderr, "usage: %s [options] URL | twitter:filter | "
	    "twitter:sample | x:stream | x:sample  (--help)\n", argv0);
	exit(EXIT_USAGE);
}

static void
help(void)
{
	printf("usage: %s [options] URL | PRESET\n"
"Capture a long-lived HTTP stream: every complete message, once, one per line.\n"
"\n"
"Presets: twitter:filter twitter:sample (v1.1, OAuth 1.0a), x:stream x:sample\n"
"(v2, Bearer).  Credentials: SLUICE_CONSUMER_KEY SLUICE_CONSUMER_SECRET\n"
"SLUICE_TOKEN SLUICE_TOKEN_SECRET SLUICE_BEARER_TOKEN, or --credentials FILE.\n"
"\n"
"Request:\n"
"  -X, --request METHOD   HTTP method (default GET, POST with -d)\n"
"  -H, --header 'N: V'    extra request header (repeatable)\n"
"  -d, --data DATA        request body (form-encoded; @FILE reads a file)\n"
"      --compressed       ask for gzip (default)   --no-compressed: don't\n"
"      --api-base URL     scheme://host[:port] for presets\n"
#ifndef SLUICE_NO_PROXY
"      --proxy URL        tunnel through an HTTP proxy (http://host:port)\n"
#endif
"      --track LIST --follow IDS --locations BOXES --language LANGS\n"
"      --delimited        v1.1: ask for delimited=length framing\n"
"      --fields F --expansions E --user-fields F --place-fields F  (v2)\n"
"      --backfill MIN     v2: recover up to MIN minutes after a reconnect\n"
"      --credentials FILE key = value file (mode 0600)\n"
"TLS:\n"
"      --cacert FILE|DIR  trust anchors (default system bundle)\n"
"      --pin sha256//B64  require this server public key\n"
"  -k, --insecure         do not verify the server (warns on every connect)\n"
"      --tls-time EPOCH   validation time, for hosts without a clock\n"
"Messages:\n"
#ifndef SLUICE_NO_SSE
"      --framing auto|lines|length|sse\n"
#else
"      --framing auto|lines|length\n"
#endif
"      --json             validate; invalid messages are skipped and counted\n"
"      --has PATH         deliver only messages with key path (a.b.c)\n"
"      --only geo         deliver only messages with coordinates or a place\n"
"      --raw              deliver every message as received, act on none\n"
"      --dedupe           drop messages whose id was seen recently\n"
"Limits and time:\n"
"  -n, --max-messages N   stop after exactly N messages\n"
"      --max-bytes N      stop after N bytes of messages\n"
"      --max-time SECS    stop after SECS seconds\n"
"      --time-scale F     multiply reconnect waits by F (for tests)\n"
"      --stall SECS       reconnect when nothing arrives for SECS\n"
"      --connect-timeout SECS\n"
"      --retry N          reconnects allowed (default: presets forever, URLs 0;\n"
"                         -1 forever)\n"
"      --retry-max-time SECS\n"
"Output:\n"
"  -o, --output FILE      append messages to FILE (default stdout)\n"
"      --rotate-size BYTES --rotate-time SECS   rotate at message boundaries\n"
"      --fsync never|rotate|N-messages|N-seconds\n"
#ifndef SLUICE_NO_REDIS
"      --redis URL        redis://[user:pass@]host[:port][/db] or unix:/path;\n"
"                         output goes there instead of stdout (-o: also)\n"
"      --redis-list KEY | --redis-publish CHANNEL | --redis-xadd KEY\n"
"      --redis-maxlen N   LTRIM / MAXLEN ~ N\n"
"      --redis-counter KEY  INCR with every message (== messages in Redis)\n"
"      --redis-switch KEY   stop (exit 0) when KEY is \"off\";\n"
"      --switch-pause       ... or pause until it is not\n"
"      --on-full block|drop   when the backlog is full (default block)\n"
"      --redis-backlog BYTES  default 4 MiB\n"
#endif
"      --record FILE      also save the raw response (for --replay)\n"
"      --replay FILE      run on a saved raw HTTP response, no network\n"
"      --stats SECS       print the counters every SECS seconds\n"
"      --stats-json FILE  write the final counters as JSON\n"
"  -q, --quiet            no status line, no stats line\n"
"  -v, --verbose          connection events with timestamps\n"
"  -h, --help             this help      -V, --version  version and memory\n"
#ifndef SLUICE_NO_WEB
"Live view:\n"
"      --serve [ADDR:]PORT  page, /events (SSE), /ws, /stats, /track\n"
"      --serve-token TOKEN  enable POST /track (new --track keywords)\n"
"      --serve-clients N    viewers at once (default 16)\n"
"      --serve-rate N       messages/s the page is sent at most (default\n"
"                           5000; 0: all of them)\n"
#ifndef SLUICE_NO_REDIS
"  sluice serve --from-redis redis://host[:port]/CHANNEL --serve [ADDR:]PORT\n"
"                         the page fed by a Redis channel, no stream\n"
#endif
#endif
"\n"
"Exit: 0 done, 1 error, 2 usage, 3 output, 4 network, 5 TLS verification,\n"
"6 authentication, 7 protocol, 8 HTTP status.  See sluice(1).\n", argv0);
}

static void
version(void)
{
	const struct app *a = &app;

	printf("sluice %s\n", SLUICE_VERSION);
	printf("build: %s\n", SLUICE_BUILD_CFLAGS);
	printf("tls: %s\n", SLUICE_BEARSSL);
	printf("features:%s%s%s%s\n",
#ifndef SLUICE_NO_WEB
	    " web",
#else
	    " -web",
#endif
#ifndef SLUICE_NO_REDIS
	    " redis",
#else
	    " -redis",
#endif
#ifndef SLUICE_NO_SSE
	    " sse",
#else
	    " -sse",
#endif
#ifndef SLUICE_NO_PROXY
	    " proxy");
#else
	    " -proxy");
#endif
	printf("memory: %lu bytes of state in the default configuration\n",
	    (unsigned long)sizeof app);
	printf("  stream %lu: tls %lu + iobuf %lu, inflate %lu + window %lu, "
	    "frame %lu + buffer %lu,\n", (unsigned long)sizeof a->stream,
	    (unsigned long)sizeof a->stream.tls,
	    (unsigned long)sizeof a->stream.io,
	    (unsigned long)sizeof a->stream.inf,
	    (unsigned long)sizeof a->stream.window,
	    (unsigned long)sizeof a->stream.frame,
	    (unsigned long)sizeof a->stream.framebuf);
	printf("  http head %lu + headers %lu, chunk %lu, json tokens %lu;\n",
	    (unsigned long)sizeof a->stream.head,
	    (unsigned long)sizeof a->stream.hdrs,
	    (unsigned long)sizeof a->stream.chunk,
	    (unsigned long)sizeof a->stream.toks);
	printf("  trust anchors on demand %lu + CA file scan %lu (https "
	    "only), output %lu,\n  preset (credentials, OAuth) %lu\n",
	    (unsigned long)sizeof a->stream.lazy,
	    (unsigned long)sizeof a->stream.ca, (unsigned long)sizeof a->out,
	    (unsigned long)sizeof a->preset);
	printf("  only with --dedupe (or --backfill): id ring %lu\n",
	    (unsigned long)(STREAM_IDRING * sizeof *a->cfg.ids));
#ifndef SLUICE_NO_REDIS
	printf("  only with a Redis mode: redis %lu + backlog (%lu by "
	    "default)\n", (unsigned long)sizeof *a->redis,
	    (unsigned long)RSINK_BACKLOG_DEFAULT);
#endif
#ifndef SLUICE_NO_WEB
	printf("  only with --serve: web %lu + %lu per viewer + %lu of "
	    "ring\n", (unsigned long)sizeof *a->web,
	    (unsigned long)(sizeof(struct web_client) + WEB_SENDBUF_DEF),
	    (unsigned long)(WEB_RING_DEF * sizeof(struct web_ev) +
	    WEB_RINGBUF_DEF));
#endif
}

/* ---- numbers ---------------------------------------------------------------- */

/* Range-checked decimal parse (STYLE rule 17: no atoi). */
static long long
parse_num(const char *opt, const char *s, long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		die(EXIT_USAGE, "%s: '%s' is not a number in %lld..%lld", opt,
		    s, min, max);
	return v;
}

/* Seconds, with an optional fraction: "90", "0.5". */
static long
parse_secs_ms(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 31536000)
		die(EXIT_USAGE, "%s: '%s' is not a number of seconds", opt, s);
	return (long)(v * 1000 + 0.5);
}

/* ---- output --------------------------------------------------------------- */

static const char *
out_name(void)
{
	return app.out_cfg.path ? fsink_name(&app.out) : "standard output";
}

#ifndef SLUICE_NO_WEB
/* The web page's projection of one message: id and coordinates from the
 * classifier, author, text and time from the JSON tokens (raw string
 * slices, escapes intact: web.c re-checks them). */
static void
tok_str(const char *p, const struct json_tok *t, int i, const char **out,
    size_t *len)
{
	if (i < 0 || json_type(&t[i]) != JSON_STRING || *out != NULL)
		return;
	*out = p + t[i].start;
	*len = t[i].len;
}

static void
web_item_of(struct web_item *it, const char *p, const struct json_tok *t,
    int ntok, const struct msg *m)
{
	int i;

	memset(it, 0, sizeof *it);
	it->escaped = 1;
	if (m != NULL) {
		it->id = m->id.p;
		it->id_len = m->id.len;
		it->has_geo = m->has_geo;
		it->lon = m->lon;
		it->lat = m->lat;
	}
	if (t == NULL || ntok < 1)
		return;
	if (m != NULL && m->kind == MSG_V2_DATA) {
		tok_str(p, t, json_get(p, t, ntok, 0, "data", "text",
		    (char *)NULL), &it->text, &it->text_len);
		tok_str(p, t, json_get(p, t, ntok, 0, "data", "id",
		    (char *)NULL), &it->id, &it->id_len);
		tok_str(p, t, json_get(p, t, ntok, 0, "data", "created_at",
		    (char *)NULL), &it->time, &it->time_len);
		i = json_get(p, t, ntok, 0, "includes", "users", (char *)NULL);
		if (i >= 0)
			i = json_index(t, ntok, i, 0);
		if (i >= 0)
			i = json_member(p, t, ntok, i, "username", 8);
		tok_str(p, t, i, &it->user, &it->user_len);
		tok_str(p, t, json_get(p, t, ntok, 0, "data", "author_id",
		    (char *)NULL), &it->user, &it->user_len);
		return;
	}
	tok_str(p, t, json_get(p, t, ntok, 0, "extended_tweet", "full_text",
	    (char *)NULL), &it->text, &it->text_len);
	tok_str(p, t, json_get(p, t, ntok, 0, "text", (char *)NULL),
	    &it->text, &it->text_len);
	tok_str(p, t, json_get(p, t, ntok, 0, "full_text", (char *)NULL),
	    &it->text, &it->text_len);
	tok_str(p, t, json_get(p, t, ntok, 0, "id_str", (char *)NULL),
	    &it->id, &it->id_len);
	tok_str(p, t, json_get(p, t, ntok, 0, "user", "screen_name",
	    (char *)NULL), &it->user, &it->user_len);
	tok_str(p, t, json_get(p, t, ntok, 0, "created_at", (char *)NULL),
	    &it->time, &it->time_len);
}

/* stream_cfg.classify_fn with --serve: whether the page's feed takes the
 * next message (then it is parsed for its projection), asked once per
 * message before on_message. */
static int
web_classify(void *arg)
{
	(void)arg;
	app.web_take = web_take(app.web);
	return app.web_take;
}

static void
publish_web(const char *p, size_t n, const struct json_tok *t, int ntok,
    const struct msg *m)
{
	struct web_item it;

	web_item_of(&it, p, t, ntok, m);
	(void)web_publish(app.web, p, n, &it);
}
#endif

#ifndef SLUICE_NO_REDIS
/* Queues one message for Redis.  A message that does not fit now (the
 * backlog is full within one read) waits here, as sinkredis.h says;
 * SIGINT/SIGTERM while waiting gives up (exit 3, pending reported). */
static int
redis_put(const char *p, size_t n)
{
	int rc = rsink_write(app.redis, p, n);

	while (rc == RSINK_FULL) {
		rc = rsink_wait(app.redis, n, 1000);
		if (rc == RSINK_E_TIMEOUT) {
			if (got_stop) {
				warn("stopped while waiting for Redis");
				return -1;
			}
			continue;
		}
		if (rc < 0)
			return -1;
		/* The time spent waiting for Redis is not a stall: pausing
		 * and resuming restarts the stream's stall clock. */
		stream_pause(&app.stream, 1);
		stream_pause(&app.stream, 0);
		rc = rsink_write(app.redis, p, n);
	}
	if (rc == RSINK_E_TOOBIG)
		warn("a message of %lu bytes is larger than the Redis backlog "
		    "(--redis-backlog)", (unsigned long)n);
	return rc < 0 ? -1 : 0;
}
#endif

/* A message, one line (stream.c already turned any line end inside it
 * into a space).  The file sink never splits one across a failure.
 * With a Redis mode the message goes to Redis instead of standard output
 * (and to -o FILE too when -o was given); with --serve to the page. */
static int
on_message(void *arg, const char *p, size_t n, const struct msg *m)
{
	(void)arg;
	(void)m;
#ifndef SLUICE_NO_REDIS
	if (app.redis_on && redis_put(p, n) < 0)
		return -1;
	if ((!app.redis_on || app.out_given) && fsink_write(&app.out, p, n) < 0)
		return -1;
#else
	if (fsink_write(&app.out, p, n) < 0)
		return -1;
#endif
#ifndef SLUICE_NO_WEB
	if (app.serve) {
		const struct json_tok *t;
		int ntok;

		if (!app.web_take) {
			web_skip(app.web);
			return 0;
		}
		t = stream_tokens(&app.stream, &ntok);
		publish_web(p, n, m ? t : NULL, m ? ntok : 0, m);
	}
#endif
	return 0;
}

/* ---- status, stats ---------------------------------------------------------- */

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double t_begin;

static void
log_line(void *arg, int level, const char *text)
{
	(void)arg;
	/* -q hides notices, -v shows everything, errors always show. */
	if (level > 1 && !app.verbose)
		return;
	if (level == 1 && app.quiet && !app.verbose)
		return;
	if (app.tty)
		fputs("\r\033[K", stderr);
	if (app.verbose)
		fprintf(stderr, "%s: [%8.3f] %s\n", argv0,
		    mono_now() - t_begin, text);
	else
		fprintf(stderr, "%s: %s\n", argv0, text);
}

/* The counters as "name=value ..." (json 0) or a JSON object without its
 * closing brace (json 1), in the order the man page lists them.  Returns
 * the length, or 0 if cap is too small. */
static size_t
format_counters(char *buf, size_t cap, int json)
{
	const struct stream_stats *s = stream_stats(&app.stream);
	const struct {
		const char *name;
		uint64_t v;
	} c[] = {
		{ "received", s->received }, { "written", s->written },
		{ "keepalives", s->keepalives }, { "deletes", s->deletes },
		{ "limited", s->limited }, { "control", s->control },
		{ "oversize", s->oversize }, { "truncated", s->truncated },
		{ "duplicates", s->duplicates }, { "invalid", s->invalid },
		{ "filtered", s->filtered }, { "reconnects", s->reconnects },
		{ "bytes_wire", s->bytes_wire },
		{ "bytes_decoded", s->bytes_decoded },
	};
	size_t i, len = 0;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		int n = snprintf(buf + len, cap - len, json ?
		    "%s\"%s\":%llu" : "%s%s=%llu", i == 0 ? (json ? "{" :
		    "") : (json ? "," : " "), c[i].name,
		    (unsigned long long)c[i].v);

		if (n < 0 || (size_t)n >= cap - len)
			return 0;
		len += (size_t)n;
	}
	return len;
}

static void
print_stats(FILE *f, const char *prefix)
{
	char line[640];

	if (format_counters(line, sizeof line, 0))
		fprintf(f, "%s%s elapsed=%.3f\n", prefix, line,
		    mono_now() - t_begin);
}

/* Written with open/write from a stack buffer, not stdio: fopen would be
 * the process's only heap allocation after start-up (test/noalloc.sh). */
static void
write_stats_json(void)
{
	char j[1024];
	size_t n = format_counters(j, sizeof j - 2, 1);
	int fd;

	/* open/write, not stdio: fopen would allocate after start-up. */
	fd = open(app.stats_json, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0) {
		warn("cannot write %s:", app.stats_json);
		return;
	}
#ifndef SLUICE_NO_WEB
	/* with --serve: what the page's feed took, as /stats has it */
	if (n > 0 && app.web != NULL) {
		const struct web_counters *w = web_counters(app.web);
		int k = snprintf(j + n, sizeof j - 2 - n, ",\"web\":{"
		    "\"published\":%llu,\"skipped\":%llu,"
		    "\"dropped_slow\":%llu}",
		    (unsigned long long)w->published,
		    (unsigned long long)w->skipped,
		    (unsigned long long)w->dropped_slow);

		n = k > 0 && (size_t)k < sizeof j - 2 - n ? n + (size_t)k : 0;
	}
#endif
	memcpy(j + n, "}\n", 2);
	if (n == 0 || write(fd, j, n + 2) != (ssize_t)(n + 2))
		warn("cannot write %s:", app.stats_json);
	if (close(fd) != 0)
		warn("cannot write %s:", app.stats_json);
}

static const char *
state_name(enum stream_state st)
{
	static const char *const names[] = {
		"idle", "connecting", "tls", "sending", "waiting", "streaming",
		"backoff", "done"
	};

	return names[st];
}

/* The one-line live status on a terminal, once a second. */
static void
status_line(double now)
{
	const struct stream_stats *s = stream_stats(&app.stream);
	double dt = now - t_begin;

	fprintf(stderr, "\r\033[K%llu msgs  %.0f msg/s  %.1f MB  %llu "
	    "reconnects  %s", (unsigned long long)s->written,
	    dt > 0 ? (double)s->written / dt : 0.0,
	    (double)s->bytes_wire / 1e6, (unsigned long long)s->reconnects,
	    state_name(stream_state(&app.stream)));
}

/* ---- signals --------------------------------------------------------------- */

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = 1;
}

static void
setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* ---- options ---------------------------------------------------------------- */

enum {
	OPT_HELP = 256, OPT_VERSION, OPT_REQUEST, OPT_HEADER, OPT_DATA, OPT_COMPRESSED,
	OPT_NO_COMPRESSED, OPT_API_BASE, OPT_TRACK, OPT_FOLLOW, OPT_LOCATIONS,
	OPT_LANGUAGE, OPT_DELIMITED, OPT_FIELDS, OPT_EXPANSIONS, OPT_USER_FIELDS,
	OPT_PLACE_FIELDS, OPT_BACKFILL, OPT_CREDENTIALS, OPT_CACERT, OPT_PIN,
	OPT_INSECURE, OPT_TLS_TIME, OPT_FRAMING, OPT_JSON, OPT_HAS, OPT_ONLY, OPT_RAW,
	OPT_DEDUPE, OPT_MAX_MESSAGES, OPT_MAX_BYTES, OPT_MAX_TIME, OPT_STALL,
	OPT_CONNECT_TIMEOUT, OPT_RETRY, OPT_RETRY_MAX_TIME, OPT_OUTPUT, OPT_RECORD,
	OPT_REPLAY, OPT_STATS, OPT_STATS_JSON, OPT_QUIET, OPT_VERBOSE, OPT_TIME_SCALE,
	OPT_ROTATE_SIZE, OPT_ROTATE_TIME, OPT_FSYNC, OPT_PROXY, OPT_REDIS,
	OPT_REDIS_LIST,
	OPT_REDIS_PUBLISH, OPT_REDIS_XADD, OPT_REDIS_MAXLEN, OPT_REDIS_COUNTER,
	OPT_REDIS_SWITCH, OPT_SWITCH_PAUSE, OPT_ON_FULL, OPT_REDIS_BACKLOG,
	OPT_SERVE, OPT_SERVE_TOKEN, OPT_SERVE_CLIENTS, OPT_SERVE_RATE,
	OPT_FROM_REDIS
};

struct opt {
	const char *name;	/* long name without "--" */
	char shortname;
	int has_arg;
	int id;
};

static const struct opt opts[] = {
	{ "help", 'h', 0, OPT_HELP }, { "version", 'V', 0, OPT_VERSION },
	{ "request", 'X', 1, OPT_REQUEST }, { "header", 'H', 1, OPT_HEADER },
	{ "data", 'd', 1, OPT_DATA }, { "compressed", 0, 0, OPT_COMPRESSED },
	{ "no-compressed", 0, 0, OPT_NO_COMPRESSED },
	{ "api-base", 0, 1, OPT_API_BASE }, { "track", 0, 1, OPT_TRACK },
	{ "follow", 0, 1, OPT_FOLLOW }, { "locations", 0, 1, OPT_LOCATIONS },
	{ "language", 0, 1, OPT_LANGUAGE }, { "delimited", 0, 0, OPT_DELIMITED },
	{ "fields", 0, 1, OPT_FIELDS }, { "expansions", 0, 1, OPT_EXPANSIONS },
	{ "user-fields", 0, 1, OPT_USER_FIELDS },
	{ "place-fields", 0, 1, OPT_PLACE_FIELDS },
	{ "backfill", 0, 1, OPT_BACKFILL },
	{ "credentials", 0, 1, OPT_CREDENTIALS }, { "cacert", 0, 1, OPT_CACERT },
	{ "pin", 0, 1, OPT_PIN }, { "insecure", 'k', 0, OPT_INSECURE },
	{ "tls-time", 0, 1, OPT_TLS_TIME }, { "framing", 0, 1, OPT_FRAMING },
	{ "json", 0, 0, OPT_JSON }, { "has", 0, 1, OPT_HAS },
	{ "only", 0, 1, OPT_ONLY }, { "raw", 0, 0, OPT_RAW },
	{ "dedupe", 0, 0, OPT_DEDUPE },
	{ "max-messages", 'n', 1, OPT_MAX_MESSAGES },
	{ "max-bytes", 0, 1, OPT_MAX_BYTES }, { "max-time", 0, 1, OPT_MAX_TIME },
	{ "stall", 0, 1, OPT_STALL },
	{ "connect-timeout", 0, 1, OPT_CONNECT_TIMEOUT },
	{ "retry", 0, 1, OPT_RETRY }, { "retry-max-time", 0, 1, OPT_RETRY_MAX_TIME },
	{ "output", 'o', 1, OPT_OUTPUT }, { "record", 0, 1, OPT_RECORD },
	{ "replay", 0, 1, OPT_REPLAY }, { "stats", 0, 1, OPT_STATS },
	{ "stats-json", 0, 1, OPT_STATS_JSON }, { "quiet", 'q', 0, OPT_QUIET },
	{ "verbose", 'v', 0, OPT_VERBOSE }, { "time-scale", 0, 1, OPT_TIME_SCALE },
	{ "rotate-size", 0, 1, OPT_ROTATE_SIZE },
	{ "rotate-time", 0, 1, OPT_ROTATE_TIME }, { "fsync", 0, 1, OPT_FSYNC },
	{ "proxy", 0, 1, OPT_PROXY },
	{ "redis", 0, 1, OPT_REDIS }, { "redis-list", 0, 1, OPT_REDIS_LIST },
	{ "redis-publish", 0, 1, OPT_REDIS_PUBLISH },
	{ "redis-xadd", 0, 1, OPT_REDIS_XADD },
	{ "redis-maxlen", 0, 1, OPT_REDIS_MAXLEN },
	{ "redis-counter", 0, 1, OPT_REDIS_COUNTER },
	{ "redis-switch", 0, 1, OPT_REDIS_SWITCH },
	{ "switch-pause", 0, 0, OPT_SWITCH_PAUSE },
	{ "on-full", 0, 1, OPT_ON_FULL },
	{ "redis-backlog", 0, 1, OPT_REDIS_BACKLOG },
	{ "serve", 0, 1, OPT_SERVE }, { "serve-token", 0, 1, OPT_SERVE_TOKEN },
	{ "serve-clients", 0, 1, OPT_SERVE_CLIENTS },
	{ "serve-rate", 0, 1, OPT_SERVE_RATE },
	{ "from-redis", 0, 1, OPT_FROM_REDIS },
};

/* Finds the option for argv[*i]; sets *arg for options that take one
 * ("--name=value", "--name value", "-nVALUE", "-n VALUE").  Returns the
 * option id, 0 for a non-option, and dies on an unknown option. */
static int
next_opt(int argc, char **argv, int *i, const char **arg)
{
	const char *a = argv[*i], *eq;
	size_t k, n;

	*arg = NULL;
	if (a[0] != '-' || a[1] == '\0')
		return 0;
	for (k = 0; k < sizeof opts / sizeof opts[0]; k++) {
		const struct opt *o = &opts[k];

		if (a[1] == '-') {
			eq = strchr(a + 2, '=');
			n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			if (strlen(o->name) != n || strncmp(a + 2, o->name, n))
				continue;
			if (!o->has_arg && eq)
				die(EXIT_USAGE, "option --%s takes no value",
				    o->name);
			if (o->has_arg)
				*arg = eq ? eq + 1 : NULL;
		} else {
			if (o->shortname == 0 || a[1] != o->shortname)
				continue;
			if (!o->has_arg && a[2])
				die(EXIT_USAGE, "unknown option '%s'", a);
			if (o->has_arg && a[2])
				*arg = a + 2;
		}
		if (o->has_arg && *arg == NULL) {
			if (*i + 1 >= argc)
				die(EXIT_USAGE, "option %s needs a value", a);
			*arg = argv[++*i];
		}
		return o->id;
	}
	die(EXIT_USAGE, "unknown option '%s' (try --help)", a);
	return -1;
}

static const char *
read_data(const char *arg)
{
	static char buf[4096];
	ssize_t n;
	int fd;

	if (arg[0] != '@')
		return arg;
	fd = open(arg + 1, O_RDONLY);
	if (fd < 0)
		die(EXIT_USAGE, "-d: cannot open %s:", arg + 1);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		die(EXIT_USAGE, "-d: cannot read %s:", arg + 1);
	if ((size_t)n == sizeof buf - 1)
		die(EXIT_USAGE, "-d: %s is larger than %lu bytes", arg + 1,
		    (unsigned long)sizeof buf - 2);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	return buf;
}

/* An option of a feature this build left out (config.h). */
static void
not_built(const char *opt, const char *what, const char *macro)
{
	die(EXIT_USAGE, "%s: this sluice was built without %s (%s)", opt,
	    what, macro);
}

/* Which feature option id belongs to (the ids of the options a build
 * leaves out reach the switch's default). */
static void
not_built_opt(int id, const char *opt)
{
	if (id == OPT_PROXY)
		not_built(opt, "proxy support", "SLUICE_NO_PROXY");
#ifdef SLUICE_NO_WEB
	if (id >= OPT_SERVE)
		not_built(opt, "the web view", "SLUICE_NO_WEB");
#endif
	not_built(opt, "the Redis sink", "SLUICE_NO_REDIS");
}

static const char *target;
static char **rules_argv;	/* "sluice [options] rules ...": after it */
static int rules_argc;

static void
parse_args(int argc, char **argv, struct stream_cfg *c)
{
	const char *arg;
	int i, id;

	for (i = 1; i < argc; i++) {
		id = next_opt(argc, argv, &i, &arg);
		switch (id) {
		case 0:
			if (target == NULL && !strcmp(argv[i], "rules")) {
				rules_argv = argv + i + 1;
				rules_argc = argc - i - 1;
				return;
			}
			if (target)
				die(EXIT_USAGE, "more than one URL: '%s' and "
				    "'%s'", target, argv[i]);
			target = argv[i];
			break;
		case OPT_HELP:
			help();
			exit(EXIT_OK);
		case OPT_VERSION:
			version();
			exit(EXIT_OK);
		case OPT_REQUEST:
			c->method = arg;
			break;
		case OPT_HEADER:
			if (app.nfields == MAX_FIELDS)
				die(EXIT_USAGE, "too many -H headers");
			if (strchr(arg, ':') == NULL)
				die(EXIT_USAGE, "-H '%s': want 'Name: value'",
				    arg);
			app.fields[app.nfields++] = arg;
			break;
		case OPT_DATA:
			app.data = read_data(arg);
			break;
		case OPT_COMPRESSED:
			c->compressed = 1;
			break;
		case OPT_NO_COMPRESSED:
			c->compressed = 0;
			break;
		case OPT_API_BASE:
			app.popts.api_base = arg;
			break;
		case OPT_TRACK:
			app.popts.track = arg;
			break;
		case OPT_FOLLOW:
			app.popts.follow = arg;
			break;
		case OPT_LOCATIONS:
			app.popts.locations = arg;
			break;
		case OPT_LANGUAGE:
			app.popts.language = arg;
			break;
		case OPT_DELIMITED:
			app.popts.delimited = 1;
			break;
		case OPT_FIELDS:
			app.popts.tweet_fields = arg;
			break;
		case OPT_EXPANSIONS:
			app.popts.expansions = arg;
			break;
		case OPT_USER_FIELDS:
			app.popts.user_fields = arg;
			break;
		case OPT_PLACE_FIELDS:
			app.popts.place_fields = arg;
			break;
		case OPT_BACKFILL:
			app.popts.backfill = (long)parse_num("--backfill", arg, 1, 5);
			break;
		case OPT_CREDENTIALS:
			app.popts.cred_file = arg;
			break;
		case OPT_CACERT:
			c->cacert = arg;
			break;
#ifndef SLUICE_NO_PROXY
		case OPT_PROXY:
			c->proxy = arg;
			break;
#endif
		case OPT_PIN:
			c->pin = arg;
			break;
		case OPT_INSECURE:
			c->insecure = 1;
			break;
		case OPT_TLS_TIME:
			c->tls_time = parse_num("--tls-time", arg, 1,
			    4102444800LL);
			break;
		case OPT_FRAMING:
			if (!strcmp(arg, "auto"))
				c->framing = STREAM_FRAMING_AUTO;
			else if (!strcmp(arg, "lines"))
				c->framing = STREAM_FRAMING_LINES;
			else if (!strcmp(arg, "length"))
				c->framing = STREAM_FRAMING_LENGTH;
			else if (!strcmp(arg, "sse"))
#ifndef SLUICE_NO_SSE
				c->framing = STREAM_FRAMING_SSE;
#else
				not_built("--framing sse", "SSE framing",
				    "SLUICE_NO_SSE");
#endif
			else
				die(EXIT_USAGE, "--framing: '%s' is not auto, "
				    "lines, length or sse", arg);
			break;
		case OPT_JSON:
			c->validate = 1;
			break;
		case OPT_HAS:
			c->has_path = arg;
			break;
		case OPT_ONLY:
			if (strcmp(arg, "geo") != 0)
				die(EXIT_USAGE, "--only: only 'geo' is known");
			c->only_geo = 1;
			break;
		case OPT_RAW:
			c->raw = 1;
			break;
		case OPT_DEDUPE:
			c->dedupe = 1;
			break;
		case OPT_MAX_MESSAGES:
			c->max_messages = (uint64_t)parse_num("-n", arg, 1,
			    INT64_MAX);
			break;
		case OPT_MAX_BYTES:
			c->max_bytes = (uint64_t)parse_num("--max-bytes", arg,
			    1, INT64_MAX);
			break;
		case OPT_MAX_TIME:
			c->max_time_ms = parse_secs_ms("--max-time", arg);
			break;
		case OPT_STALL:
			c->stall_ms = parse_secs_ms("--stall", arg);
			if (c->stall_ms == 0)
				die(EXIT_USAGE, "--stall must be above 0");
			break;
		case OPT_CONNECT_TIMEOUT:
			c->connect_timeout_ms = parse_secs_ms(
			    "--connect-timeout", arg);
			break;
		case OPT_RETRY:
			c->retry = (long)parse_num("--retry", arg, -1,
			    1000000000);
			break;
		case OPT_RETRY_MAX_TIME:
			c->retry_max_time_ms = parse_secs_ms("--retry-max-time",
			    arg);
			break;
		case OPT_OUTPUT:
			app.out_cfg.path = strcmp(arg, "-") ? arg : NULL;
			app.out_given = 1;
			break;
#ifndef SLUICE_NO_REDIS
		case OPT_REDIS:
			app.redis_url = arg;
			break;
		case OPT_REDIS_LIST:
		case OPT_REDIS_PUBLISH:
		case OPT_REDIS_XADD:
			if (app.redis_on)
				die(EXIT_USAGE, "give one of --redis-list, "
				    "--redis-publish and --redis-xadd");
			app.redis_on = 1;
			app.rcfg.key = arg;
			app.rcfg.mode = id == OPT_REDIS_LIST ? RSINK_LIST :
			    id == OPT_REDIS_PUBLISH ? RSINK_PUBLISH : RSINK_XADD;
			break;
		case OPT_REDIS_MAXLEN:
			app.rcfg.maxlen = (uint64_t)parse_num("--redis-maxlen",
			    arg, 1, INT64_MAX);
			break;
		case OPT_REDIS_COUNTER:
			app.rcfg.counter_key = arg;
			break;
		case OPT_REDIS_SWITCH:
			app.rcfg.switch_key = arg;
			break;
		case OPT_SWITCH_PAUSE:
			app.switch_pause = 1;
			break;
		case OPT_ON_FULL:
			if (!strcmp(arg, "block"))
				app.rcfg.on_full = RSINK_BLOCK;
			else if (!strcmp(arg, "drop"))
				app.rcfg.on_full = RSINK_DROP;
			else
				die(EXIT_USAGE, "--on-full: want block or drop, "
				    "not '%s'", arg);
			break;
		case OPT_REDIS_BACKLOG:
			app.backlog_size = (size_t)parse_num("--redis-backlog",
			    arg, 4096, (long long)(SIZE_MAX / 2 > 1L << 30 ?
			    1L << 30 : SIZE_MAX / 2));
			break;
#endif
#ifndef SLUICE_NO_WEB
		case OPT_SERVE:
			app.serve = arg;
			break;
		case OPT_SERVE_TOKEN:
			app.serve_token = arg;
			break;
		case OPT_SERVE_CLIENTS:
			app.serve_clients = (unsigned)parse_num(
			    "--serve-clients", arg, 1, 4096);
			break;
		case OPT_SERVE_RATE:
			app.serve_rate = parse_num("--serve-rate", arg, 0,
			    100000000);
			break;
#ifndef SLUICE_NO_REDIS
		case OPT_FROM_REDIS:
			app.from_redis = arg;
			break;
#endif
#endif
		case OPT_ROTATE_SIZE:
			app.out_cfg.rotate_size = (uint64_t)parse_num(
			    "--rotate-size", arg, 1, INT64_MAX);
			break;
		case OPT_ROTATE_TIME:
			app.out_cfg.rotate_secs = (long)parse_num(
			    "--rotate-time", arg, 1, 31536000);
			break;
		case OPT_FSYNC:
			if (fsink_parse_sync(arg, &app.out_cfg) < 0)
				die(EXIT_USAGE, "--fsync: want never, rotate, "
				    "N-messages or N-seconds, not '%s'", arg);
			break;
		case OPT_RECORD:
			app.record_fd = open(arg, O_WRONLY | O_CREAT | O_TRUNC,
			    0644);
			if (app.record_fd < 0)
				die(EXIT_OUTPUT, "--record: cannot open %s:",
				    arg);
			break;
		case OPT_REPLAY:
			c->replay_path = arg;
			break;
		case OPT_STATS:
			app.stats_every = (long)parse_num("--stats", arg, 1,
			    86400);
			break;
		case OPT_STATS_JSON:
			app.stats_json = arg;
			break;
		case OPT_QUIET:
			app.quiet = 1;
			break;
		case OPT_VERBOSE:
			app.verbose = 1;
			break;
		case OPT_TIME_SCALE: {
			char *end;

			c->time_scale = strtod(arg, &end);
			if (*end || c->time_scale <= 0)
				die(EXIT_USAGE, "--time-scale: want a factor "
				    "above 0");
			break;
		}
		default:
			not_built_opt(id, argv[i]);
		}
	}
}

/* ---- web view and Redis: the parts of the loop around the stream -------- */

#ifndef SLUICE_NO_WEB
/* POST /track with the right token: new keywords, the same stream.  Only
 * twitter:filter has a track parameter; anything else is refused (400). */
static int
on_track(void *arg, const char *kw, size_t len)
{
	char msg[64 + WEB_TRACK_MAX];

	(void)arg;
	if (app.kind != PRESET_FILTER || app.cfg.replay_path ||
	    len == 0 || len >= sizeof app.track_kw)
		return -1;
	memcpy(app.track_kw, kw, len);
	app.track_kw[len] = '\0';
	if (preset_set_track(&app.preset, app.track_kw, &app.cfg) < 0)
		return -1;	/* the body would not fit: 400 */
	snprintf(msg, sizeof msg, "web: new track keywords '%s'",
	    app.track_kw);
	log_line(&app, 1, msg);
	stream_restart(&app.stream);
	return 0;
}

/* The counters for /stats and the page, once a second. */
static void
web_tick(void)
{
	char j[768];
	size_t len;
	int n;

#ifndef SLUICE_NO_REDIS
	if (app.from_redis) {
		n = snprintf(j, sizeof j, "{\"received\":%llu,\"written\":%llu,"
		    "\"reconnects\":0,\"source\":\"redis\"}",
		    (unsigned long long)app.sub->sub.received,
		    (unsigned long long)app.sub->sub.received);
	} else {
		len = format_counters(j, sizeof j, 1);
		n = len == 0 ? -1 : (int)len + snprintf(j + len, sizeof j - len,
		    ",\"redis_acked\":%llu,\"redis_dropped\":%llu,"
		    "\"redis_pending\":%lu}",
		    (unsigned long long)(app.redis_on ?
		    rsink_acked(app.redis) : 0),
		    (unsigned long long)(app.redis_on ?
		    rsink_dropped(app.redis) : 0),
		    (unsigned long)(app.redis_on ?
		    rsink_pending(app.redis) : 0));
	}
#else
	len = format_counters(j, sizeof j, 1);
	n = len == 0 ? -1 : (int)len + snprintf(j + len, sizeof j - len, "}");
#endif
	if (n > 0 && (size_t)n < sizeof j)
		web_stats(app.web, j, (size_t)n);
}
#endif

/* Start-up only: the Redis backlog, the web storage and the poll array
 * are allocated here, once, sized from the options (ARCHITECTURE 3). */
static void
setup_outputs(void)
{
#if !defined(SLUICE_NO_REDIS) || !defined(SLUICE_NO_WEB)
	int rc;
#endif

#ifndef SLUICE_NO_REDIS
	if (app.redis_url && !app.redis_on)
		die(EXIT_USAGE, "--redis needs --redis-list, --redis-publish or "
		    "--redis-xadd");
	if (app.redis_on) {
		if (app.redis_url == NULL)
			die(EXIT_USAGE, "--redis-list, --redis-publish and "
			    "--redis-xadd need --redis URL");
		if (app.backlog_size == 0)
			app.backlog_size = RSINK_BACKLOG_DEFAULT;
		app.backlog = malloc(app.backlog_size);
		app.redis = malloc(sizeof *app.redis);
		if (app.backlog == NULL || app.redis == NULL)
			die(EXIT_GENERIC, "cannot allocate the Redis backlog "
			    "(%lu bytes)", (unsigned long)app.backlog_size);
		app.rcfg.url = app.redis_url;
		app.rcfg.on_log = log_line;
		app.rcfg.log_arg = &app;
		rc = rsink_init(app.redis, &app.rcfg, app.backlog,
		    app.backlog_size);
		if (rc < 0)
			die(EXIT_USAGE, "--redis: %s", errstr(rc));
	} else if (app.rcfg.counter_key || app.rcfg.switch_key ||
	    app.rcfg.maxlen || app.switch_pause || app.backlog_size) {
		die(EXIT_USAGE, "Redis options need --redis URL and a mode");
	}
#endif
	app.nfds_cap = 8;
#ifndef SLUICE_NO_WEB
	if (app.serve_token && !app.serve)
		die(EXIT_USAGE, "--serve-token needs --serve");
	if (app.serve_rate >= 0 && !app.serve)
		die(EXIT_USAGE, "--serve-rate needs --serve");
	if (app.serve) {
		struct web_cfg *w = &app.wcfg;
		unsigned nc = app.serve_clients ? app.serve_clients : 16;

		/* the page shows user and text: parse the messages the
		 * feed takes (web_take per message), only those */
		app.cfg.classify_fn = web_classify;
		if (web_split_listen(app.serve, app.serve_addr,
		    sizeof app.serve_addr, app.serve_port,
		    sizeof app.serve_port) < 0)
			die(EXIT_USAGE, "--serve: want [ADDR:]PORT, not '%s'",
			    app.serve);
		w->addr = app.serve_addr[0] ? app.serve_addr : NULL;
		w->port = app.serve_port;
		w->token = app.serve_token;
		w->on_track = on_track;
		w->arg = &app;
		w->max_clients = nc;
		w->sendbuf_size = WEB_SENDBUF_DEF;
		w->ring_events = WEB_RING_DEF;
		w->ringbuf_size = WEB_RINGBUF_DEF;
		w->sock_sndbuf = WEB_SOCK_SNDBUF_DEF;
		w->max_rate = app.serve_rate < 0 ? WEB_MAX_RATE_DEF :
		    (unsigned)app.serve_rate;
		w->clients = calloc(nc, sizeof *w->clients);
		w->sendbuf = malloc((size_t)nc * w->sendbuf_size);
		w->ring = calloc(w->ring_events, sizeof *w->ring);
		w->ringbuf = malloc(w->ringbuf_size);
		app.web = malloc(sizeof *app.web);
		if (!w->clients || !w->sendbuf || !w->ring || !w->ringbuf ||
		    !app.web)
			die(EXIT_GENERIC, "cannot allocate the web storage");
		rc = web_init(app.web, w);
		if (rc < 0)
			die(EXIT_GENERIC, "--serve %s: %s: %s", app.serve,
			    errstr(rc), strerror(errno));
		if (!app.quiet)
			warn("serving the live view on http://%s:%u/",
			    app.serve_addr[0] ? app.serve_addr : "0.0.0.0",
			    web_port(app.web));
		app.nfds_cap += 1 + (int)nc;
		web_tick();
	}
#endif
	app.fds = calloc((size_t)app.nfds_cap, sizeof *app.fds);
	if (app.fds == NULL)
		die(EXIT_GENERIC, "out of memory");
}

/* ---- "sluice serve --from-redis": a small Redis subscriber ------------- */
#if !defined(SLUICE_NO_WEB) && !defined(SLUICE_NO_REDIS)

/* Logs why the subscriber's connection failed or closed. */
static void
from_redis_failed(int rc)
{
	const struct subscribe *b = &app.sub->sub;
	int sys = rc == SUBSCRIBE_E_CONNECT || rc == SUBSCRIBE_E_READ;
	char msg[400];

	snprintf(msg, sizeof msg, "redis %s:%s: %s%s%s; retrying in %d s",
	    b->addr.host, b->addr.port, errstr(rc), sys ? ": " : "",
	    sys ? strerror(errno) : "", SUBSCRIBE_RETRY_MS / 1000);
	log_line(&app, 1, msg);
}

static void
from_redis_connect(void)
{
	int rc = subscribe_connect(&app.sub->sub);

	if (rc < 0)
		from_redis_failed(rc);
	else
		log_line(&app, 2, "redis: subscribed");
}

/* A message from the channel: classified like a stream's, then shown. */
static void
from_redis_message(void *arg, const char *p, size_t n)
{
	struct from_redis *f = arg;
	int ntok;

	if (!web_take(app.web)) {
		web_skip(app.web);
		return;
	}
	ntok = json_parse(&f->json, p, n, f->toks, STREAM_TOKENS);

	if (ntok > 0 && msg_classify(&f->msg, p, n, f->toks, ntok) > 0) {
		if (!app.cfg.only_geo || f->msg.has_geo)
			publish_web(p, n, f->toks, ntok, &f->msg);
	} else if (!app.cfg.only_geo) {
		publish_web(p, n, NULL, 0, NULL);
	}
}

/* "sluice serve --from-redis URL --serve PORT": the page fed by a Redis
 * channel; runs until SIGINT/SIGTERM. */
static int
serve_loop(void)
{
	struct subscribe *b = &app.sub->sub;
	struct pollfd *fds = app.fds;
	int k, nw, timeout, rc;
	double next_web = 0, now;

	from_redis_connect();
	while (!got_stop) {
		k = 0;
		timeout = 1000;
		if (b->fd >= 0) {
			fds[0].fd = b->fd;
			fds[0].events = POLLIN;
			fds[0].revents = 0;
			k = 1;
		}
		nw = 0;
		web_poll_fds(app.web, fds + k, app.nfds_cap - k, &nw,
		    &timeout);
		if (timeout < 0 || timeout > 1000)
			timeout = 1000;
		if (poll(fds, (nfds_t)(k + nw), timeout) < 0 && errno != EINTR)
			die(EXIT_GENERIC, "poll:");
		if (b->fd < 0 && subscribe_retry_ms(b) <= 0)
			from_redis_connect();
		else if (k && b->fd >= 0 && fds[0].revents &&
		    (rc = subscribe_read(b, from_redis_message, app.sub)) < 0)
			from_redis_failed(rc);
		web_step(app.web, fds + k, nw);
		now = mono_now();
		if (now >= next_web) {
			web_tick();
			next_web = now + 1;
		}
	}
	web_close(app.web);
	subscribe_close(b);
	if (!app.quiet)
		warn("%llu messages from Redis shown",
		    (unsigned long long)b->received);
	return EXIT_OK;
}
#endif

/* ---- main -------------------------------------------------------------------- */

static int
exit_code(enum stream_outcome o)
{
	switch (o) {
	case STREAM_OK:
		return EXIT_OK;
	case STREAM_FAIL_NETWORK:
		return EXIT_NETWORK;
	case STREAM_FAIL_TLS:
		return EXIT_TLS;
	case STREAM_FAIL_AUTH:
		return EXIT_AUTH;
	case STREAM_FAIL_PROTOCOL:
		return EXIT_PROTOCOL;
	case STREAM_FAIL_HTTP:
		return EXIT_HTTP;
	case STREAM_FAIL_OUTPUT:
		return EXIT_OUTPUT;
	default:
		return EXIT_GENERIC;
	}
}

#ifndef SLUICE_NO_REDIS
static int redis_failed;

/* Backpressure and the switch: stop reading upstream while the backlog is
 * low on room or switched off with --switch-pause; "off" alone ends the
 * run. */
static void
redis_gate(int *said_off)
{
	int off = rsink_switch(app.redis) == RSINK_SWITCH_OFF;

	if (off && !app.switch_pause) {
		if (!*said_off)
			log_line(&app, 1, "redis switch is off: stopping");
		*said_off = 1;
		stream_stop(&app.stream);
	} else if (off != *said_off) {
		log_line(&app, 1, off ? "redis switch is off: paused" :
		    "redis switch is on: reading");
		*said_off = off;
	}
	stream_pause(&app.stream, (off && app.switch_pause) ||
	    !rsink_room(app.redis));
}
#endif

/* The one poll() loop: the stream, the Redis sink and the web server. */
static void
run_loop(void)
{
	struct pollfd *fds = app.fds;
	double next_status = 0, next_stats = 0, now;
	int ns, nw = 0, k, i, timeout;
#ifndef SLUICE_NO_REDIS
	int nr = 0, said_off = 0;
#endif
#ifndef SLUICE_NO_WEB
	double next_web = 0;
#endif

	next_stats = mono_now() + (double)app.stats_every;
	while (!stream_done(&app.stream)) {
#ifndef SLUICE_NO_REDIS
		if (app.redis_on)
			redis_gate(&said_off);
#endif
		stream_poll_fds(&app.stream, fds, &ns, 1, &timeout);
		k = ns;
#ifndef SLUICE_NO_REDIS
		if (app.redis_on) {
			nr = rsink_poll_fds(app.redis, fds + k,
			    app.nfds_cap - k, &timeout);
			k += nr;
		}
#endif
#ifndef SLUICE_NO_WEB
		if (app.serve) {
			nw = 0;
			web_poll_fds(app.web, fds + k, app.nfds_cap - k, &nw,
			    &timeout);
		}
#endif
		if (fsink_flush(&app.out) < 0)
			break;
		/* Status line, --stats and time rotation tick once a second. */
		if (timeout < 0 || timeout > 1000)
			timeout = 1000;
		if ((timeout != 0 || k + nw > 0) &&
		    poll(fds, (nfds_t)(k + nw), timeout) < 0) {
			if (errno != EINTR)
				die(EXIT_GENERIC, "poll:");
			for (i = 0; i < k + nw; i++)
				fds[i].revents = 0;
		}
		if (got_stop) {
			got_stop = 0;
			stream_stop(&app.stream);
		}
		if (got_usr1) {
			got_usr1 = 0;
			print_stats(stderr, "sluice: ");
		}
		if (got_hup) {
			got_hup = 0;
			if (fsink_reopen(&app.out) < 0)
				break;
		}
		stream_step(&app.stream, fds, ns);
#ifndef SLUICE_NO_REDIS
		if (app.redis_on && rsink_step(app.redis, fds + ns, nr) < 0) {
			redis_failed = 1;
			break;
		}
#endif
		if (fsink_tick(&app.out, time(NULL)) < 0)
			break;
		now = mono_now();
#ifndef SLUICE_NO_WEB
		if (app.serve)
			web_step(app.web, fds + k, nw);
		if (app.serve && now >= next_web) {
			web_tick();
			next_web = now + 1;
		}
#endif
		if (app.tty && now >= next_status) {
			status_line(now);
			next_status = now + 1;
		}
		if (app.stats_every && now >= next_stats) {
			print_stats(stderr, "sluice: ");
			next_stats = now + (double)app.stats_every;
		}
	}
}

#ifndef SLUICE_NO_REDIS
/* At exit: everything queued for Redis is sent, or what is left said. */
static int
redis_finish(void)
{
	int rc = rsink_error(app.redis);

	if (rc == 0 && !redis_failed)
		rc = rsink_flush_blocking(app.redis, 10000);
	if (rc < 0) {
		warn("redis: %s%s%s; %llu messages acknowledged, %lu bytes not "
		    "acknowledged", errstr(rc), rsink_errmsg(app.redis)[0] ?
		    ": " : "", rsink_errmsg(app.redis),
		    (unsigned long long)rsink_acked(app.redis),
		    (unsigned long)rsink_pending(app.redis));
	} else if (!app.quiet) {
		warn("redis: %llu messages acknowledged, %llu dropped",
		    (unsigned long long)rsink_acked(app.redis),
		    (unsigned long long)rsink_dropped(app.redis));
	}
	rsink_close(app.redis);
	return rc < 0 ? EXIT_OUTPUT : EXIT_OK;
}
#endif

int
main(int argc, char **argv)
{
	struct stream_cfg *c = &app.cfg;
	int rc, code;

	if (argc > 0 && argv[0] && argv[0][0]) {
		const char *slash = strrchr(argv[0], '/');

		argv0 = slash ? slash + 1 : argv[0];
	}
	t_begin = mono_now();
	app.record_fd = -1;
#ifndef SLUICE_NO_WEB
	app.serve_rate = -1;
#endif
	c->compressed = 1;
	c->retry = -2;		/* "not given": preset or URL default */
	c->connect_timeout_ms = CONF_CONNECT_TIMEOUT * 1000L;
#if !defined(SLUICE_NO_WEB) && !defined(SLUICE_NO_REDIS)
	if (argc > 1 && !strcmp(argv[1], "serve")) {
		parse_args(argc - 1, argv + 1, c);
		if (app.from_redis == NULL || app.serve == NULL || target)
			die(EXIT_USAGE, "serve: want --from-redis "
			    "redis://host[:port]/CHANNEL --serve [ADDR:]PORT");
		size_t cap = STREAM_FRAME_MAX + 1024;
		unsigned char *buf = malloc(cap);

		app.sub = calloc(1, sizeof *app.sub);
		if (app.sub == NULL || buf == NULL)
			die(EXIT_GENERIC, "out of memory");
		subscribe_init(&app.sub->sub, buf, cap);
		if (subscribe_parse_url(&app.sub->sub, app.from_redis) < 0)
			die(EXIT_USAGE, "--from-redis: want redis://[[user]:"
			    "password@]host[:port]/CHANNEL, not '%s'",
			    app.from_redis);
		app.tty = 0;
		setup_signals();
		setup_outputs();
		return serve_loop();
	}
#endif
	parse_args(argc, argv, c);
#if !defined(SLUICE_NO_WEB) && !defined(SLUICE_NO_REDIS)
	if (app.from_redis)
		die(EXIT_USAGE, "--from-redis belongs to 'sluice serve'");
#endif
	if (rules_argv) {
		/* Options may follow "rules" too ("sluice rules --api-base U
		 * list"), then the verb and its arguments. */
		int k = 0;

		while (k < rules_argc && rules_argv[k][0] == '-' &&
		    strcmp(rules_argv[k], "--tag") &&
		    strcmp(rules_argv[k], "--dry-run")) {
			const char *arg;
			int id = next_opt(rules_argc, rules_argv, &k, &arg);

			if (id == OPT_API_BASE)
				app.popts.api_base = arg;
			else if (id == OPT_CREDENTIALS)
				app.popts.cred_file = arg;
			else if (id == OPT_CACERT)
				c->cacert = arg;
			else if (id == OPT_VERBOSE)
				app.verbose = 1;
			else if (id == OPT_QUIET)
				app.quiet = 1;
			else
				die(EXIT_USAGE, "rules: option %s does not "
				    "apply", rules_argv[k]);
			k++;
		}
		app.popts.verbose = app.verbose;
		rc = preset_rules(&app.preset, &app.popts, rules_argc - k,
		    rules_argv + k, c);
		if (rc != 0)
			die(rc, "%s", app.preset.msg);
		app.quiet = 1;
		target = c->url;
	}
	if (target == NULL && c->replay_path == NULL)
		usage();
	app.kind = rules_argv ? PRESET_NONE : preset_lookup(target);
	if (app.kind == PRESET_UNKNOWN)
		die(EXIT_USAGE, "unknown preset '%s' (twitter:filter, "
		    "twitter:sample, x:stream, x:sample)", target);
	if (app.kind != PRESET_NONE && c->replay_path == NULL) {
		app.popts.verbose = app.verbose;
		rc = preset_setup(&app.preset, app.kind, &app.popts,
		    &app.stream, c);
		if (rc != 0)
			die(rc, "%s", app.preset.msg);
	} else if (c->url == NULL) {
		c->url = target;
		if (c->retry == -2)
			c->retry = 0;	/* like curl */
		if (app.data) {
			c->body = (const unsigned char *)app.data;
			c->body_len = strlen(app.data);
		}
		if (c->stall_ms == 0)
			c->stall_ms = CONF_STALL * 1000L;
	}
	if (c->replay_path)
		c->retry = 0;
	c->fields = app.fields;
	c->nfields = app.nfields;
	c->user_agent = CONF_USER_AGENT;
	c->record_fd = app.record_fd;
	if (c->dedupe) {
		c->ids_len = STREAM_IDRING;
		c->ids = calloc(c->ids_len, sizeof *c->ids);
		if (c->ids == NULL)
			die(EXIT_GENERIC, "cannot allocate the id ring");
	}
	c->on_message = on_message;
	c->on_log = log_line;
	c->arg = &app;
	app.tty = !app.quiet && isatty(STDERR_FILENO);
	if (c->insecure)
		warn("warning: -k/--insecure: the server is NOT verified");
	if (fsink_open(&app.out, &app.out_cfg, time(NULL)) < 0)
		die(EXIT_OUTPUT, "cannot open %s: %s", app.out_cfg.path,
		    strerror(app.out.sys_errno));
	setup_signals();
	setup_outputs();
	rc = stream_init(&app.stream, c);
	if (rc < 0)
		die(rc == STREAM_E_URL ? EXIT_USAGE : EXIT_GENERIC, "%s",
		    stream_last_error(&app.stream));
	run_loop();
	if (app.tty)
		fputs("\r\033[K", stderr);
	code = exit_code(stream_outcome(&app.stream));
#ifndef SLUICE_NO_REDIS
	if (app.redis_on && redis_finish() != EXIT_OK)
		code = EXIT_OUTPUT;
#endif
#ifndef SLUICE_NO_WEB
	if (app.serve)
		web_close(app.web);
#endif
	fsink_close(&app.out);
	if (fsink_error(&app.out)) {
		warn("cannot write %s: %s (%s); %llu messages written, the "
		    "file ends on a message boundary", out_name(),
		    errstr(fsink_error(&app.out)),
		    strerror(app.out.sys_errno),
		    (unsigned long long)fsink_written(&app.out));
		code = EXIT_OUTPUT;
	}
	if (!app.quiet)
		print_stats(stderr, "sluice: ");
	if (app.stats_json)
		write_stats_json();
	preset_wipe(&app.preset);
	return code;
}
