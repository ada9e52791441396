/*
 * imapdate.c - INTERNALDATE parse/format and the date forms of APPEND.
 *
 * Parsing never looks at the process time zone: the UTC time is computed
 * with days-from-civil arithmetic (proleptic Gregorian calendar, H. Hinnant's
 * algorithm), so "05-Mar-2024 14:07:00 +0100" means the same instant
 * everywhere.  Only the forms that carry no zone (ISO 8601 without one,
 * epoch seconds shown in local time) use the local zone, through
 * localtime_r()/mktime(), as imaplib's Time2Internaldate does.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* tm_gmtoff */
#endif

#include "util/imapdate.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

static const char month_names[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Largest zone offset we accept or print: 23:59 (as Python's timezone). */
#define TZOFF_MAX (23 * 60 + 59)

/* A broken-down date-time as written, before any zone arithmetic. */
struct datetime {
	int year, mon, day;     /* mon 1..12 */
	int hour, min, sec;     /* sec may be 60 (leap second) */
	int tzoff;              /* minutes east of UTC */
	bool has_zone;
};

static bool is_leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && is_leap(y))
		return 29;
	return dim[m - 1];
}

/* Days since 1970-01-01 of y-m-d (proleptic Gregorian). */
static long long days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153LL * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil. */
static void civil_from_days(long long z, long long *y_r, int *m_r, int *d_r)
{
	long long era, doe, yoe, doy, mp, y;
	int m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d_r = (int)(doy - (153 * mp + 2) / 5 + 1);
	m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*m_r = m;
	*y_r = y + (m <= 2);
}

static bool valid_fields(const struct datetime *dt)
{
	if (dt->year < 0 || dt->year > 9999 || dt->mon < 1 || dt->mon > 12)
		return false;
	if (dt->day < 1 || dt->day > days_in_month(dt->year, dt->mon))
		return false;
	if (dt->hour > 23 || dt->min > 59 || dt->sec > 60)
		return false;
	if (dt->tzoff < -TZOFF_MAX || dt->tzoff > TZOFF_MAX)
		return false;
	return true;
}

/* Seconds since the epoch of the fields, read in their own zone. */
static time_t datetime_to_time(const struct datetime *dt)
{
	long long t = days_from_civil(dt->year, dt->mon, dt->day) * 86400LL;
	t += dt->hour * 3600 + dt->min * 60 + dt->sec;
	t -= dt->tzoff * 60LL;
	return (time_t)t;
}

/* Reads exactly n digits; -1 if any is missing. */
static int digits(const char **pp, const char *end, int n)
{
	const char *p = *pp;
	int v = 0;

	if (end - p < n)
		return -1;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*pp = p + n;
	return v;
}

