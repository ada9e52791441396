/*
 * cmd_append.c - the messages of append and replace as the user typed
 * them: one or more groups [FLAGS] [DATE] MESSAGE (MULTIAPPEND), flags
 * sent before the date, every line end made CRLF as imaplib does, NUL only
 * in a literal8 (BINARY), UTF-8 headers in the UTF8 form once UTF8=ACCEPT
 * is on, APPENDLIMIT checked before anything is sent.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cmd_ext.h"
#include "util/imapdate.h"

/*
 * RFC 9051 CHAR8 excludes NUL from every string, literals included: a
 * message with NUL can only go as a literal8 (RFC 3516 BINARY; Dovecot
 * takes a NUL in a plain {n} but gives it back as 0x80 in BODY[]).  Sets
 * *flags for the message argument, or refuses when the server does not
 * offer BINARY (with no session: no capability check).
 */
static int message_flags(struct builder *b, long long nul_at, unsigned *flags)
{
	*flags = 0;
	if (nul_at < 0)
		return 0;
	if (b->s && session_cap_check(b->s) && !session_offers(b->s, "BINARY"))
		return err_set(b->err, IMAP_ERR_ERROR,
			       "%s: the message has a NUL byte at offset %lld; IMAP allows NUL only "
			       "in a BINARY literal (RFC 3516) and this server does not offer BINARY",
			       b->cmdname, nul_at);
	*flags = IMAP_ARG_BINARY;
	return 0;
}

/* Does the header (up to the first empty line) hold 8-bit bytes? */
static bool header_8bit(const char *m, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++) {
		if ((unsigned char)m[i] >= 0x80)
			return true;
		if (m[i] == '\n' && i + 2 < len && m[i + 1] == '\r' && m[i + 2] == '\n')
			return false;
	}
	return false;
}

int bld_message(struct builder *b, const struct cmd_word *w)
{
	struct buf m = BUF_INIT;
	const char *nul;
	unsigned flags;
	size_t i;
	int rc;

	if (w->source) {
		if (message_flags(b, w->nul_at, &flags) ||
		    bld_arg(b, IMAP_ARG_LITERAL, flags, NULL, 0))
			return -1;
		b->c->args[b->n - 1].source = w->source;
		return 0;
	}
	if (!w->quoted && !w->from_file)
		return err_set(b->err, IMAP_ERR_ERROR,
			       "%s: the message must be @FILE or a quoted string", b->cmdname);
	/* As imaplib: every CR, LF and CRLF becomes CRLF. */
	buf_grow(&m, w->len + w->len / 32);
	for (i = 0; i < w->len; i++) {
		char ch = w->s[i];
		if (ch == '\r') {
			buf_add(&m, "\r\n", 2);
			if (i + 1 < w->len && w->s[i + 1] == '\n')
				i++;
		} else if (ch == '\n') {
			buf_add(&m, "\r\n", 2);
		} else {
			buf_addch(&m, ch);
		}
	}
	/* the offset as sent, after the conversion (as msgfile counts it) */
	nul = m.len ? memchr(m.buf, '\0', m.len) : NULL;
	if (message_flags(b, nul ? (long long)(nul - m.buf) : -1, &flags)) {
		buf_release(&m);
		return -1;
	}
	/* UTF8=ACCEPT enabled and UTF-8 in the header: APPEND's UTF8
	 * (~{n}) form (RFC 6855 sec. 4) */
	if (b->s && session_utf8_accept(b->s) && header_8bit(m.buf, m.len)) {
		if (bld_arg(b, IMAP_ARG_RAW, 0, "UTF8", 4)) {
			buf_release(&m);
			return -1;
		}
		flags |= IMAP_ARG_BINARY | IMAP_ARG_OPEN | IMAP_ARG_CLOSE;
	}
	rc = bld_stored(b, IMAP_ARG_LITERAL, flags, m.buf, m.len);
	buf_release(&m);
	return rc;
}

/* Is w the message of an append group (else a flag list or a date)?
 * @FILE always; a quoted word unless it reads as a date and is not last. */
static bool append_is_message(const struct cmd_word *w, bool last)
{
	struct buf d = BUF_INIT;
	struct imap_err e = IMAP_ERR_INIT;
	bool date;

	if (w->source || w->from_file || last)
		return true;
	if (!w->quoted)
		return false;
	date = imapdate_from_user(w->s, &d, &e) == 0;
	buf_release(&d);
	return !date;
}

/* APPENDLIMIT=N (RFC 7889): the largest message the server takes; 0: none said. */
static uint64_t append_limit(const struct session *s)
{
	const char *const *caps;
	size_t n = session_caps(s, &caps), i;

	for (i = 0; i < n; i++)
		if (!strncasecmp(caps[i], "APPENDLIMIT=", 12))
			return strtoull(caps[i] + 12, NULL, 10);
	return 0;
}

/* CATENATE's parts from w[i] on: how many words they take (pairs of TEXT
 * or URL and its value), 0 if w[i] does not start one. */
static size_t catenate_parts(const struct cmd_word *w, size_t i, size_t n)
{
	size_t j = i;

	while (j + 1 < n && (bld_word_is(&w[j], "TEXT") || bld_word_is(&w[j], "URL")))
		j += 2;
	return j - i;
}

/*
 * CATENATE (RFC 4469): the message put together by the server from parts,
 * TEXT @FILE|"text" (a literal) and URL "/MAILBOX;UIDVALIDITY=n/;UID=n/;
 * SECTION=..." (of a message it has), sent as CATENATE (TEXT {n} URL ...).
 * w[0] is the word CATENATE; *used: the words taken.
 */
