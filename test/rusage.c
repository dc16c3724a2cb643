/* sluice -- MIT licensed, see LICENSE.  Bench helper: run a command and
 * print its CPU seconds (user, system), wall seconds and peak RSS (KiB) on
 * stderr as "rusage USER SYS WALL MAXRSS".  Linked statically so that the
 * RSS of this process at fork time (which the kernel keeps in the child's
 * maxrss across exec) stays far below the figures measured. */
#include <sys/resource.h>
#include <sys/wait.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	double t0;
	pid_t pid;
	int st;

	if (argc < 2) {
		fputs("usage: rusage COMMAND [ARG...]\n", stderr);
		return 2;
	}
	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("rusage: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || getrusage(RUSAGE_CHILDREN, &ru) < 0) {
		perror("rusage: wait");
		return 1;
	}
	fprintf(stderr, "rusage %.3f %.3f %.3f %ld\n",
	    ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, now() - t0,
	    ru.ru_maxrss);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
