/*
 * parse: how long cfg_load takes on a large configuration.
 *
 *	parse [-p PROGRAMS] [-f FILES] [-r REPS] DIR
 *
 * Writes into DIR (which must exist) a supervisord.conf whose [include]
 * pulls in FILES files conf.d/NNNN.conf holding PROGRAMS [program:x]
 * stanzas between them (default 10,000 over 1,000), each with the keys a
 * real stanza has; then loads it REPS times (default 5) with cfg_load and
 * prints one line of key=value pairs: the best and median wall-clock
 * time in milliseconds, and the best CPU time (user and system), steadier
 * on a busy machine.  The tree is left for tests/bench/run-parse to time
 * Python supervisor on.  Exit 0 when the measurement was made, else 1.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "supervisord/config.h"

static void
usage(void)
{
	fprintf(stderr, "usage: parse [-p PROGRAMS] [-f FILES] [-r REPS] "
	    "DIR\n");
	exit(1);
}

static int
write_tree(const char *dir, int nprog, int nfiles)
{
	char	 path[4096];
	FILE	*fp;
	int	 f, i, k, per;

	snprintf(path, sizeof(path), "%s/conf.d", dir);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/logs", dir);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/supervisord.conf", dir);
	if ((fp = fopen(path, "we")) == NULL)
		return -1;
	fprintf(fp, "[supervisord]\nlogfile=%%(here)s/logs/supervisord.log\n"
	    "pidfile=%%(here)s/supervisord.pid\nnodaemon=true\n"
	    "environment=APP_ENV=\"bench\"\n\n"
	    "[include]\nfiles = conf.d/*.conf\n");
	if (fclose(fp) == EOF)
		return -1;
	per = (nprog + nfiles - 1) / nfiles;
	for (f = 0, i = 0; f < nfiles; f++) {
		snprintf(path, sizeof(path), "%s/conf.d/%04d.conf", dir, f);
		if ((fp = fopen(path, "we")) == NULL)
			return -1;
		for (k = 0; k < per && i < nprog; k++, i++)
			fprintf(fp, "; worker %d\n"
			    "[program:worker%05d]\n"
			    "command=/usr/bin/python3 -m worker "
			    "--queue=q%d --concurrency 4\n"
			    "directory=%%(here)s\n"
			    "autostart=true\n"
			    "autorestart=unexpected\n"
			    "startsecs=1\n"
			    "startretries=3\n"
			    "stopsignal=TERM\n"
			    "stopwaitsecs=10\n"
			    "priority=%d\n"
			    "stdout_logfile=%%(here)s/../logs/%%(program_name)s"
			    ".log\n"
			    "stdout_logfile_maxbytes=10MB\n"
			    "redirect_stderr=true\n"
			    "environment=QUEUE=\"q%d\",WORKER_ID=\"%d\"\n\n",
			    i, i, i % 50, 100 + i % 900, i % 50, i);
		if (fclose(fp) == EOF)
			return -1;
	}
	return 0;
}

static double
now_ms(clockid_t clk)
{
	struct timespec	ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*c;
	char		 path[4096];
	double		*t, *cpu, t0, c0;
	size_t		 n = 0, i;
	int		 ch, nprog = 10000, nfiles = 1000, reps = 5, r;

	while ((ch = getopt(argc, argv, "p:f:r:")) != -1) {
		switch (ch) {
		case 'p':
			nprog = atoi(optarg);
			break;
		case 'f':
			nfiles = atoi(optarg);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || nprog < 1 || nfiles < 1 || reps < 1)
		usage();
	if (write_tree(argv[optind], nprog, nfiles) == -1) {
		perror(argv[optind]);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/supervisord.conf", argv[optind]);
	t = calloc((size_t)reps, sizeof(*t));
	cpu = calloc((size_t)reps, sizeof(*cpu));
	if (t == NULL || cpu == NULL)
		return 1;
	for (r = 0; r < reps; r++) {
		t0 = now_ms(CLOCK_MONOTONIC);
		c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
		c = cfg_load(path, &errs);
		cpu[r] = now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		t[r] = now_ms(CLOCK_MONOTONIC) - t0;
		if (c == NULL) {
			for (i = 0; i < errs.n; i++)
				fprintf(stderr, "%s\n", errs.v[i]);
			return 1;
		}
		n = c->nprograms;
		cfg_free(c);
	}
	qsort(t, (size_t)reps, sizeof(*t), dbl_cmp);
	qsort(cpu, (size_t)reps, sizeof(*cpu), dbl_cmp);
	printf("programs=%zu files=%d reps=%d best_ms=%.1f median_ms=%.1f "
	    "cpu_best_ms=%.1f\n", n, nfiles, reps, t[0], t[reps / 2], cpu[0]);
	free(t);
	free(cpu);
	return n == (size_t)nprog ? 0 : 1;
}
