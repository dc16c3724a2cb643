/* Tests for sock.c against real loopback sockets: refused (message names
 * the address), connect deadline, happy-eyeballs fallback, EINTR, EAGAIN,
 * EOF, SIGPIPE, IPv6, HTTP CONNECT proxy (an in-process fake proxy). */
#define _DEFAULT_SOURCE	/* glibc: usleep */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "t.h"
#include "sock.h"

static struct sock s;

/* A listening socket on loopback (family AF_INET or AF_INET6); *port set.
 * Returns the fd or -1. */
static int
listen_on(int family, unsigned *port, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(family, SOCK_STREAM, 0), on = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	memset(&ss, 0, sizeof ss);
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof *in;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
		len = sizeof *in6;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    listen(fd, backlog) < 0) {
		close(fd);
		return -1;
	}
	len = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port = family == AF_INET ?
	    ntohs(((struct sockaddr_in *)&ss)->sin_port) :
	    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* A port on 127.0.0.1 with nothing listening. */
static unsigned
closed_port(int family)
{
	unsigned port = 0;
	int fd = listen_on(family, &port, 1);

	if (fd >= 0)
		close(fd);
	return port;
}

static void
portstr(char *buf, size_t n, unsigned port)
{
	snprintf(buf, n, "%u", port);
}

static int
refused_names_address(void)
{
	char port[8], want[64];
	unsigned p = closed_port(AF_INET);
	int rc;

	portstr(port, sizeof port, p);
	sock_init(&s);
	rc = sock_connect(&s, "127.0.0.1", port, 2000);
	check(rc == SOCK_E_REFUSED);
	check(sock_error(&s) == SOCK_E_REFUSED);
	check(s.fd == -1);
	snprintf(want, sizeof want, "connect to 127.0.0.1:%u: "
	    "connection refused", p);
	check(strcmp(sock_msg(&s), want) == 0);
	/* sticky until sock_init */
	check(sock_connect(&s, "127.0.0.1", port, 100) == SOCK_E_REFUSED);
	return 0;
}

static int
ipv6_refused_and_connect(void)
{
	char port[8], want[64];
	unsigned p;
	int lfd, rc;

	lfd = listen_on(AF_INET6, &p, 4);
	if (lfd < 0) {
		printf("SKIP test_sock:ipv6: no ::1\n");
		return 0;
	}
	portstr(port, sizeof port, p);
	sock_init(&s);
	check(sock_connect(&s, "::1", port, 2000) == SOCK_CONNECTED);
	check(s.fd >= 0);
	sock_close(&s);
	close(lfd);
	sock_init(&s);
	rc = sock_connect(&s, "::1", port, 2000);
	check(rc == SOCK_E_REFUSED);
	snprintf(want, sizeof want, "connect to [::1]:%u: connection refused",
	    p);
	check(strcmp(sock_msg(&s), want) == 0);
	return 0;
}

/* A connect that never completes: a listener with a full accept queue
 * drops further SYNs (Linux; elsewhere the connect may succeed and the
 * test says SKIP).  The deadline must be honoured within a margin. */
static int fill_fds[8];
static int nfill;

static int
hanging_listener(unsigned *port)
{
	int lfd = listen_on(AF_INET, port, 0), i;
	struct sockaddr_in in;

	if (lfd < 0)
		return -1;
	memset(&in, 0, sizeof in);
	in.sin_family = AF_INET;
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in.sin_port = htons((unsigned short)*port);
	nfill = 0;
	for (i = 0; i < 4; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		fcntl(fd, F_SETFL, O_NONBLOCK);
		connect(fd, (struct sockaddr *)&in, sizeof in);
		fill_fds[nfill++] = fd;
	}
	usleep(50000);
	return lfd;
}

static void
close_fill(void)
{
	while (nfill > 0)
		close(fill_fds[--nfill]);
}

static volatile sig_atomic_t alarms;

static void
on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void
interval_alarm(long usec)
{
	struct itimerval it;
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;	/* no SA_RESTART: EINTR everywhere */
	sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof it);
	it.it_value.tv_usec = usec;
	it.it_interval.tv_usec = usec;
	setitimer(ITIMER_REAL, &it, NULL);
}

