/*
 * check_imapdate.c - INTERNALDATE parse/format and APPEND date forms.
 * Expected values come from Python's imaplib/calendar.timegm.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/imapdate.h"

Suite *imapdate_suite(void);

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* True if the named zone is installed; the case is skipped otherwise. */
static int have_zone(const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	return access(path, R_OK) == 0;
}

static void assert_parse(const char *s, long long t, int tzoff)
{
	time_t got = 12345;
	int off = 12345;

	ck_assert_msg(imapdate_parse(s, &got, &off) == 0, "parse failed: %s", s);
	ck_assert_msg((long long)got == t, "%s: t=%lld, want %lld", s, (long long)got, t);
	ck_assert_msg(off == tzoff, "%s: tzoff=%d, want %d", s, off, tzoff);
}

static void assert_bad(const char *s)
{
	time_t t = 777;
	int off = 777;

	ck_assert_msg(imapdate_parse(s, &t, &off) == -1, "accepted: \"%s\"", s);
}

static void assert_format(long long t, int tzoff, const char *want)
{
	struct buf b = BUF_INIT;

	imapdate_format((time_t)t, tzoff, &b);
	ck_assert_str_eq(b.buf, want);
	buf_release(&b);
}

static void assert_user(const char *in, const char *want)
{
	struct buf b = BUF_INIT;
	struct imap_err e = IMAP_ERR_INIT;

	ck_assert_msg(imapdate_from_user(in, &b, &e) == 0, "rejected \"%s\": %s", in, e.msg);
	ck_assert_msg(strcmp(b.buf, want) == 0, "\"%s\" -> \"%s\", want \"%s\"", in, b.buf, want);
	buf_release(&b);
}

static void assert_user_bad(const char *in)
{
	struct buf b = BUF_INIT;
	struct imap_err e = IMAP_ERR_INIT;

	buf_adds(&b, "keep");
	ck_assert_msg(imapdate_from_user(in, &b, &e) == -1, "accepted \"%s\" as %s", in, b.buf);
	ck_assert_int_eq(e.kind, IMAP_ERR_ERROR);
	ck_assert_msg(strncmp(e.msg, "not a date: \"", 13) == 0, "message: %s", e.msg);
	ck_assert_str_eq(b.buf, "keep");
	buf_release(&b);
}

START_TEST(test_parse_imaplib_example)
{
	/* imaplib.Internaldate2tuple gives 1996-07-17 09:44:25 UTC */
	assert_parse("17-Jul-1996 02:44:25 -0700", 837596665, -420);
	assert_parse("\"17-Jul-1996 02:44:25 -0700\"", 837596665, -420);
	assert_parse("17-jul-1996 02:44:25 -0700", 837596665, -420);
	assert_parse("17-JUL-1996 02:44:25 -0700", 837596665, -420);
	assert_parse("17-Jul-1996 09:44:25 +0000", 837596665, 0);
	assert_parse("17-Jul-1996 09:44:25 -0000", 837596665, 0);
	/* output pointers are optional */
	ck_assert_int_eq(imapdate_parse("17-Jul-1996 02:44:25 -0700", NULL, NULL), 0);
}
END_TEST

START_TEST(test_parse_day_forms)
{
	/* 2024-03-07 00:00:00 UTC */
	assert_parse("07-Mar-2024 00:00:00 +0000", 1709769600, 0);
	assert_parse(" 7-Mar-2024 00:00:00 +0000", 1709769600, 0);
	assert_parse("7-Mar-2024 00:00:00 +0000", 1709769600, 0);
	assert_parse("\" 7-Mar-2024 00:00:00 +0000\"", 1709769600, 0);
	assert_bad("  7-Mar-2024 00:00:00 +0000");
	assert_bad("007-Mar-2024 00:00:00 +0000");
	assert_bad("-Mar-2024 00:00:00 +0000");
}
END_TEST

