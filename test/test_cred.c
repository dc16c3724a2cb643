/* Tests for cred.c -- MIT licensed, see LICENSE.
 * Environment, key = value file, permission refusal with its message,
 * parse errors with line numbers, redaction, wiping, completeness. */
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "cred.h"

static char dir[256];
static char path[512];
static char msg[CRED_MSG_MAX];

static const char *const envs[] = {
	"SLUICE_CONSUMER_KEY", "SLUICE_CONSUMER_SECRET", "SLUICE_TOKEN",
	"SLUICE_TOKEN_SECRET", "SLUICE_BEARER_TOKEN"
};

static void
clear_env(void)
{
	size_t i;

	for (i = 0; i < sizeof envs / sizeof envs[0]; i++)
		unsetenv(envs[i]);
}

/* Writes text to dir/name with the given mode; path gets its name. */
static int
write_file(const char *name, const char *text, size_t n, mode_t mode)
{
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	if (fwrite(text, 1, n, f) != n) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return chmod(path, mode);
}

static int
from_env(void)
{
	struct cred c;
	char big[CRED_VALUE_MAX + 8];

	clear_env();
	cred_init(&c);
	check(cred_from_env(&c, msg, sizeof msg) == 0 && c.have == 0);
	setenv("SLUICE_CONSUMER_KEY", "xvz1evFS4wEEPTGEFPHBog", 1);
	setenv("SLUICE_CONSUMER_SECRET", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhf", 1);
	setenv("SLUICE_TOKEN", "370773112-GmHx", 1);
	setenv("SLUICE_TOKEN_SECRET", "LswwdoUaIvS8", 1);
	setenv("SLUICE_BEARER_TOKEN", "", 1);	/* empty: not set */
	check(cred_from_env(&c, msg, sizeof msg) == 0);
	check(strcmp(c.consumer_key, "xvz1evFS4wEEPTGEFPHBog") == 0);
	check(strcmp(c.consumer_secret, "kAcSOqF21Fu85e7zjz7ZN2U4ZRhf") == 0);
	check(strcmp(c.token, "370773112-GmHx") == 0);
	check(strcmp(c.token_secret, "LswwdoUaIvS8") == 0);
	check(c.have == (CRED_CONSUMER_KEY | CRED_CONSUMER_SECRET | CRED_TOKEN
	    | CRED_TOKEN_SECRET));
	check(cred_check(&c, msg, sizeof msg) == 2);
	setenv("SLUICE_BEARER_TOKEN", "AAAA%2Fbearer", 1);
	check(cred_from_env(&c, msg, sizeof msg) == 0);
	check(strcmp(c.bearer_token, "AAAA%2Fbearer") == 0);
	/* too long: named, field untouched */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	setenv("SLUICE_TOKEN", big, 1);
	check(cred_from_env(&c, msg, sizeof msg) == CRED_E_LONG);
	check(strstr(msg, "SLUICE_TOKEN") != NULL);
	check(strcmp(c.token, "370773112-GmHx") == 0);
	big[CRED_VALUE_MAX - 1] = '\0';		/* exactly the limit */
	setenv("SLUICE_TOKEN", big, 1);
	check(cred_from_env(&c, msg, sizeof msg) == 0);
	check(strlen(c.token) == CRED_VALUE_MAX - 1);
	clear_env();
	cred_wipe(&c);
	return 0;
}

static int
from_file(void)
{
	static const char text[] =
	    "# sluice credentials\n"
	    "\n"
	    "consumer_key = xvz1evFS4wEEPTGEFPHBog\n"
	    "  consumer_secret\t=kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
	    "  \n"
	    "token = \"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\"\r\n"
	    "token_secret='with # and = inside'\n"
	    "   # indented comment\n"
	    "bearer_token = AAAA%2Fx%3D";	/* no final newline */
	struct cred c;

	cred_init(&c);
	check(write_file("good", text, sizeof text - 1, 0600) == 0);
	check(cred_from_file(&c, path, msg, sizeof msg) == 0);
	check(strcmp(c.consumer_key, "xvz1evFS4wEEPTGEFPHBog") == 0);
	check(strcmp(c.consumer_secret,
	    "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw") == 0);
	check(strcmp(c.token,
	    "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb") == 0);
	check(strcmp(c.token_secret, "with # and = inside") == 0);
	check(strcmp(c.bearer_token, "AAAA%2Fx%3D") == 0);
	check(c.have == 31);
	/* 0400 is fine too; a later file overrides single fields */
	check(write_file("override", "token = T2\n", 11, 0400) == 0);
	check(cred_from_file(&c, path, msg, sizeof msg) == 0);
	check(strcmp(c.token, "T2") == 0);
	check(strcmp(c.consumer_key, "xvz1evFS4wEEPTGEFPHBog") == 0);
	/* an empty file sets nothing */
	check(write_file("empty", "", 0, 0600) == 0);
	check(cred_from_file(&c, path, msg, sizeof msg) == 0);
	check(strcmp(c.token, "T2") == 0);
	cred_wipe(&c);
	return 0;
}

static int
permissions_refused(void)
{
	static const mode_t bad[] = { 0644, 0640, 0604, 0620, 0602, 0610,
	    0601, 0666 };
	static const char text[] = "consumer_key = k\n";
	char fix[600];
	struct cred c;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cred_init(&c);
		check(write_file("open", text, sizeof text - 1, bad[i]) == 0);
		msg[0] = '\0';
		check(cred_from_file(&c, path, msg, sizeof msg) ==
		    CRED_E_PERM);
		check(c.have == 0 && c.consumer_key[0] == '\0');
		/* the message names the file, the mode and the fix */
		check(strncmp(msg, path, strlen(path)) == 0);
		snprintf(fix, sizeof fix, "chmod 600 %s", path);
		check(strstr(msg, fix) != NULL);
		snprintf(fix, sizeof fix, "mode %04o", (unsigned)bad[i]);
		check(strstr(msg, fix) != NULL);
	}
	/* not there, not a regular file */
	snprintf(path, sizeof path, "%s/missing", dir);
	check(cred_from_file(&c, path, msg, sizeof msg) == CRED_E_OPEN);
	check(strstr(msg, path) != NULL);
	check(cred_from_file(&c, dir, msg, sizeof msg) == CRED_E_TYPE);
	check(strstr(msg, dir) != NULL);
	check(cred_from_file(&c, NULL, msg, sizeof msg) == CRED_E_OPEN);
	check(cred_from_file(&c, "", msg, sizeof msg) == CRED_E_OPEN);
	/* msg may be NULL */
	check(write_file("open", text, sizeof text - 1, 0644) == 0);
	check(cred_from_file(&c, path, NULL, 0) == CRED_E_PERM);
	return 0;
}