static int
connect_deadline_with_eintr(void)
{
	char port[8];
	unsigned p;
	int lfd = hanging_listener(&p), rc;
	int64_t t0, dt;

	check(lfd >= 0);
	portstr(port, sizeof port, p);
	alarms = 0;
	interval_alarm(50000);	/* poll() interrupted every 50 ms */
	sock_init(&s);
	t0 = sock_now_ms();
	rc = sock_connect(&s, "127.0.0.1", port, 400);
	dt = sock_now_ms() - t0;
	interval_alarm(0);
	close_fill();
	close(lfd);
	if (rc == SOCK_CONNECTED) {
		printf("SKIP test_sock:connect_deadline: SYN not dropped\n");
		sock_close(&s);
		return 0;
	}
	check(rc == SOCK_E_TIMEOUT);
	check(alarms >= 3);		/* EINTR happened, deadline held */
	check(dt >= 400 && dt < 1400);
	check(strstr(sock_msg(&s), "127.0.0.1:") != NULL);
	check(strstr(sock_msg(&s), "timed out") != NULL);
	return 0;
}

/* Two addresses: the first hangs, the per-attempt deadline moves on to
 * the second, which accepts (happy eyeballs lite), non-blocking API. */
static int
next_address_after_attempt_timeout(void)
{
	unsigned hp, gp;
	int hl = hanging_listener(&hp), gl = listen_on(AF_INET, &gp, 4), rc;
	struct sockaddr_in *in;
	int64_t t0, dt;

	check(hl >= 0 && gl >= 0);
	sock_init(&s);
	check(sock_resolve(&s, "127.0.0.1", "1") == 0);
	/* forge a two-address list: hanging first, good second */
	s.addr[1] = s.addr[0];
	in = (struct sockaddr_in *)&s.addr[0].sa;
	in->sin_port = htons((unsigned short)hp);
	in = (struct sockaddr_in *)&s.addr[1].sa;
	in->sin_port = htons((unsigned short)gp);
	s.naddr = 2;
	t0 = sock_now_ms();
	rc = sock_connect_start(&s, 200, 3000);
	while (rc == 0) {
		struct pollfd pfd = { s.fd, sock_events(&s), 0 };
		int n = poll(&pfd, 1, sock_timeout_ms(&s));

		rc = sock_connect_step(&s, n > 0 ? pfd.revents : 0);
	}
	dt = sock_now_ms() - t0;
	close_fill();
	close(hl);
	close(gl);
	if (s.cur == 0 && rc == SOCK_CONNECTED) {
		printf("SKIP test_sock:next_address: SYN not dropped\n");
		sock_close(&s);
		return 0;
	}
	check(rc == SOCK_CONNECTED);
	check(s.cur == 1);
	check(dt >= 200 && dt < 1500);
	sock_close(&s);
	return 0;
}

/* Connects to a fresh listener and accepts; returns the server side. */
static int
pair(int *lfd_out)
{
	char port[8];
	unsigned p;
	int lfd = listen_on(AF_INET, &p, 4), cfd;

	if (lfd < 0)
		return -1;
	portstr(port, sizeof port, p);
	sock_init(&s);
	if (sock_connect(&s, "127.0.0.1", port, 2000) != SOCK_CONNECTED)
		return -1;
	cfd = accept(lfd, NULL, NULL);
	*lfd_out = lfd;
	return cfd;
}

static int
read_again_then_data_then_eof(void)
{
	unsigned char buf[64];
	size_t got;
	int lfd, cfd = pair(&lfd);

	check(cfd >= 0);
	/* a server that accepts and says nothing: EAGAIN, not an error */
	check(sock_read(&s, buf, sizeof buf, &got) == SOCK_AGAIN);
	check(got == 0);
	check(write(cfd, "abc", 3) == 3);
	usleep(20000);
	check(sock_read(&s, buf, sizeof buf, &got) == 0);
	check(got == 3 && memcmp(buf, "abc", 3) == 0);
	close(cfd);
	usleep(20000);
	check(sock_read(&s, buf, sizeof buf, &got) == SOCK_EOF);
	check(sock_error(&s) == 0);
	sock_close(&s);
	close(lfd);
	return 0;
}

