/*
 * clock.h - the monotonic clock in milliseconds, for timeouts and
 * deadlines (never the time of day).
 */
#ifndef IMAPSH_UTIL_CLOCK_H
#define IMAPSH_UTIL_CLOCK_H

long long clock_now_ms(void);

#endif