static int
file_syntax(void)
{
	static const struct {
		const char *text;
		int err;
		const char *where;
	} v[] = {
		{ "consumer_key = a\nnovalue\n", CRED_E_SYNTAX, ":2:" },
		{ "= value\n", CRED_E_SYNTAX, ":1:" },
		{ "# c\n\nconsumer-key = a\n", CRED_E_KEY, ":3:" },
		{ "Token = a\n", CRED_E_KEY, ":1:" },
		{ "token = a\0b\n", CRED_E_SYNTAX, ":1:" },
	};
	static char longv[CRED_VALUE_MAX + 32];
	static char big[CRED_FILE_MAX + 10];
	struct cred c;
	size_t i, n;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		n = strlen(v[i].text);
		if (i == 4)
			n = 12;		/* the NUL is part of the file */
		cred_init(&c);
		check(write_file("syntax", v[i].text, n, 0600) == 0);
		check(cred_from_file(&c, path, msg, sizeof msg) == v[i].err);
		check(strstr(msg, v[i].where) != NULL);
		check(c.have == 0);	/* nothing half-applied */
	}
	n = (size_t)snprintf(longv, sizeof longv, "token = ");
	memset(longv + n, 'v', CRED_VALUE_MAX);
	n += CRED_VALUE_MAX;
	check(write_file("long", longv, n, 0600) == 0);
	check(cred_from_file(&c, path, msg, sizeof msg) == CRED_E_LONG);
	check(strstr(msg, ":1:") != NULL);
	n -= 1;		/* CRED_VALUE_MAX - 1 bytes: fits */
	check(write_file("long", longv, n, 0600) == 0);
	check(cred_from_file(&c, path, msg, sizeof msg) == 0);
	check(strlen(c.token) == CRED_VALUE_MAX - 1);
	memset(big, '#', sizeof big);
	check(write_file("big", big, sizeof big, 0600) == 0);
	check(cred_from_file(&c, path, msg, sizeof msg) == CRED_E_BIG);
	check(write_file("big", big, CRED_FILE_MAX, 0600) == 0);
	check(cred_from_file(&c, path, msg, sizeof msg) == 0);
	cred_wipe(&c);
	return 0;
}

