/* cred -- the tool's credentials.  MIT licensed, see LICENSE.
 * See cred.h for the contract. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cred.h"

struct field {
	const char *key;	/* file key */
	const char *env;	/* environment variable */
	unsigned bit;
	size_t off;
};

static const struct field fields[] = {
	{ "consumer_key", "SLUICE_CONSUMER_KEY", CRED_CONSUMER_KEY,
	    offsetof(struct cred, consumer_key) },
	{ "consumer_secret", "SLUICE_CONSUMER_SECRET", CRED_CONSUMER_SECRET,
	    offsetof(struct cred, consumer_secret) },
	{ "token", "SLUICE_TOKEN", CRED_TOKEN, offsetof(struct cred, token) },
	{ "token_secret", "SLUICE_TOKEN_SECRET", CRED_TOKEN_SECRET,
	    offsetof(struct cred, token_secret) },
	{ "bearer_token", "SLUICE_BEARER_TOKEN", CRED_BEARER_TOKEN,
	    offsetof(struct cred, bearer_token) },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static char *
slot(struct cred *c, const struct field *f)
{
	return (char *)c + f->off;
}

void
cred_wipe_mem(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

void
cred_wipe(struct cred *c)
{
	cred_wipe_mem(c, sizeof *c);
}

void
cred_init(struct cred *c)
{
	cred_wipe(c);
}

/* A diagnostic into the caller's buffer (msg may be NULL). */
static void
say(char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (msg == NULL || cap == 0)
		return;
	va_start(ap, fmt);
	if (vsnprintf(msg, cap, fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
}

/* Copies src[0..n) into c's field f; the old value is wiped first. */
static void
set(struct cred *c, const struct field *f, const char *src, size_t n)
{
	char *dst = slot(c, f);

	cred_wipe_mem(dst, CRED_VALUE_MAX);
	memcpy(dst, src, n);
	dst[n] = '\0';
	c->have |= f->bit;
}

int
cred_from_env(struct cred *c, char *msg, size_t msg_cap)
{
	size_t i, n;

	for (i = 0; i < NFIELDS; i++) {
		const char *v = getenv(fields[i].env);

		if (v == NULL || v[0] == '\0')
			continue;
		n = strlen(v);
		if (n >= CRED_VALUE_MAX) {
			say(msg, msg_cap, "%s is longer than %d bytes",
			    fields[i].env, CRED_VALUE_MAX - 1);
			return CRED_E_LONG;
		}
		set(c, &fields[i], v, n);
	}
	return 0;
}

static int
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Parses buf[0..n) into t.  *line gets the number of a bad line. */
static int
parse(struct cred *t, char *buf, size_t n, long *line)
{
	size_t i = 0;

	*line = 0;
	while (i < n) {
		char *l = buf + i, *e, *eq, *k, *ke, *v, *ve;
		const struct field *f = NULL;
		size_t j;

		e = memchr(l, '\n', n - i);
		if (e == NULL)
			e = buf + n;
		i = (size_t)(e - buf) + 1;
		++*line;
		while (l < e && is_space(*l))
			l++;
		if (l == e || *l == '#')
			continue;
		eq = memchr(l, '=', (size_t)(e - l));
		if (eq == NULL)
			return CRED_E_SYNTAX;
		k = l;
		ke = eq;
		while (ke > k && is_space(ke[-1]))
			ke--;
		v = eq + 1;
		ve = e;
		while (v < ve && is_space(*v))
			v++;
		while (ve > v && is_space(ve[-1]))
			ve--;
		if (ve - v >= 2 && (*v == '"' || *v == '\'') && ve[-1] == *v) {
			v++;
			ve--;
		}
		for (j = 0; j < NFIELDS; j++)
			if (strlen(fields[j].key) == (size_t)(ke - k) &&
			    memcmp(fields[j].key, k, (size_t)(ke - k)) == 0)
				f = &fields[j];
		if (f == NULL)
			return k == ke ? CRED_E_SYNTAX : CRED_E_KEY;
		if ((size_t)(ve - v) >= CRED_VALUE_MAX)
			return CRED_E_LONG;
		if (memchr(v, '\0', (size_t)(ve - v)) != NULL)
			return CRED_E_SYNTAX;
		set(t, f, v, (size_t)(ve - v));
	}
	return 0;
}

int
cred_from_file(struct cred *c, const char *path, char *msg, size_t msg_cap)
{
	char buf[CRED_FILE_MAX + 1];
	struct cred t;
	struct stat st;
	size_t n = 0, i;
	long line = 0;
	int fd, rc = 0;

	if (path == NULL || path[0] == '\0') {
		say(msg, msg_cap, "no credentials file name given");
		return CRED_E_OPEN;
	}
	cred_init(&t);
	fd = open(path, O_RDONLY | O_NOCTTY);
	if (fd < 0) {
		say(msg, msg_cap, "%s: %s", path, strerror(errno));
		return CRED_E_OPEN;
	}
	if (fstat(fd, &st) != 0) {
		rc = CRED_E_READ;
		say(msg, msg_cap, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = CRED_E_TYPE;
		say(msg, msg_cap, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		rc = CRED_E_PERM;
		say(msg, msg_cap, "%s: credentials file is accessible by "
		    "group or others (mode %04lo); refusing it.  Fix: "
		    "chmod 600 %s", path, (unsigned long)(st.st_mode & 07777),
		    path);
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, buf + n, sizeof buf - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = CRED_E_READ;
			say(msg, msg_cap, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == sizeof buf) {
			rc = CRED_E_BIG;
			say(msg, msg_cap, "%s: larger than %d bytes", path,
			    CRED_FILE_MAX);
			goto out;
		}
	}
	rc = parse(&t, buf, n, &line);
	if (rc == CRED_E_SYNTAX)
		say(msg, msg_cap, "%s:%ld: expected key = value", path,
		    line);
	else if (rc == CRED_E_KEY)
		say(msg, msg_cap, "%s:%ld: unknown key (known: consumer_key, "
		    "consumer_secret, token, token_secret, bearer_token)", path,
		    line);
	else if (rc == CRED_E_LONG)
		say(msg, msg_cap, "%s:%ld: value longer than %d bytes", path,
		    line, CRED_VALUE_MAX - 1);
	if (rc == 0)
		for (i = 0; i < NFIELDS; i++)
			if (t.have & fields[i].bit)
				set(c, &fields[i], slot(&t, &fields[i]),
				    strlen(slot(&t, &fields[i])));
out:
	close(fd);
	cred_wipe_mem(buf, sizeof buf);
	cred_wipe(&t);
	return rc;
}

int
cred_check(const struct cred *c, char *msg, size_t msg_cap)
{
	unsigned oauth = CRED_CONSUMER_KEY | CRED_CONSUMER_SECRET |
	    CRED_TOKEN | CRED_TOKEN_SECRET;
	char names[128];
	size_t i;

	if ((c->have & oauth) == oauth)
		return 2;
	if (c->have & CRED_BEARER_TOKEN)
		return 1;
	if ((c->have & oauth) == 0) {
		say(msg, msg_cap, "no credentials: set SLUICE_BEARER_TOKEN or "
		    "the four SLUICE_CONSUMER_KEY ... variables, or give a "
		    "credentials file");
		return CRED_E_NONE;
	}
	names[0] = '\0';
	for (i = 0; i < 4; i++)
		if (!(c->have & fields[i].bit)) {
			size_t l = strlen(names);

			snprintf(names + l, sizeof names - l, "%s%s",
			    l ? ", " : "", fields[i].key);
		}
	say(msg, msg_cap, "incomplete OAuth 1.0a credentials: missing %s",
	    names);
	return CRED_E_INCOMPLETE;
}

void
cred_oauth(const struct cred *c, struct oauth_cred *o)
{
	o->consumer_key = c->consumer_key;
	o->consumer_secret = c->consumer_secret;
	o->token = c->token[0] ? c->token : NULL;
	o->token_secret = c->token_secret[0] ? c->token_secret : NULL;
}

const char *
cred_redact(const char *secret, char *buf, size_t cap)
{
	size_t n = secret ? strlen(secret) : 0, i, show = n > 8 ? 4 : 0;
	char head[5];

	if (cap == 0)
		return buf;
	if (n == 0) {
		snprintf(buf, cap, "(empty)");
		return buf;
	}
	for (i = 0; i < show; i++) {
		unsigned char ch = (unsigned char)secret[i];

		head[i] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
	}
	head[show] = '\0';
	snprintf(buf, cap, "%s... (%lu chars)", head, (unsigned long)n);
	return buf;
}
