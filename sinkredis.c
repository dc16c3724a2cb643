/* sinkredis -- Redis list / pub-sub / stream output.  MIT licensed.
 * See sinkredis.h for the contract. */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>		/* snprintf for log lines */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sinkredis.h"

enum { R_IDLE, R_WAIT, R_CONNECTING, R_READY, R_FAILED };
enum { C_AUTH, C_SELECT, C_GET };

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
say(struct rsink *r, int level, const char *text)
{
	if (r->cfg.on_log)
		r->cfg.on_log(r->cfg.log_arg, level, text);
}

static int
fail(struct rsink *r, int err, const char *why)
{
	char line[256];

	if (r->err)
		return r->err;
	r->err = err;
	if (why && why != r->errmsg)
		snprintf(r->errmsg, sizeof r->errmsg, "%s", why);
	if (r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
	}
	r->state = R_FAILED;
	snprintf(line, sizeof line, "redis: fatal: %s", r->errmsg);
	say(r, 0, line);
	return err;
}

/* ---- URL ------------------------------------------------------------- */

static int
hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* %-decodes s[0..n) into out[cap] (NUL-terminated); 0 or -1. */
static int
pct_copy(char *out, size_t cap, const char *s, size_t n)
{
	size_t i, o = 0;
	int h, l;

	for (i = 0; i < n; i++) {
		if (o + 1 >= cap)
			return -1;
		if (s[i] == '%') {
			if (i + 2 >= n || (h = hexv(s[i + 1])) < 0 ||
			    (l = hexv(s[i + 2])) < 0)
				return -1;
			out[o++] = (char)(h << 4 | l);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return 0;
}

static int
parse_long(const char *s, size_t n, long max, long *out)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int
rsink_parse_url(struct rsink_addr *a, const char *u, const char **tail)
{
	const char *p, *at, *hend, *slash, *q;
	long v;

	memset(a, 0, sizeof *a);
	memcpy(a->port, "6379", 5);
	*tail = "";
	if (strncmp(u, "unix:", 5) == 0) {
		p = u + 5;
		if (strncmp(p, "//", 2) == 0)
			p += 2;
		if (*p != '/')
			return RSINK_E_URL;
		q = strchr(p, '?');
		if (q == NULL)
			q = p + strlen(p);
		if ((size_t)(q - p) >= sizeof a->path ||
		    (size_t)(q - p) >=
		    sizeof ((struct sockaddr_un *)0)->sun_path)
			return RSINK_E_URL;
		memcpy(a->path, p, (size_t)(q - p));
		a->path[q - p] = '\0';
		a->is_unix = 1;
		*tail = q;
		return 0;
	}
	if (strncmp(u, "redis://", 8) != 0)
		return RSINK_E_URL;
	p = u + 8;
	slash = strchr(p, '/');
	if (slash == NULL)
		slash = p + strlen(p);
	at = NULL;
	for (q = p; q < slash; q++)
		if (*q == '@')
			at = q;
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));

		if (colon) {
			if (pct_copy(a->user, sizeof a->user, p,
			    (size_t)(colon - p)) != 0 ||
			    pct_copy(a->pass, sizeof a->pass, colon + 1,
			    (size_t)(at - colon - 1)) != 0)
				return RSINK_E_URL;
		} else if (pct_copy(a->pass, sizeof a->pass, p,
		    (size_t)(at - p)) != 0) {
			return RSINK_E_URL;
		}
		p = at + 1;
	}
	/* host, [v6], optional :port */
	if (*p == '[') {
		hend = memchr(p, ']', (size_t)(slash - p));
		if (hend == NULL || hend == p + 1 ||
		    (size_t)(hend - p - 1) >= sizeof a->host)
			return RSINK_E_URL;
		memcpy(a->host, p + 1, (size_t)(hend - p - 1));
		a->host[hend - p - 1] = '\0';
		q = hend + 1;
	} else {
		for (q = p; q < slash && *q != ':'; q++)
			;
		if (q == p || (size_t)(q - p) >= sizeof a->host)
			return RSINK_E_URL;
		memcpy(a->host, p, (size_t)(q - p));
		a->host[q - p] = '\0';
	}
	if (q < slash) {
		if (*q != ':' || parse_long(q + 1, (size_t)(slash - q - 1),
		    65535, &v) != 0 || v == 0)
			return RSINK_E_URL;
		memcpy(a->port, q + 1, (size_t)(slash - q - 1));
		a->port[slash - q - 1] = '\0';
	}
	*tail = *slash == '/' ? slash + 1 : slash;
	return 0;
}

