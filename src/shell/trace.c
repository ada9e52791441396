#include "shell/trace.h"

#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "util/buf.h"

/* Lines longer than this are cut at level 4 (shown whole at 5). */
#define TRACE_LINE_MAX 300

static void stamp(struct buf *b)
{
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	buf_addf(b, "%02d:%02d:%02d.%03ld ", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (long)(tv.tv_usec / 1000));
}

static void add_lines(struct buf *b, const char *who, const char *text, size_t len, int level)
{
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) + 1 : len;
		size_t n = end - i;
		size_t shown = n;
		/* drop the line end: it is implied */
		if (shown && text[i + shown - 1] == '\n')
			shown--;
		if (shown && text[i + shown - 1] == '\r')
			shown--;
		stamp(b);
		buf_adds(b, who);
		if (level < 5 && shown > TRACE_LINE_MAX) {
			buf_add_escaped(b, text + i, TRACE_LINE_MAX);
			buf_addf(b, "... (%zu more bytes)", shown - TRACE_LINE_MAX);
		} else {
			buf_add_escaped(b, text + i, shown);
		}
		buf_addch(b, '\n');
		i = end;
	}
}

void trace_hook(void *ctx, int level, enum trace_kind kind, const char *text, size_t len)
{
	struct trace_ctx *t = ctx;
	struct buf b = BUF_INIT;

	if (!t || t->level < level)
		return;
	switch (kind) {
	case TRACE_SENT:
		add_lines(&b, "C: ", text, len, t->level);
		break;
	case TRACE_RECEIVED:
		add_lines(&b, "S: ", text, len, t->level);
		break;
	case TRACE_RECEIVED_CLEAR: /* every line marked: it may be forged */
		add_lines(&b, "S (before TLS, discarded): ", text, len, t->level);
		break;
	case TRACE_EVENT:
		stamp(&b);
		buf_adds(&b, "-- ");
		buf_add_escaped(&b, text, len);
		buf_addch(&b, '\n');
		break;
	}
	fwrite(b.buf, 1, b.len, t->fp);
	fflush(t->fp);
	buf_release(&b);
}
