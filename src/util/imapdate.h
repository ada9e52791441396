/*
 * imapdate.h - INTERNALDATE (RFC 9051 date-time) to time and back, as
 * imaplib's Internaldate2tuple and Time2Internaldate do, plus the other
 * date forms the shell accepts for APPEND.
 */
#ifndef IMAPSH_UTIL_IMAPDATE_H
#define IMAPSH_UTIL_IMAPDATE_H

#include <time.h>

#include "util/buf.h"
#include "util/err.h"

/* "17-Jul-1996 02:44:25 -0700" (day may be " 7" or "7"; surrounding
 * double quotes allowed).  *t_r is seconds since the epoch (UTC),
 * *tzoff_r the zone offset in minutes east of UTC.  0 or -1. */
int imapdate_parse(const char *s, time_t *t_r, int *tzoff_r);

/* Appends "DD-Mon-YYYY HH:MM:SS +HHMM" (no quotes) for t shown in the
 * zone tzoff (minutes east of UTC). */
void imapdate_format(time_t t, int tzoff, struct buf *out);

/* The local zone's offset (minutes east of UTC) at t. */
int imapdate_local_offset(time_t t);

/*
 * What the shell accepts as an APPEND date, as Time2Internaldate does:
 *  - an INTERNALDATE, quoted or not: kept with its own zone;
 *  - ISO 8601 "2024-03-05T14:07:00+01:00", "...Z", "2024-03-05 14:07:00"
 *    (no zone: local time), "2024-03-05" (midnight local);
 *  - seconds since the epoch, "1700000000" (shown in local time).
 * Writes the INTERNALDATE (no quotes) to out.  0, or -1 with err (ERROR).
 */
int imapdate_from_user(const char *s, struct buf *out, struct imap_err *err);

#endif
