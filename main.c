/* sluice -- tap long-lived HTTP streaming APIs.  MIT licensed.
 * The command line tool: options, presets, credentials, signals, output,
 * exit codes.  Owns all memory in one static struct (ARCHITECTURE 3). */
#include <errno.h>
#include <fcntl.h>
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
#include "sinkfile.h"
#include "stream.h"

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

enum preset { P_NONE, P_FILTER, P_SAMPLE, P_X_STREAM, P_X_SAMPLE };

#define MAX_FIELDS 32

/* Every byte of state the tool needs, sized at compile time. */
static struct app {
	struct stream stream;
	struct stream_cfg cfg;
	struct tls_anchors anchors;	/* only https uses it */
	struct cred cred;
	struct oauth oauth;
	struct oauth_param oauth_slots[CONF_OAUTH_SLOTS];
	char oauth_scratch[CONF_OAUTH_SCRATCH];
	struct fsink out;
	struct fsink_cfg out_cfg;
	char url[2048];
	char body[4096];
	const char *fields[MAX_FIELDS];
	size_t nfields;
	enum preset preset;
	const char *api_base;
	const char *track, *follow, *locations, *language, *tweet_fields,
	    *expansions, *user_fields, *place_fields;
	long backfill;
	int delimited;
	int verbose, quiet, tty;
	long stats_every;
	const char *stats_json;
	const char *cred_file;
	const char *data;
	int record_fd;
	int64_t last_status;
	uint64_t last_written;
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
"      --framing auto|lines|length|sse\n"
"      --json             validate; invalid messages are skipped and counted\n"
"      --has PATH         deliver only messages with key path (a.b.c)\n"
"      --only geo         deliver only messages with coordinates or a place\n"
"      --raw              deliver every message as received, act on none\n"
"      --dedupe           drop messages whose id was seen recently\n"
"Limits and time:\n"
"  -n, --max-messages N   stop after exactly N messages\n"
"      --max-bytes N      stop after N bytes of messages\n"
"      --max-time SECS    stop after SECS seconds\n"
"      --stall SECS       reconnect when nothing arrives for SECS\n"
"      --connect-timeout SECS\n"
"      --retry N          reconnects allowed (default: presets forever, URLs 0;\n"
"                         -1 forever)\n"
"      --retry-max-time SECS\n"
"Output:\n"
"  -o, --output FILE      append messages to FILE (default stdout)\n"
"      --record FILE      also save the raw response (for --replay)\n"
"      --replay FILE      run on a saved raw HTTP response, no network\n"
"      --stats SECS       print the counters every SECS seconds\n"
"      --stats-json FILE  write the final counters as JSON\n"
"  -q, --quiet            no status line, no stats line\n"
"  -v, --verbose          connection events with timestamps\n"
"  -h, --help             this help      -V, --version  version and memory\n"
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
	printf("memory: %lu bytes of state in the default configuration\n",
	    (unsigned long)sizeof app);
	printf("  stream %lu: tls %lu, inflate %lu + window %lu, frame %lu + "
	    "buffer %lu,\n", (unsigned long)sizeof a->stream,
	    (unsigned long)sizeof a->stream.tls,
	    (unsigned long)sizeof a->stream.inf,
	    (unsigned long)sizeof a->stream.window,
	    (unsigned long)sizeof a->stream.frame,
	    (unsigned long)sizeof a->stream.framebuf);
	printf("  http head %lu + headers %lu, chunk %lu, json tokens %lu, "
	    "id ring %lu;\n", (unsigned long)sizeof a->stream.head,
	    (unsigned long)sizeof a->stream.hdrs,
	    (unsigned long)sizeof a->stream.chunk,
	    (unsigned long)sizeof a->stream.toks,
	    (unsigned long)sizeof a->stream.ids);
	printf("  output %lu, credentials %lu, oauth %lu\n",
	    (unsigned long)sizeof a->out, (unsigned long)sizeof a->cred,
	    (unsigned long)(sizeof a->oauth + sizeof a->oauth_slots +
	    sizeof a->oauth_scratch));
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

/* A message, one line (stream.c already turned any line end inside it
 * into a space).  The file sink never splits one across a failure. */
static int
on_message(void *arg, const char *p, size_t n, const struct msg *m)
{
	(void)arg;
	(void)m;
	return fsink_write(&app.out, p, n) < 0 ? -1 : 0;
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
	if (level > 1 && !app.verbose)
		return;
	if (level > 0 && app.quiet)
		return;
	if (app.tty)
		fputs("\r\033[K", stderr);
	if (app.verbose)
		fprintf(stderr, "%s: [%8.3f] %s\n", argv0,
		    mono_now() - t_begin, text);
	else
		fprintf(stderr, "%s: %s\n", argv0, text);
}

static void
print_stats(FILE *f, const char *prefix)
{
	const struct stream_stats *s = stream_stats(&app.stream);

	fprintf(f, "%sreceived=%llu written=%llu keepalives=%llu deletes=%llu "
	    "limited=%llu control=%llu oversize=%llu truncated=%llu "
	    "duplicates=%llu invalid=%llu filtered=%llu reconnects=%llu "
	    "bytes_wire=%llu bytes_decoded=%llu elapsed=%.3f\n", prefix,
	    (unsigned long long)s->received, (unsigned long long)s->written,
	    (unsigned long long)s->keepalives, (unsigned long long)s->deletes,
	    (unsigned long long)s->limited, (unsigned long long)s->control,
	    (unsigned long long)s->oversize, (unsigned long long)s->truncated,
	    (unsigned long long)s->duplicates, (unsigned long long)s->invalid,
	    (unsigned long long)s->filtered,
	    (unsigned long long)s->reconnects,
	    (unsigned long long)s->bytes_wire,
	    (unsigned long long)s->bytes_decoded, mono_now() - t_begin);
}

/* Written with open/write from a stack buffer, not stdio: fopen would be
 * the process's only heap allocation after start-up (test/noalloc.sh). */
static void
write_stats_json(void)
{
	const struct stream_stats *s = stream_stats(&app.stream);
	char buf[640];
	int n, fd;

	n = snprintf(buf, sizeof buf, "{\"received\":%llu,\"written\":%llu,"
	    "\"keepalives\":%llu,"
	    "\"deletes\":%llu,\"limited\":%llu,\"control\":%llu,"
	    "\"oversize\":%llu,\"truncated\":%llu,\"duplicates\":%llu,"
	    "\"invalid\":%llu,\"filtered\":%llu,\"reconnects\":%llu,"
	    "\"bytes_wire\":%llu,\"bytes_decoded\":%llu}\n",
	    (unsigned long long)s->received, (unsigned long long)s->written,
	    (unsigned long long)s->keepalives, (unsigned long long)s->deletes,
	    (unsigned long long)s->limited, (unsigned long long)s->control,
	    (unsigned long long)s->oversize, (unsigned long long)s->truncated,
	    (unsigned long long)s->duplicates, (unsigned long long)s->invalid,
	    (unsigned long long)s->filtered,
	    (unsigned long long)s->reconnects,
	    (unsigned long long)s->bytes_wire,
	    (unsigned long long)s->bytes_decoded);
	fd = open(app.stats_json, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0) {
		warn("cannot write %s:", app.stats_json);
		return;
	}
	if (n < 0 || (size_t)n >= sizeof buf ||
	    write(fd, buf, (size_t)n) != n) {
		warn("cannot write %s:", app.stats_json);
		close(fd);
	} else if (close(fd) != 0) {
		warn("cannot write %s:", app.stats_json);
	}
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

/* ---- credentials and presets --------------------------------------------- */

/* stream_auth_fn for the v1.1 presets: a fresh nonce and timestamp on
 * every connect, with the clock skew the engine learned from Date. */
static int
auth_oauth(void *arg, const char *method, const char *url,
    const unsigned char *body, size_t body_len, char *out, size_t cap)
{
	struct oauth_cred oc;
	size_t len;
	int rc;

	(void)arg;
	cred_oauth(&app.cred, &oc);
	oauth_set_skew(&app.oauth, stream_clock_skew(&app.stream));
	if (cap < 16)
		return OAUTH_E_SPACE;
	memcpy(out, "Authorization: ", 15);
	rc = oauth_sign(&app.oauth, &oc, method, url, body, body_len,
	    out + 15, cap - 15, &len);
	return rc < 0 ? rc : 0;
}

static int
auth_bearer(void *arg, const char *method, const char *url,
    const unsigned char *body, size_t body_len, char *out, size_t cap)
{
	size_t len;
	int rc;

	(void)arg;
	(void)method;
	(void)url;
	(void)body;
	(void)body_len;
	if (cap < 16)
		return OAUTH_E_SPACE;
	memcpy(out, "Authorization: ", 15);
	rc = oauth_bearer(app.cred.bearer_token, out + 15, cap - 15, &len);
	return rc < 0 ? rc : 0;
}

/* Appends "&name=encoded(value)" (or "?name=" first) to dst. */
static void
add_param(char *dst, size_t cap, int *first, char sep0, const char *name,
    const char *value)
{
	size_t n = strlen(dst), len;

	if (value == NULL)
		return;
	if (n + strlen(name) + 2 >= cap)
		die(EXIT_USAGE, "request parameters too long");
	if (!*first)
		dst[n++] = '&';
	else if (sep0)
		dst[n++] = sep0;
	*first = 0;
	memcpy(dst + n, name, strlen(name));
	n += strlen(name);
	dst[n++] = '=';
	dst[n] = '\0';
	if (oauth_pct_encode((const unsigned char *)value, strlen(value),
	    dst + n, cap - n, &len) < 0)
		die(EXIT_USAGE, "request parameter %s too long", name);
	dst[n + len] = '\0';
}

/* Loads credentials (environment, then --credentials FILE over it) and
 * checks the kind the preset needs; dies with what to set otherwise. */
static void
need_cred(int bearer)
{
	char msg[CRED_MSG_MAX], red[64];
	int rc;

	cred_init(&app.cred);
	if (cred_from_env(&app.cred, msg, sizeof msg) < 0)
		die(EXIT_USAGE, "%s", msg);
	if (app.cred_file && cred_from_file(&app.cred, app.cred_file, msg,
	    sizeof msg) < 0)
		die(EXIT_USAGE, "%s", msg);
	rc = cred_check(&app.cred, msg, sizeof msg);
	if (bearer && !app.cred.bearer_token[0])
		die(EXIT_AUTH, "x: presets need a Bearer token: set "
		    "SLUICE_BEARER_TOKEN or bearer_token in --credentials");
	if (!bearer && rc != 2)
		die(EXIT_AUTH, "twitter: presets need OAuth 1.0a credentials "
		    "(%s): set SLUICE_CONSUMER_KEY, SLUICE_CONSUMER_SECRET, "
		    "SLUICE_TOKEN and SLUICE_TOKEN_SECRET (or --credentials "
		    "FILE)", msg);
	if (app.verbose)
		warn("using %s %s", bearer ? "bearer token" : "consumer key",
		    cred_redact(bearer ? app.cred.bearer_token :
		    app.cred.consumer_key, red, sizeof red));
	if (!bearer && oauth_init(&app.oauth, app.oauth_slots,
	    CONF_OAUTH_SLOTS, app.oauth_scratch, sizeof app.oauth_scratch) < 0)
		die(EXIT_GENERIC, "no entropy source for OAuth nonces: %s",
		    errstr(OAUTH_E_SEED));
}

static void
setup_preset(struct stream_cfg *c)
{
	const char *base = app.api_base;
	int first = 1;

	if (app.preset == P_FILTER || app.preset == P_SAMPLE) {
		if (base == NULL)
			base = "https://stream.twitter.com";
		if (app.preset == P_FILTER && !app.track && !app.follow &&
		    !app.locations)
			die(EXIT_USAGE, "twitter:filter needs --track, --follow "
			    "or --locations");
		need_cred(0);
		c->auth = auth_oauth;
		if (app.preset == P_FILTER) {
			snprintf(app.url, sizeof app.url,
			    "%s/1.1/statuses/filter.json", base);
			app.body[0] = '\0';
			add_param(app.body, sizeof app.body, &first, '\0',
			    "track", app.track);
			add_param(app.body, sizeof app.body, &first, '\0',
			    "follow", app.follow);
			add_param(app.body, sizeof app.body, &first, '\0',
			    "locations", app.locations);
			add_param(app.body, sizeof app.body, &first, '\0',
			    "language", app.language);
			add_param(app.body, sizeof app.body, &first, '\0',
			    "stall_warnings", "true");
			if (app.delimited)
				add_param(app.body, sizeof app.body, &first,
				    '\0', "delimited", "length");
			c->method = "POST";
			c->body = (const unsigned char *)app.body;
			c->body_len = strlen(app.body);
		} else {
			snprintf(app.url, sizeof app.url,
			    "%s/1.1/statuses/sample.json", base);
			add_param(app.url, sizeof app.url, &first, '?',
			    "stall_warnings", "true");
			add_param(app.url, sizeof app.url, &first, '?',
			    "language", app.language);
			if (app.delimited)
				add_param(app.url, sizeof app.url, &first, '?',
				    "delimited", "length");
		}
		if (c->stall_ms == 0)
			c->stall_ms = 90 * 1000;
	} else {
		char bf[24];

		if (base == NULL)
			base = "https://api.twitter.com";
		need_cred(1);
		c->auth = auth_bearer;
		snprintf(app.url, sizeof app.url, "%s/2/tweets/%s", base,
		    app.preset == P_X_STREAM ? "search/stream" :
		    "sample/stream");
		add_param(app.url, sizeof app.url, &first, '?',
		    "tweet.fields", app.tweet_fields);
		add_param(app.url, sizeof app.url, &first, '?',
		    "expansions", app.expansions);
		add_param(app.url, sizeof app.url, &first, '?',
		    "user.fields", app.user_fields);
		add_param(app.url, sizeof app.url, &first, '?',
		    "place.fields", app.place_fields);
		if (app.backfill > 0) {
			snprintf(bf, sizeof bf, "%ld", app.backfill);
			add_param(app.url, sizeof app.url, &first, '?',
			    "backfill_minutes", bf);
			c->dedupe = 1;
		}
		/* v2 sends a keep-alive every 20 s, often a little late. */
		if (c->stall_ms == 0)
			c->stall_ms = 30 * 1000;
	}
	c->url = app.url;
	if (c->retry == -2)
		c->retry = -1;
	if (c->insecure && !getenv("SLUICE_FORCE_INSECURE"))
		die(EXIT_USAGE, "-k/--insecure is refused with presets: they "
		    "carry credentials (set SLUICE_FORCE_INSECURE=1 to force)");
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
	OPT_ROTATE_SIZE, OPT_ROTATE_TIME, OPT_FSYNC
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

static const char *target;

static void
parse_args(int argc, char **argv, struct stream_cfg *c)
{
	const char *arg;
	int i, id;

	for (i = 1; i < argc; i++) {
		id = next_opt(argc, argv, &i, &arg);
		switch (id) {
		case 0:
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
			app.api_base = arg;
			break;
		case OPT_TRACK:
			app.track = arg;
			break;
		case OPT_FOLLOW:
			app.follow = arg;
			break;
		case OPT_LOCATIONS:
			app.locations = arg;
			break;
		case OPT_LANGUAGE:
			app.language = arg;
			break;
		case OPT_DELIMITED:
			app.delimited = 1;
			break;
		case OPT_FIELDS:
			app.tweet_fields = arg;
			break;
		case OPT_EXPANSIONS:
			app.expansions = arg;
			break;
		case OPT_USER_FIELDS:
			app.user_fields = arg;
			break;
		case OPT_PLACE_FIELDS:
			app.place_fields = arg;
			break;
		case OPT_BACKFILL:
			app.backfill = (long)parse_num("--backfill", arg, 1, 5);
			break;
		case OPT_CREDENTIALS:
			app.cred_file = arg;
			break;
		case OPT_CACERT:
			c->cacert = arg;
			break;
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
#ifndef SLUICE_NO_SSE
			else if (!strcmp(arg, "sse"))
				c->framing = STREAM_FRAMING_SSE;
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
			break;
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
		}
	}
}

/* ---- sluice rules: X API v2 filtered-stream rules ------------------------ */

/* Appends s as a JSON string (quoted, escaped) to dst[0..cap). */
static void
json_quote(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(dst);

	if (n + 2 >= cap)
		die(EXIT_USAGE, "rules: request too long");
	dst[n++] = '"';
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		char esc[8];
		size_t k;

		if (ch == '"' || ch == '\\')
			snprintf(esc, sizeof esc, "\\%c", ch);
		else if (ch < 0x20)
			snprintf(esc, sizeof esc, "\\u%04x", ch);
		else
			snprintf(esc, sizeof esc, "%c", ch);
		k = strlen(esc);
		if (n + k + 2 >= cap)
			die(EXIT_USAGE, "rules: request too long");
		memcpy(dst + n, esc, k);
		n += k;
	}
	dst[n++] = '"';
	dst[n] = '\0';
}

static void
append(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(dst), k = strlen(s);

	if (n + k >= cap)
		die(EXIT_USAGE, "rules: request too long");
	memcpy(dst + n, s, k + 1);
}

/* "sluice rules list|add RULE [--tag T]|delete ID... [--dry-run]": one
 * request to the rules endpoint; the JSON reply goes to the output. */
static void
setup_rules(int argc, char **argv, struct stream_cfg *c)
{
	const char *base = app.api_base ? app.api_base :
	    "https://api.twitter.com", *tag = NULL, *verb;
	int i, dry = 0, nargs = 0;
	const char *args[64];

	if (argc < 1)
		die(EXIT_USAGE, "rules: want list, add RULE or delete ID...");
	verb = argv[0];
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--tag") && i + 1 < argc)
			tag = argv[++i];
		else if (!strcmp(argv[i], "--dry-run"))
			dry = 1;
		else if (nargs < 64)
			args[nargs++] = argv[i];
		else
			die(EXIT_USAGE, "rules: too many arguments");
	}
	need_cred(1);
	c->auth = auth_bearer;
	snprintf(app.url, sizeof app.url, "%s/2/tweets/search/stream/rules%s",
	    base, dry ? "?dry_run=true" : "");
	app.body[0] = '\0';
	if (!strcmp(verb, "list")) {
		if (nargs)
			die(EXIT_USAGE, "rules list takes no arguments");
	} else if (!strcmp(verb, "add")) {
		if (nargs != 1)
			die(EXIT_USAGE, "rules add: want one RULE (quote it)");
		append(app.body, sizeof app.body, "{\"add\":[{\"value\":");
		json_quote(app.body, sizeof app.body, args[0]);
		if (tag) {
			append(app.body, sizeof app.body, ",\"tag\":");
			json_quote(app.body, sizeof app.body, tag);
		}
		append(app.body, sizeof app.body, "}]}");
	} else if (!strcmp(verb, "delete")) {
		if (nargs == 0)
			die(EXIT_USAGE, "rules delete: want rule IDs");
		append(app.body, sizeof app.body, "{\"delete\":{\"ids\":[");
		for (i = 0; i < nargs; i++) {
			if (i)
				append(app.body, sizeof app.body, ",");
			json_quote(app.body, sizeof app.body, args[i]);
		}
		append(app.body, sizeof app.body, "]}}");
	} else {
		die(EXIT_USAGE, "rules: unknown command '%s' (list, add, "
		    "delete)", verb);
	}
	if (app.body[0]) {
		c->method = "POST";
		c->body = (const unsigned char *)app.body;
		c->body_len = strlen(app.body);
		c->content_type = "application/json";
	}
	c->url = app.url;
	c->raw = 1;
	c->retry = 0;
	c->framing = STREAM_FRAMING_LINES;
	if (c->stall_ms == 0)
		c->stall_ms = 30 * 1000L;
}

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

static void
run_loop(void)
{
	struct pollfd fds[4];
	double next_status = 0, next_stats = 0, now;
	int n, timeout;

	next_stats = mono_now() + (double)app.stats_every;
	while (!stream_done(&app.stream)) {
		stream_poll_fds(&app.stream, fds, &n, 4, &timeout);
		if (fsink_flush(&app.out) < 0)
			break;
		/* Status line, --stats and time rotation tick once a second. */
		if (timeout < 0 || timeout > 1000)
			timeout = 1000;
		if (timeout != 0 && poll(fds, (nfds_t)n, timeout) < 0 &&
		    errno != EINTR)
			die(EXIT_GENERIC, "poll:");
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
		stream_step(&app.stream, fds, timeout == 0 ? 0 : n);
		if (fsink_tick(&app.out, time(NULL)) < 0)
			break;
		now = mono_now();
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
	c->compressed = 1;
	c->retry = -2;		/* "not given": preset or URL default */
	c->connect_timeout_ms = CONF_CONNECT_TIMEOUT * 1000L;
	if (argc > 1 && !strcmp(argv[1], "rules")) {
		/* Options first ("sluice rules --api-base U list"), then the
		 * verb and its arguments. */
		int k = 2;

		while (k < argc && argv[k][0] == '-' &&
		    strcmp(argv[k], "--tag") && strcmp(argv[k], "--dry-run")) {
			const char *arg;
			int id = next_opt(argc, argv, &k, &arg);

			if (id == OPT_API_BASE)
				app.api_base = arg;
			else if (id == OPT_CREDENTIALS)
				app.cred_file = arg;
			else if (id == OPT_CACERT)
				c->cacert = arg;
			else if (id == OPT_VERBOSE)
				app.verbose = 1;
			else if (id == OPT_QUIET)
				app.quiet = 1;
			else
				die(EXIT_USAGE, "rules: option %s does not "
				    "apply", argv[k]);
			k++;
		}
		setup_rules(argc - k, argv + k, c);
		app.quiet = 1;
		target = c->url;
	} else {
		parse_args(argc, argv, c);
	}
	if (target == NULL && c->replay_path == NULL)
		usage();
	if (target && !strcmp(target, "twitter:filter"))
		app.preset = P_FILTER;
	else if (target && !strcmp(target, "twitter:sample"))
		app.preset = P_SAMPLE;
	else if (target && !strcmp(target, "x:stream"))
		app.preset = P_X_STREAM;
	else if (target && !strcmp(target, "x:sample"))
		app.preset = P_X_SAMPLE;
	else if (target && strchr(target, ':') && !strstr(target, "://"))
		die(EXIT_USAGE, "unknown preset '%s' (twitter:filter, "
		    "twitter:sample, x:stream, x:sample)", target);
	if (app.preset != P_NONE && c->replay_path == NULL) {
		setup_preset(c);
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
	c->anchors = &app.anchors;
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
	rc = stream_init(&app.stream, c);
	if (rc < 0)
		die(rc == STREAM_E_URL ? EXIT_USAGE : EXIT_GENERIC, "%s",
		    stream_last_error(&app.stream));
	run_loop();
	fsink_close(&app.out);
	if (app.tty)
		fputs("\r\033[K", stderr);
	code = exit_code(stream_outcome(&app.stream));
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
	cred_wipe(&app.cred);
	return code;
}