static int catenate(struct builder *b, const struct cmd_word *w, size_t n, size_t *used)
{
	size_t k, parts = catenate_parts(w, 1, n);

	if (!parts)
		return err_set(b->err, IMAP_ERR_ERROR,
			       "append: CATENATE takes parts: TEXT @FILE|\"text\" and URL \"/MAILBOX;"
			       "UIDVALIDITY=N/;UID=N/;SECTION=PART\"");
	if (ext_need(b, "CATENATE", "CATENATE") || bld_arg(b, IMAP_ARG_RAW, 0, "CATENATE", 8))
		return -1;
	for (k = 1; k < 1 + parts; k += 2) {
		bool text = bld_word_is(&w[k], "TEXT");
		if (bld_arg(b, IMAP_ARG_RAW, k == 1 ? IMAP_ARG_OPEN : 0, text ? "TEXT" : "URL",
			    text ? 4 : 3))
			return -1;
		if (text ? bld_message(b, &w[k + 1])
			 : w[k + 1].source ? err_set(b->err, IMAP_ERR_ERROR, "append: a URL is a word, not @FILE")
					   : bld_arg(b, IMAP_ARG_STRING, 0, w[k + 1].s, w[k + 1].len))
			return -1;
	}
	b->c->args[b->n - 1].flags |= IMAP_ARG_CLOSE;
	*used = 1 + parts;
	return 0;
}

/*
 * MAILBOX, then one or more groups [FLAGS] [DATE] MESSAGE, each sent flags
 * first as the grammar wants whatever order they were typed in; more than
 * one message is MULTIAPPEND (RFC 3502).  A message larger than the
 * server's APPENDLIMIT is refused before anything is sent.
 */
int cmd_build_append(struct builder *b, const struct cmd_word *w, size_t n)
{
	const struct cmd_word *flags = NULL, *date = NULL;
	uint64_t limit = b->s && session_cap_check(b->s) ? append_limit(b->s) : 0;
	size_t i, messages = 0;

	for (i = 1; i < n; i++) {
		if (bld_word_is(&w[i], "CATENATE")) {
			messages++;
			i += catenate_parts(w, i + 1, n);
		} else if (append_is_message(&w[i], i + 1 == n)) {
			messages++;
		}
	}
	if (messages > 1 && ext_need(b, "MULTIAPPEND", "several messages"))
		return -1;
	if (bld_mailbox(b, &w[0]))
		return -1;
	for (i = 1; i < n; i++) {
		uint64_t size;
		if (bld_word_is(&w[i], "CATENATE")) {
			size_t used = 1;
			if ((flags && bld_word(b, CA_FLAGS, flags)) || (date && bld_word(b, CA_DATE, date)) ||
			    catenate(b, &w[i], n - i, &used))
				return -1;
			flags = date = NULL;
			i += used - 1;
			continue;
		}
		if (!append_is_message(&w[i], i + 1 == n)) {
			bool is_flags = !w[i].quoted && w[i].len &&
					(w[i].s[0] == '(' || w[i].s[0] == '\\' || w[i].s[0] == '$');
			const struct cmd_word **slot = is_flags ? &flags : &date;
			if (bld_word_is_none(&w[i]))
				continue;
			if (*slot)
				return err_set(b->err, IMAP_ERR_ERROR,
					       "append: two %s for one message (a message is @FILE or a "
					       "quoted string)", is_flags ? "flag lists" : "dates");
			*slot = &w[i];
			continue;
		}
		size = w[i].source ? w[i].source->size : w[i].len;
		if (limit && size > limit)
			return err_set(b->err, IMAP_ERR_ERROR,
				       "append: the message is %" PRIu64 " bytes; the server takes at most "
				       "%" PRIu64 " (APPENDLIMIT)", size, limit);
		if ((flags && bld_word(b, CA_FLAGS, flags)) || (date && bld_word(b, CA_DATE, date)) ||
		    bld_message(b, &w[i]))
			return -1;
		flags = date = NULL;
	}
	if (flags || date)
		return err_set(b->err, IMAP_ERR_ERROR, "append: flags or a date without a message after them");
	return 0;
}

/* REPLACE (RFC 8508): one message number (or UID), then as append with
 * one message. */
int cmd_build_replace(struct builder *b, const struct cmd_word *w, size_t n)
{
	/* REPLACE (RFC 8508): one message number (or UID), then as append
	 * with one message */
	size_t k, messages = 0;
	if (!bld_is_seqset(w[0].s, w[0].len) || memchr(w[0].s, ':', w[0].len) ||
	    memchr(w[0].s, ',', w[0].len) || memchr(w[0].s, '*', w[0].len) ||
	    memchr(w[0].s, '$', w[0].len))
		return err_set(b->err, IMAP_ERR_ERROR,
			       "%s: \"%.*s\" is not one message number", b->cmdname,
			       (int)(w[0].len > 40 ? 40 : w[0].len), w[0].s);
	for (k = 2; k < n; k++)
		if (append_is_message(&w[k], k + 1 == n))
			messages++;
	if (messages != 1)
		return err_set(b->err, IMAP_ERR_ERROR, "%s: replaces with one message", b->cmdname);
	if (bld_word(b, CA_NZNUMBER, &w[0]))
		return -1;
	return cmd_build_append(b, w + 1, n - 1);
}
