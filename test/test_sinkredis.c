/* Tests for sinkredis.c without a server: URL parsing (good and bad),
 * the exact commands queued per mode, BLOCK/DROP/TOOBIG and the room
 * watermark.  The behaviour against a real redis-server is in
 * test/redis.sh (driven by test/rsinkdrv). */
#include "t.h"
#include "sinkredis.h"

static struct rsink rs;
static unsigned char bl[4096];

struct url_case {
	const char *url;
	int ok;
	const char *host, *port, *user, *pass, *path;
	long db;
};

static const struct url_case urls[] = {
	{ "redis://127.0.0.1", 1, "127.0.0.1", "6379", "", "", "", 0 },
	{ "redis://localhost:6380/3", 1, "localhost", "6380", "", "", "",
	    3 },
	{ "redis://alice:s3cr%40t@h:1/15", 1, "h", "1", "alice", "s3cr@t",
	    "", 15 },
	{ "redis://:pw@h", 1, "h", "6379", "", "pw", "", 0 },
	{ "redis://pw@h/", 1, "h", "6379", "", "pw", "", 0 },
	{ "redis://u:p:q@h", 1, "h", "6379", "u", "p:q", "", 0 },
	{ "redis://[::1]:7000/2", 1, "::1", "7000", "", "", "", 2 },
	{ "unix:/run/redis.sock", 1, "", "6379", "", "", "/run/redis.sock",
	    0 },
	{ "unix:///tmp/r.sock?db=4", 1, "", "6379", "", "", "/tmp/r.sock",
	    4 },
	{ "http://h", 0, 0, 0, 0, 0, 0, 0 },
	{ "redis://", 0, 0, 0, 0, 0, 0, 0 },
	{ "redis://h:", 0, 0, 0, 0, 0, 0, 0 },
	{ "redis://h:0", 0, 0, 0, 0, 0, 0, 0 },
	{ "redis://h:65536", 0, 0, 0, 0, 0, 0, 0 },
	{ "redis://h:12x", 0, 0, 0, 0, 0, 0, 0 },
	{ "redis://h/x", 0, 0, 0, 0, 0, 0, 0 },
	{ "redis://u:%zz@h", 0, 0, 0, 0, 0, 0, 0 },
	{ "redis://u:%4@h", 0, 0, 0, 0, 0, 0, 0 },
	{ "redis://[::1/", 0, 0, 0, 0, 0, 0, 0 },
	{ "unix:relative.sock", 0, 0, 0, 0, 0, 0, 0 },
	{ "unix:/x?db=a", 0, 0, 0, 0, 0, 0, 0 },
};

static int
url_parsing(void)
{
	struct rsink_cfg cfg = { 0 };
	size_t i;
	int rc;

	cfg.key = "k";
	for (i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		const struct url_case *u = &urls[i];

		cfg.url = u->url;
		rc = rsink_init(&rs, &cfg, bl, sizeof bl);
		if ((rc == 0) != u->ok)
			fprintf(stderr, "%s: %d\n", u->url, rc);
		if (!u->ok) {
			check(rc == RSINK_E_URL);
			check(rsink_error(&rs) == RSINK_E_URL);
			check(rsink_write(&rs, "m", 1) == RSINK_E_URL);
			continue;
		}
		check(rc == 0);
		check(strcmp(rs.addr.host, u->host) == 0);
		check(strcmp(rs.addr.port, u->port) == 0);
		check(strcmp(rs.addr.user, u->user) == 0);
		check(strcmp(rs.addr.pass, u->pass) == 0);
		check(strcmp(rs.addr.path, u->path) == 0);
		check(rs.db == u->db);
		check(rs.addr.is_unix == (u->path[0] != '\0'));
	}
	cfg.url = "redis://h";
	cfg.key = NULL;
	check(rsink_init(&rs, &cfg, bl, sizeof bl) == RSINK_E_CONFIG);
	cfg.key = "ch";
	cfg.mode = RSINK_PUBLISH;
	cfg.maxlen = 5;			/* meaningless for PUBLISH */
	check(rsink_init(&rs, &cfg, bl, sizeof bl) == RSINK_E_CONFIG);
	return 0;
}