/* The sink's URL: the address, then the database ("?db=N" for a unix
 * socket, "/N" for redis://). */
static int
parse_url(struct rsink *r, const char *u)
{
	const char *tail;

	r->db = 0;
	if (rsink_parse_url(&r->addr, u, &tail) != 0)
		return -1;
	if (r->addr.is_unix) {
		if (*tail && (strncmp(tail, "?db=", 4) != 0 ||
		    parse_long(tail + 4, strlen(tail + 4), 1000000,
		    &r->db) != 0))
			return -1;
		return 0;
	}
	if (*tail && parse_long(tail, strlen(tail), 1000000, &r->db) != 0)
		return -1;
	return 0;
}

static void
fmt_u64(char *out, uint64_t v, int neg)
{
	char tmp[24];
	size_t k = 0, o = 0;

	do {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		out[o++] = '-';
	while (k)
		out[o++] = tmp[--k];
	out[o] = '\0';
}

int
rsink_init(struct rsink *r, const struct rsink_cfg *cfg,
    unsigned char *buf, size_t cap)
{
	memset(r, 0, sizeof *r);
	r->cfg = *cfg;
	r->fd = -1;
	r->bl = buf;
	r->cap = buf ? cap : 0;
	r->state = R_WAIT;
	r->t_next = 0;
	r->backoff_ms = RSINK_BACKOFF_MIN_MS;
	if (r->cfg.connect_timeout_ms <= 0)
		r->cfg.connect_timeout_ms = RSINK_CONNECT_MS;
	if (r->cfg.backoff_max_ms <= 0)
		r->cfg.backoff_max_ms = RSINK_BACKOFF_MAX_MS;
	if (cfg->url == NULL || parse_url(r, cfg->url) != 0) {
		r->err = RSINK_E_URL;
		r->state = R_FAILED;
		return r->err;
	}
	if (cfg->key == NULL || cfg->key[0] == '\0' ||
	    (cfg->mode != RSINK_LIST && cfg->mode != RSINK_PUBLISH &&
	    cfg->mode != RSINK_XADD) ||
	    (cfg->mode == RSINK_PUBLISH && cfg->maxlen)) {
		r->err = RSINK_E_CONFIG;
		r->state = R_FAILED;
		return r->err;
	}
	fmt_u64(r->maxlen_s, cfg->maxlen, 0);
	fmt_u64(r->nmaxlen_s, cfg->maxlen, 1);
	r->kper = 1;
	if (cfg->mode == RSINK_LIST && cfg->maxlen)
		r->kper++;
	if (cfg->counter_key)
		r->kper += 3;		/* MULTI, INCR, EXEC */
	r->sw = RSINK_SWITCH_UNKNOWN;
	resp_init(&r->resp);
	return 0;
}

/* ---- encoding -------------------------------------------------------- */

/* The group for one message: up to 5 commands of up to 8 arguments. */
struct group {
	int n;
	int argc[5];
	const char *argv[5][8];
	size_t len[5][8];
};

static void
add_cmd(struct group *g, int argc, const char *const *argv,
    const size_t *len)
{
	int i;

	for (i = 0; i < argc; i++) {
		g->argv[g->n][i] = argv[i];
		g->len[g->n][i] = len ? len[i] : strlen(argv[i]);
	}
	g->argc[g->n++] = argc;
}

static void
build(const struct rsink *r, struct group *g, const char *msg, size_t mlen)
{
	const char *k = r->cfg.key;
	size_t kl = strlen(k);

	g->n = 0;
	if (r->cfg.counter_key) {
		const char *a[1] = { "MULTI" };

		add_cmd(g, 1, a, NULL);
	}
	switch (r->cfg.mode) {
	case RSINK_LIST: {
		const char *a[3] = { "RPUSH", k, msg };
		size_t l[3] = { 5, kl, mlen };

		add_cmd(g, 3, a, l);
		if (r->cfg.maxlen) {
			const char *t[4] = { "LTRIM", k, r->nmaxlen_s, "-1" };

			add_cmd(g, 4, t, NULL);
		}
		break;
	}
	case RSINK_PUBLISH: {
		const char *a[3] = { "PUBLISH", k, msg };
		size_t l[3] = { 7, kl, mlen };

		add_cmd(g, 3, a, l);
		break;
	}
	case RSINK_XADD:
		if (r->cfg.maxlen) {
			const char *a[7] = { "XADD", k, "MAXLEN", "~",
			    r->maxlen_s, "*", "m" };
			const char *b[8];
			size_t l[8];
			int i;

			for (i = 0; i < 7; i++) {
				b[i] = a[i];
				l[i] = strlen(a[i]);
			}
			b[7] = msg;
			l[7] = mlen;
			add_cmd(g, 8, b, l);
		} else {
			const char *a[5] = { "XADD", k, "*", "m", msg };
			size_t l[5] = { 4, kl, 1, 1, mlen };

			add_cmd(g, 5, a, l);
		}
		break;
	}
	if (r->cfg.counter_key) {
		const char *a[2] = { "INCR", r->cfg.counter_key };
		const char *e[1] = { "EXEC" };

		add_cmd(g, 2, a, NULL);
		add_cmd(g, 1, e, NULL);
	}
}

static size_t
group_len(const struct group *g)
{
	size_t total = 0, c;
	int i;

	for (i = 0; i < g->n; i++) {
		c = resp_command_len(g->argc[i], g->len[i]);
		if (c == (size_t)-1 || total > (size_t)-1 - c)
			return (size_t)-1;
		total += c;
	}
	return total;
}

/* Moves the unacknowledged bytes to the front of the backlog. */
static void
compact(struct rsink *r)
{
	if (r->ack == 0)
		return;
	if (r->end > r->ack)
		memmove(r->bl, r->bl + r->ack, r->end - r->ack);
	r->sent -= r->ack;
	r->grp_off -= r->ack;
	r->end -= r->ack;
	r->ack = 0;
}

int
rsink_fits(struct rsink *r, size_t len)
{
	struct group g;
	size_t need;

	build(r, &g, "", len);
	need = group_len(&g);
	return need <= r->cap - (r->end - r->ack);
}

int
rsink_room(struct rsink *r)
{
	size_t free_b = r->cap - (r->end - r->ack);
	char line[128];

	if (r->cfg.on_full == RSINK_DROP)
		return 1;
	if (free_b >= r->cap / 4) {
		if (r->low_said) {
			r->low_said = 0;
			say(r, 2, "redis: backlog drained; reading again");
		}
		return 1;
	}
	if (!r->low_said) {
		/* Said once at notice level, then only verbose. */
		r->low_said = 1;
		snprintf(line, sizeof line, "redis: backlog full (%lu bytes "
		    "pending); pausing input until Redis catches up",
		    (unsigned long)(r->end - r->ack));
		say(r, r->full++ ? 2 : 1, line);
	}
	return 0;
}

int
rsink_write(struct rsink *r, const void *msg, size_t len)
{
	struct group g;
	size_t need, w;
	int i;

	if (r->err)
		return r->err;
	build(r, &g, msg, len);
	need = group_len(&g);
	if (need > r->cap)
		return RSINK_E_TOOBIG;
	if (need > r->cap - r->end) {
		if (need > r->cap - (r->end - r->ack)) {
			if (r->cfg.on_full == RSINK_DROP) {
				r->dropped++;
				return RSINK_DROPPED;
			}
			return RSINK_FULL;
		}
		compact(r);
	}
	for (i = 0; i < g.n; i++) {
		/* Measured above: cannot be truncated. */
		(void)resp_command(r->bl + r->end, r->cap - r->end, &w,
		    g.argc[i], g.argv[i], g.len[i]);
		r->end += w;
	}
	r->groups_total++;
	r->accepted++;
	return 0;
}

/* Length of the RESP command we wrote at bl[o]. */
static size_t
cmd_len(const unsigned char *p)
{
	size_t off = 1, argc = 0, a, len;

	while (p[off] != '\r')
		argc = argc * 10 + (size_t)(p[off++] - '0');
	off += 2;
	while (argc--) {
		off++;	/* '$' */
		len = 0;
		while (p[off] != '\r')
			len = len * 10 + (size_t)(p[off++] - '0');
		a = len;
		off += 2 + a + 2;
	}
	return off;
}

/* ---- connection ------------------------------------------------------ */

static void
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* The connection failed or broke: close, wait, try again. */
static void
lost(struct rsink *r, const char *why, int e)
{
	char line[300];

	if (r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
	}
	if (e)
		snprintf(r->errmsg, sizeof r->errmsg, "%s: %s", why,
		    strerror(e));
	else if (why != r->errmsg)
		snprintf(r->errmsg, sizeof r->errmsg, "%s", why);
	if (r->state == R_READY || r->backoff_ms == RSINK_BACKOFF_MIN_MS) {
		snprintf(line, sizeof line, "redis: %s; %lu bytes pending, "
		    "retrying", r->errmsg, (unsigned long)(r->end - r->ack));
		say(r, 1, line);
	}
	if (r->state == R_READY)
		r->reconnects++;
	r->state = R_WAIT;
	r->t_next = now_ms() + r->backoff_ms;
	r->backoff_ms *= 2;
	if (r->backoff_ms > r->cfg.backoff_max_ms)
		r->backoff_ms = r->cfg.backoff_max_ms;
	r->get_out = 0;
	r->qn = 0;
	r->ctl_len = r->ctl_sent = 0;
}

static int
ctl_cmd(struct rsink *r, int kind, int argc, const char *const *argv)
{
	size_t w;

	if (r->qn == RSINK_CTLQ || resp_command(r->ctl + r->ctl_len,
	    sizeof r->ctl - r->ctl_len, &w, argc, argv, NULL) != 0)
		return -1;
	r->ctl_len += w;
	r->q[(r->qh + r->qn++) % RSINK_CTLQ].kind = kind;
	r->q[(r->qh + r->qn - 1) % RSINK_CTLQ].after =
	    kind == C_GET ? r->groups_total : r->groups_acked;
	return 0;
}

static void
connected(struct rsink *r)
{
	int one = 1;

	r->state = R_READY;
	if (!r->addr.is_unix)
		(void)setsockopt(r->fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof one);
	resp_init(&r->resp);
	r->sent = r->ack;		/* re-send everything unacknowledged */
	r->grp_off = r->ack;
	r->grp_replies = 0;
	r->qh = r->qn = 0;
	r->ctl_len = r->ctl_sent = 0;
	r->get_out = 0;
	r->naddr = 0;			/* resolve again next time */
	if (r->addr.pass[0]) {
		const char *a[3] = { "AUTH", r->addr.user, r->addr.pass };

		if (r->addr.user[0])
			(void)ctl_cmd(r, C_AUTH, 3, a);
		else {
			a[1] = r->addr.pass;
			(void)ctl_cmd(r, C_AUTH, 2, a);
		}
	}
	if (r->db) {
		char db[24];
		const char *a[2] = { "SELECT", db };

		fmt_u64(db, (uint64_t)r->db, 0);
		(void)ctl_cmd(r, C_SELECT, 2, a);
	}
	r->t_switch = 0;		/* ask for the switch at once */
}

static void
start_connect(struct rsink *r)
{
	struct sockaddr_un sun;
	struct addrinfo hints, *res, *ai;
	const struct sockaddr *sa;
	socklen_t salen;
	int rc;

	if (r->addr.is_unix) {
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		memcpy(sun.sun_path, r->addr.path, strlen(r->addr.path) + 1);
		sa = (const struct sockaddr *)&sun;
		salen = (socklen_t)sizeof sun;
	} else {
		if (r->ai >= r->naddr) {
			memset(&hints, 0, sizeof hints);
			hints.ai_family = AF_UNSPEC;
			hints.ai_socktype = SOCK_STREAM;
			rc = getaddrinfo(r->addr.host, r->addr.port, &hints, &res);
			if (rc != 0) {
				snprintf(r->errmsg, sizeof r->errmsg,
				    "cannot resolve %.100s: %s", r->addr.host,
				    gai_strerror(rc));
				lost(r, r->errmsg, 0);
				return;
			}
			r->naddr = 0;
			for (ai = res; ai && r->naddr < RSINK_ADDRS;
			    ai = ai->ai_next) {
				if (ai->ai_addrlen > sizeof r->addrs[0])
					continue;
				memcpy(&r->addrs[r->naddr], ai->ai_addr,
				    ai->ai_addrlen);
				r->alen[r->naddr++] = ai->ai_addrlen;
			}
			freeaddrinfo(res);
			r->ai = 0;
			if (r->naddr == 0) {
				lost(r, "no usable address", 0);
				return;
			}
		}
		sa = (const struct sockaddr *)&r->addrs[r->ai];
		salen = r->alen[r->ai];
	}
	r->fd = socket(sa->sa_family, SOCK_STREAM, 0);
	if (r->fd < 0) {
		r->sys_errno = errno;
		snprintf(r->errmsg, sizeof r->errmsg, "socket: %s",
		    strerror(errno));
		fail(r, RSINK_E_SOCKET, r->errmsg);
		return;
	}
	set_nonblock(r->fd);
	if (connect(r->fd, sa, salen) == 0) {
		connected(r);
		return;
	}
	if (errno == EINPROGRESS || errno == EINTR) {
		r->state = R_CONNECTING;
		r->t_next = now_ms() + r->cfg.connect_timeout_ms;
		return;
	}
	r->ai++;
	lost(r, "connect", errno);
}

/* ---- replies --------------------------------------------------------- */

static int
transient(const struct resp *p)
{
	return p->len >= 7 && (memcmp(p->str, "LOADING", 7) == 0 ||
	    memcmp(p->str, "BUSY ", 5) == 0);
}

static void
copy_err(struct rsink *r, const char *prefix)
{
	const struct resp *p = &r->resp;

	snprintf(r->errmsg, sizeof r->errmsg, "%s: %.*s", prefix,
	    p->str ? (int)(p->len > 120 ? 120 : p->len) : 0,
	    p->str ? (const char *)p->str : "");
}

/* One complete reply: 0, 1 (connection dropped), or an error. */
static int
on_reply(struct rsink *r)
{
	struct resp *p = &r->resp;
	struct rsink_ctlq *c;

	if (p->type == RESP_T_ERROR && transient(p)) {
		copy_err(r, "Redis busy");
		lost(r, r->errmsg, 0);
		return 1;
	}
	if (r->qn && r->grp_replies == 0 &&
	    r->q[r->qh].after == r->groups_acked) {
		c = &r->q[r->qh];
		r->qh = (r->qh + 1) % RSINK_CTLQ;
		r->qn--;
		switch (c->kind) {
		case C_AUTH:
			if (p->type != RESP_T_STATUS) {
				copy_err(r, "AUTH");
				return fail(r, RSINK_E_AUTH, r->errmsg);
			}
			break;
		case C_SELECT:
			if (p->type != RESP_T_STATUS) {
				copy_err(r, "SELECT");
				return fail(r, RSINK_E_SELECT, r->errmsg);
			}
			break;
		case C_GET:
			r->get_out = 0;
			if (p->type == RESP_T_ERROR) {
				copy_err(r, "GET switch");
				return fail(r, RSINK_E_SWITCH, r->errmsg);
			}
			if (p->type == RESP_T_BULK && p->len == 3 &&
			    memcmp(p->str, "off", 3) == 0) {
				if (r->sw != RSINK_SWITCH_OFF)
					say(r, 1, "redis: switch is off");
				r->sw = RSINK_SWITCH_OFF;
			} else {
				if (r->sw == RSINK_SWITCH_OFF)
					say(r, 1, "redis: switch is on");
				r->sw = RSINK_SWITCH_ON;
			}
			break;
		}
		goto ok;
	}
	/* A reply to the backlog command at grp_off. */
	if (r->grp_off >= r->sent)
		return fail(r, RSINK_E_PROTOCOL, "reply to nothing sent");
	if (p->type == RESP_T_ERROR || p->nerr ||
	    p->type == RESP_T_NIL_ARRAY) {
		if (p->type == RESP_T_ERROR)
			copy_err(r, "Redis");
		else
			snprintf(r->errmsg, sizeof r->errmsg,
			    "Redis: EXEC failed (%lu error replies)",
			    p->nerr);
		return fail(r, RSINK_E_REPLY, r->errmsg);
	}
	r->grp_off += cmd_len(r->bl + r->grp_off);
	if (++r->grp_replies == r->kper) {
		r->ack = r->grp_off;
		r->grp_replies = 0;
		r->groups_acked++;
		r->acked++;
		if (r->ack == r->end) {	/* all done: start at 0 again */
			r->ack = r->sent = r->end = r->grp_off = 0;
		}
	}
ok:
	if (!r->was_up || r->backoff_ms != RSINK_BACKOFF_MIN_MS) {
		if (r->was_up)
			say(r, 1, "redis: reconnected");
		r->was_up = 1;
		r->backoff_ms = RSINK_BACKOFF_MIN_MS;
	}
	return 0;
}

static int
do_read(struct rsink *r)
{
	size_t off, used;
	ssize_t n;
	int rounds, st, rc;

	for (rounds = 0; rounds < 8; rounds++) {
		n = read(r->fd, r->rbuf, sizeof r->rbuf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			lost(r, "read", errno);
			return 1;
		}
		if (n == 0) {
			lost(r, "connection closed by Redis", 0);
			return 1;
		}
		for (off = 0; off < (size_t)n; off += used) {
			st = resp_push(&r->resp, r->rbuf + off,
			    (size_t)n - off, &used);
			if (st < 0)
				return fail(r, RSINK_E_PROTOCOL,
				    "malformed reply from Redis");
			if (st == RESP_REPLY && (rc = on_reply(r)) != 0)
				return rc;
		}
		if ((size_t)n < sizeof r->rbuf)
			return 0;
	}
	return 0;
}

static int
send_some(struct rsink *r, const unsigned char *p, size_t n, size_t *w)
{
	ssize_t k;

	*w = 0;
	while (*w < n) {
		k = send(r->fd, p + *w, n - *w, MSG_NOSIGNAL);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			lost(r, "write", errno);
			return 1;
		}
		*w += (size_t)k;
	}
	return 0;
}

