/*
 * supervisorctl: the client of supervisord's control socket.  It finds
 * the socket as supervisorctl 4.2.5 finds its server (-s, or serverurl=
 * of [supervisorctl] in the configuration of -c or of the default search;
 * here also [unix_http_server] file= when serverurl= is absent), sends
 * one request line made of its arguments, prints what the daemon answers
 * and exits with the status the daemon gives: the daemon words every
 * answer as supervisorctl would (see supervisorctl(1), PROTOCOL).
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/config.h"

struct opts {
	char	*configfile;
	char	*serverurl;		/* -s */
	char	*username;		/* -u */
	char	*password;		/* -p */
	char	*ctl_url, *ctl_user, *ctl_pass;		/* [supervisorctl] */
	char	*unix_file, *unix_user, *unix_pass;	/* [unix_http_server] */
};

static struct opts opt;

static void
opts_free(void)
{
	free(opt.configfile);
	free(opt.serverurl);
	free(opt.username);
	free(opt.password);
	free(opt.ctl_url);
	free(opt.ctl_user);
	free(opt.ctl_pass);
	free(opt.unix_file);
	free(opt.unix_user);
	free(opt.unix_pass);
}

static const char usage_text[] =
"supervisorctl -- control applications run by supervisord from the cmd line.\n"
"\n"
"Usage: %s [options] [action [arguments]]\n"
"\n"
"Options:\n"
"-c/--configuration FILENAME -- configuration file path (searches if not given)\n"
"-h/--help -- print usage message and exit\n"
"-i/--interactive -- start an interactive shell after executing commands\n"
"-s/--serverurl URL -- URL on which supervisord server is listening\n"
"     (default \"http://localhost:9001\").\n"
"-u/--username USERNAME -- username to use for authentication with server\n"
"-p/--password PASSWORD -- password to use for authentication with server\n"
"-r/--history-file -- keep a readline history (if readline is available)\n"
"\n"
"action [arguments] -- see below\n"
"\n"
"Actions are commands like \"tail\" or \"stop\".  If -i is specified or no action is\n"
"specified on the command line, a \"shell\" interpreting actions typed\n"
"interactively is started.  Use the action \"help\" to find out about available\n"
"actions.\n";

static const char help_text[] =
"\n"
"default commands (type help <topic>):\n"
"=====================================\n"
"add    clear  maintail  quit    reread   signal  status  update \n"
"avail  exit   pid       reload  restart  start   stop    version\n"
"remove shutdown  tail\n"
"\n";

static void __attribute__((noreturn))
usage_error(const char *msg)
{
	fprintf(stderr, "Error: %s\nFor help, use %s -h\n", msg,
	    "supervisorctl");
	exit(2);
}

static char *
xstrdup(const char *s)
{
	char	*r;

	if ((r = strdup(s)) == NULL) {
		perror("supervisorctl");
		exit(1);
	}
	return r;
}

/*
 * The client's sections of the configuration, read as the daemon reads
 * the file (cfg_ctl_load): a program section the daemon would refuse
 * does not keep the client from reaching a running daemon.
 */
static void
read_config(struct opts *o)
{
	char		 path[PATH_MAX * 8];
	struct cfg_msgs	 errs = { NULL, 0 };
	struct cfg_ctl	*cc;
	size_t		 i;

	if (o->configfile == NULL) {
		if (cfg_find_default(path, sizeof(path)) == -1) {
			if (o->serverurl != NULL)
				return;
			fprintf(stderr, "Error: No config file found at "
			    "default paths (%s); use the -c option to specify "
			    "a config file at a different path\n", path);
			exit(2);
		}
		o->configfile = xstrdup(path);
	}
	if ((cc = cfg_ctl_load(o->configfile, &errs)) == NULL) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "Error: %s\n", errs.v[i]);
		if (errs.n == 0)
			fprintf(stderr, "Error: could not read config file "
			    "%s: out of memory\n", o->configfile);
		cfg_msgs_free(&errs);
		exit(2);
	}
	o->ctl_url = cc->serverurl;
	o->ctl_user = cc->username;
	o->ctl_pass = cc->password;
	o->unix_file = cc->unix_file;
	o->unix_user = cc->unix_username;
	o->unix_pass = cc->unix_password;
	/* Moved: the options own the strings now. */
	memset(cc, 0, sizeof(*cc));
	cfg_ctl_free(cc);
}

/* "unix:///tmp/supervisor.sock" -> the path; NULL for anything else. */
static const char *
url_path(const char *url)
{
	if (strncmp(url, "unix://", 7) == 0)
		return url + 7;
	return NULL;
}

/* %XX-encode what would break the auth line's words. */
static void
put_word(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (isalnum((unsigned char)*s) || strchr("-._~@+", *s))
			fputc(*s, fp);
		else
			fprintf(fp, "%%%02X", (unsigned char)*s);
	}
}

static void
on_sigint(int sig)
{
	(void)sig;
	/* tail -f ends with Ctrl-C, as supervisorctl's: a newline, 0. */
	if (write(STDOUT_FILENO, "\n", 1) == -1) {
		/* exiting anyway */
	}
	_exit(0);
}

