/*
 * progress.h - the progress line of big literal transfers: an APPEND's
 * message going up, a response's literal coming down (kept, spooled or
 * to a "> FILE"), on one line of stderr redrawn in place,
 *
 *     append: 12.3 MB / 50.0 MB  24%  4.1 MB/s  ETA 0:09
 *     fetch 5 BODY[]: 3.0 MB / 48.2 MB  6%  1.2 MB/s  ETA 0:38
 *
 * at most ten times a second, and erased when the literal is done, so
 * that what follows reads as if the line had never been there.  The core
 * reports the bytes (core/session.h: session_set_progress); this module
 * chooses what to show and draws.  Whether to draw at all (stderr a
 * terminal, or --progress) is the caller's choice: it makes a struct
 * progress only then.  Sizes in units of 1024, as render_size().
 */
#ifndef IMAPSH_SHELL_PROGRESS_H
#define IMAPSH_SHELL_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#include "core/session.h"
#include "util/buf.h"

#define PROGRESS_MIN_SIZE (1024 * 1024) /* smaller literals show nothing */
#define PROGRESS_INTERVAL_MS 100        /* a redraw at most this often */
#define PROGRESS_LABEL_MAX 40           /* bytes of a label at most */
#define PROGRESS_UNKNOWN UINT64_MAX     /* a total not known */

/*
 * Pure: appends the line's text, no \r and no escape sequence.  rate is
 * bytes a second: < 0 not measured yet (rate and ETA left out), 0
 * stalled.  total PROGRESS_UNKNOWN leaves out the total, the percentage
 * and the ETA; a total of 0 is 100%.  The ETA is m:ss under an hour,
 * then h:mm:ss, and ">99h" beyond 99 hours.
 *   "append: 12.3 MB / 50.0 MB  24%  4.1 MB/s  ETA 0:09"
 *   "append: 0 bytes / 3.0 MB  0%"                        (rate < 0)
 *   "append: 2.0 MB / 3.0 MB  66%  stalled"               (rate 0)
 *   "fetch 5 BODY[]: 3.0 MB  1.2 MB/s"                    (no total)
 */
void progress_format(struct buf *out, const char *label, uint64_t done, uint64_t total,
		     double rate);
/* Pure: what a report is about, lower-cased, printable ASCII (anything
 * else '?'), at most PROGRESS_LABEL_MAX bytes: "append" (the verb),
 * "fetch 5 BODY[]" (response name, number, key), "literal" if nothing
 * is known. */
void progress_label(struct buf *out, const struct session_progress *p);

struct progress_opts {
	FILE *fp;                     /* where the line goes (NULL: stderr) */
	long long (*now)(void *ctx);  /* the clock in ms (NULL: clock_now_ms) */
	void *now_ctx;
	uint64_t min_size;            /* 0: PROGRESS_MIN_SIZE */
	int interval_ms;              /* 0: PROGRESS_INTERVAL_MS */
	int columns;                  /* the line is cut to columns - 1 bytes, so
	                               * it never wraps; 0: the terminal's width
	                               * (TIOCGWINSZ on fp, asked at each redraw),
	                               * not cut if fp is no terminal; < 0: never */
};

struct progress;

/* o may be NULL (all defaults); it is copied. */
struct progress *progress_new(const struct progress_opts *o);
/* Erases the line if it is shown, and frees (NULL-safe). */
void progress_free(struct progress *p);

/*
 * The session's progress hook (ctx: the struct progress).  A literal of
 * at least min_size is drawn at its first report, then at most every
 * interval_ms (the rate over the last 3 seconds of redraws), and erased
 * ("\r", ESC [K) at its end.  Smaller literals draw nothing.
 */
void progress_hook(void *ctx, const struct session_progress *ev);
/* session_set_progress(s, progress_hook, p), or off when p is NULL. */
void progress_attach(struct progress *p, struct session *s);
/* Erases the line if it is shown, for other output to the same terminal
 * (the next report draws it again).  NULL-safe. */
void progress_clear(struct progress *p);

#endif