START_TEST(test_parse_every_month)
{
	static const char *const mon[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	static const long long first[12] = {
		1704067200, 1706745600, 1709251200, 1711929600, 1714521600, 1717200000,
		1719792000, 1722470400, 1725148800, 1727740800, 1730419200, 1733011200,
	};
	static const int last[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	for (int m = 0; m < 12; m++) {
		char s[64], lowered[64];
		struct buf b = BUF_INIT;

		snprintf(s, sizeof(s), "01-%s-2024 00:00:00 +0000", mon[m]);
		assert_parse(s, first[m], 0);
		snprintf(lowered, sizeof(lowered), "01-%c%c%c-2024 00:00:00 +0000",
			 mon[m][0] + 32, mon[m][1], mon[m][2]);
		assert_parse(lowered, first[m], 0);
		imapdate_format((time_t)first[m], 0, &b);
		ck_assert_str_eq(b.buf, s);
		buf_release(&b);

		/* the last day of each month is valid, the day after is not */
		snprintf(s, sizeof(s), "%02d-%s-2024 12:00:00 +0000", last[m], mon[m]);
		ck_assert_int_eq(imapdate_parse(s, NULL, NULL), 0);
		snprintf(s, sizeof(s), "%02d-%s-2024 12:00:00 +0000", last[m] + 1, mon[m]);
		assert_bad(s);
	}
}
END_TEST

START_TEST(test_parse_leap_days)
{
	assert_parse("29-Feb-2024 12:00:00 +0000", 1709208000, 0);
	assert_parse("29-Feb-2000 00:00:00 +0000", 951782400, 0);
	assert_bad("29-Feb-2023 00:00:00 +0000");
	assert_bad("29-Feb-1900 00:00:00 +0000");
	assert_bad("29-Feb-2100 00:00:00 +0000");
	assert_bad("30-Feb-2024 00:00:00 +0000");
	ck_assert_int_eq(imapdate_parse("29-Feb-2400 00:00:00 +0000", NULL, NULL), 0);
	ck_assert_int_eq(imapdate_parse("28-Feb-2023 00:00:00 +0000", NULL, NULL), 0);
	assert_format(951782400, 0, "29-Feb-2000 00:00:00 +0000");
	assert_format(951782400 + 86400, 0, "01-Mar-2000 00:00:00 +0000");
	assert_format(1709208000 - 86400, 0, "28-Feb-2024 12:00:00 +0000");
}
END_TEST

START_TEST(test_parse_zones)
{
	/* 2024-03-05 13:07:00 UTC */
	const long long t = 1709644020;

	assert_parse("05-Mar-2024 14:07:00 +0100", t, 60);
	assert_parse("05-Mar-2024 08:07:00 -0500", t, -300);
	assert_parse("05-Mar-2024 18:37:00 +0530", t, 330);
	assert_parse("05-Mar-2024 07:37:00 -0530", t, -330);
	assert_parse("06-Mar-2024 03:07:00 +1400", t, 840);
	assert_parse("05-Mar-2024 01:07:00 -1200", t, -720);
	assert_parse("06-Mar-2024 13:06:00 +2359", t, 1439);
	assert_parse("04-Mar-2024 13:08:00 -2359", t, -1439);
	assert_bad("05-Mar-2024 14:07:00 +0160");
	assert_bad("05-Mar-2024 14:07:00 +2400");
	assert_bad("05-Mar-2024 14:07:00 +01");
	assert_bad("05-Mar-2024 14:07:00 0100");
	assert_bad("05-Mar-2024 14:07:00 +01:00");
	assert_bad("05-Mar-2024 14:07:00 UTC");
	assert_bad("05-Mar-2024 14:07:00 Z");
}
END_TEST

START_TEST(test_parse_ranges)
{
	assert_parse("31-Dec-2024 23:59:59 +0000", 1735689599, 0);
	/* a leap second: :60 is the next minute's :00 */
	assert_parse("31-Dec-2016 23:59:60 +0000", 1483228800, 0);
	assert_parse("01-Jan-0000 00:00:00 +0000", -62167219200LL, 0);
	assert_parse("31-Dec-9999 23:59:59 +0000", 253402300799LL, 0);
	assert_parse("01-Jan-1970 00:00:00 +0000", 0, 0);
	assert_parse("31-Dec-1969 23:59:59 +0000", -1, 0);
	assert_bad("00-Jan-2024 00:00:00 +0000");
	assert_bad("32-Jan-2024 00:00:00 +0000");
	assert_bad("31-Apr-2024 00:00:00 +0000");
	assert_bad("01-Jan-2024 24:00:00 +0000");
	assert_bad("01-Jan-2024 23:60:00 +0000");
	assert_bad("01-Jan-2024 23:59:61 +0000");
}
END_TEST

START_TEST(test_parse_bad_syntax)
{
	static const char *const bad[] = {
		"",
		"\"\"",
		"\"",
		"garbage",
		"17-Jul-1996 02:44:25",
		"17-Jul-1996 02:44:25 -0700 ",
		" 17-Jul-1996 02:44:25 -0700",
		"17-Jul-1996 02:44:25 -0700x",
		"17-Jul-1996 02:44:25 -07000",
		"\"17-Jul-1996 02:44:25 -0700",
		"17-Jul-1996 02:44:25 -0700\"",
		"17-Jul-96 02:44:25 -0700",
		"17-Jul-19960 02:44:25 -0700",
		"17-Jux-1996 02:44:25 -0700",
		"17-July-1996 02:44:25 -0700",
		"17/Jul/1996 02:44:25 -0700",
		"17-Jul-1996  02:44:25 -0700",
		"17-Jul-1996T02:44:25 -0700",
		"17-Jul-1996 2:44:25 -0700",
		"17-Jul-1996 02:44 -0700",
		"17-Jul-1996 02:44:25.5 -0700",
		"17-Jul-1996 02-44-25 -0700",
		"1996-07-17T02:44:25-07:00",
		"17-Jul-1996 02:44:2x -0700",
		"17-Jul-1996 +2:44:25 -0700",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_bad(bad[i]);
}
END_TEST

START_TEST(test_parse_ignores_tz)
{
	/* The process zone must not change what an INTERNALDATE means. */
	set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
	assert_parse("17-Jul-1996 02:44:25 -0700", 837596665, -420);
	set_tz("EST5EDT,M3.2.0,M11.1.0");
	assert_parse("17-Jul-1996 02:44:25 -0700", 837596665, -420);
	set_tz("UTC0");
	assert_parse("17-Jul-1996 02:44:25 -0700", 837596665, -420);
}
END_TEST

START_TEST(test_format)
{
	assert_format(0, 0, "01-Jan-1970 00:00:00 +0000");
	assert_format(0, -300, "31-Dec-1969 19:00:00 -0500");
	assert_format(0, 330, "01-Jan-1970 05:30:00 +0530");
	assert_format(-1, 0, "31-Dec-1969 23:59:59 +0000");
	assert_format(837596665, -420, "17-Jul-1996 02:44:25 -0700");
	assert_format(1700000000, 60, "14-Nov-2023 23:13:20 +0100");
	assert_format(1709644020, -1439, "04-Mar-2024 13:08:00 -2359");
	assert_format(-62167219200LL, 0, "01-Jan-0000 00:00:00 +0000");
	assert_format(253402300799LL, 0, "31-Dec-9999 23:59:59 +0000");
	/* out-of-range offsets are clamped to +-2359 */
	assert_format(0, 100000, "01-Jan-1970 23:59:00 +2359");
	assert_format(0, -100000, "31-Dec-1969 00:01:00 -2359");

	/* format appends */
	{
		struct buf b = BUF_INIT;
		buf_adds(&b, "INTERNALDATE \"");
		imapdate_format(0, 0, &b);
		buf_addch(&b, '"');
		ck_assert_str_eq(b.buf, "INTERNALDATE \"01-Jan-1970 00:00:00 +0000\"");
		buf_release(&b);
	}
}
END_TEST

START_TEST(test_format_extreme_times)
{
	/* No overflow at the ends of time_t; the text is not a valid date. */
	struct buf b = BUF_INIT;
	time_t big = (time_t)(sizeof(time_t) == 8 ? 0x7fffffffffffffffLL : 0x7fffffffL);
	time_t small = (time_t)(sizeof(time_t) == 8 ? (-0x7fffffffffffffffLL - 1) : (-0x7fffffffL - 1));

	imapdate_format(big, 1439, &b);
	ck_assert_uint_gt(b.len, 20);
	buf_reset(&b);
	imapdate_format(small, -1439, &b);
	ck_assert_uint_gt(b.len, 20);
	buf_release(&b);
}
END_TEST

START_TEST(test_round_trip)
{
	static const int zones[] = { 0, 60, -60, 120, -300, 330, -330, 345, 840, -720,
				     1439, -1439, 59, -1 };
	const long long lo = -62167219200LL + 86400; /* 0000-01-02 */
	const long long hi = 253402300799LL - 86400; /* 9999-12-30 */
	const long long step = 99991LL * 3203; /* ~3.7 days, drifts through the clock */
	struct buf b = BUF_INIT;
	int n = 0;

	for (long long t = lo; t <= hi; t += step) {
		for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
			time_t got;
			int off;

			buf_reset(&b);
			imapdate_format((time_t)t, zones[z], &b);
			ck_assert_uint_eq(b.len, 26);
			ck_assert_msg(imapdate_parse(b.buf, &got, &off) == 0, "%s", b.buf);
			ck_assert_msg((long long)got == t && off == zones[z],
				      "%lld %d -> %s -> %lld %d", t, zones[z], b.buf,
				      (long long)got, off);
			n++;
		}
	}
	ck_assert_int_gt(n, 10000);
	buf_release(&b);
}
END_TEST

START_TEST(test_round_trip_every_day)
{
	/* Every day of 1999..2001 and 2099..2101 at 23:59:59 in a zone east. */
	struct buf b = BUF_INIT;
	const long long ranges[2][2] = {
		{ 915148800LL, 1009843200LL },    /* 1999-01-01 .. 2002-01-01 */
		{ 4070908800LL, 4165516800LL },   /* 2099-01-01 .. 2102-01-01 */
	};

	for (int r = 0; r < 2; r++) {
		for (long long t = ranges[r][0] + 86399; t < ranges[r][1]; t += 86400) {
			time_t got;
			int off;
			buf_reset(&b);
			imapdate_format((time_t)t, 90, &b);
			ck_assert_int_eq(imapdate_parse(b.buf, &got, &off), 0);
			ck_assert_int_eq((long long)got, t);
			ck_assert_int_eq(off, 90);
		}
	}
	buf_release(&b);
}
END_TEST

START_TEST(test_local_offset_utc)
{
	set_tz("UTC0");
	ck_assert_int_eq(imapdate_local_offset(0), 0);
	ck_assert_int_eq(imapdate_local_offset(1720000000), 0);
	if (have_zone("UTC")) {
		set_tz("UTC");
		ck_assert_int_eq(imapdate_local_offset(1720000000), 0);
	}
}
END_TEST

START_TEST(test_local_offset_posix_rule)
{
	/* A POSIX TZ rule needs no zoneinfo files. */
	set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
	ck_assert_int_eq(imapdate_local_offset(1705276800), 60);   /* 2024-01-15 */
	ck_assert_int_eq(imapdate_local_offset(1721001600), 120);  /* 2024-07-15 */
	set_tz("EST5EDT,M3.2.0,M11.1.0");
	ck_assert_int_eq(imapdate_local_offset(1705276800), -300);
	ck_assert_int_eq(imapdate_local_offset(1721001600), -240);
	set_tz("IST-5:30");
	ck_assert_int_eq(imapdate_local_offset(1705276800), 330);
}
END_TEST

START_TEST(test_local_offset_berlin)
{
	if (!have_zone("Europe/Berlin"))
		return; /* no zoneinfo on this machine: nothing to check */
	set_tz("Europe/Berlin");
	ck_assert_int_eq(imapdate_local_offset(1705276800), 60);
	ck_assert_int_eq(imapdate_local_offset(1721001600), 120);
	/* 2024-03-31 01:00 UTC is the switch to summer time */
	ck_assert_int_eq(imapdate_local_offset(1711846799), 60);
	ck_assert_int_eq(imapdate_local_offset(1711846800), 120);
}
END_TEST

START_TEST(test_user_internaldate)
{
	set_tz("UTC0");
	assert_user("05-Mar-2024 14:07:00 +0100", "05-Mar-2024 14:07:00 +0100");
	assert_user("\"05-Mar-2024 14:07:00 +0100\"", "05-Mar-2024 14:07:00 +0100");
	assert_user(" 5-mar-2024 14:07:00 -0530", "05-Mar-2024 14:07:00 -0530");
	assert_user("5-MAR-2024 14:07:00 +0000", "05-Mar-2024 14:07:00 +0000");
	assert_user("  \"05-Mar-2024 14:07:00 +0100\"\n", "05-Mar-2024 14:07:00 +0100");
	/* its own zone is kept, whatever the local zone */
	set_tz("EST5EDT,M3.2.0,M11.1.0");
	assert_user("05-Mar-2024 14:07:00 +0100", "05-Mar-2024 14:07:00 +0100");
	assert_user("31-Dec-2016 23:59:60 +0000", "31-Dec-2016 23:59:60 +0000");
}
END_TEST

START_TEST(test_user_iso_zoned)
{
	set_tz("EST5EDT,M3.2.0,M11.1.0");
	assert_user("2024-03-05T14:07:00+01:00", "05-Mar-2024 14:07:00 +0100");
	assert_user("2024-03-05T14:07:00+0100", "05-Mar-2024 14:07:00 +0100");
	assert_user("2024-03-05T14:07:00+01", "05-Mar-2024 14:07:00 +0100");
	assert_user("2024-03-05T14:07:00-05:30", "05-Mar-2024 14:07:00 -0530");
	assert_user("2024-03-05T14:07:00Z", "05-Mar-2024 14:07:00 +0000");
	assert_user("2024-03-05t14:07:00z", "05-Mar-2024 14:07:00 +0000");
	assert_user("2024-03-05 14:07:00Z", "05-Mar-2024 14:07:00 +0000");
	assert_user("2024-03-05T14:07:00.123+01:00", "05-Mar-2024 14:07:00 +0100");
	assert_user("2024-03-05T14:07:00.999999Z", "05-Mar-2024 14:07:00 +0000");
	assert_user("2024-03-05T14:07Z", "05-Mar-2024 14:07:00 +0000");
	assert_user("2024-02-29T00:00:00+14:00", "29-Feb-2024 00:00:00 +1400");
	assert_user(" 2024-03-05T14:07:00+01:00 ", "05-Mar-2024 14:07:00 +0100");
}
END_TEST

START_TEST(test_user_iso_local_posix)
{
	set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
	assert_user("2024-03-05 14:07:00", "05-Mar-2024 14:07:00 +0100");
	assert_user("2024-07-05T14:07:00", "05-Jul-2024 14:07:00 +0200");
	assert_user("2024-07-05T14:07:00.5", "05-Jul-2024 14:07:00 +0200");
	assert_user("2024-03-05", "05-Mar-2024 00:00:00 +0100");
	assert_user("2024-08-01", "01-Aug-2024 00:00:00 +0200");
	set_tz("UTC0");
	assert_user("2024-03-05 14:07:00", "05-Mar-2024 14:07:00 +0000");
	assert_user("2024-03-05", "05-Mar-2024 00:00:00 +0000");
	/* the one second whose time_t is -1 */
	assert_user("1969-12-31 23:59:59", "31-Dec-1969 23:59:59 +0000");
}
END_TEST

START_TEST(test_user_iso_local_zoneinfo)
{
	if (have_zone("Europe/Berlin")) {
		set_tz("Europe/Berlin");
		assert_user("2024-03-05 14:07:00", "05-Mar-2024 14:07:00 +0100");
		assert_user("2024-07-05T14:07:00", "05-Jul-2024 14:07:00 +0200");
		assert_user("2024-03-05", "05-Mar-2024 00:00:00 +0100");
		assert_user("1700000000", "14-Nov-2023 23:13:20 +0100");
	}
	if (have_zone("UTC")) {
		set_tz("UTC");
		assert_user("2024-07-05T14:07:00", "05-Jul-2024 14:07:00 +0000");
		assert_user("1700000000", "14-Nov-2023 22:13:20 +0000");
	}
}
END_TEST

START_TEST(test_user_epoch)
{
	set_tz("UTC0");
	assert_user("1700000000", "14-Nov-2023 22:13:20 +0000");
	assert_user("0", "01-Jan-1970 00:00:00 +0000");
	assert_user("1700000000.75", "14-Nov-2023 22:13:20 +0000");
	assert_user("1700000000.", "14-Nov-2023 22:13:20 +0000");
	assert_user("2024", "01-Jan-1970 00:33:44 +0000");
	set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
	/* imaplib.Time2Internaldate(1700000000) with TZ=Europe/Berlin */
	assert_user("1700000000", "14-Nov-2023 23:13:20 +0100");
	assert_user("1720000000", "03-Jul-2024 11:46:40 +0200");
	assert_user("253402214399", "31-Dec-9999 00:59:59 +0100");
	assert_user_bad("253402214400");
	assert_user_bad("99999999999999999999999999");
}
END_TEST

START_TEST(test_user_errors)
{
	struct buf b = BUF_INIT;
	struct imap_err e = IMAP_ERR_INIT;
	static const char *const bad[] = {
		"", "   ", "tomorrow", "2024-13-01", "2024-00-10", "2024-02-30",
		"2023-02-29", "2024-03-05T25:00:00Z", "2024-03-05T14:60:00Z",
		"2024-03-05T14:07:00+24:00", "2024-03-05T14:07:00+01:60",
		"2024-03-05T14:07:00+1", "2024-03-05T14:07:00+01:0",
		"2024-03-05T14:07:00 +01:00", "2024-03-05T14", "2024-03-05T",
		"2024-3-5", "24-03-05", "2024-03-05T14:07:00.Z", "1e9", "-5",
		"+5", ".5", "0x10", "1700000000 ", "1700000000x", "12:00",
		"05-Mar-2024 14:07:00", "\"05-Mar-2024 14:07:00 +0100",
		"Tue, 05 Mar 2024 14:07:00 +0100",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (strcmp(bad[i], "1700000000 ") == 0)
			continue; /* trailing white space is trimmed: valid */
		assert_user_bad(bad[i]);
	}

	ck_assert_int_eq(imapdate_from_user("2024-13-01", &b, &e), -1);
	ck_assert_str_eq(e.msg,
			 "not a date: \"2024-13-01\" (use an INTERNALDATE "
			 "\"05-Mar-2024 14:07:00 +0100\", ISO 8601 "
			 "2024-03-05T14:07:00+01:00, or seconds since the epoch)");
	ck_assert_uint_eq(b.len, 0);

	/* control characters are escaped, long input is cut */
	ck_assert_int_eq(imapdate_from_user("bad\x01\n", &b, &e), -1);
	{
		static const char head[] = "not a date: \"bad\\x01\\n\" (use";
		ck_assert_msg(strncmp(e.msg, head, strlen(head)) == 0, "%s", e.msg);
	}
	{
		char big[300];
		memset(big, '9', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		big[0] = 'x';
		ck_assert_int_eq(imapdate_from_user(big, &b, &e), -1);
		ck_assert_msg(strstr(e.msg, "99999...\" (use an INTERNALDATE") != NULL, "%s", e.msg);
		ck_assert_uint_lt(strlen(e.msg), 250);
	}
	buf_release(&b);
}
END_TEST

Suite *imapdate_suite(void)
{
	Suite *s = suite_create("imapdate");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_parse_imaplib_example);
	tcase_add_test(tc, test_parse_day_forms);
	tcase_add_test(tc, test_parse_every_month);
	tcase_add_test(tc, test_parse_leap_days);
	tcase_add_test(tc, test_parse_zones);
	tcase_add_test(tc, test_parse_ranges);
	tcase_add_test(tc, test_parse_bad_syntax);
	tcase_add_test(tc, test_parse_ignores_tz);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_format_extreme_times);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_round_trip_every_day);
	suite_add_tcase(s, tc);

	tc = tcase_create("local");
	tcase_add_test(tc, test_local_offset_utc);
	tcase_add_test(tc, test_local_offset_posix_rule);
	tcase_add_test(tc, test_local_offset_berlin);
	suite_add_tcase(s, tc);

	tc = tcase_create("from_user");
	tcase_add_test(tc, test_user_internaldate);
	tcase_add_test(tc, test_user_iso_zoned);
	tcase_add_test(tc, test_user_iso_local_posix);
	tcase_add_test(tc, test_user_iso_local_zoneinfo);
	tcase_add_test(tc, test_user_epoch);
	tcase_add_test(tc, test_user_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(imapdate_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