static int
do_write(struct rsink *r)
{
	size_t w;

	if (r->ctl_sent < r->ctl_len) {
		if (send_some(r, r->ctl + r->ctl_sent,
		    r->ctl_len - r->ctl_sent, &w))
			return 1;
		r->ctl_sent += w;
		if (r->ctl_sent < r->ctl_len)
			return 0;
		r->ctl_len = r->ctl_sent = 0;
	}
	if (r->sent < r->end) {
		if (send_some(r, r->bl + r->sent, r->end - r->sent, &w))
			return 1;
		r->sent += w;
	}
	return 0;
}

static void
maybe_get_switch(struct rsink *r, int64_t t)
{
	const char *a[2] = { "GET", r->cfg.switch_key };

	if (r->cfg.switch_key == NULL || r->get_out || t < r->t_switch ||
	    r->sent != r->end || r->ctl_len != 0)
		return;
	if (ctl_cmd(r, C_GET, 2, a) == 0) {
		r->get_out = 1;
		r->t_switch = t + RSINK_SWITCH_MS;
	}
}

int
rsink_poll_fds(struct rsink *r, struct pollfd *fds, int cap,
    int *timeout_ms)
{
	int64_t t = now_ms(), wait = -1;

	if (r->err || cap < 1)
		return 0;
	switch (r->state) {
	case R_WAIT:
		wait = r->t_next - t;
		break;
	case R_CONNECTING:
		wait = r->t_next - t;
		fds[0].fd = r->fd;
		fds[0].events = POLLOUT;
		fds[0].revents = 0;
		break;
	case R_READY:
		fds[0].fd = r->fd;
		fds[0].events = POLLIN;
		fds[0].revents = 0;
		maybe_get_switch(r, t);
		if (r->ctl_len || r->sent < r->end)
			fds[0].events |= POLLOUT;
		if (r->cfg.switch_key)
			wait = r->t_switch - t;
		break;
	}
	if (wait != -1) {
		if (wait < 0)
			wait = 0;
		if (*timeout_ms < 0 || wait < *timeout_ms)
			*timeout_ms = (int)wait;
	}
	return r->state == R_CONNECTING || r->state == R_READY;
}