static int
redaction(void)
{
	char buf[64];

	check(strcmp(cred_redact("kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
	    buf, sizeof buf), "kAcS... (43 chars)") == 0);
	check(strstr(buf, "kAcSO") == NULL);
	check(strcmp(cred_redact("123456789", buf, sizeof buf),
	    "1234... (9 chars)") == 0);
	/* short secrets show nothing */
	check(strcmp(cred_redact("12345678", buf, sizeof buf),
	    "... (8 chars)") == 0);
	check(strcmp(cred_redact("", buf, sizeof buf), "(empty)") == 0);
	check(strcmp(cred_redact(NULL, buf, sizeof buf), "(empty)") == 0);
	check(strcmp(cred_redact("\x01\xc3\xa9zsecretsecret", buf, sizeof buf),
	    "???z... (16 chars)") == 0);
	/* truncating buffers stay terminated */
	check(strcmp(cred_redact("abcdefghijkl", buf, 5), "abcd") == 0);
	return 0;
}

static int
wipe(void)
{
	struct cred c;
	const unsigned char *p = (const unsigned char *)&c;
	size_t i;

	memset(&c, 0xA5, sizeof c);
	cred_wipe(&c);
	for (i = 0; i < sizeof c; i++)
		check(p[i] == 0);
	memset(&c, 0x5A, sizeof c);
	cred_wipe_mem(c.token, 3);
	check(c.token[0] == 0 && c.token[2] == 0 && c.token[3] == 0x5A);
	return 0;
}

static int
completeness(void)
{
	struct cred c;
	struct oauth_cred oc;
	struct oauth o;
	struct oauth_param sl[16];
	char scratch[1024], hdr[512];
	size_t len;

	cred_init(&c);
	check(cred_check(&c, msg, sizeof msg) == CRED_E_NONE);
	check(strstr(msg, "SLUICE_BEARER_TOKEN") != NULL);
	check(write_file("partial", "consumer_key=a\ntoken=b\n", 23, 0600) ==
	    0);
	check(cred_from_file(&c, path, msg, sizeof msg) == 0);
	check(cred_check(&c, msg, sizeof msg) == CRED_E_INCOMPLETE);
	check(strstr(msg, "consumer_secret, token_secret") != NULL);
	check(write_file("bearer", "bearer_token=zz\n", 16, 0600) == 0);
	check(cred_from_file(&c, path, msg, sizeof msg) == 0);
	check(cred_check(&c, msg, sizeof msg) == 1);
	check(write_file("rest", "consumer_secret=s\ntoken_secret=t\n", 33,
	    0600) == 0);
	check(cred_from_file(&c, path, msg, sizeof msg) == 0);
	check(cred_check(&c, msg, sizeof msg) == 2);
	cred_oauth(&c, &oc);
	check(oauth_init(&o, sl, 16, scratch, sizeof scratch) == 0);
	check(oauth_sign(&o, &oc, "GET", "https://h/", NULL, 0, hdr,
	    sizeof hdr, &len) == 0);
	check(strstr(hdr, "oauth_consumer_key=\"a\"") != NULL);
	check(strstr(hdr, "oauth_token=\"b\"") != NULL);
	cred_wipe(&c);
	return 0;
}

static int
error_ranges(void)
{
#define IN_RANGE(name, code, text) check(code <= -240 && code >= -259);
	CRED_ERRORS(IN_RANGE)
#undef IN_RANGE
#define IN_RANGE(name, code, text) check(code <= -140 && code >= -159);
	OAUTH_ERRORS(IN_RANGE)
#undef IN_RANGE
	printf("# sizeof(struct cred) = %lu\n", (unsigned long)sizeof(struct
	    cred));
	return 0;
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	int rc;

	t_init("test_cred");
	snprintf(dir, sizeof dir, "%s/test_cred.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		printf("FAIL test_cred:setup: mkdtemp %s\n", dir);
		return 1;
	}
	t_run("from_env", from_env);
	t_run("from_file", from_file);
	t_run("permissions_refused", permissions_refused);
	t_run("file_syntax", file_syntax);
	t_run("redaction", redaction);
	t_run("wipe", wipe);
	t_run("completeness", completeness);
	t_run("error_ranges", error_ranges);
	rc = t_done();
	{
		static const char *const names[] = { "good", "override",
		    "empty", "open", "syntax", "long", "big", "partial",
		    "bearer", "rest" };
		size_t i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			snprintf(path, sizeof path, "%s/%s", dir, names[i]);
			unlink(path);
		}
		rmdir(dir);
	}
	return rc;
}
