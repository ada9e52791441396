/*
 * response.h - IMAP server responses as trees of values (RFC 9051 sec. 7).
 *
 * This is the public value type the parser produces and the core and the
 * shell read.  A response and everything it points to live in one arena
 * owned by the response: imap_response_free() releases all of it.
 * All strings are NUL-terminated for convenience but may contain NUL
 * bytes (literals, hostile quoted strings): always use the length.
 */
#ifndef IMAPSH_PROTO_RESPONSE_H
#define IMAPSH_PROTO_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum imap_value_type {
	IMAP_VALUE_ATOM,    /* includes flags (\Seen), BODY[...]<n> keys, and numbers too big for NUMBER */
	IMAP_VALUE_NUMBER,  /* digits only, fits in uint64_t; str holds the digits too */
	IMAP_VALUE_QUOTED,  /* "...": str is the unescaped content */
	IMAP_VALUE_LITERAL, /* {n} or ~{n} (literal8): str is the content unless sunk */
	IMAP_VALUE_LIST,    /* ( ... ) */
	IMAP_VALUE_NIL,
};

/* (The two flags sit next to type: 56 bytes a value on LP64, not 64.  A
 * response of many small values is mostly these.) */
struct imap_value {
	enum imap_value_type type;
	bool literal8;                 /* LITERAL: ~{n} */
	bool sunk;                     /* LITERAL: went to the literal sink, str is NULL */
	const char *str;               /* ATOM, NUMBER, QUOTED, LITERAL (NULL if sunk);
	                                * NULL for LIST and NIL */
	size_t len;
	uint64_t num;                  /* NUMBER; a sunk LITERAL: its sink serial
	                                * (imap_literal_info.serial) */
	struct imap_value *items;      /* LIST */
	size_t count;                  /* LIST */
	uint64_t literal_size;         /* LITERAL: size announced by the server */
};

enum imap_resp_kind {
	IMAP_RESP_TAGGED,
	IMAP_RESP_UNTAGGED,
	IMAP_RESP_CONTINUATION,
};

enum imap_status {
	IMAP_STATUS_NONE = 0, /* a data response (FETCH, LIST, CAPABILITY, ...) */
	IMAP_STATUS_OK,
	IMAP_STATUS_NO,
	IMAP_STATUS_BAD,
	IMAP_STATUS_PREAUTH,
	IMAP_STATUS_BYE,
};

struct imap_response {
	enum imap_resp_kind kind;
	const char *tag;            /* TAGGED: the tag as sent by the server
	                             * (the parser sets "*" for UNTAGGED and
	                             * "+" for CONTINUATION, never NULL) */
	enum imap_status status;    /* TAGGED, and untagged OK/NO/BAD/PREAUTH/BYE */

	/* UNTAGGED: "* 23 EXISTS" has has_number, number 23, name "EXISTS". */
	bool has_number;
	uint64_t number;
	/* Upper-cased response name: "OK", "NO", "BYE", "FETCH", "CAPABILITY",
	 * "LIST", ...  For TAGGED the status word; for CONTINUATION "+". */
	const char *name;

	/* Response code of a status response ("[UIDVALIDITY 3]"), or NULL.
	 * code_name is upper-cased ("UIDVALIDITY"); code_args holds what follows
	 * the name inside the brackets, parsed as values (may be count 0). */
	const char *code_name;
	struct imap_value code_args; /* type LIST */
	const char *code_raw;        /* the text between [ and ] as received */

	/* Human-readable text of a status response or continuation (after the
	 * code), "" if none. */
	const char *text;
	size_t text_len;

	/* Data of an untagged data response: the values after the name,
	 * e.g. for FETCH one LIST; for CAPABILITY the atoms; for LIST
	 * (flags) delimiter name.  type LIST, count 0 for status responses. */
	struct imap_value data;

	/* The response as received (CRLFs included), literal contents included
	 * unless sunk; a sunk literal appears as its "{n}" header only. */
	const char *raw;
	size_t raw_len;

	void *arena_; /* private */
};

void imap_response_free(struct imap_response *r);

/*
 * Bytes of memory r holds: its arena's blocks (the response itself, its
 * values, strings and lists, raw, kept literal data) and the memory
 * handed to it with imap_response_adopt(); malloc's own overhead is not
 * counted.  For a byte budget of kept responses.  O(1).
 */
size_t imap_response_mem(const struct imap_response *r);

/*
 * Building responses by hand (the parser does this; tests and renderers may
 * too).  imap_response_new() returns a zeroed response of the given kind
 * with its own arena: name/text/tag point to "", data and code_args are
 * empty LISTs.  imap_response_alloc() returns zeroed memory from the arena
 * (aligned for any type), freed by imap_response_free(); never NULL.
 * imap_response_strdup() copies len bytes and adds a NUL (packed, not
 * aligned).
 */
struct imap_response *imap_response_new(enum imap_resp_kind kind);
void *imap_response_alloc(struct imap_response *r, size_t size);
char *imap_response_strdup(struct imap_response *r, const void *data, size_t len);
/* Copies len bytes into the arena (aligned for any type, not NUL-terminated). */
void *imap_response_memdup(struct imap_response *r, const void *data, size_t len);
/* Hands malloc()ed memory of size bytes to the response: freed by
 * imap_response_free(), counted by imap_response_mem(). */
void imap_response_adopt(struct imap_response *r, void *mem, size_t size);

/* Whether r has an arena (it came from the parser or imap_response_new(),
 * not a struct built by hand): only then can views be built from it. */
bool imap_response_has_arena(const struct imap_response *r);

/* The wire word of a status ("OK", "NO", "BAD", "PREAUTH", "BYE"); "" for
 * IMAP_STATUS_NONE. */
const char *imap_status_name(enum imap_status st);

/* Finds key (case-insensitive) in a FETCH-style list of key/value pairs and
 * returns the value after it, or NULL. */
const struct imap_value *imap_value_lookup(const struct imap_value *list, const char *key);

#endif