/* A blocking read interrupted by signals keeps waiting (EINTR retried)
 * and returns the data that comes later. */
static int
read_retries_eintr(void)
{
	unsigned char buf[8];
	size_t got;
	int lfd, cfd = pair(&lfd), rc;
	pid_t pid;

	check(cfd >= 0);
	fcntl(s.fd, F_SETFL, fcntl(s.fd, F_GETFL) & ~O_NONBLOCK);
	pid = fork();
	if (pid == 0) {
		usleep(300000);
		if (write(cfd, "late", 4) != 4)
			_exit(1);
		_exit(0);
	}
	alarms = 0;
	interval_alarm(50000);
	rc = sock_read(&s, buf, sizeof buf, &got);
	interval_alarm(0);
	waitpid(pid, NULL, 0);
	check(rc == 0);
	check(got == 4 && memcmp(buf, "late", 4) == 0);
	check(alarms >= 2);
	sock_close(&s);
	close(cfd);
	close(lfd);
	return 0;
}

static int
write_again_when_full(void)
{
	static unsigned char blob[65536];
	size_t put, total = 0;
	int lfd, cfd = pair(&lfd), rc, i;

	check(cfd >= 0);
	for (i = 0; i < 10000; i++) {
		rc = sock_write(&s, blob, sizeof blob, &put);
		if (rc == SOCK_AGAIN)
			break;
		check(rc == 0 && put > 0);
		total += put;
	}
	check(rc == SOCK_AGAIN);
	check(put == 0);
	check(total > 0);
	check(sock_error(&s) == 0);
	sock_close(&s);
	close(cfd);
	close(lfd);
	return 0;
}

/* Writing to a connection the peer has reset: an error, never a SIGPIPE
 * death (SIGPIPE left at its default action here on purpose). */
static int
write_after_peer_close_no_sigpipe(void)
{
	static unsigned char blob[4096];
	struct linger lg = { 1, 0 };
	size_t put;
	int lfd, cfd = pair(&lfd), rc = 0, i;

	check(cfd >= 0);
	signal(SIGPIPE, SIG_DFL);
	setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(cfd);		/* RST */
	usleep(20000);
	for (i = 0; i < 100 && rc >= 0; i++) {
		rc = sock_write(&s, blob, sizeof blob, &put);
		usleep(1000);
	}
	check(rc == SOCK_E_RESET || rc == SOCK_E_IO);
	check(strstr(sock_msg(&s), "write to 127.0.0.1:") != NULL);
	sock_close(&s);
	close(lfd);
	return 0;
}

/* A fake HTTP proxy in a child: accepts once, reads the request head,
 * checks it, replies with reply, then echoes one line. */
static pid_t
fake_proxy(int lfd, const char *expect, const char *reply)
{
	pid_t pid = fork();

	if (pid == 0) {
		char buf[1024];
		size_t n = 0;
		ssize_t r;
		int c = accept(lfd, NULL, NULL);

		while (n < sizeof buf - 1 && (r = read(c, buf + n, 1)) == 1) {
			n++;
			buf[n] = '\0';
			if (strstr(buf, "\r\n\r\n"))
				break;
		}
		buf[n] = '\0';
		if (strcmp(buf, expect) != 0)
			_exit(3);
		if (write(c, reply, strlen(reply)) < 0)
			_exit(4);
		r = read(c, buf, sizeof buf);
		if (r > 0 && write(c, buf, (size_t)r) < 0)
			_exit(5);
		_exit(0);
	}
	return pid;
}