static bool eat(const char **pp, const char *end, char c)
{
	if (*pp < end && **pp == c) {
		(*pp)++;
		return true;
	}
	return false;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/*
 * RFC 9051 date-time without the quotes:
 *   date-day-fixed "-" date-month "-" date-year SP time SP zone
 * with the day also allowed as one digit ("7").
 */
static int parse_internaldate(const char *s, const char *end, struct datetime *dt)
{
	const char *p = s;
	int v, hh, mm;
	char sign;

	memset(dt, 0, sizeof(*dt));
	if (eat(&p, end, ' ')) {
		if ((dt->day = digits(&p, end, 1)) < 0)
			return -1;
	} else if ((dt->day = digits(&p, end, 2)) < 0) {
		p = s;
		if ((dt->day = digits(&p, end, 1)) < 0)
			return -1;
	}
	if (!eat(&p, end, '-') || end - p < 4)
		return -1;
	for (v = 0; v < 12; v++) {
		if (lower(p[0]) == lower(month_names[v][0]) &&
		    lower(p[1]) == lower(month_names[v][1]) &&
		    lower(p[2]) == lower(month_names[v][2]))
			break;
	}
	if (v == 12)
		return -1;
	dt->mon = v + 1;
	p += 3;
	if (!eat(&p, end, '-') || (dt->year = digits(&p, end, 4)) < 0)
		return -1;
	if (!eat(&p, end, ' ') || (dt->hour = digits(&p, end, 2)) < 0 ||
	    !eat(&p, end, ':') || (dt->min = digits(&p, end, 2)) < 0 ||
	    !eat(&p, end, ':') || (dt->sec = digits(&p, end, 2)) < 0)
		return -1;
	if (!eat(&p, end, ' ') || p == end)
		return -1;
	sign = *p++;
	if (sign != '+' && sign != '-')
		return -1;
	if ((hh = digits(&p, end, 2)) < 0 || (mm = digits(&p, end, 2)) < 0 || mm > 59)
		return -1;
	if (p != end)
		return -1;
	dt->tzoff = (sign == '-' ? -1 : 1) * (hh * 60 + mm);
	dt->has_zone = true;
	return valid_fields(dt) ? 0 : -1;
}

/* Strips one pair of surrounding double quotes. */
static void unquote(const char **s, const char **end)
{
	if (*end - *s >= 2 && (*s)[0] == '"' && (*end)[-1] == '"') {
		(*s)++;
		(*end)--;
	}
}

int imapdate_parse(const char *s, time_t *t_r, int *tzoff_r)
{
	const char *end = s + strlen(s);
	struct datetime dt;

	unquote(&s, &end);
	if (parse_internaldate(s, end, &dt) < 0)
		return -1;
	if (t_r)
		*t_r = datetime_to_time(&dt);
	if (tzoff_r)
		*tzoff_r = dt.tzoff;
	return 0;
}

static void format_fields(long long year, int mon, int day, int hour, int min,
			  int sec, int tzoff, struct buf *out)
{
	int a = tzoff < 0 ? -tzoff : tzoff;

	buf_addf(out, "%02d-%s-%04lld %02d:%02d:%02d %c%02d%02d", day,
		 month_names[mon - 1], year, hour, min, sec,
		 tzoff < 0 ? '-' : '+', a / 60, a % 60);
}

void imapdate_format(time_t t, int tzoff, struct buf *out)
{
	long long tt = (long long)t, days, secs, year;
	int mon, day;

	if (tzoff > TZOFF_MAX)
		tzoff = TZOFF_MAX;
	if (tzoff < -TZOFF_MAX)
		tzoff = -TZOFF_MAX;
	/* Split first so adding the offset cannot overflow. */
	days = tt / 86400;
	secs = tt % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	secs += tzoff * 60LL;
	if (secs < 0) {
		secs += 86400;
		days--;
	} else if (secs >= 86400) {
		secs -= 86400;
		days++;
	}
	civil_from_days(days, &year, &mon, &day);
	format_fields(year, mon, day, (int)(secs / 3600), (int)(secs / 60 % 60),
		      (int)(secs % 60), tzoff, out);
}

int imapdate_local_offset(time_t t)
{
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return 0;
	return (int)(tm.tm_gmtoff / 60);
}

/* ---- imapdate_from_user ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* ISO 8601 zone: "Z", "+HH:MM", "+HHMM" or "+HH". */
static int parse_iso_zone(const char **pp, const char *end, int *tzoff_r)
{
	const char *p = *pp;
	int hh, mm = 0;
	char sign;

	if (eat(&p, end, 'Z') || eat(&p, end, 'z')) {
		*tzoff_r = 0;
		*pp = p;
		return 0;
	}
	if (p == end || (*p != '+' && *p != '-'))
		return -1;
	sign = *p++;
	if ((hh = digits(&p, end, 2)) < 0)
		return -1;
	if (eat(&p, end, ':')) {
		if ((mm = digits(&p, end, 2)) < 0)
			return -1;
	} else if (p < end) {
		if ((mm = digits(&p, end, 2)) < 0)
			return -1;
	}
	if (mm > 59)
		return -1;
	*tzoff_r = (sign == '-' ? -1 : 1) * (hh * 60 + mm);
	*pp = p;
	return 0;
}

/*
 * "YYYY-MM-DD", or that plus ("T" | " ") "HH:MM[:SS[.frac]]" and an
 * optional zone.  Without a zone the time is local (has_zone false).
 */
static int parse_iso(const char *s, const char *end, struct datetime *dt)
{
	const char *p = s;

	memset(dt, 0, sizeof(*dt));
	if ((dt->year = digits(&p, end, 4)) < 0 || !eat(&p, end, '-') ||
	    (dt->mon = digits(&p, end, 2)) < 0 || !eat(&p, end, '-') ||
	    (dt->day = digits(&p, end, 2)) < 0)
		return -1;
	if (p == end)
		return valid_fields(dt) ? 0 : -1;
	if (!eat(&p, end, 'T') && !eat(&p, end, 't') && !eat(&p, end, ' '))
		return -1;
	if ((dt->hour = digits(&p, end, 2)) < 0 || !eat(&p, end, ':') ||
	    (dt->min = digits(&p, end, 2)) < 0)
		return -1;
	if (eat(&p, end, ':')) {
		if ((dt->sec = digits(&p, end, 2)) < 0)
			return -1;
		if (eat(&p, end, '.')) {
			const char *f = p;
			while (p < end && *p >= '0' && *p <= '9')
				p++;
			if (p == f)
				return -1;
		}
	}
	if (p < end) {
		if (parse_iso_zone(&p, end, &dt->tzoff) < 0 || p != end)
			return -1;
		dt->has_zone = true;
	}
	return valid_fields(dt) ? 0 : -1;
}

/* Largest epoch value we take: 9999-12-30 23:59:59 UTC, so that any
 * local zone still shows a four-digit year. */
#define EPOCH_MAX 253402214399LL

/* Digits with an optional fraction (dropped, as %S drops it). */
static int parse_epoch(const char *s, const char *end, time_t *t_r)
{
	const char *p = s;
	long long v = 0;

	if (p == end)
		return -1;
	while (p < end && *p >= '0' && *p <= '9') {
		v = v * 10 + (*p - '0');
		if (v > EPOCH_MAX)
			return -1;
		p++;
	}
	if (p == s)
		return -1;
	if (eat(&p, end, '.')) {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p != end)
		return -1;
	*t_r = (time_t)v;
	return 0;
}

/* Local wall-clock fields to a time, as mktime() with DST left to it. */
static int local_to_time(const struct datetime *dt, time_t *t_r)
{
	struct tm tm, back;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = dt->year - 1900;
	tm.tm_mon = dt->mon - 1;
	tm.tm_mday = dt->day;
	tm.tm_hour = dt->hour;
	tm.tm_min = dt->min;
	tm.tm_sec = dt->sec;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1) {
		/* -1 is also 1969-12-31 23:59:59 UTC: tell the two apart. */
		if (!localtime_r(&t, &back) || back.tm_year != dt->year - 1900 ||
		    back.tm_mon != dt->mon - 1 || back.tm_mday != dt->day)
			return -1;
	}
	*t_r = t;
	return 0;
}

