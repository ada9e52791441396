/*
 * json.h - a small JSON writer for the -o json objects (render.c,
 * json_view.c, json_fetch.c, meta commands): it places the commas, and it
 * never mangles bytes.  Schema: man/imapsh-json.5.
 *
 * Text goes out as a JSON string when it is valid UTF-8 (escapes: \" \\
 * \n \r \t, and \u00XX for other C0 controls, DEL and C1 controls, so a
 * terminal never gets a control byte, yet the string decodes to exactly
 * the bytes sent); text that is not valid UTF-8 goes as the object
 * {"base64":"..."} of its bytes (RFC 4648), never as look-alike
 * characters.  Keys given by the program (json_key) are plain ASCII and
 * written as given; keys that came from the server go through
 * json_key_text.
 *
 * Usage: JSON_INIT(&b), then json_obj_open / json_key + a value /
 * json_obj_close.  Nesting deeper than JSON_MAX_DEPTH levels is still
 * written correctly: the levels past it are only counted (over).
 */
#ifndef IMAPSH_SHELL_JSON_H
#define IMAPSH_SHELL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/response.h"
#include "proto/view.h"
#include "util/buf.h"

/* The version of the objects' schema: every top-level object starts with
 * "version":JSON_VERSION.  Raised when a field changes meaning or goes
 * away; new fields and new object types do not raise it. */
#define JSON_VERSION 1

#define JSON_MAX_DEPTH 32

struct json {
	struct buf *out;
	unsigned depth;
	/* per level: something was written at this level (a comma is due) */
	bool more[JSON_MAX_DEPTH + 1];
	bool after_key; /* a key was written: its value comes next, no comma */
	/* A literal that is not in memory (spooled by the shell): writes it
	 * as a value and returns true, or returns false (then it is written
	 * as {"sunk":true,"size":N}).  May be NULL. */
	bool (*big)(struct json *j, const struct imap_value *v, void *ctx);
	void *big_ctx;
	unsigned over; /* levels open past JSON_MAX_DEPTH (they share its more) */
};

#define JSON_INIT(b) { (b), 0, { false }, false, NULL, NULL, 0 }

void json_obj_open(struct json *j);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j);
void json_arr_close(struct json *j);
/* The key of the next value (inside an object). */
void json_key(struct json *j, const char *key);
/* The key of the next value when the key is text the server sent (an ID
 * field name, a namespace extension name): escaped like a string, and a
 * byte that does not start valid UTF-8 as \u00XX of the byte (a key
 * cannot be {"base64":..}; so \u00e9 may stand for the byte E9 or for a
 * sent U+00E9), so the object stays valid JSON whatever was sent.  A key
 * sent twice is written twice.  s NULL is the empty key. */
void json_key_text(struct json *j, const char *s, size_t len);

/* Values (after json_key in an object, or as array items). */
void json_null(struct json *j);
void json_bool(struct json *j, bool v);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
/* Text: a string, or {"base64":..} when not valid UTF-8. */
void json_str(struct json *j, const char *s, size_t len);
/* A C string (NULL -> null). */
void json_cstr(struct json *j, const char *s);
/* Server text: null for NIL (t.s NULL), else as json_str. */
void json_text(struct json *j, struct imap_text t);
/* A parser value as the generic tree: ATOM and QUOTED and LITERAL ->
 * text as json_str, NUMBER -> number, LIST -> array, NIL -> null; a
 * literal that is not in memory -> {"sunk":true,"size":N}. */
void json_value(struct json *j, const struct imap_value *v);
/* Items of a list as an array. */
void json_values(struct json *j, const struct imap_value *items, size_t n);

/* Shortcuts for a key and its value. */
void json_kstr(struct json *j, const char *key, const char *s, size_t len);
void json_kcstr(struct json *j, const char *key, const char *s);
void json_ku64(struct json *j, const char *key, uint64_t v);
void json_kbool(struct json *j, const char *key, bool v);
void json_ktext(struct json *j, const char *key, struct imap_text t);

/* Low level: the inside of a JSON string for valid UTF-8 s (the caller
 * writes the quotes; s must be valid UTF-8).  Returns bytes consumed
 * (len, or less when limit stops it in the middle of a sequence). */
size_t json_escape_utf8(struct buf *out, const char *s, size_t len);
/* Bytes of the longest prefix of s that is valid UTF-8 (a sequence cut
 * at the end is left out: it may go on in the next piece). */
size_t json_utf8_prefix(const char *s, size_t len);
/* Bytes to come before the next value (comma, or nothing): for writing a
 * value by hand. */
void json_before_value(struct json *j);

#endif
