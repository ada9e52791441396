/*
 * json.c - the JSON writer (json.h).
 */
#include "shell/json.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "util/base64.h"
#include "util/utf7.h"

static const char hexdig[] = "0123456789abcdef";

void json_before_value(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->more[j->depth])
		buf_addch(j->out, ',');
	j->more[j->depth] = true;
}

/* Levels past JSON_MAX_DEPTH are counted in over and share the deepest
 * level's more flag: a level opens with nothing written in it (more
 * false), and closing one means its parent has a value written (more
 * true), so commas stay right however deep the nesting. */
static void open_level(struct json *j, char c)
{
	json_before_value(j);
	buf_addch(j->out, c);
	if (j->depth < JSON_MAX_DEPTH)
		j->depth++;
	else
		j->over++;
	j->more[j->depth] = false;
}

static void close_level(struct json *j, char c)
{
	buf_addch(j->out, c);
	if (j->over)
		j->over--;
	else if (j->depth)
		j->depth--;
	j->more[j->depth] = true;
}

void json_obj_open(struct json *j) { open_level(j, '{'); }
void json_obj_close(struct json *j) { close_level(j, '}'); }
void json_arr_open(struct json *j) { open_level(j, '['); }
void json_arr_close(struct json *j) { close_level(j, ']'); }

void json_key(struct json *j, const char *key)
{
	if (j->more[j->depth])
		buf_addch(j->out, ',');
	j->more[j->depth] = true;
	buf_addch(j->out, '"');
	buf_adds(j->out, key);
	buf_add(j->out, "\":", 2);
	j->after_key = true;
}

void json_key_text(struct json *j, const char *s, size_t len)
{
	size_t i = 0;

	if (!s)
		len = 0;
	if (j->more[j->depth])
		buf_addch(j->out, ',');
	j->more[j->depth] = true;
	buf_addch(j->out, '"');
	while (i < len) {
		unsigned char c;

		i += json_escape_utf8(j->out, s + i, len - i);
		if (i >= len)
			break;
		c = (unsigned char)s[i++]; /* not UTF-8: \u00XX of the byte */
		buf_add(j->out, "\\u00", 4);
		buf_addch(j->out, hexdig[c >> 4]);
		buf_addch(j->out, hexdig[c & 15]);
	}
	buf_add(j->out, "\":", 2);
	j->after_key = true;
}

void json_null(struct json *j)
{
	json_before_value(j);
	buf_add(j->out, "null", 4);
}

void json_bool(struct json *j, bool v)
{
	json_before_value(j);
	buf_adds(j->out, v ? "true" : "false");
}

void json_u64(struct json *j, uint64_t v)
{
	char tmp[24];
	size_t n = sizeof(tmp);

	json_before_value(j);
	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_add(j->out, tmp + n, sizeof(tmp) - n);
}

void json_i64(struct json *j, int64_t v)
{
	if (v >= 0) {
		json_u64(j, (uint64_t)v);
		return;
	}
	json_before_value(j);
	buf_addf(j->out, "%" PRId64, v);
}

size_t json_utf8_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (!(n = utf8_next(p + i, len - i, &cp)))
			break;
		i += n;
	}
	return i;
}

static bool valid_utf8(const char *s, size_t len)
{
	return json_utf8_prefix(s, len) == len;
}

size_t json_escape_utf8(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	buf_grow(out, len + 2);
	while (i < len) {
		size_t run = i, n;
		unsigned char c;
		uint32_t cp;

		while (run < len && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' && p[run] != '\\')
			run++;
		buf_add(out, s + i, run - i);
		i = run;
		if (i == len)
			break;
		c = p[i];
		switch (c) {
		case '"': buf_add(out, "\\\"", 2); i++; continue;
		case '\\': buf_add(out, "\\\\", 2); i++; continue;
		case '\n': buf_add(out, "\\n", 2); i++; continue;
		case '\r': buf_add(out, "\\r", 2); i++; continue;
		case '\t': buf_add(out, "\\t", 2); i++; continue;
		default: break;
		}
		if (c >= 0x80) {
			if (!(n = utf8_next(p + i, len - i, &cp)))
				break; /* cut sequence: the caller's next piece */
			if (cp < 0xa0) { /* C1 control */
				buf_add(out, "\\u00", 4);
				buf_addch(out, hexdig[cp >> 4]);
				buf_addch(out, hexdig[cp & 15]);
			} else
				buf_add(out, s + i, n);
			i += n;
			continue;
		}
		/* C0 control or DEL */
		buf_add(out, "\\u00", 4);
		buf_addch(out, hexdig[c >> 4]);
		buf_addch(out, hexdig[c & 15]);
		i++;
	}
	return i;
}

void json_str(struct json *j, const char *s, size_t len)
{
	json_before_value(j);
	if (!s)
		len = 0;
	if (len && !valid_utf8(s, len)) {
		buf_adds(j->out, "{\"base64\":\"");
		base64_encode(s, len, j->out);
		buf_add(j->out, "\"}", 2);
		return;
	}
	buf_addch(j->out, '"');
	if (len)
		json_escape_utf8(j->out, s, len);
	buf_addch(j->out, '"');
}

void json_cstr(struct json *j, const char *s)
{
	if (!s)
		json_null(j);
	else
		json_str(j, s, strlen(s));
}

void json_text(struct json *j, struct imap_text t)
{
	if (!t.s) {
		if (t.v && t.v->type == IMAP_VALUE_LITERAL) {
			json_value(j, t.v); /* a literal not in memory */
			return;
		}
		json_null(j);
	} else
		json_str(j, t.s, t.len);
}

void json_values(struct json *j, const struct imap_value *items, size_t n)
{
	size_t i;

	json_arr_open(j);
	for (i = 0; i < n; i++)
		json_value(j, &items[i]);
	json_arr_close(j);
}

void json_value(struct json *j, const struct imap_value *v)
{
	switch (v->type) {
	case IMAP_VALUE_NUMBER:
		json_u64(j, v->num);
		break;
	case IMAP_VALUE_LITERAL:
		if (v->sunk || !v->str) {
			bool after_key = j->after_key;
			if (j->big && j->big(j, v, j->big_ctx))
				break;
			j->after_key = after_key;
			json_before_value(j);
			buf_addf(j->out, "{\"sunk\":true,\"size\":%" PRIu64 "}", v->literal_size);
			break;
		}
		/* fall through */
	case IMAP_VALUE_ATOM:
	case IMAP_VALUE_QUOTED:
		json_str(j, v->str, v->str ? v->len : 0);
		break;
	case IMAP_VALUE_LIST:
		json_values(j, v->items, v->count);
		break;
	case IMAP_VALUE_NIL:
		json_null(j);
		break;
	}
}

void json_kstr(struct json *j, const char *key, const char *s, size_t len)
{
	json_key(j, key);
	json_str(j, s, len);
}

void json_kcstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_cstr(j, s);
}

void json_ku64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_kbool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_ktext(struct json *j, const char *key, struct imap_text t)
{
	json_key(j, key);
	json_text(j, t);
}
