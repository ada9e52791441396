/*
 * parser.c - incremental, sans-I/O IMAP response parser (RFC 9051 sec. 7, 9).
 *
 * A state machine that builds the response tree as bytes arrive, so
 * feeding one byte at a time costs the same as feeding a whole response:
 * nothing is ever rescanned, except the resp-text of a status response,
 * parsed once when its line is complete.  Runs of plain bytes (inside an
 * atom, a quoted string, resp-text, spaces between values) are skipped in
 * one tight loop over a class table; only the bytes that change the state
 * go through the per-byte functions.
 *
 * Buffers: `in` holds the fed bytes.  A response is parsed where it lies
 * in `in` (from rstart; feed() keeps those bytes when it compacts) until
 * its first literal with data; from then on its bytes are copied to `cur`
 * a line at a time, literal data in bulk (kept literal data that arrives
 * while nothing else is buffered goes straight to cur: feed_space() hands
 * out room there, so a read() lands in place), sunk literal data
 * excepted.  Either way the response's bytes so far are one
 * contiguous run (resp_bytes()) that becomes raw.  Tokens are remembered
 * as offsets into it and copied into the response's arena when they end.
 *
 * Leniency (real servers): a bare LF ends a line; values may follow each
 * other without a space ("(2)(3 4)" in THREAD) or with several; atoms take
 * any byte but SP ( ) { " CR LF, and a '[' in an atom runs to its matching
 * ']' (BODY[HEADER.FIELDS (FROM TO)]<0> is one atom).  Never lenient where
 * it could shift the framing: a literal header must end its line, CR/LF
 * never enter a quoted string, and {n+} from a server is refused.
 */
#include "proto/parser.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_LINE ((size_t)1 << 20)
#define DEFAULT_MAX_DEPTH ((size_t)64)
#define DEFAULT_MAX_ITEMS ((size_t)1000000)
#define DEFAULT_MAX_LITERAL_MEM ((uint64_t)64 << 20)
/* max_mem: this many times max_line (see "memory") */
#define DEFAULT_MEM_PER_LINE ((size_t)24)

/* number64 (RFC 9051 sec. 9): literal sizes go up to 2^63-1 */
#define NUMBER64_MAX ((uint64_t)INT64_MAX)

/* A line end, given to the state machine as one event. */
#define EV_EOL 256

/* cur is kept between responses up to this size */
#define CUR_KEEP_MAX ((size_t)1 << 20)
/* raw takes over cur's memory from this size on, else it is copied */
#define RAW_ADOPT_MIN ((size_t)16384)

/* Bytes of context shown in a syntax error message. */
#define ERR_CONTEXT 60

enum pstate {
	P_START,      /* first byte of a response */
	P_TAG,        /* in the tag */
	P_TAG_SP,     /* spaces after the tag */
	P_STATUS,     /* the status word of a tagged response */
	P_STAR,       /* after '*' */
	P_WORD1_SP,   /* spaces after '*' */
	P_WORD1,      /* number or name after '*' */
	P_NAME_SP,    /* spaces after the number */
	P_NAME,       /* name after the number */
	P_CONT,       /* after '+' */
	P_TEXT,       /* resp-text up to the line end */
	V_BETWEEN,    /* between values */
	V_ATOM,       /* in an atom (or number, NIL) */
	V_QUOTED,     /* in a quoted string */
	V_QUOTED_ESC, /* after a backslash in a quoted string */
	V_LIT_SIZE,   /* after '{' */
	V_LIT_END,    /* after '}': the line must end */
	V_LIT_DATA,   /* literal bytes */
};

/* An open list: its values so far. frames[0] is the response's data (or
 * the response code's arguments). */
struct frame {
	struct imap_value *items;
	size_t count;
	size_t alloc;
};

struct imap_parser {
	struct imap_parser_limits lim;
	struct imap_literal_sink sink;
	bool has_sink;

	struct buf in;           /* fed bytes; scanned up to in_pos */
	size_t in_pos;
	struct buf cur;          /* the current response as received, once in_cur */
	bool in_cur;             /* the response's bytes are in cur, else in `in` from rstart */
	size_t rstart;           /* !in_cur: offset in `in` of the response's first byte */
	size_t consumed;         /* input bytes of the current response, sunk ones too */
	size_t space_room;       /* room handed out by feed_space(), until commit() */
	bool space_cur;          /* ... at the end of cur, else at the end of `in` */

	bool failed;
	struct imap_err err;

	struct imap_response *resp; /* being built, NULL before its first byte */
	enum pstate st;
	bool code_mode;          /* scanning the arguments of a [response code] */
	bool cr_pending;         /* a CR was seen, the line end needs its LF */
	bool quoted_esc;         /* the quoted string being read has a backslash */
	size_t tok_start;        /* offset in the response where the current token began */
	size_t after;            /* offset just after the byte being handled */
	size_t eol_off;          /* offset of the line end that ended the response */

	/* Token strings: the bytes [line_from, line_to) of the response (a
	 * run ending with a LF, scanned in one go) are copied into the arena
	 * once, as shadow, the first time a token inside them ends; tokens
	 * there point into the shadow, a NUL written over the byte that ended
	 * them.  Other tokens get a copy of their own. */
	size_t line_from, line_to;
	char *shadow;            /* NULL until made */
	size_t bracket;          /* '[' depth inside an atom */
	size_t line_bytes;       /* bytes outside literals */
	size_t nitems;
	bool mem_failed;         /* the error set is mem_error()'s */
	size_t text_start;

	struct frame *frames;
	size_t depth;            /* open lists: frames[1..depth] */
	size_t frames_alloc;

	/* the literal being read */
	uint64_t lit_size;
	uint64_t lit_left;
	unsigned lit_digits;
	bool lit_big;            /* the size has gone past NUMBER64_MAX */
	bool lit8;
	bool lit_sunk;
	bool lit_in_atom;        /* inside a section-spec: part of the atom */
	void *lit_handle;        /* sink handle while sunk, else NULL */
	uint64_t sink_serial;    /* literals offered to the sink so far */
	struct imap_literal_sink lit_sink; /* the sink that took it */
	size_t lit_start;        /* kept: offset of the data in the response */
	uint64_t kept_total;     /* literal bytes kept in memory for this response */
};

/* The current response's bytes so far (sunk literal data left out), and
 * how many bytes are readable there. */
static inline const char *resp_bytes(const struct imap_parser *p)
{
	return p->in_cur ? p->cur.buf : p->in.buf + p->rstart;
}

static inline size_t resp_avail(const struct imap_parser *p)
{
	return p->in_cur ? p->cur.len : p->in.len - p->rstart;
}

/* ------------------------------------------------------------------ */
/* errors */

