/*
 * oracle_env: the values oracle.py's ENV_PLACEHOLDERS give the corpus'
 * %(ENV_X)s, as rows of a { name, value } table: what the corpus
 * comparison (unit) and the corpus' listeners (integration) set before
 * they read a file.
 */
#ifndef TESTS_ORACLE_ENV_H
#define TESTS_ORACLE_ENV_H

#define ORACLE_ENV_PLACEHOLDERS \
	{ "CELERY_MAIN_OPTIONS", "--concurrency 2" }, \
	{ "CELERY_BEAT_OPTIONS", "--schedule /tmp/celerybeat-schedule" }, \
	{ "GRANIAN_INTERFACE", "wsgi" }, \
	{ "GRANIAN_MODE_ARGS", "--blocking-threads 1" }, \
	{ "GRANIAN_SOCKET", "/run/granian.sock" }, { "GRANIAN_ARGS", "" }, \
	{ "GRANIAN_APPLICATION", "weblate.wsgi:application" }, \
	{ "WEB_WORKERS", "2" }, { "ENABLE_NGINX", "true" }, \
	{ "ENABLE_WEB", "true" }, { "ENABLE_WEBSOCKET", "false" }, \
	{ "ENABLE_WEBSOCKET_MONOLITHIC", "false" }, \
	{ "ENABLE_WORKER", "true" }, { "FETCHMAIL_POLL", "300" }, \
	{ "SASLAUTHD_MECH_OPTIONS", "imap.example.test" }, \
	{ "POSTGREY_AUTO_WHITELIST_CLIENTS", "5" }, \
	{ "POSTGREY_DELAY", "300" }, { "POSTGREY_MAX_AGE", "35" }, \
	{ "POSTGREY_TEXT", "Delayed by Postgrey" }, \
	{ "NUM_WORKERS_CACHE", "1" }, { "NUM_WORKERS_DEFAULT", "5" }, \
	{ "NUM_WORKERS_EMAIL", "5" }, { "NUM_WORKERS_PRIO", "5" }, \
	{ "NUM_WORKERS_UPDATE", "1" }, \
	{ "SUPERVISOR_USERNAME", "supervisor" }, \
	{ "SUPERVISOR_PASSWORD", "supervisor-password" }, \
	{ "QUEUES", "queries,scheduled_queries" }, { "WORKERS_COUNT", "2" }, \
	{ "SUPERVISOR_PHP_USER", "sail" }, \
	{ "SUPERVISOR_PHP_COMMAND", "/usr/bin/php -d variables_order=EGPCS " \
	    "/var/www/html/artisan serve --host=0.0.0.0 --port=80" },

#endif /* TESTS_ORACLE_ENV_H */