/* Read the answer: print it, return the status it ends with. */
static int
read_answer(FILE *in, const char *url)
{
	char	*line = NULL, buf[65536];
	size_t	 cap = 0, want, n;
	ssize_t	 len;
	int	 status = -1;

	while ((len = getline(&line, &cap, in)) != -1) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len >= 2 && line[0] == 'o' && line[1] == ' ') {
			printf("%s\n", line + 2);
		} else if (len >= 2 && line[0] == 'd' && line[1] == ' ') {
			want = strtoul(line + 2, NULL, 10);
			while (want > 0) {
				n = fread(buf, 1, want < sizeof(buf) ? want :
				    sizeof(buf), in);
				if (n == 0)
					break;
				fwrite(buf, 1, n, stdout);
				want -= n;
			}
			fflush(stdout);
		} else if (len >= 2 && line[0] == '.' && line[1] == ' ') {
			status = atoi(line + 2);
			break;
		}
		if (line[0] == 'o' || line[0] == 'd')
			fflush(stdout);
	}
	free(line);
	if (status == -1) {
		printf("ERROR: %s closed the connection before the answer "
		    "ended\n", url);
		status = 1;
	}
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "configuration",	required_argument,	NULL, 'c' },
		{ "help",		no_argument,		NULL, 'h' },
		{ "interactive",	no_argument,		NULL, 'i' },
		{ "serverurl",		required_argument,	NULL, 's' },
		{ "username",		required_argument,	NULL, 'u' },
		{ "password",		required_argument,	NULL, 'p' },
		{ "history-file",	required_argument,	NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct sockaddr_un sun;
	const char	*url, *path, *user, *pass, *cmd;
	char		 msg[512];
	FILE		*fp, *in;
	int		 c, fd, i, err;
	bool		 is_status, is_shutdown;

	atexit(opts_free);
	opterr = 0;
	/* "+": the action's own options (tail -f) are not ours. */
	while ((c = getopt_long(argc, argv, "+c:his:u:p:r:", long_opts,
	    NULL)) != -1) {
		switch (c) {
		case 'c':
			opt.configfile = xstrdup(optarg);
			break;
		case 'h':
			printf(usage_text, "supervisorctl");
			return 0;
		case 'i':
		case 'r':
			break;
		case 's':
			opt.serverurl = xstrdup(optarg);
			break;
		case 'u':
			opt.username = xstrdup(optarg);
			break;
		case 'p':
			opt.password = xstrdup(optarg);
			break;
		default:
			snprintf(msg, sizeof(msg), "option %s not recognized",
			    argv[optind - 1]);
			usage_error(msg);
		}
	}
	cmd = optind < argc ? argv[optind] : "status";
	if (strcmp(cmd, "help") == 0) {
		fputs(help_text, stdout);
		return 0;
	}
	if (strcmp(cmd, "quit") == 0 || strcmp(cmd, "exit") == 0)
		return 0;
	is_status = strcmp(cmd, "status") == 0;
	is_shutdown = strcmp(cmd, "shutdown") == 0;
	read_config(&opt);

	url = opt.serverurl != NULL ? opt.serverurl : opt.ctl_url;
	if (url == NULL && opt.unix_file != NULL) {
		snprintf(msg, sizeof(msg), "unix://%s", opt.unix_file);
		url = opt.ctl_url = xstrdup(msg);
	}
	if (url == NULL)
		url = "http://localhost:9001";
	user = opt.username != NULL ? opt.username :
	    opt.ctl_user != NULL ? opt.ctl_user : opt.unix_user;
	pass = opt.password != NULL ? opt.password :
	    opt.ctl_pass != NULL ? opt.ctl_pass : opt.unix_pass;
	if ((path = url_path(url)) == NULL) {
		printf("ERROR: %s: this supervisord serves only a unix socket "
		    "(unix:///path, [unix_http_server] file=), not TCP or "
		    "XML-RPC\n", url);
		return is_status ? 4 : 1;
	}

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		printf("ERROR: %s: socket path too long\n", url);
		return is_status ? 4 : 1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		err = errno;
		if (is_shutdown && (err == ENOENT || err == ECONNREFUSED)) {
			printf("ERROR: %s %s (already shut down?)\n", url,
			    err == ENOENT ? "no such file" :
			    "refused connection");
			return 1;
		}
		if (err == ENOENT) {
			printf("%s no such file\n", url);
			return is_status ? 4 : 7;
		}
		if (err == ECONNREFUSED) {
			printf("%s refused connection\n", url);
			return 4;
		}
		printf("%s: %s\n", url, strerror(err));
		return 4;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_sigint);
	if ((fp = fdopen(fd, "w")) == NULL) {
		perror("supervisorctl");
		return 1;
	}
	if (user != NULL) {
		fputs("auth ", fp);
		put_word(fp, user);
		fputc(' ', fp);
		put_word(fp, pass != NULL ? pass : "");
		fputc('\n', fp);
	}
	/* supervisorctl runs " ".join(args) as one command line. */
	if (optind >= argc)
		fputs("status", fp);
	for (i = optind; i < argc; i++) {
		if (strpbrk(argv[i], "\r\n") != NULL) {
			printf("ERROR: an argument holds a newline\n");
			return 1;
		}
		fprintf(fp, "%s%s", i > optind ? " " : "", argv[i]);
	}
	fputc('\n', fp);
	if (fflush(fp) == EOF) {
		printf("ERROR: %s: %s\n", url, strerror(errno));
		return 1;
	}
	/* No half-close: the daemon takes EOF for a client gone away. */
	if ((fd = dup(fd)) == -1 || (in = fdopen(fd, "r")) == NULL) {
		perror("supervisorctl");
		return 1;
	}
	return read_answer(in, url);
}
