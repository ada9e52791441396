/*
 * progress.c - the progress line of big literal transfers (progress.h).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "shell/progress.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "shell/render.h"
#include "util/clock.h"
#include "util/xalloc.h"

/* The rate is measured over the redraws of the last RATE_WINDOW_MS. */
#define RATE_WINDOW_MS 3000
#define NSAMPLES 32

/* ---- the text (pure) ----------------------------------------------------- */

static void add_eta(struct buf *out, double secs)
{
	unsigned long long s;

	if (secs >= 100.0 * 3600) {
		buf_adds(out, ">99h");
		return;
	}
	s = (unsigned long long)secs;
	if ((double)s < secs)
		s++; /* a second that has begun counts */
	if (s < 3600)
		buf_addf(out, "%llu:%02llu", s / 60, s % 60);
	else
		buf_addf(out, "%llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
}

void progress_format(struct buf *out, const char *label, uint64_t done, uint64_t total,
		     double rate)
{
	bool known = total != PROGRESS_UNKNOWN;

	buf_addf(out, "%s: ", label);
	render_size(out, done);
	if (known) {
		unsigned pct = total == 0 || done >= total ? 100
			     : (unsigned)((double)done * 100.0 / (double)total);
		if (pct == 100 && done < total)
			pct = 99; /* rounding: not done until it is */
		buf_adds(out, " / ");
		render_size(out, total);
		buf_addf(out, "  %u%%", pct);
	}
	if (rate < 0)
		return;
	if (rate < 1.0) {
		buf_adds(out, "  stalled");
		return;
	}
	buf_adds(out, "  ");
	render_size(out, (uint64_t)rate);
	buf_adds(out, "/s");
	if (known && done < total) {
		buf_adds(out, "  ETA ");
		add_eta(out, (double)(total - done) / rate);
	}
}

/* Appends s made printable (and lower-cased if lower), while out stays
 * under max. */
static void add_label_text(struct buf *out, const char *s, bool lower, size_t max)
{
	for (; s && *s && out->len < max; s++) {
		unsigned char c = (unsigned char)*s;
		if (lower && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		else if (c < 0x20 || c > 0x7e)
			c = '?';
		buf_addch(out, c);
	}
}

void progress_label(struct buf *out, const struct session_progress *p)
{
	size_t start = out->len, max = out->len + PROGRESS_LABEL_MAX;

	if (p->dir == SESSION_XFER_SEND) {
		add_label_text(out, p->verb, true, max);
	} else {
		add_label_text(out, p->resp_name, true, max);
		if (p->has_number) {
			if (out->len > start)
				buf_addch(out, ' ');
			buf_addf(out, "%" PRIu64, p->number);
		}
		if (p->key && *p->key) {
			if (out->len > start)
				buf_addch(out, ' ');
			add_label_text(out, p->key, false, max); /* BODY[] as the server wrote it */
		}
	}
	if (out->len == start)
		buf_adds(out, "literal");
	if (out->len > max)
		buf_setlen(out, max);
}

/* ---- the line on the terminal -------------------------------------------- */

struct sample {
	long long t;
	uint64_t done;
};

struct progress {
	struct progress_opts o;
	bool active;    /* a literal is being reported */
	bool big;       /* ... and it is big enough to be drawn */
	bool drawn;     /* ... and it was, at last_t */
	bool shown;     /* the line is on the screen */
	long long last_t;
	struct sample samples[NSAMPLES]; /* at the redraws, a ring */
	size_t first, nsamples;
	struct buf label, line, out;
};

static long long default_now(void *ctx)
{
	(void)ctx;
	return clock_now_ms();
}

struct progress *progress_new(const struct progress_opts *o)
{
	struct progress *p = xcalloc(1, sizeof(*p));

	if (o)
		p->o = *o;
	if (!p->o.fp)
		p->o.fp = stderr;
	if (!p->o.now)
		p->o.now = default_now;
	if (!p->o.min_size)
		p->o.min_size = PROGRESS_MIN_SIZE;
	if (p->o.interval_ms <= 0)
		p->o.interval_ms = PROGRESS_INTERVAL_MS;
	buf_init(&p->label, 0);
	buf_init(&p->line, 0);
	buf_init(&p->out, 0);
	return p;
}

void progress_free(struct progress *p)
{
	if (!p)
		return;
	progress_clear(p);
	buf_release(&p->label);
	buf_release(&p->line);
	buf_release(&p->out);
	free(p);
}

static void put(struct progress *p, const char *s, size_t len)
{
	fwrite(s, 1, len, p->o.fp);
	fflush(p->o.fp);
}

void progress_clear(struct progress *p)
{
	if (!p || !p->shown)
		return;
	put(p, "\r\033[K", 4);
	p->shown = false;
	buf_reset(&p->line);
}

/* Bytes the line may take: one less than the terminal's columns, so the
 * cursor never wraps (\r would then go back to the wrong row). */
static size_t line_width(const struct progress *p)
{
	struct winsize ws;
	int fd;

	if (p->o.columns < 0)
		return SIZE_MAX;
	if (p->o.columns > 0)
		return p->o.columns > 1 ? (size_t)p->o.columns - 1 : 1;
	fd = fileno(p->o.fp);
	if (fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		return (size_t)ws.ws_col - 1;
	return SIZE_MAX;
}

/* Bytes a second since the oldest redraw of the last RATE_WINDOW_MS (or
 * the newest before, after a stall); -1 when there is none to go by. */
static double rate_now(const struct progress *p, long long now, uint64_t done)
{
	const struct sample *use = NULL;
	size_t i;

	for (i = 0; i < p->nsamples; i++) {
		const struct sample *s = &p->samples[(p->first + i) % NSAMPLES];
		if (now - s->t <= RATE_WINDOW_MS) {
			use = s;
			break;
		}
	}
	if (!use && p->nsamples)
		use = &p->samples[(p->first + p->nsamples - 1) % NSAMPLES];
	if (!use || now <= use->t)
		return -1;
	if (done <= use->done)
		return 0;
	return (double)(done - use->done) * 1000.0 / (double)(now - use->t);
}

static void add_sample(struct progress *p, long long now, uint64_t done)
{
	struct sample *s;

	if (p->nsamples == NSAMPLES) {
		p->first = (p->first + 1) % NSAMPLES;
		p->nsamples--;
	}
	s = &p->samples[(p->first + p->nsamples) % NSAMPLES];
	s->t = now;
	s->done = done;
	p->nsamples++;
}

static void draw(struct progress *p, const struct session_progress *ev, long long now)
{
	size_t width = line_width(p);

	buf_reset(&p->out);
	progress_format(&p->out, p->label.buf, ev->done, ev->total, rate_now(p, now, ev->done));
	add_sample(p, now, ev->done);
	p->drawn = true;
	p->last_t = now;
	if (p->out.len > width)
		buf_setlen(&p->out, width);
	if (p->shown && p->out.len == p->line.len && !memcmp(p->out.buf, p->line.buf, p->out.len))
		return; /* nothing new to see */
	buf_reset(&p->line);
	buf_add(&p->line, p->out.buf, p->out.len);
	/* the old line is overwritten, then what is left of it erased: no
	 * flicker of an empty line */
	buf_reset(&p->out);
	buf_addch(&p->out, '\r');
	buf_add(&p->out, p->line.buf, p->line.len);
	buf_adds(&p->out, "\033[K");
	put(p, p->out.buf, p->out.len);
	p->shown = true;
}

void progress_hook(void *ctx, const struct session_progress *ev)
{
	struct progress *p = ctx;
	long long now;

	if (ev->end) {
		progress_clear(p);
		p->active = false;
		return;
	}
	if (!p->active || ev->done == 0) {
		/* a literal starts */
		p->active = true;
		p->big = ev->total >= p->o.min_size;
		p->drawn = false;
		p->first = p->nsamples = 0;
		buf_reset(&p->label);
		if (p->big)
			progress_label(&p->label, ev);
	}
	if (!p->big)
		return;
	now = p->o.now(p->o.now_ctx);
	if (p->drawn && now - p->last_t < p->o.interval_ms)
		return;
	draw(p, ev, now);
}

void progress_attach(struct progress *p, struct session *s)
{
	if (!s)
		return;
	if (p)
		session_set_progress(s, progress_hook, p);
	else
		session_set_progress(s, NULL, NULL);
}
