/*
 * mime.h - decoding MIME header text for the typed views: RFC 2047
 * encoded words (ENVELOPE subject, display names) and RFC 2231 parameter
 * values (BODYSTRUCTURE file names), to UTF-8.
 *
 * Pure functions over bytes; the charset conversion is util/charset.h
 * (glibc iconv).  Never a silent substitution: what could not be decoded
 * is said in the returned flags, so a renderer can mark it.
 */
#ifndef IMAPSH_PROTO_MIME_H
#define IMAPSH_PROTO_MIME_H

#include <stddef.h>

#include "proto/response.h"
#include "proto/view.h"
#include "util/buf.h"

enum mime_flags {
	MIME_DECODED = 1 << 0,         /* at least one word (or an RFC 2231
	                                * value) was decoded */
	MIME_UNKNOWN_CHARSET = 1 << 1, /* a word in a charset iconv does not
	                                * know was kept verbatim (undecoded) */
	MIME_INVALID = 1 << 2,         /* bytes not valid in their charset
	                                * became U+FFFD; or a bad %XX escape in
	                                * an RFC 2231 value was kept as is */
	MIME_RAW_8BIT = 1 << 3,        /* text outside words (or an RFC 2231
	                                * value without charset) was not valid
	                                * UTF-8 and was copied as it is: out is
	                                * then not valid UTF-8, escape it */
	MIME_INCOMPLETE = 1 << 4,      /* RFC 2231 sections: one missing (the
	                                * value stops before it), a duplicate,
	                                * or a number past MIME_MAX_SECTIONS
	                                * (ignored) */
};

/* RFC 2231 continuations read at most (name*0 to name*99). */
#define MIME_MAX_SECTIONS 100

/*
 * Appends unstructured header text or a phrase (len bytes of s) to out,
 * decoded to UTF-8 (RFC 2047):
 * - =?charset?Q?...?= and =?charset?B?...?=, case-insensitive, with an
 *   RFC 2231 language ("=?US-ASCII*EN?Q?...?=") accepted and ignored;
 *   words are also found glued to other text ("Re:=?...?=", "(=?...?=)"),
 *   as mail clients do;
 * - whitespace between two decoded words is dropped (sec. 6.2); the
 *   bytes of adjacent words of the same charset are joined before
 *   conversion, so a character split across two words decodes;
 * - a malformed word (bad base64 or =XX, no "?=", a blank inside) is
 *   plain text; a word in an unknown charset is kept verbatim
 *   (MIME_UNKNOWN_CHARSET);
 * - plain text is copied, unfolded (a CRLF or LF before a blank is
 *   dropped, RFC 5322 sec. 2.2.3); if it is not valid UTF-8 it is copied
 *   as it is (MIME_RAW_8BIT).
 * Returns enum mime_flags bits (0: nothing decoded, all plain UTF-8).
 */
unsigned mime_decode_header(struct buf *out, const char *s, size_t len);

/* One parameter of a BODYSTRUCTURE part, as received: the texts may be
 * {NULL, 0, v} where the server sent NIL or a list. */
struct mime_param {
	struct imap_text name, value;
};

/*
 * Finds parameter name (case-insensitive) in params and appends its
 * value, decoded to UTF-8, to out.  In order of preference:
 * - "name*": charset'language'%XX-encoded (RFC 2231 sec. 4);
 * - "name*0", "name*1*", ...: continuations (sec. 3, 4.1) in any order
 *   in the list, joined by number from 0 up to the first missing one;
 *   only section 0 carries charset'language';
 * - "name": a plain value, which may hold RFC 2047 words (Outlook sends
 *   name="=?utf-8?B?...?="); continuations that are all plain are
 *   decoded that way too.
 * An extended value without a charset is copied (MIME_RAW_8BIT if it is
 * not UTF-8); with an unknown charset its text is kept verbatim.
 * Returns 1 if found (*flags_r gets enum mime_flags bits; flags_r may be
 * NULL), 0 if not (out unchanged, *flags_r 0).
 */
int mime_param_get(struct buf *out, const struct mime_param *params, size_t n,
		   const char *name, unsigned *flags_r);

/*
 * Builds the pairs of a BODYSTRUCTURE parameter list value
 * (("CHARSET" "UTF-8" "NAME" "a.txt")), allocated in r's arena, texts
 * pointing into the list.  An odd last item is ignored.  Returns 0 for a
 * LIST, for NIL and for list NULL (no parameters: *params_r NULL, *n_r
 * 0); -1 (also 0 pairs) for any other value, which the caller keeps raw.
 */
int mime_params_from_list(struct imap_response *r, const struct imap_value *list,
			  struct mime_param **params_r, size_t *n_r);

/* Quoted-printable body text (RFC 2045 sec. 6.7) decoded, appended to
 * out: "=XX" and soft line breaks ("=" CRLF, or "=" LF) undone; an "="
 * that starts neither stays as it is. */
void mime_qp_decode(struct buf *out, const char *s, size_t len);

#endif
