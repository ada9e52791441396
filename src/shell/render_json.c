/*
 * render_json.c - -o json: one object per response (render.h; the schema
 * is man/imapsh-json.5).
 *
 *   {"version":1,"type":"tagged","tag":"A1","status":"OK","code":{..},
 *    "text":"..","command":"UID FETCH","line":4}
 *   {"version":1,"type":"greeting"|"untagged","status":"OK",..,"text":".."}
 *   {"version":1,"type":"continuation","text":".."}
 *   {"version":1,"type":"fetch"|"list"|..., typed fields (json_view.h)}
 *   {"version":1,"type":"data","name":"XFOO","number":3,"data":[generic]}
 *
 * then "command" and "line" of the command the response belongs to, or
 * "unsolicited":true, and "protected":false for clear text before a
 * required TLS.  A literal spooled by the shell (too big to keep in
 * memory) is read back in pieces: checked for UTF-8 first, then written
 * as one string or as {"base64":..}, handed out every 64 KiB.
 */
#include "shell/render.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shell/json.h"
#include "shell/json_view.h"
#include "util/base64.h"

#define PIECE 65535 /* a multiple of 3, for base64 in pieces */
#define FLUSH_AT 65536

/* Is the spooled literal v of size bytes valid UTF-8?  -1 on a read error. */
static int spooled_is_utf8(const struct render_spool *sp, const struct imap_value *v,
			   uint64_t size, char *buf)
{
	uint64_t off = 0;
	size_t have = 0;

	while (off < size) {
		size_t want = PIECE - have, ok;
		ssize_t n;

		if (want > size - off)
			want = (size_t)(size - off);
		n = sp->read(sp->ctx, v, off, buf + have, want);
		if (n <= 0)
			return -1;
		off += (uint64_t)n;
		have += (size_t)n;
		ok = json_utf8_prefix(buf, have);
		/* a sequence cut by the piece's end is at most 3 bytes */
		if (have - ok > 3 || (off >= size && ok < have))
			return 0;
		memmove(buf, buf + ok, have - ok);
		have -= ok;
	}
	return have ? 0 : 1;
}

/* json.big: a literal that is not in memory but in the shell's spool. */
static bool json_spooled(struct json *j, const struct imap_value *v, void *ctx)
{
	const struct render_spool *sp = ctx;
	struct buf *out = j->out;
	long long size;
	uint64_t off = 0;
	size_t have = 0;
	char *buf;
	int utf8;

	if (!sp || (size = sp->size(sp->ctx, v)) < 0)
		return false;
	buf = malloc(PIECE + 4);
	if (!buf)
		return false;
	utf8 = spooled_is_utf8(sp, v, (uint64_t)size, buf);
	if (utf8 < 0) {
		free(buf);
		return false;
	}
	json_before_value(j);
	buf_adds(out, utf8 ? "\"" : "{\"base64\":\"");
	while (off < (uint64_t)size) {
		size_t want = PIECE - have, used;
		ssize_t n;

		if (want > (uint64_t)size - off)
			want = (size_t)((uint64_t)size - off);
		n = sp->read(sp->ctx, v, off, buf + have, want);
		if (n <= 0)
			break; /* the file went away: the string ends short */
		off += (uint64_t)n;
		have += (size_t)n;
		if (utf8) {
			used = json_escape_utf8(out, buf, have);
		} else {
			used = off >= (uint64_t)size ? have : have - have % 3;
			base64_encode(buf, used, out);
		}
		memmove(buf, buf + used, have - used);
		have -= used;
		if (sp->flush && out->len >= FLUSH_AT)
			sp->flush(sp->ctx, out);
	}
	if (!utf8 && have)
		base64_encode(buf, have, out);
	buf_adds(out, utf8 ? "\"" : "\"}");
	free(buf);
	return true;
}

/* "code" (typed when the response has an arena for the view) and "text". */
static void resp_text(struct json *j, const struct imap_response *r)
{
	if (r->code_name) {
		if (imap_response_has_arena(r)) {
			/* views only add to the arena */
			json_code(j, (struct imap_response *)r);
		} else {
			json_key(j, "code");
			json_obj_open(j);
			json_kcstr(j, "name", r->code_name);
			json_key(j, "args");
			json_values(j, r->code_args.items, r->code_args.count);
			json_obj_close(j);
		}
	}
	json_kstr(j, "text", r->text, r->text ? r->text_len : 0);
}

static void untagged(struct json *j, const struct imap_response *r, const struct render_opts *o)
{
	if (r->status != IMAP_STATUS_NONE) {
		json_kcstr(j, "type", o->greeting ? "greeting" : "untagged");
		json_kcstr(j, "status", imap_status_name(r->status));
		resp_text(j, r);
		return;
	}
	if (imap_response_has_arena(r)) {
		struct imap_response *w = (struct imap_response *)r;
		if (r->name && !strcmp(r->name, "FETCH") ? json_fetch(j, w, o) : json_view(j, w, o))
			return;
	}
	json_kcstr(j, "type", "data");
	json_kcstr(j, "name", r->name ? r->name : "");
	if (r->has_number)
		json_ku64(j, "number", r->number);
	json_key(j, "data");
	json_values(j, r->data.items, r->data.count);
}

void render_json(struct buf *out, const struct imap_response *r, const struct render_opts *o)
{
	struct json j = JSON_INIT(out);

	j.big = json_spooled;
	j.big_ctx = (void *)o->spool;
	json_obj_open(&j);
	json_ku64(&j, "version", JSON_VERSION);
	switch (r->kind) {
	case IMAP_RESP_TAGGED:
		json_kcstr(&j, "type", "tagged");
		json_kcstr(&j, "tag", r->tag);
		json_kcstr(&j, "status", imap_status_name(r->status));
		resp_text(&j, r);
		break;
	case IMAP_RESP_CONTINUATION:
		json_kcstr(&j, "type", "continuation");
		resp_text(&j, r);
		break;
	case IMAP_RESP_UNTAGGED:
		untagged(&j, r, o);
		break;
	}
	if (o->command) {
		json_kcstr(&j, "command", o->command);
		if (o->line)
			json_ku64(&j, "line", o->line);
	} else if (o->unsolicited) {
		json_kbool(&j, "unsolicited", true);
	}
	if (o->unprotected)
		json_kbool(&j, "protected", false);
	json_obj_close(&j);
	buf_addch(out, '\n');
}