static int not_a_date(struct imap_err *err, const char *s, size_t len)
{
	struct buf shown = BUF_INIT;

	if (len > 64) {
		buf_add_escaped(&shown, s, 64);
		buf_adds(&shown, "...");
	} else {
		buf_add_escaped(&shown, s, len);
	}
	err_set(err, IMAP_ERR_ERROR,
		"not a date: \"%s\" (use an INTERNALDATE \"05-Mar-2024 14:07:00 +0100\", "
		"ISO 8601 2024-03-05T14:07:00+01:00, or seconds since the epoch)",
		shown.buf);
	buf_release(&shown);
	return -1;
}

int imapdate_from_user(const char *s, struct buf *out, struct imap_err *err)
{
	const char *p = s, *end = s + strlen(s);
	struct datetime dt;
	time_t t;

	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;

	{
		const char *q = p, *qe = end;
		unquote(&q, &qe);
		if (parse_internaldate(q, qe, &dt) == 0) {
			/* Kept as written (a leap second stays :60), normalised. */
			format_fields(dt.year, dt.mon, dt.day, dt.hour, dt.min,
				      dt.sec, dt.tzoff, out);
			return 0;
		}
	}
	if (parse_iso(p, end, &dt) == 0) {
		if (dt.has_zone) {
			format_fields(dt.year, dt.mon, dt.day, dt.hour, dt.min,
				      dt.sec, dt.tzoff, out);
			return 0;
		}
		if (local_to_time(&dt, &t) == 0) {
			imapdate_format(t, imapdate_local_offset(t), out);
			return 0;
		}
		return not_a_date(err, s, strlen(s));
	}
	if (parse_epoch(p, end, &t) == 0) {
		imapdate_format(t, imapdate_local_offset(t), out);
		return 0;
	}
	return not_a_date(err, s, strlen(s));
}