static int
proxy_connect(void)
{
	char url[64];
	unsigned p;
	int lfd = listen_on(AF_INET, &p, 4), st, rc;
	unsigned char buf[16];
	size_t n;
	pid_t pid;

	check(lfd >= 0);
	/* The reply is followed by tunnelled bytes ("early") that the
	 * connect must not swallow. */
	pid = fake_proxy(lfd, "CONNECT stream.example:443 HTTP/1.1\r\n"
	    "Host: stream.example:443\r\n\r\n",
	    "HTTP/1.1 200 Connection established\r\nVia: x\r\n\r\nearly");
	snprintf(url, sizeof url, "http://127.0.0.1:%u/", p);
	sock_init(&s);
	check(sock_set_proxy(&s, url) == 0);
	rc = sock_connect(&s, "stream.example", "443", 2000);
	check(rc == SOCK_CONNECTED);
	usleep(20000);
	check(sock_read(&s, buf, sizeof buf, &n) == 0);
	check(n == 5 && memcmp(buf, "early", 5) == 0);
	check(sock_write(&s, "ping", 4, &n) == 0 && n == 4);
	waitpid(pid, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	sock_close(&s);

	pid = fake_proxy(lfd, "CONNECT [::1]:8443 HTTP/1.1\r\n"
	    "Host: [::1]:8443\r\n\r\n", "HTTP/1.0 403 Forbidden\r\n\r\n");
	sock_init(&s);
	check(sock_set_proxy(&s, url) == 0);
	rc = sock_connect(&s, "::1", "8443", 2000);
	check(rc == SOCK_E_PROXY);
	check(strstr(sock_msg(&s), "status 403") != NULL);
	check(strstr(sock_msg(&s), "CONNECT [::1]:8443") != NULL);
	waitpid(pid, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	pid = fake_proxy(lfd, "CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\n",
	    "SSH-2.0-OpenSSH\r\n\r\n");
	sock_init(&s);
	check(sock_set_proxy(&s, url) == 0);
	check(sock_connect(&s, "a", "1", 2000) == SOCK_E_PROXY_HEAD);
	waitpid(pid, &st, 0);
	close(lfd);
	return 0;
}

static int
bad_arguments(void)
{
	static const char *const bad_proxy[] = {
		"127.0.0.1:3128", "https://p:1", "http://", "http://p:",
		"http://p:0", "http://p:99999", "http://p:12x", "http://p/x",
		"http://[::1", "http://[::1]x"
	};
	size_t i;

	for (i = 0; i < sizeof bad_proxy / sizeof bad_proxy[0]; i++) {
		sock_init(&s);
		check(sock_set_proxy(&s, bad_proxy[i]) == SOCK_E_ARG);
		check(strstr(sock_msg(&s), bad_proxy[i]) != NULL);
	}
	sock_init(&s);
	check(sock_set_proxy(&s, "http://[::1]:8080") == 0);
	check(strcmp(s.proxy_host, "::1") == 0);
	check(strcmp(s.proxy_port, "8080") == 0);
	sock_init(&s);
	check(sock_set_proxy(&s, "http://proxy") == 0);
	check(strcmp(s.proxy_port, "3128") == 0);
	sock_init(&s);
	check(sock_resolve(&s, "127.0.0.1", "0") == SOCK_E_ARG);
	sock_init(&s);
	check(sock_resolve(&s, "127.0.0.1", "65536") == SOCK_E_ARG);
	sock_init(&s);
	check(sock_resolve(&s, "", "80") == SOCK_E_ARG);
	sock_init(&s);
	check(sock_connect_start(&s, 100, 100) == SOCK_E_STATE);
	sock_init(&s);
	check(sock_resolve(&s, "127.0.0.1", "80") == 0);
	check(sock_connect_start(&s, 0, 100) == SOCK_E_STATE);
	return 0;
}

int
main(void)
{
	t_init("test_sock");
	printf("# sizeof(struct sock) = %zu\n", sizeof(struct sock));
	t_run("refused_names_address", refused_names_address);
	t_run("ipv6_refused_and_connect", ipv6_refused_and_connect);
	t_run("connect_deadline_with_eintr", connect_deadline_with_eintr);
	t_run("next_address_after_attempt_timeout",
	    next_address_after_attempt_timeout);
	t_run("read_again_then_data_then_eof", read_again_then_data_then_eof);
	t_run("read_retries_eintr", read_retries_eintr);
	t_run("write_again_when_full", write_again_when_full);
	t_run("write_after_peer_close_no_sigpipe",
	    write_after_peer_close_no_sigpipe);
	t_run("proxy_connect", proxy_connect);
	t_run("bad_arguments", bad_arguments);
	return t_done();
}