static int
queued_is(const char *want)
{
	size_t n = strlen(want);

	return rsink_pending(&rs) == n && memcmp(rs.bl + rs.ack, want, n) == 0;
}

static int
commands(void)
{
	struct rsink_cfg cfg = { 0 };

	cfg.url = "redis://h";
	cfg.key = "q";
	check(rsink_init(&rs, &cfg, bl, sizeof bl) == 0);
	check(rsink_write(&rs, "hi", 2) == 0);
	check(queued_is("*3\r\n$5\r\nRPUSH\r\n$1\r\nq\r\n$2\r\nhi\r\n"));
	cfg.maxlen = 100;
	check(rsink_init(&rs, &cfg, bl, sizeof bl) == 0);
	check(rsink_write(&rs, "hi", 2) == 0);
	check(queued_is("*3\r\n$5\r\nRPUSH\r\n$1\r\nq\r\n$2\r\nhi\r\n"
	    "*4\r\n$5\r\nLTRIM\r\n$1\r\nq\r\n$4\r\n-100\r\n$2\r\n-1\r\n"));
	cfg.mode = RSINK_XADD;
	check(rsink_init(&rs, &cfg, bl, sizeof bl) == 0);
	check(rsink_write(&rs, "hi", 2) == 0);
	check(queued_is("*8\r\n$4\r\nXADD\r\n$1\r\nq\r\n$6\r\nMAXLEN\r\n"
	    "$1\r\n~\r\n$3\r\n100\r\n$1\r\n*\r\n$1\r\nm\r\n$2\r\nhi\r\n"));
	cfg.maxlen = 0;
	cfg.mode = RSINK_PUBLISH;
	cfg.counter_key = "n";
	check(rsink_init(&rs, &cfg, bl, sizeof bl) == 0);
	check(rsink_write(&rs, "hi", 2) == 0);
	check(queued_is("*1\r\n$5\r\nMULTI\r\n"
	    "*3\r\n$7\r\nPUBLISH\r\n$1\r\nq\r\n$2\r\nhi\r\n"
	    "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*1\r\n$4\r\nEXEC\r\n"));
	check(rs.kper == 4);
	return 0;
}

static int
full_policies(void)
{
	struct rsink_cfg cfg = { 0 };
	char msg[1000];
	unsigned i, ok = 0;
	int rc;

	memset(msg, 'x', sizeof msg);
	cfg.url = "redis://h";
	cfg.key = "q";
	/* BLOCK: room goes false below a quarter free; a message that does
	 * not fit is refused and nothing changes. */
	check(rsink_init(&rs, &cfg, bl, sizeof bl) == 0);
	check(rsink_room(&rs));
	for (i = 0; i < 10; i++) {
		size_t before = rsink_pending(&rs);

		rc = rsink_write(&rs, msg, sizeof msg);
		if (rc == 0) {
			ok++;
			continue;
		}
		check(rc == RSINK_FULL);
		check(rsink_pending(&rs) == before);
	}
	check(ok == 3);			/* 3 x 1031 bytes of commands */
	check(!rsink_room(&rs));
	check(!rsink_fits(&rs, sizeof msg));
	check(rsink_fits(&rs, 10));
	check(rsink_dropped(&rs) == 0);
	check(rsink_write(&rs, msg, 5000) == RSINK_E_TOOBIG);
	check(rsink_error(&rs) == 0);	/* not sticky */
	/* DROP: always room; what does not fit is counted. */
	cfg.on_full = RSINK_DROP;
	check(rsink_init(&rs, &cfg, bl, sizeof bl) == 0);
	for (i = 0; i < 10; i++)
		check(rsink_write(&rs, msg, sizeof msg) ==
		    (i < 3 ? 0 : RSINK_DROPPED));
	check(rsink_room(&rs));
	check(rsink_dropped(&rs) == 7);
	return 0;
}

int
main(void)
{
	t_init("test_sinkredis");
	t_run("url_parsing", url_parsing);
	t_run("commands", commands);
	t_run("full_policies", full_policies);
	return t_done();
}
