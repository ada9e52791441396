/*
 * dump_data.h - what check_data.c and check_mailbox.c share: responses
 * parsed from wire bytes, the views of src/proto/mailbox.h and data.h
 * dumped as one line of text, and a table-driven runner.
 */
#ifndef IMAPSH_TESTS_DUMP_DATA_H
#define IMAPSH_TESTS_DUMP_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "proto/parser.h"
#include "proto/response.h"
#include "util/buf.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Parses exactly one response from in (asserts it does; sink may be
 * NULL).  parse(): len 0 means strlen(in). */
struct imap_response *parse_with(const char *in, size_t len,
				 const struct imap_literal_sink *sink);
struct imap_response *parse(const char *in, size_t len);

/* Runs every view builder on r and appends the dump of each that answers
 * to b (" | " between); returns how many answered.  Checks the views'
 * invariants as it goes (ck_assert). */
int dump_views(struct buf *b, struct imap_response *r, bool utf8);

struct vcase {
	const char *wire;
	const char *expect;  /* NULL: no builder answers */
	bool utf8;
	size_t len;          /* 0: strlen(wire) */
};

/* A case: C(wire, expect); U(...) with UTF-8 names in effect; CL(wire,
 * expect, utf8, length) for wire bytes holding a NUL. */
#define C(w, e) { w, e, false, 0 }
#define U(w, e) { w, e, true, 0 }
#define CL(w, e, u, n) { w, e, u, n }

/* Each case must give exactly its expected dump (one builder answering). */
void run_cases(const struct vcase *cases, size_t n);

#endif
