/*
 * Unit tests for libproc/signame: names and numbers as supervisor 4.2.5's
 * datatypes.signal_number reads them and options.signame prints them.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "libproc/signame.h"

Suite	*signame_suite(void);

static const struct {
	const char	*in;
	int		 want;
} num_rows[] = {
	{ "TERM", SIGTERM },
	{ "SIGTERM", SIGTERM },
	{ "term", SIGTERM },
	{ "Sigterm", SIGTERM },
	{ "sigkill", SIGKILL },
	{ "KILL", SIGKILL },
	{ "HUP", SIGHUP },
	{ "INT", SIGINT },
	{ "QUIT", SIGQUIT },
	{ "USR1", SIGUSR1 },
	{ "SIGUSR2", SIGUSR2 },
	{ "STKFLT", SIGSTKFLT },
	{ "PWR", SIGPWR },
	{ "SYS", SIGSYS },
	{ "WINCH", SIGWINCH },
	{ "IOT", SIGABRT },		/* Python's aliases */
	{ "CLD", SIGCHLD },
	{ "IO", SIGIO },
	{ "POLL", SIGIO },
	{ "RTMIN", 34 },		/* glibc's SIGRTMIN, as Python's */
	{ "SIGRTMAX", 64 },
	{ " term ", SIGTERM },		/* Python's strip() */
	{ "\tKILL\n", SIGKILL },
	{ "15", 15 },
	{ "9", 9 },
	{ "+15", 15 },			/* Python's int() */
	{ " 15 ", 15 },
	{ "015", 15 },
	{ "1", 1 },
	{ "31", 31 },
	{ "34", 34 },
	{ "64", 64 },
	{ "NOPE", -1 },
	{ "", -1 },
	{ "   ", -1 },
	{ "SIG", -1 },
	{ "SIGSIGTERM", -1 },
	{ "TERM1", -1 },
	{ "TER", -1 },
	{ "RTMIN+1", -1 },		/* supervisor refuses it too */
	{ "15.0", -1 },
	{ "0x0f", -1 },
	{ "1 5", -1 },
	{ "+", -1 },
	{ "-15", -1 },
	{ "-1", -1 },
	/* supervisor takes 0 by accident (SIG_BLOCK): it signals nothing. */
	{ "0", -1 },
	{ "SIG_DFL", -1 },
	{ "32", -1 },			/* glibc's reserved realtime signals */
	{ "33", -1 },
	{ "35", -1 },			/* unnamed: supervisor refuses */
	{ "65", -1 },
	{ "999", -1 },
	{ "99999999999999999999", -1 },
};

START_TEST(test_sig_num_parses_names_and_numbers)
{
	int	got;

	got = proc_sig_num(num_rows[_i].in);
	ck_assert_msg(got == num_rows[_i].want,
	    "proc_sig_num(\"%s\") = %d, want %d", num_rows[_i].in, got,
	    num_rows[_i].want);
}
END_TEST

START_TEST(test_sig_num_rejects_null)
{
	ck_assert_int_eq(proc_sig_num(NULL), -1);
}
END_TEST

static const struct {
	int		 sig;
	const char	*want;
} name_rows[] = {
	{ SIGHUP, "HUP" },
	{ SIGINT, "INT" },
	{ SIGKILL, "KILL" },
	{ SIGTERM, "TERM" },
	{ SIGSEGV, "SEGV" },
	{ SIGSTOP, "STOP" },
	/* Where names share a number, supervisor's choice. */
	{ 6, "ABRT" },
	{ 17, "CHLD" },
	{ 29, "POLL" },
	{ 31, "SYS" },
	{ 34, "RTMIN" },
	{ 64, "RTMAX" },
	{ 0, NULL },
	{ -1, NULL },
	{ 32, NULL },
	{ 35, NULL },
	{ 63, NULL },
	{ 65, NULL },
	{ 1000, NULL },
};

START_TEST(test_sig_name_names_signals)
{
	const char	*got;

	got = proc_sig_name(name_rows[_i].sig);
	if (name_rows[_i].want == NULL)
		ck_assert_msg(got == NULL,
		    "proc_sig_name(%d) = \"%s\", want NULL",
		    name_rows[_i].sig, got);
	else
		ck_assert_pstr_eq(got, name_rows[_i].want);
}
END_TEST

START_TEST(test_sig_name_and_num_round_trip)
{
	const char	*name;
	char		 buf[32];
	int		 sig, n = 0;

	for (sig = 1; sig < NSIG; sig++) {
		if ((name = proc_sig_name(sig)) == NULL)
			continue;
		n++;
		ck_assert_int_eq(proc_sig_num(name), sig);
		snprintf(buf, sizeof(buf), "SIG%s", name);
		ck_assert_int_eq(proc_sig_num(buf), sig);
		snprintf(buf, sizeof(buf), "%d", sig);
		ck_assert_int_eq(proc_sig_num(buf), sig);
	}
	/* 1-31 and the two realtime ends, as Python's signal module. */
	ck_assert_int_eq(n, 33);
}
END_TEST

Suite *
signame_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("signame");
	tc = tcase_create("signame");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_sig_num_parses_names_and_numbers, 0,
	    (int)(sizeof(num_rows) / sizeof(num_rows[0])));
	tcase_add_test(tc, test_sig_num_rejects_null);
	tcase_add_loop_test(tc, test_sig_name_names_signals, 0,
	    (int)(sizeof(name_rows) / sizeof(name_rows[0])));
	tcase_add_test(tc, test_sig_name_and_num_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
