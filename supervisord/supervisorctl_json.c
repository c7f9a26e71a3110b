/*
 * supervisorctl_json: the answers of status --json and avail --json, as
 * one JSON array (RFC 8259) on stdout.  Decoded XML-RPC values are written
 * as JSON's own types; the strings go through cfg_json_str, the writer of
 * supervisord --dump-config.  The commands choose what to ask and which
 * members to print, in which order: this file only writes.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "supervisord/config.h"
#include "supervisord/supervisorctl.h"

/* The process info members of status --json, in this order. */
const char *const ctl_json_info[] = {
	"name", "group", "description", "start", "stop", "now", "state",
	"statename", "spawnerr", "exitstatus", "logfile", "stdout_logfile",
	"stderr_logfile", "pid", NULL
};

/*
 * The config info members of avail --json: what avail prints first, then
 * the rest of getAllConfigInfo's struct in rpcinterface.py's order.
 */
const char *const ctl_json_config[] = {
	"name", "group", "inuse", "autostart", "process_prio", "group_prio",
	"directory", "uid", "command", "exitcodes", "killasgroup",
	"redirect_stderr", "startretries", "startsecs",
	"stdout_capture_maxbytes", "stdout_events_enabled", "stdout_logfile",
	"stdout_logfile_backups", "stdout_logfile_maxbytes", "stdout_syslog",
	"stopsignal", "stopwaitsecs", "stderr_capture_maxbytes",
	"stderr_events_enabled", "stderr_logfile", "stderr_logfile_backups",
	"stderr_logfile_maxbytes", "stderr_syslog", "serverurl", NULL
};

static void
json_val(const struct xr_val *v)
{
	size_t	i;

	if (v == NULL) {
		fputs("null", stdout);
		return;
	}
	switch (v->type) {
	case XR_INT:
		printf("%lld", v->i);
		break;
	case XR_BOOL:
		fputs(v->i ? "true" : "false", stdout);
		break;
	case XR_DOUBLE:
		/* JSON has no NaN nor infinity. */
		if (isfinite(v->d))
			printf("%.17g", v->d);
		else
			fputs("null", stdout);
		break;
	case XR_ARRAY:
		putchar('[');
		for (i = 0; i < v->n; i++) {
			if (i > 0)
				fputs(", ", stdout);
			json_val(v->v[i]);
		}
		putchar(']');
		break;
	case XR_STRUCT:
		putchar('{');
		for (i = 0; i < v->n; i++) {
			if (i > 0)
				fputs(", ", stdout);
			cfg_json_str(stdout, v->keys[i]);
			fputs(": ", stdout);
			json_val(v->v[i]);
		}
		putchar('}');
		break;
	case XR_NIL:
		fputs("null", stdout);
		break;
	default:
		/*
		 * Strings, dates and base64 as text: XML 1.0 holds no NUL,
		 * so a decoded string ends at its first.
		 */
		cfg_json_str(stdout, v->s);
		break;
	}
}

void
ctl_json_list(const struct xr_val *const *items, size_t n,
    const char *const *fields)
{
	size_t	i, k;

	if (n == 0) {
		fputs("[]\n", stdout);
		return;
	}
	fputs("[\n", stdout);
	for (i = 0; i < n; i++) {
		putchar('{');
		for (k = 0; fields[k] != NULL; k++) {
			if (k > 0)
				fputs(", ", stdout);
			cfg_json_str(stdout, fields[k]);
			fputs(": ", stdout);
			json_val(xr_member(items[i], fields[k]));
		}
		fputs(i + 1 < n ? "},\n" : "}\n", stdout);
	}
	fputs("]\n", stdout);
}

bool
ctl_json_flag(char **words, size_t *np)
{
	size_t	i, j;
	bool	found = false;

	for (i = j = 0; i < *np; i++)
		if (strcmp(words[i], "--json") == 0)
			found = true;
		else
			words[j++] = words[i];
	words[j] = NULL;
	*np = j;
	return found;
}
