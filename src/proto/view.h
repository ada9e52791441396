/*
 * view.h - what the typed views of responses share (fetch.h, code.h,
 * search.h, mailbox.h, data.h): how they hold text, and how they read
 * the parser's values (view.c).
 *
 * A view is built by a pure function from one response (struct
 * imap_response) and lives in that response's arena: it is freed with
 * the response, never on its own, and its strings point into the
 * response's values (no copy) unless decoding made new text, which is
 * allocated in the same arena.  Builders are tolerant: real servers send
 * extra spaces, NIL where a string belongs, atoms where strings belong;
 * what cannot be understood is kept as the raw value, never dropped.
 */
#ifndef IMAPSH_PROTO_VIEW_H
#define IMAPSH_PROTO_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/response.h"

/* Text from the server: s is NULL for NIL (and for a literal that went to
 * the sink: then v says which); s may hold NUL bytes, always use len. */
struct imap_text {
	const char *s;
	size_t len;
	const struct imap_value *v; /* the value it came from, or NULL */
};

/* The text of an ATOM, NUMBER, QUOTED or kept LITERAL; {NULL, 0, v} for
 * NIL, a LIST or a sunk literal; {NULL, 0, NULL} for v NULL. */
static inline struct imap_text imap_value_text(const struct imap_value *v)
{
	struct imap_text t = { NULL, 0, v };

	if (v && v->type != IMAP_VALUE_LIST && v->type != IMAP_VALUE_NIL && v->str) {
		t.s = v->str;
		t.len = v->len;
	}
	return t;
}

/* The i-th item of a LIST value, or NULL (v not a list, or too short). */
static inline const struct imap_value *imap_value_item(const struct imap_value *v, size_t i)
{
	return v && v->type == IMAP_VALUE_LIST && i < v->count ? &v->items[i] : NULL;
}

/* A NUMBER, or the digits of an ATOM or QUOTED value (servers send
 * numbers as both), up to 2^64-1: true and *n_r set, else false and *n_r
 * untouched. */
bool imap_value_number(const struct imap_value *v, uint64_t *n_r);
/* The same within lo..hi: 0, or -1 (*n_r untouched). */
int imap_value_number_in(const struct imap_value *v, uint64_t lo, uint64_t hi, uint64_t *n_r);
/* t is word, compared case-insensitively (false for NIL). */
bool imap_text_is(struct imap_text t, const char *word);
/* Zeroed room for n objects of size bytes in r's arena; NULL for n 0 (or
 * a size that would overflow). */
void *imap_view_array(struct imap_response *r, size_t n, size_t size);

#endif