int
rsink_step(struct rsink *r, const struct pollfd *fds, int n)
{
	short rev = 0;
	int64_t t;
	int i, e;
	socklen_t el;

	if (r->err)
		return r->err;
	for (i = 0; i < n; i++)
		if (r->fd >= 0 && fds[i].fd == r->fd)
			rev = fds[i].revents;
	t = now_ms();
	switch (r->state) {
	case R_WAIT:
		if (t >= r->t_next)
			start_connect(r);
		break;
	case R_CONNECTING:
		if (rev) {
			e = 0;
			el = sizeof e;
			if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &e,
			    &el) != 0)
				e = errno;
			if (e == 0) {
				connected(r);
			} else {
				r->ai++;
				lost(r, "connect", e);
			}
		} else if (t >= r->t_next) {
			r->ai++;
			lost(r, "connect timed out", 0);
		}
		break;
	case R_READY:
		if (rev & (POLLIN | POLLHUP | POLLERR)) {
			if (do_read(r) != 0)
				break;
		}
		if (r->state == R_READY) {
			maybe_get_switch(r, t);
			if (r->ctl_len || r->sent < r->end)
				(void)do_write(r);
		}
		break;
	}
	return r->err;
}

/* Runs the sink alone until done(r) or the timeout. */
static int
run_until(struct rsink *r, size_t len, int flush, long timeout_ms)
{
	int64_t end = timeout_ms >= 0 ? now_ms() + timeout_ms : -1;
	struct pollfd pfd;
	int n, tmo, rc;

	for (;;) {
		if (r->err)
			return r->err;
		if (flush ? r->end == r->ack : rsink_fits(r, len))
			return 0;
		tmo = -1;
		if (end >= 0) {
			int64_t left = end - now_ms();

			if (left <= 0)
				return RSINK_E_TIMEOUT;
			tmo = left > 1000000 ? 1000000 : (int)left;
		}
		n = rsink_poll_fds(r, &pfd, 1, &tmo);
		rc = poll(&pfd, (nfds_t)n, tmo);
		if (rc < 0 && errno != EINTR)
			return fail(r, RSINK_E_SOCKET, "poll failed");
		if (rc <= 0)
			n = 0;
		rsink_step(r, &pfd, n);
	}
}

int
rsink_wait(struct rsink *r, size_t len, long timeout_ms)
{
	return run_until(r, len, 0, timeout_ms);
}

int
rsink_flush_blocking(struct rsink *r, long timeout_ms)
{
	return run_until(r, 0, 1, timeout_ms);
}

void
rsink_close(struct rsink *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	if (r->state != R_FAILED)
		r->state = R_IDLE;
}
