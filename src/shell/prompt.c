#include "shell/prompt.h"

#include <string.h>

/* s, with control bytes (and DEL) as \xHH: a name must not drive the
 * terminal from the prompt. */
static void add_safe(struct buf *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			buf_addf(out, "\\x%02X", c);
		else
			buf_addch(out, (char)c);
	}
}

static void add_who(struct buf *out, const struct prompt_info *pi)
{
	add_safe(out, pi->user);
	if (pi->user && pi->host)
		buf_addch(out, '@');
	add_safe(out, pi->host);
}

static void add_status(struct buf *out, const struct prompt_info *pi)
{
	if (!pi->connected) {
		buf_adds(out, "[not connected]");
		return;
	}
	buf_addch(out, '[');
	add_safe(out, pi->state);
	if (pi->mailbox) {
		buf_addch(out, ' ');
		add_safe(out, pi->mailbox);
		if (pi->readonly)
			buf_adds(out, ", read-only");
	}
	if (!pi->alive)
		buf_adds(out, ", closed");
	buf_addch(out, ']');
}

void prompt_format(struct buf *out, const char *fmt, const struct prompt_info *pi, bool color)
{
	const char *f;
	bool who = pi->user || pi->host;

	buf_reset(out);
	for (f = fmt ? fmt : PROMPT_DEFAULT; *f; f++) {
		if (*f != '%' || !f[1]) {
			buf_addch(out, *f);
			continue;
		}
		switch (*++f) {
		case 'w':
			add_who(out, pi);
			break;
		case 'W':
			if (!who)
				break;
			/* \001 \002: readline counts what is between as no width */
			if (color)
				buf_adds(out, "\001\033[1;32m\002");
			add_who(out, pi);
			if (color)
				buf_adds(out, "\001\033[m\002");
			buf_addch(out, ' ');
			break;
		case 'u':
			add_safe(out, pi->user);
			break;
		case 'h':
			add_safe(out, pi->host);
			break;
		case 's':
			add_safe(out, pi->connected ? pi->state : "not connected");
			break;
		case 'm':
			add_safe(out, pi->mailbox);
			break;
		case 'S':
			add_status(out, pi);
			break;
		case '%':
			buf_addch(out, '%');
			break;
		default:
			buf_addch(out, '%');
			buf_addch(out, *f);
			break;
		}
	}
	if (!out->len || (out->buf[out->len - 1] != ' ' && out->buf[out->len - 1] != '\t'))
		buf_addch(out, ' ');
}