static const char *fmt_byte(char *tmp, size_t n, int c)
{
	if (c == EV_EOL)
		snprintf(tmp, n, "end of line");
	else if (c >= 0x21 && c < 0x7f && c != '\'')
		snprintf(tmp, n, "'%c'", c);
	else if (c == ' ')
		snprintf(tmp, n, "space");
	else
		snprintf(tmp, n, "byte 0x%02x", (unsigned)c);
	return tmp;
}

static int syntax_error(struct imap_parser *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A syntax error naming the byte c: "<before><c><after>".  Out of line
 * so that the hot functions need no buffer on their stack. */
static int __attribute__((noinline, cold))
byte_error(struct imap_parser *p, size_t off, const char *before, int c, const char *after)
{
	char tmp[32];
	return syntax_error(p, off, "%s%s%s", before, fmt_byte(tmp, sizeof(tmp), c), after);
}

/* A syntax error at offset off of the response: says what, where (1-based
 * byte of the response) and shows the bytes before it. */
static int syntax_error(struct imap_parser *p, size_t off, const char *fmt, ...)
{
	char what[256];
	struct buf ctx = BUF_INIT;
	const char *s;
	size_t end, start;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	s = resp_bytes(p);
	end = off + 1 <= resp_avail(p) ? off + 1 : resp_avail(p);
	if (end > off && (s[off] == '\r' || s[off] == '\n'))
		end = off; /* the line end itself says nothing */
	start = end > ERR_CONTEXT ? end - ERR_CONTEXT : 0;
	if (start)
		buf_adds(&ctx, "...");
	buf_add_escaped(&ctx, s + start, end - start);
	err_set(&p->err, IMAP_ERR_ABORT, "%s at byte %zu of the response \"%s\"",
		what, off + 1, ctx.buf);
	buf_release(&ctx);
	return -1;
}

/* ------------------------------------------------------------------ */
/* building values */

static bool is_digits(const char *s, size_t len)
{
	size_t i;
	if (!len)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Digits only, and the value fits: *r set, true. */
static bool parse_u64(const char *s, size_t len, uint64_t *r)
{
	uint64_t v = 0;
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned)((unsigned char)s[i] - '0');
		if (d > 9)
			return false;
		/* 19 digits always fit; beyond, check before each step */
		if (i >= 19 && v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*r = v;
	return true;
}

static char *dup_upper(struct imap_response *r, const char *s, size_t len)
{
	char *u = imap_response_strdup(r, s, len);
	size_t i;
	for (i = 0; i < len; i++)
		if (u[i] >= 'a' && u[i] <= 'z')
			u[i] = (char)(u[i] - 'a' + 'A');
	return u;
}

/* Copies the bytes [line_from, line_to) into the arena (not inlined: once
 * per line at most). */
static void __attribute__((noinline)) make_shadow(struct imap_parser *p)
{
	p->shadow = imap_response_memdup(p->resp, resp_bytes(p) + p->line_from,
					 p->line_to - p->line_from);
}

/* The bytes of the token [tok_start, end) as a NUL-terminated string in the
 * response's arena; the caller may change the bytes (not the length).
 * end is the offset of the byte that ended the token. */
static inline char *token_copy(struct imap_parser *p, size_t end)
{
	if (p->tok_start >= p->line_from && end < p->line_to) {
		if (!p->shadow)
			make_shadow(p);
		p->shadow[end - p->line_from] = '\0';
		return p->shadow + (p->tok_start - p->line_from);
	}
	return imap_response_strdup(p->resp, resp_bytes(p) + p->tok_start, end - p->tok_start);
}

/* ------------------------------------------------------------------ */
/* memory
 *
 * What a response holds apart from literal data is bounded by max_mem.
 * It is counted, not measured, so that the outcome never depends on how
 * the input was cut into pieces: VALUE_COST bytes a value (its struct,
 * with room for a string's NUL and the arena's rounding) and BYTE_COST
 * bytes a byte of the response outside literals (one copy for the token
 * strings, one for raw, one for text, code or names).  That is what the
 * arena ends up holding, give or take its blocks' unused tails
 * (imap_response_mem() measures it).  Checked at each value, with the
 * bytes before it, and once more at the line end that completes the
 * response: the error comes at the same value or line end however the
 * bytes arrived, before the memory is taken.
 *
 * Why 24 x max_line: the densest responses servers send need about 21 x
 * their size so counted: THREAD "(1)(2)...(144888)" in 1 MiB is 2 values
 * every 7.2 bytes, 17.7 + 3 bytes a byte (the arena measures 18.6 x);
 * "* SEARCH 1 2 3 ..." is 12 x, an ENVELOPE's runs of NIL 19 x.  One-byte
 * values ("* SEARCH 1 1 1 ...", "* X a a a ...", "()()()") are 35 x: such
 * a line fails at about two thirds of max_line, where a 1 MB one used to
 * keep 34 MB (and take 67 MB while its list was copied).  So every
 * legitimate response up to max_line fits, and none takes much more than
 * 24 MiB with the default max_line.
 */
#define VALUE_COST ((uint64_t)sizeof(struct imap_value) + 8)
#define BYTE_COST ((uint64_t)3)

static int __attribute__((noinline, cold)) mem_error(struct imap_parser *p)
{
	size_t m = p->lim.max_mem;

	p->mem_failed = true;
	if (m >= ((size_t)1 << 20) && m % ((size_t)1 << 20) == 0)
		return err_set(&p->err, IMAP_ERR_ABORT,
			       "server response needs more than %zu MiB of memory", m >> 20);
	return err_set(&p->err, IMAP_ERR_ABORT,
		       "server response needs more than %zu bytes of memory", m);
}

/* -1 (error set) if nitems values and the response's bytes before off
 * (an offset in resp_bytes(), never inside literal data) need more than
 * max_mem. */
static inline int mem_check(struct imap_parser *p, uint64_t nitems, size_t off)
{
	uint64_t bytes = off > p->kept_total ? off - p->kept_total : 0;
	uint64_t need = nitems * VALUE_COST + BYTE_COST * bytes;

	if (need > p->lim.max_mem)
		return mem_error(p);
	return 0;
}

static int __attribute__((noinline, cold)) items_error(struct imap_parser *p)
{
	return err_set(&p->err, IMAP_ERR_ABORT,
		       "server response has more than %zu values", p->lim.max_items);
}

/* A value starts at offset off of the response. */
static inline int count_item(struct imap_parser *p, size_t off)
{
	if (p->nitems >= p->lim.max_items)
		return items_error(p);
	p->nitems++;
	return mem_check(p, p->nitems, off);
}

/* A new zeroed value at the end of the innermost open list. */
static struct imap_value *push_slot(struct imap_parser *p)
{
	struct frame *f = &p->frames[p->depth];
	struct imap_value *v;

	if (f->count == f->alloc)
		xgrow((void **)&f->items, &f->alloc, f->count + 1, sizeof(*f->items));
	v = &f->items[f->count++];
	memset(v, 0, sizeof(*v));
	return v;
}

/* The frame's values as a LIST value in the arena; empties the frame.  A
 * big array is handed over rather than copied, so a long list is not
 * held twice at the end. */
static void frame_to_list(struct imap_parser *p, struct frame *f, struct imap_value *v)
{
	size_t size = f->count * sizeof(*f->items);

	memset(v, 0, sizeof(*v));
	v->type = IMAP_VALUE_LIST;
	v->count = f->count;
	if (size >= RAW_ADOPT_MIN) {
		v->items = f->count < f->alloc ? xrealloc(f->items, size) : f->items;
		imap_response_adopt(p->resp, v->items, size);
		f->items = NULL;
		f->alloc = 0;
	} else if (f->count) {
		v->items = imap_response_memdup(p->resp, f->items, size);
	}
	f->count = 0;
}

static int open_list(struct imap_parser *p, size_t off)
{
	if (p->depth >= p->lim.max_depth)
		return err_set(&p->err, IMAP_ERR_ABORT,
			       "server response nests parentheses deeper than %zu levels",
			       p->lim.max_depth);
	if (count_item(p, off) < 0)
		return -1;
	if (p->depth + 1 >= p->frames_alloc) {
		size_t old = p->frames_alloc;
		xgrow((void **)&p->frames, &p->frames_alloc, p->depth + 2, sizeof(*p->frames));
		memset(p->frames + old, 0, (p->frames_alloc - old) * sizeof(*p->frames));
	}
	p->depth++;
	p->frames[p->depth].count = 0;
	return 0;
}

static void close_list(struct imap_parser *p)
{
	struct frame *f = &p->frames[p->depth];

	p->depth--;
	frame_to_list(p, f, push_slot(p));
}

/* Atom, number or NIL from the response's bytes [tok_start, end). */
static void finish_atom(struct imap_parser *p, size_t end)
{
	const char *s = resp_bytes(p) + p->tok_start;
	size_t len = end - p->tok_start;
	struct imap_value *v = push_slot(p);

	if (len == 3 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'i' && (s[2] | 0x20) == 'l') {
		v->type = IMAP_VALUE_NIL;
		return;
	}
	v->type = parse_u64(s, len, &v->num) ? IMAP_VALUE_NUMBER : IMAP_VALUE_ATOM;
	v->str = token_copy(p, end);
	v->len = len;
}

/* Quoted string from the response's bytes [tok_start, end): \" and \\
 * unescaped; any other backslash pair is kept as it came. */
static void finish_quoted(struct imap_parser *p, size_t end)
{
	size_t len = end - p->tok_start, n = len;
	char *d = token_copy(p, end);
	char *bs = p->quoted_esc ? memchr(d, '\\', len) : NULL;
	struct imap_value *v;

	if (bs) {
		/* unescape in place: the write index never passes the read one */
		size_t i;
		n = (size_t)(bs - d);
		for (i = n; i < len; i++) {
			if (d[i] == '\\' && i + 1 < len && (d[i + 1] == '"' || d[i + 1] == '\\'))
				i++;
			d[n++] = d[i];
		}
		d[n] = '\0';
	}
	v = push_slot(p);
	v->type = IMAP_VALUE_QUOTED;
	v->str = d;
	v->len = n;
}

/* ------------------------------------------------------------------ */
/* literals */

static void literal_abort(struct imap_parser *p)
{
	if (p->lit_handle && p->lit_sink.abort)
		p->lit_sink.abort(p->lit_sink.ctx, p->lit_handle);
	p->lit_handle = NULL;
}

static int sink_error(struct imap_parser *p, struct imap_err *serr)
{
	if (serr->msg[0])
		err_set(&p->err, IMAP_ERR_ABORT, "%s", serr->msg);
	else
		err_set(&p->err, IMAP_ERR_ABORT, "the literal sink failed on a literal of %" PRIu64 " bytes",
			p->lit_size);
	return -1;
}

static int literal_done(struct imap_parser *p)
{
	struct imap_value v;

	if (p->lit_in_atom) {
		/* the atom goes on after the literal (its copy holds the data) */
		p->lit_in_atom = false;
		p->st = V_ATOM;
		return 0;
	}
	memset(&v, 0, sizeof(v));
	v.type = IMAP_VALUE_LITERAL;
	v.literal_size = p->lit_size;
	v.literal8 = p->lit8;
	if (p->lit_sunk) {
		struct imap_err serr = IMAP_ERR_INIT;
		void *h = p->lit_handle;
		p->lit_handle = NULL;
		v.sunk = true;
		v.num = p->sink_serial; /* which one: the sink was told at begin() */
		if (p->lit_sink.end && p->lit_sink.end(p->lit_sink.ctx, h, &serr))
			return sink_error(p, &serr);
	} else {
		v.len = (size_t)p->lit_size;
		v.str = imap_response_strdup(p->resp, resp_bytes(p) + p->lit_start, v.len);
	}
	*push_slot(p) = v;
	p->st = V_BETWEEN;
	return 0;
}

/* The line of a literal header ended: sink the literal or keep it. */
static int literal_start(struct imap_parser *p)
{
	p->lit_sunk = false;
	p->lit_handle = NULL;
	if (p->has_sink && p->sink.begin && p->lit_size >= p->sink.threshold && !p->lit_in_atom) {
		struct imap_literal_info info;
		struct frame *f = &p->frames[p->depth];
		const struct imap_value *prev = f->count ? &f->items[f->count - 1] : NULL;

		info.size = p->lit_size;
		info.literal8 = p->lit8;
		info.resp_name = p->resp->name;
		info.has_number = p->resp->has_number;
		info.number = p->resp->number;
		info.key = "";
		if (prev && (prev->type == IMAP_VALUE_ATOM || prev->type == IMAP_VALUE_NUMBER ||
			     prev->type == IMAP_VALUE_QUOTED))
			info.key = prev->str;
		info.serial = ++p->sink_serial;
		p->lit_handle = p->sink.begin(p->sink.ctx, &info);
		if (p->lit_handle) {
			p->lit_sunk = true;
			p->lit_sink = p->sink;
		}
	}
	if (!p->lit_sunk) {
		uint64_t max = p->lim.max_literal_mem;
		if (p->lit_size > max || p->lit_size > SIZE_MAX / 2)
			return err_set(&p->err, IMAP_ERR_ABORT,
				       "server response has a literal of %" PRIu64
				       " bytes, more than the %" PRIu64 " bytes kept in memory",
				       p->lit_size, max);
		if (p->lit_size > max - p->kept_total)
			return err_set(&p->err, IMAP_ERR_ABORT,
				       "server response's literals add up to more than the %" PRIu64
				       " bytes kept in memory", max);
		p->kept_total += p->lit_size;
		p->lit_start = p->after;
	}
	p->lit_left = p->lit_size;
	p->st = V_LIT_DATA;
	if (!p->lit_left)
		return literal_done(p);
	return 0;
}

/* Literal bytes from the input, in bulk (in_cur is set). */
static int literal_data(struct imap_parser *p)
{
	size_t avail = p->in.len - p->in_pos;
	size_t n = p->lit_left < avail ? (size_t)p->lit_left : avail;
	const char *d = p->in.buf + p->in_pos;

	if (p->lit_sunk) {
		struct imap_err serr = IMAP_ERR_INIT;
		if (p->lit_sink.data && p->lit_sink.data(p->lit_sink.ctx, p->lit_handle, d, n, &serr))
			return sink_error(p, &serr);
	} else {
		buf_add(&p->cur, d, n);
	}
	p->in_pos += n;
	p->consumed += n;
	p->lit_left -= n;
	if (!p->lit_left)
		return literal_done(p);
	return 0;
}

/* ------------------------------------------------------------------ */
/* values: the state machine for everything after the response name,
 * also run over a response code's arguments (code_mode). */

static int between(struct imap_parser *p, int c, size_t off);

/*
 * literal         = "{" number64 ["+"] "}" CRLF *CHAR8
 * number64        = 1*DIGIT  ; Unsigned 63-bit integer (0 <= n <= 9,223,372,036,854,775,807)
 * A bigger size is an error at once, before any data: the rest of the
 * session would be taken as literal data.  digits are the size's digits
 * (at most max_line of them); off where the error is reported.
 */
static int __attribute__((noinline, cold))
literal_size_error(struct imap_parser *p, size_t off, const char *digits, size_t n)
{
	if (n > 40)
		return syntax_error(p, off, "literal size %.20s... (%zu digits) is out of range (0 to %" PRIu64 ")",
				    digits, n, NUMBER64_MAX);
	return syntax_error(p, off, "literal size %.*s is out of range (0 to %" PRIu64 ")",
			    (int)n, digits, NUMBER64_MAX);
}

/*
 * header-list     = "(" header-fld-name *(SP header-fld-name) ")"
 * header-fld-name = astring
 * A section-spec may hold a literal: "BODY[HEADER.FIELDS ({4}CRLF
 * FROM)]".  At a line end inside '[', a "{n}" just before it starts a
 * literal that becomes part of the atom (1), else 0; -1 for {n+}.
 */
static int bracket_literal(struct imap_parser *p, size_t off)
{
	const char *s = resp_bytes(p);
	size_t i = off, digits;
	bool plus = false;

	if (i <= p->tok_start || s[i - 1] != '}')
		return 0;
	i--;
	if (i > p->tok_start && s[i - 1] == '+') {
		plus = true;
		i--;
	}
	for (digits = 0; i > p->tok_start && s[i - 1] >= '0' && s[i - 1] <= '9'; i--)
		digits++;
	if (!digits || i <= p->tok_start || s[i - 1] != '{')
		return 0;
	if (!parse_u64(s + i, digits, &p->lit_size) || p->lit_size > NUMBER64_MAX)
		return literal_size_error(p, off, s + i, digits);
	if (plus)
		return syntax_error(p, off - 2, "non-synchronizing literal {%" PRIu64
				    "+} from the server", p->lit_size);
	p->lit8 = false;
	p->lit_in_atom = true;
	return 1;
}

/*
 * atom            = 1*ATOM-CHAR
 * ATOM-CHAR       = <any CHAR except atom-specials>
 * atom-specials   = "(" / ")" / "{" / SP / CTL / list-wildcards /
 *                   quoted-specials / resp-specials
 * Leniently: any byte but SP ( ) { " and the line end ends an atom (and
 * ']' in a response code); '[' runs to its matching ']' as in
 * section-spec: "BODY[HEADER.FIELDS (FROM TO)]<0>".
 */
static int atom_byte(struct imap_parser *p, int c, size_t off)
{
	if (p->bracket) {
		if (c == EV_EOL) {
			int rc = bracket_literal(p, off);
			if (rc)
				return rc < 0 ? -1 : literal_start(p);
			/* an unclosed '[': end the atom with the line */
			finish_atom(p, off);
			p->st = V_BETWEEN;
			return between(p, c, off);
		}
		if (c == '[')
			p->bracket++;
		else if (c == ']')
			p->bracket--;
		return 0;
	}
	switch (c) {
	case '{':
		if (off - p->tok_start == 1 && resp_bytes(p)[p->tok_start] == '~') {
			/* ~{n}: literal8 (RFC 3516) */
			if (p->code_mode)
				return syntax_error(p, off, "literal in a response code");
			p->st = V_LIT_SIZE;
			p->lit8 = true;
			p->lit_size = 0;
			p->lit_digits = 0;
			p->lit_big = false;
			p->tok_start = off + 1;
			return 0;
		}
		/* fall through */
	case ' ': case '(': case ')': case '"': case EV_EOL:
		finish_atom(p, off);
		p->st = V_BETWEEN;
		return between(p, c, off);
	case ']':
		if (p->code_mode) {
			finish_atom(p, off);
			p->st = V_BETWEEN;
			return between(p, c, off);
		}
		return 0;
	case '[':
		p->bracket = 1;
		return 0;
	default:
		return 0;
	}
}

static int between(struct imap_parser *p, int c, size_t off)
{
	switch (c) {
	case EV_EOL:
		if (p->depth)
			return syntax_error(p, off, "line ended inside %zu unclosed '('", p->depth);
		return 1;
	case ' ':
		return 0;
	case '(':
		return open_list(p, off);
	case ')':
		if (!p->depth)
			return syntax_error(p, off, "unexpected ')'");
		close_list(p);
		return 0;
	case '"':
		if (count_item(p, off) < 0)
			return -1;
		p->tok_start = off + 1;
		p->quoted_esc = false;
		p->st = V_QUOTED;
		return 0;
	case '{':
		if (p->code_mode)
			return syntax_error(p, off, "literal in a response code");
		if (count_item(p, off) < 0)
			return -1;
		p->st = V_LIT_SIZE;
		p->lit8 = false;
		p->lit_size = 0;
		p->lit_digits = 0;
		p->lit_big = false;
		p->tok_start = off + 1;
		return 0;
	case ']':
		if (p->code_mode) {
			if (p->depth)
				return byte_error(p, off, "unexpected ", c, "");
			return 2; /* end of the response code */
		}
		break;
	default:
		break;
	}
	if (count_item(p, off) < 0)
		return -1;
	p->tok_start = off;
	p->bracket = c == '[';
	p->st = V_ATOM;
	return 0;
}

/*
 * quoted          = DQUOTE *QUOTED-CHAR DQUOTE
 * QUOTED-CHAR     = <any TEXT-CHAR except quoted-specials> /
 *                   "\" quoted-specials / UTF8-2 / UTF8-3 / UTF8-4
 * literal         = "{" number64 ["+"] "}" CRLF *CHAR8
 * literal8        = "~{" number64 "}" CRLF *OCTET
 * ("+" is for clients only: refused from a server.)  The digits of a size
 * are [tok_start, off).
 */
static int value_byte(struct imap_parser *p, int c, size_t off)
{
	switch (p->st) {
	case V_BETWEEN:
		return between(p, c, off);
	case V_ATOM:
		return atom_byte(p, c, off);
	case V_QUOTED:
	case V_QUOTED_ESC:
		if (c == '\r' || c == '\n' || c == EV_EOL)
			return syntax_error(p, off, "line break inside a quoted string");
		if (c == '\0')
			return syntax_error(p, off, "NUL byte inside a quoted string");
		if (p->st == V_QUOTED_ESC)
			p->st = V_QUOTED;
		else if (c == '\\') {
			p->st = V_QUOTED_ESC;
			p->quoted_esc = true;
		}
		else if (c == '"') {
			finish_quoted(p, off);
			p->st = V_BETWEEN;
		}
		return 0;
	case V_LIT_SIZE:
		if (c >= '0' && c <= '9') {
			unsigned d = (unsigned)(c - '0');
			/* too big: the digits are read on, for the message */
			if (!p->lit_big && p->lit_size > (NUMBER64_MAX - d) / 10)
				p->lit_big = true;
			if (!p->lit_big)
				p->lit_size = p->lit_size * 10 + d;
			p->lit_digits++;
			return 0;
		}
		if (p->lit_big)
			return literal_size_error(p, off, resp_bytes(p) + p->tok_start, off - p->tok_start);
		if (c == '}' && p->lit_digits) {
			p->st = V_LIT_END;
			return 0;
		}
		if (c == '+' && p->lit_digits)
			return syntax_error(p, off, "non-synchronizing literal {%" PRIu64
					    "+} from the server", p->lit_size);
		return byte_error(p, off, "unexpected ", c, " in a literal size");
	case V_LIT_END:
		if (c != EV_EOL)
			return syntax_error(p, off, "literal header {%" PRIu64
					    "} not followed by end of line", p->lit_size);
		return literal_start(p);
	default:
		return syntax_error(p, off, "internal parser state %d", (int)p->st);
	}
}

/* ------------------------------------------------------------------ */
/* response heads and resp-text */

/*
 * response-data   = "*" SP (resp-cond-state / resp-cond-bye /
 *                   mailbox-data / message-data / capability-data /
 *                   enable-data) CRLF
 * message-data    = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att))
 * response-tagged = tag SP resp-cond-state CRLF
 * continue-req    = "+" [SP (resp-text / base64)] CRLF
 * A name ends where a value could start.
 */
static bool is_name_end(int c)
{
	return c == ' ' || c == EV_EOL || c == '(' || c == ')' || c == '[' ||
	       c == '"' || c == '{';
}

static enum imap_status status_of(const char *w)
{
	if (!strcmp(w, "OK")) return IMAP_STATUS_OK;
	if (!strcmp(w, "NO")) return IMAP_STATUS_NO;
	if (!strcmp(w, "BAD")) return IMAP_STATUS_BAD;
	if (!strcmp(w, "PREAUTH")) return IMAP_STATUS_PREAUTH;
	if (!strcmp(w, "BYE")) return IMAP_STATUS_BYE;
	return IMAP_STATUS_NONE;
}

/* After a status word or '+': c is the byte that ended it. */
static int start_text(struct imap_parser *p, int c, size_t off)
{
	if (c == EV_EOL) {
		p->text_start = off;
		p->st = P_TEXT;
		return 1;
	}
	p->text_start = c == ' ' ? off + 1 : off;
	p->st = P_TEXT;
	return 0;
}

static int name_done(struct imap_parser *p, int c, size_t off)
{
	struct imap_response *r = p->resp;
	size_t len = off - p->tok_start;

	if (!len)
		return syntax_error(p, off, "untagged response without a name");
	r->name = dup_upper(r, resp_bytes(p) + p->tok_start, len);
	if (!r->has_number) {
		r->status = status_of(r->name);
		if (r->status != IMAP_STATUS_NONE)
			return start_text(p, c, off);
	}
	p->st = V_BETWEEN;
	return between(p, c, off);
}

static int head_byte(struct imap_parser *p, int c, size_t off)
{
	struct imap_response *r = p->resp;
	switch (p->st) {
	case P_START:
		if (c == EV_EOL)
			return syntax_error(p, off, "empty line instead of a response");
		if (c == ' ')
			return syntax_error(p, off, "response starts with a space");
		if (c == '*') {
			r = p->resp = imap_response_new(IMAP_RESP_UNTAGGED);
			p->st = P_STAR;
		} else if (c == '+') {
			r = p->resp = imap_response_new(IMAP_RESP_CONTINUATION);
			p->st = P_CONT;
		} else {
			r = p->resp = imap_response_new(IMAP_RESP_TAGGED);
			p->tok_start = off;
			p->st = P_TAG;
		}
		return 0;
	case P_TAG:
		if (c == EV_EOL)
			return syntax_error(p, off, "tagged response without a status");
		if (c == ' ') {
			r->tag = imap_response_strdup(r, resp_bytes(p) + p->tok_start, off - p->tok_start);
			p->st = P_TAG_SP;
		}
		return 0;
	case P_TAG_SP:
		if (c == EV_EOL)
			return syntax_error(p, off, "tagged response without a status");
		if (c == ' ')
			return 0;
		p->tok_start = off;
		p->st = P_STATUS;
		/* fall through */
	case P_STATUS:
		if (c != ' ' && c != '[' && c != EV_EOL)
			return 0;
		r->name = dup_upper(r, resp_bytes(p) + p->tok_start, off - p->tok_start);
		r->status = status_of(r->name);
		if (r->status != IMAP_STATUS_OK && r->status != IMAP_STATUS_NO &&
		    r->status != IMAP_STATUS_BAD)
			return syntax_error(p, off, "tagged response with status '%s' instead of OK, NO or BAD",
					    r->name);
		return start_text(p, c, off);
	case P_STAR:
		if (c == ' ') {
			p->st = P_WORD1_SP;
			return 0;
		}
		if (c == EV_EOL)
			return syntax_error(p, off, "untagged response without a name");
		return byte_error(p, off, "expected a space after '*', found ", c, "");
	case P_WORD1_SP:
		if (c == ' ')
			return 0;
		p->tok_start = off;
		p->st = P_WORD1;
		/* fall through */
	case P_WORD1:
		if (!is_name_end(c))
			return 0;
		if (is_digits(resp_bytes(p) + p->tok_start, off - p->tok_start)) {
			if (!parse_u64(resp_bytes(p) + p->tok_start, off - p->tok_start, &r->number))
				return syntax_error(p, off, "number does not fit in 64 bits");
			r->has_number = true;
			if (c == ' ') {
				p->st = P_NAME_SP;
				return 0;
			}
			if (c == EV_EOL)
				return syntax_error(p, off, "untagged response '* %" PRIu64 "' without a name",
						    r->number);
			return byte_error(p, off, "unexpected ", c, " after a message number");
		}
		return name_done(p, c, off);
	case P_NAME_SP:
		if (c == ' ')
			return 0;
		if (c == EV_EOL)
			return syntax_error(p, off, "untagged response '* %" PRIu64 "' without a name",
					    r->number);
		p->tok_start = off;
		p->st = P_NAME;
		/* fall through */
	case P_NAME:
		if (!is_name_end(c))
			return 0;
		return name_done(p, c, off);
	case P_CONT:
		return start_text(p, c, off);
	case P_TEXT:
		return c == EV_EOL ? 1 : 0;
	default:
		return value_byte(p, c, off);
	}
}

/* "[CODE args] text" could not be parsed as values: take the code up to
 * the first ']' and its arguments as space-separated atoms.  1 done, 0 no
 * ']', -1 more than max_mem. */
static int code_fallback(struct imap_parser *p, size_t start, size_t end, size_t *close_r)
{
	struct imap_response *r = p->resp;
	const char *s = resp_bytes(p);
	const char *close = memchr(s + start + 1, ']', end - start - 1);
	size_t i, j, ce, n = 0;
	struct imap_value *items;

	if (!close)
		return 0;
	ce = (size_t)(close - s);
	for (i = start + 1; i < ce && s[i] != ' '; i++)
		;
	r->code_name = dup_upper(r, s + start + 1, i - start - 1);
	for (j = i; j < ce; j++)
		if (s[j] != ' ' && (j == i || s[j - 1] == ' '))
			n++;
	memset(&r->code_args, 0, sizeof(r->code_args));
	r->code_args.type = IMAP_VALUE_LIST;
	if (n && mem_check(p, (uint64_t)p->nitems + n, end) < 0)
		return -1;
	if (n) {
		items = imap_response_alloc(r, n * sizeof(*items));
		n = 0;
		for (j = i; j < ce; j++) {
			size_t k;
			if (s[j] == ' ')
				continue;
			for (k = j; k < ce && s[k] != ' '; k++)
				;
			items[n].type = IMAP_VALUE_ATOM;
			items[n].str = imap_response_strdup(r, s + j, k - j);
			items[n].len = k - j;
			n++;
			j = k;
		}
		r->code_args.items = items;
		r->code_args.count = n;
	}
	*close_r = ce;
	return 1;
}

/*
 * resp-text       = ["[" resp-text-code "]" SP] [text]
 * Parses cur[start, end): an optional [code], then text.  -1 (error set)
 * only when the code needs more memory than max_mem.
 */
static int parse_resp_text(struct imap_parser *p, size_t start, size_t end)
{
	struct imap_response *r = p->resp;
	const char *s = resp_bytes(p);
	size_t i, close = 0;
	bool have_code = false;

	if (start < end && s[start] == '[') {
		for (i = start + 1; i < end && s[i] != ' ' && s[i] != ']' && s[i] != '('; i++)
			;
		if (i < end && s[i] == ']') {
			r->code_name = dup_upper(r, s + start + 1, i - start - 1);
			close = i;
			have_code = true;
		} else if (i < end) {
			size_t j = s[i] == ' ' ? i + 1 : i, saved_items = p->nitems;
			int rc = 0;

			p->code_mode = true;
			p->st = V_BETWEEN;
			p->depth = 0;
			p->frames[0].count = 0;
			for (; j < end; j++) {
				rc = value_byte(p, (unsigned char)s[j], j);
				if (rc)
					break;
			}
			p->code_mode = false;
			if (rc == 2) {
				r->code_name = dup_upper(r, s + start + 1, i - start - 1);
				frame_to_list(p, &p->frames[0], &r->code_args);
				close = j;
				have_code = true;
			} else if (p->mem_failed) {
				return -1; /* too big as values: as atoms too */
			} else {
				p->depth = 0;
				p->frames[0].count = 0;
				p->nitems = saved_items;
				err_clear(&p->err);
			}
		}
		if (!have_code) {
			int rc = code_fallback(p, start, end, &close);
			if (rc < 0)
				return -1;
			have_code = rc > 0;
		}
		if (have_code) {
			r->code_raw = imap_response_strdup(r, s + start + 1, close - start - 1);
			start = close + 1;
			if (start < end && s[start] == ' ')
				start++;
		}
	}
	r->text = imap_response_strdup(r, s + start, end - start);
	r->text_len = end - start;
	return 0;
}

/* ------------------------------------------------------------------ */
/* the scanner: runs of bytes that do not change the state are skipped in
 * a tight loop; every other byte goes through head_byte()/value_byte(). */

#define C_ATOM    0x01 /* ends a plain run in an atom: SP ( ) { " [ ] CR LF NUL */
#define C_BRACKET 0x02 /* ends a plain run inside an atom's '[': [ ] CR LF NUL */
#define C_QUOTED  0x04 /* ends a plain run in a quoted string: " \ CR LF NUL */
#define C_TEXT    0x08 /* ends resp-text: CR LF NUL */

static const unsigned char byte_class[256] = {
	['\0'] = C_ATOM | C_BRACKET | C_QUOTED | C_TEXT, /* refused: see the slow path */
	['\n'] = C_ATOM | C_BRACKET | C_QUOTED | C_TEXT,
	['\r'] = C_ATOM | C_BRACKET | C_QUOTED | C_TEXT,
	[' '] = C_ATOM,
	['('] = C_ATOM,
	[')'] = C_ATOM,
	['{'] = C_ATOM,
	['"'] = C_ATOM | C_QUOTED,
	['['] = C_ATOM | C_BRACKET,
	[']'] = C_ATOM | C_BRACKET,
	['\\'] = C_QUOTED,
};

/* The first i >= from in s[.., end) whose class has a bit of mask. */
static inline size_t skip_plain(const char *s, size_t from, size_t end, unsigned char mask)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = from;

	while (end - i >= 4) {
		if (byte_class[u[i]] & mask)
			return i;
		if (byte_class[u[i + 1]] & mask)
			return i + 1;
		if (byte_class[u[i + 2]] & mask)
			return i + 2;
		if (byte_class[u[i + 3]] & mask)
			return i + 3;
		i += 4;
	}
	while (i < end && !(byte_class[u[i]] & mask))
		i++;
	return i;
}

/*
 * Runs the state machine over the response's bytes s[i, end) (s is the
 * response's first byte, so offsets are the response's).  Stops after a
 * line end: 1 if it ended the response (its offset in eol_off), 0 if not
 * (a literal starts), -1 on an error.  Returns 0 as well when all bytes
 * were used.  *next_r gets the offset after the last byte used.
 */
static int scan(struct imap_parser *p, const char *s, size_t i, size_t end, size_t *next_r)
{
	int rc = 0;

	while (i < end) {
		size_t off;
		int c;

		/* fast paths, jumping from state to state: what they do is
		 * what value_byte() would do */
		if (p->cr_pending)
			goto slow;
		switch (p->st) {
		case V_BETWEEN:
			goto between;
		case V_ATOM:
			goto atom;
		case V_QUOTED:
			goto quoted;
		case P_TEXT:
			i = skip_plain(s, i, end, C_TEXT);
			if (i == end)
				goto out;
			goto slow;
		default:
			goto slow;
		}
between:
		while (i < end && s[i] == ' ')
			i++;
		if (i == end)
			goto out;
		c = (unsigned char)s[i];
		if (c == '(') {
			i++;
			if (open_list(p, i - 1) < 0) {
				rc = -1;
				goto out;
			}
			goto between;
		}
		if (c == ')' && p->depth) {
			i++;
			close_list(p);
			goto between;
		}
		if (c == '"') {
			if (count_item(p, i) < 0) {
				rc = -1;
				goto out;
			}
			i++;
			p->tok_start = i;
			p->quoted_esc = false;
			p->st = V_QUOTED;
			goto quoted;
		}
		if (byte_class[c] & C_ATOM)
			goto slow;
		/* an atom starts (a ']' comes here only outside code_mode) */
		if (count_item(p, i) < 0) {
			rc = -1;
			goto out;
		}
		p->tok_start = i++;
		p->bracket = 0;
		p->st = V_ATOM;
atom:
		i = skip_plain(s, i, end, p->bracket ? C_BRACKET : C_ATOM);
		if (i == end)
			goto out;
		c = (unsigned char)s[i];
		if (p->bracket || !(c == ' ' || c == ')' || c == '(' || c == '"'))
			goto slow;
		finish_atom(p, i);
		p->st = V_BETWEEN;
		goto between; /* which takes c */
quoted:
		i = skip_plain(s, i, end, C_QUOTED);
		if (i == end)
			goto out;
		if (s[i] != '"')
			goto slow;
		finish_quoted(p, i);
		p->st = V_BETWEEN;
		i++;
		goto between;
slow:
		off = i;
		c = (unsigned char)s[i++];
		p->after = i;
		if (p->cr_pending) {
			p->cr_pending = false;
			if (c != '\n') {
				rc = syntax_error(p, off - 1, "CR not followed by LF");
				break;
			}
			off--;
			c = EV_EOL;
		} else if (p->st != V_QUOTED && p->st != V_QUOTED_ESC) {
			if (c == '\r') {
				p->cr_pending = true;
				continue;
			}
			if (c == '\n')
				c = EV_EOL;
		}
		if (c == '\0' && p->st != V_QUOTED && p->st != V_QUOTED_ESC) {
			/* RFC 9051: NUL only inside literal8.  Anywhere else it would
			 * cut C strings short: a tag "A1\0X" would match A1. */
			rc = syntax_error(p, off, "NUL byte outside a literal");
			p->eol_off = off;
			break;
		}
		if (p->st < V_BETWEEN)
			rc = head_byte(p, c, off);
		else
			rc = value_byte(p, c, off);
		if (rc || c == EV_EOL) {
			p->eol_off = off;
			break;
		}
	}
out:
	*next_r = i;
	return rc;
}

/* ------------------------------------------------------------------ */
/* the driver */

static void response_clear(struct imap_parser *p)
{
	size_t i;

	literal_abort(p);
	imap_response_free(p->resp);
	p->resp = NULL;
	p->st = P_START;
	p->code_mode = false;
	p->cr_pending = false;
	p->lit_in_atom = false;
	p->depth = 0;
	for (i = 0; i < p->frames_alloc; i++) {
		p->frames[i].count = 0;
		if (p->frames[i].alloc > 4096) {
			/* a huge list once: do not keep its memory forever */
			free(p->frames[i].items);
			p->frames[i].items = NULL;
			p->frames[i].alloc = 0;
		}
	}
	p->nitems = 0;
	p->mem_failed = false;
	p->line_bytes = 0;
	p->consumed = 0;
	p->kept_total = 0;
	p->in_cur = false;
	p->line_from = p->line_to = 0;
	p->shadow = NULL;
	if (p->cur.alloc > CUR_KEEP_MAX)
		buf_release(&p->cur);
	else
		buf_reset(&p->cur);
}

/* The response is complete: *resp_r gets it, 0; or -1 (error set) when it
 * needs more memory than max_mem (it stays p->resp, for response_clear()). */
static int response_finish(struct imap_parser *p, size_t eol_off, struct imap_response **resp_r)
{
	struct imap_response *r = p->resp;

	/* the whole line counts: text too */
	if (mem_check(p, p->nitems, eol_off) < 0)
		return -1;
	if (p->st == P_TEXT) {
		if (parse_resp_text(p, p->text_start, eol_off) < 0)
			return -1;
	} else if (r->kind == IMAP_RESP_UNTAGGED && r->status == IMAP_STATUS_NONE) {
		frame_to_list(p, &p->frames[0], &r->data);
	}
	if (!p->in_cur) {
		r->raw_len = p->in_pos - p->rstart;
		r->raw = imap_response_strdup(r, p->in.buf + p->rstart, r->raw_len);
	} else if (p->cur.len >= RAW_ADOPT_MIN) {
		/* big (kept literals): hand the buffer over instead of copying
		 * it, trimmed if much of it is unused.  (cur grows again with
		 * the next response: giving it the same room at once costs more
		 * page faults than the growing, which mostly extends in place.) */
		size_t room = p->cur.alloc;
		char *raw = buf_detach(&p->cur, &r->raw_len);

		if (room - r->raw_len > r->raw_len / 4) {
			raw = xrealloc(raw, r->raw_len + 1);
			room = r->raw_len + 1;
		}
		imap_response_adopt(r, raw, room);
		r->raw = raw;
	} else {
		r->raw = imap_response_strdup(r, p->cur.buf, p->cur.len);
		r->raw_len = p->cur.len;
	}
	p->resp = NULL;
	response_clear(p);
	*resp_r = r;
	return 0;
}

static int fail(struct imap_parser *p, struct imap_err *err)
{
	p->failed = true;
	literal_abort(p);
	if (err)
		*err = p->err;
	return -1;
}

struct imap_parser *imap_parser_new(const struct imap_parser_limits *limits)
{
	struct imap_parser *p = xcalloc(1, sizeof(*p));

	if (limits)
		p->lim = *limits;
	if (!p->lim.max_line)
		p->lim.max_line = DEFAULT_MAX_LINE;
	if (!p->lim.max_depth)
		p->lim.max_depth = DEFAULT_MAX_DEPTH;
	if (!p->lim.max_items)
		p->lim.max_items = DEFAULT_MAX_ITEMS;
	if (!p->lim.max_literal_mem)
		p->lim.max_literal_mem = DEFAULT_MAX_LITERAL_MEM;
	if (!p->lim.max_mem) {
		p->lim.max_mem = p->lim.max_line <= SIZE_MAX / DEFAULT_MEM_PER_LINE ?
			p->lim.max_line * DEFAULT_MEM_PER_LINE : SIZE_MAX;
	}
	buf_init(&p->in, 0);
	buf_init(&p->cur, 0);
	xgrow((void **)&p->frames, &p->frames_alloc, 8, sizeof(*p->frames));
	memset(p->frames, 0, p->frames_alloc * sizeof(*p->frames));
	p->st = P_START;
	return p;
}

void imap_parser_free(struct imap_parser *p)
{
	size_t i;

	if (!p)
		return;
	response_clear(p);
	buf_release(&p->in);
	buf_release(&p->cur);
	for (i = 0; i < p->frames_alloc; i++)
		free(p->frames[i].items);
	free(p->frames);
	free(p);
}

void imap_parser_set_sink(struct imap_parser *p, const struct imap_literal_sink *sink)
{
	if (sink) {
		p->sink = *sink;
		p->has_sink = true;
	} else {
		memset(&p->sink, 0, sizeof(p->sink));
		p->has_sink = false;
	}
}

/* Kept literal data is awaited and nothing else is buffered: input can
 * go straight to the response's bytes (next() ends the literal). */
static inline bool lit_direct(const struct imap_parser *p)
{
	return p->st == V_LIT_DATA && p->lit_left && !p->lit_sunk && !p->failed &&
	       p->in_cur && p->in_pos == p->in.len;
}

static inline size_t spare(const struct buf *b)
{
	return b->alloc ? b->alloc - b->len - 1 : 0;
}

void *imap_parser_feed_space(struct imap_parser *p, size_t want, size_t *room_r)
{
	/* the bytes from keep on are still needed */
	size_t keep = p->consumed && !p->in_cur ? p->rstart : p->in_pos;

	if (keep == p->in.len) {
		if (p->in.alloc > ((size_t)1 << 20))
			buf_release(&p->in);
		else
			buf_reset(&p->in);
		p->in_pos = 0;
		p->rstart = 0;
	} else if (keep >= 4096 && keep >= p->in.len / 2) {
		buf_consume(&p->in, keep);
		p->in_pos -= keep;
		p->rstart = p->rstart >= keep ? p->rstart - keep : 0;
	}
	if (lit_direct(p) && p->lit_left >= want) {
		/* commit() keeps what the literal needs, moves the rest to `in` */
		buf_grow(&p->cur, want);
		p->space_cur = true;
		p->space_room = spare(&p->cur);
		*room_r = p->space_room;
		return p->cur.buf + p->cur.len;
	}
	buf_grow(&p->in, want);
	p->space_cur = false;
	p->space_room = spare(&p->in);
	*room_r = p->space_room;
	return p->in.buf + p->in.len;
}

void imap_parser_feed_commit(struct imap_parser *p, size_t n)
{
	size_t room = p->space_room;

	p->space_room = 0;
	if (n > room)
		abort(); /* more than feed_space() gave, or no feed_space() */
	if (!n)
		return;
	if (p->space_cur) {
		size_t k = p->lit_left < n ? (size_t)p->lit_left : n;

		/* the bytes after the literal, before the NUL overwrites one */
		if (k < n)
			buf_add(&p->in, p->cur.buf + p->cur.len + k, n - k);
		buf_setlen(&p->cur, p->cur.len + k);
		p->consumed += k;
		p->lit_left -= k;
	} else {
		buf_setlen(&p->in, p->in.len + n);
	}
}

void imap_parser_feed(struct imap_parser *p, const void *data, size_t len)
{
	const char *d = data;

	while (len) {
		size_t want = len, room;
		void *space;

		/* kept literal data first, straight to cur; the rest next time
		 * round to `in` (never through cur, which would copy it twice) */
		if (lit_direct(p) && p->lit_left < want)
			want = (size_t)p->lit_left;
		space = imap_parser_feed_space(p, want, &room);
		memcpy(space, d, want);
		imap_parser_feed_commit(p, want);
		d += want;
		len -= want;
	}
}

int imap_parser_next(struct imap_parser *p, struct imap_response **resp_r, struct imap_err *err)
{
	*resp_r = NULL;
	if (p->failed) {
		if (err)
			*err = p->err;
		return -1;
	}
	for (;;) {
		size_t avail = p->in.len - p->in_pos, room, n, start, next;
		const char *s, *nl;
		int rc;

		if (p->st == V_LIT_DATA) {
			if (!p->lit_left)
				rc = literal_done(p); /* its last bytes came through feed() */
			else if (avail)
				rc = literal_data(p);
			else
				return 0;
			if (rc < 0)
				return fail(p, err);
			continue;
		}
		if (!avail)
			return 0;
		room = p->lim.max_line - p->line_bytes;
		if (!room) {
			err_set(&p->err, IMAP_ERR_ABORT,
				"server response line longer than %zu bytes", p->lim.max_line);
			return fail(p, err);
		}
		n = avail < room ? avail : room;
		/* up to the line end: literal data after it goes its own way */
		nl = memchr(p->in.buf + p->in_pos, '\n', n);
		if (nl)
			n = (size_t)(nl - (p->in.buf + p->in_pos)) + 1;
		if (p->in_cur) {
			start = p->cur.len;
			buf_add(&p->cur, p->in.buf + p->in_pos, n);
			s = p->cur.buf;
		} else {
			if (!p->consumed)
				p->rstart = p->in_pos; /* a new response */
			start = p->in_pos - p->rstart;
			s = p->in.buf + p->rstart;
		}
		if (nl) {
			p->line_from = start;
			p->line_to = start + n;
			p->shadow = NULL;
		}
		rc = scan(p, s, start, start + n, &next);
		n = next - start;
		p->in_pos += n;
		p->consumed += n;
		p->line_bytes += n;
		if (rc < 0)
			return fail(p, err);
		if (rc == 1) {
			if (response_finish(p, p->eol_off, resp_r) < 0)
				return fail(p, err);
			return 1;
		}
		if (p->st == V_LIT_DATA && !p->in_cur) {
			/* the response's bytes move to cur: `in` need not keep
			 * them, and literal data fed later can go there directly */
			buf_add(&p->cur, p->in.buf + p->rstart, p->in_pos - p->rstart);
			p->in_cur = true;
		}
	}
}

size_t imap_parser_pending(const struct imap_parser *p)
{
	return (p->in.len - p->in_pos) + p->consumed;
}

void imap_parser_reset(struct imap_parser *p)
{
	response_clear(p);
	buf_release(&p->in);
	p->in_pos = 0;
	p->rstart = 0;
	p->space_room = 0;
	p->failed = false;
	err_clear(&p->err);
}

size_t imap_parser_take_pending(struct imap_parser *p, struct buf *out)
{
	size_t n = p->in.len - p->in_pos;

	if (p->failed || p->consumed || p->resp)
		return (size_t)-1;
	buf_add(out, p->in.buf + p->in_pos, n);
	imap_parser_reset(p);
	return n;
}
