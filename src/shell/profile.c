#include "shell/profile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/distance.h"
#include "util/xalloc.h"

/* inih keeps section names in a char[50] and cuts longer ones */
#define NAME_MAX_LEN 48
/* a config file is small; more is a mistake (a wrong IMAPSH_CONFIG) */
#define FILE_MAX (1 << 20)

enum kind {
	K_WORD,    /* host, tls-name: no blanks */
	K_TEXT,    /* user, tls-priority */
	K_STREAM,  /* a shell command: '#' allowed */
	K_FILE,    /* absolute or ~/ */
	K_PIN,     /* sha256//... or a file */
	K_PORT,
	K_MECH,
	K_BOOL,
	K_TIMEOUT,
	K_OUTPUT,
	K_COLOR,
	K_PAGER,
	K_DEBUG,
};

static const struct key {
	const char *name;
	enum kind kind;
	size_t off;
} keys[] = {
	{ "host", K_WORD, offsetof(struct profile, host) },
	{ "port", K_PORT, offsetof(struct profile, port) },
	{ "stream", K_STREAM, offsetof(struct profile, stream) },
	{ "ssl", K_BOOL, offsetof(struct profile, ssl) },
	{ "starttls", K_BOOL, offsetof(struct profile, starttls) },
	{ "cafile", K_FILE, offsetof(struct profile, cafile) },
	{ "certfile", K_FILE, offsetof(struct profile, certfile) },
	{ "keyfile", K_FILE, offsetof(struct profile, keyfile) },
	{ "tls-priority", K_TEXT, offsetof(struct profile, tls_priority) },
	{ "tls-name", K_WORD, offsetof(struct profile, tls_name) },
	{ "pinnedpubkey", K_PIN, offsetof(struct profile, pinnedpubkey) },
	{ "insecure", K_BOOL, offsetof(struct profile, insecure) },
	{ "allow-plaintext", K_BOOL, offsetof(struct profile, allow_plaintext) },
	{ "no-capability-check", K_BOOL, offsetof(struct profile, no_cap_check) },
	{ "user", K_TEXT, offsetof(struct profile, user) },
	{ "auth", K_MECH, offsetof(struct profile, auth) },
	{ "password-file", K_FILE, offsetof(struct profile, password_file) },
	{ "timeout", K_TIMEOUT, offsetof(struct profile, timeout_ms) },
	{ "output", K_OUTPUT, offsetof(struct profile, output) },
	{ "color", K_COLOR, offsetof(struct profile, color) },
	{ "pager", K_PAGER, offsetof(struct profile, pager) },
	{ "pipeline", K_BOOL, offsetof(struct profile, pipeline) },
	{ "debug", K_DEBUG, offsetof(struct profile, debug) },
	{ "prompt", K_TEXT, offsetof(struct profile, prompt) },
	{ "compress", K_BOOL, offsetof(struct profile, compress) },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))
enum { KEY_HOST = 0, KEY_STREAM = 2, KEY_SSL = 3, KEY_STARTTLS = 4 };

static const char *const secret_keys[] = { "password", "pass", "passwd", "secret" };

static const char *const bool_words[][2] = {
	{ "no", "yes" }, { "false", "true" }, { "off", "on" }, { "0", "1" },
};
static const char *const output_words[] = { "pretty", "raw", "json" };
static const char *const color_words[] = { "auto", "never", "always" };  /* -1, 0, 1 */
static const char *const pager_words[] = { "auto", "off", "on" };       /* -1, 0, 1 */

void profile_init(struct profile *p)
{
	memset(p, 0, sizeof(*p));
	p->ssl = p->starttls = p->insecure = p->allow_plaintext = p->pipeline = -1;
	p->no_cap_check = -1;
	p->compress = -1;
	p->output = -1;
	p->color = p->pager = -2;
	p->debug = -1;
}

void profile_release(struct profile *p)
{
	size_t i;
	free(p->name);
	for (i = 0; i < NKEYS; i++)
		if (keys[i].kind <= K_MECH)
			free(*(char **)((char *)p + keys[i].off));
	profile_init(p);
}

static char *path_join(const char *dir, const char *rest)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s%s", dir, rest);
	return buf_detach(&b, NULL);
}

char *profile_path(void)
{
	const char *env = getenv("IMAPSH_CONFIG");
	if (env && *env)
		return xstrdup(env);
	env = getenv("XDG_CONFIG_HOME");
	if (env && env[0] == '/') /* the XDG spec: a relative one is ignored */
		return path_join(env, "/imapsh/config");
	env = getenv("HOME");
	if (env && *env)
		return path_join(env, "/.config/imapsh/config");
	return NULL;
}

/* ---- reading: the file goes to inih a line at a time, counted ---------- */

struct section {
	char *name;
	int line;
};

struct load_ctx {
	const char *path;
	const char *want;        /* the section asked for, or NULL */
	/* the reader */
	const char *text;
	size_t len, pos;
	int lineno;              /* of the line inih is working on */
	bool indented;           /* it starts with a blank */
	/* sections */
	struct section *sec;
	size_t nsec, alloc;
	bool key_since_header;   /* inih reads an indented line as a continuation */
	struct profile *prof;    /* the current section's: *found or scratch */
	struct profile *found;   /* filled when want is met, else NULL */
	struct profile *out;
	struct profile scratch;
	int key_line[NKEYS];     /* where each key was set in this section */
	/* the first error */
	int err_line;
	struct imap_err *err;
};

static int fail(struct load_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct load_ctx *c, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	if (c->err_line)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->err_line = c->lineno;
	err_set(c->err, IMAP_ERR_ERROR, "%s:%d: %s", c->path, c->lineno, msg);
	return 0; /* inih's "error" */
}

static const char *cur_name(const struct load_ctx *c)
{
	return c->nsec ? c->sec[c->nsec - 1].name : "";
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

/* A new [name] at line: checked, recorded, made current. */
static void start_section(struct load_ctx *c, const char *name)
{
	size_t i;

	c->key_since_header = false;
	memset(c->key_line, 0, sizeof(c->key_line));
	if (strlen(name) > NAME_MAX_LEN) {
		fail(c, "profile name [%.20s...] too long (at most %d characters)", name, NAME_MAX_LEN);
		return;
	}
	if (!valid_name(name)) {
		fail(c, "bad profile name [%s]: use letters, digits, '.', '_' and '-'", name);
		return;
	}
	for (i = 0; i < c->nsec; i++)
		if (!strcmp(c->sec[i].name, name)) {
			fail(c, "duplicate section [%s] (first at line %d)", name, c->sec[i].line);
			return;
		}
	xgrow((void **)&c->sec, &c->alloc, c->nsec + 1, sizeof(*c->sec));
	c->sec[c->nsec].name = xstrdup(name);
	c->sec[c->nsec++].line = c->lineno;
	profile_release(&c->scratch);
	c->prof = &c->scratch;
	if (c->want && !strcmp(name, c->want)) {
		c->found = c->prof = c->out;
		c->out->name = xstrdup(name);
	}
}

struct header {
	bool got;
	char name[64];
};

static int header_handler(void *user, const char *section, const char *name, const char *value)
{
	struct header *h = user;
	(void)name;
	(void)value;
	if (!h->got) {
		snprintf(h->name, sizeof(h->name), "%s", section);
		h->got = true;
	}
	return 1;
}

/*
 * inih calls the handler for keys only, so the reader learns of each
 * "[name]" line itself: a line whose first non-blank is '[' that inih does
 * not take as the continuation of a value (indented, after a key of the
 * same section).  Its name comes from inih too, parsing the line again
 * with a key after it.  A line that is no header for inih ("[name") is
 * left to the outer parse, which reports it.
 */
static void note_header(struct load_ctx *c, const char *line, size_t len)
{
	struct header h = { false, "" };
	struct buf b = BUF_INIT;
	const char *p = line;

	if (c->lineno == 1 && len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	while (p < line + len && isspace((unsigned char)*p))
		p++;
	if (p == line + len || *p != '[' || (p > line && c->key_since_header))
		return;
	buf_add(&b, line, len);
	buf_adds(&b, "\n_=_\n");
	if (ini_parse_string(b.buf, header_handler, &h) == 0 && h.got)
		start_section(c, h.name);
	buf_release(&b);
}

/* inih's fgets(): one whole line, or a blank line and an error for one
 * that does not fit or holds a NUL byte. */
static char *reader(char *str, int num, void *stream)
{
	struct load_ctx *c = stream;
	const char *line = c->text + c->pos, *nl;
	size_t len;

	if (c->pos >= c->len || c->err_line || num < 3)
		return NULL;
	nl = memchr(line, '\n', c->len - c->pos);
	len = nl ? (size_t)(nl - line) + 1 : c->len - c->pos;
	c->pos += len;
	c->lineno++;
	c->indented = isspace((unsigned char)line[0]) && line[0] != '\n' && line[0] != '\r';
	if (len > (size_t)num - 1) {
		fail(c, "line longer than %d characters", num - 2);
		strcpy(str, "\n");
	} else if (memchr(line, '\0', len)) {
		fail(c, "a NUL byte: is this a text file?");
		strcpy(str, "\n");
	} else {
		memcpy(str, line, len);
		str[len] = '\0';
		note_header(c, line, nl ? len - 1 : len);
	}
	return str;
}

/* ---- values ------------------------------------------------------------- */

static int word_index(const char *v, const char *const *words, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!strcasecmp(v, words[i]))
			return (int)i;
	return -1;
}

static bool has_control(const char *v, bool tab_ok)
{
	for (; *v; v++)
		if (((unsigned char)*v < 0x20 && !(tab_ok && *v == '\t')) || *v == 0x7f)
			return true;
	return false;
}

/* " #..." after a value: the user meant a comment, which inih does not see */
static bool has_hash_comment(const char *v)
{
	const char *h;
	for (h = strchr(v, '#'); h; h = strchr(h + 1, '#'))
		if (h > v && isspace((unsigned char)h[-1]))
			return true;
	return false;
}

static bool valid_port(const char *v)
{
	char *end;
	long n;
	if (isdigit((unsigned char)*v)) {
		n = strtol(v, &end, 10);
		return !*end && n >= 1 && n <= 65535;
	}
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && *v != '-')
			return false;
	return true;
}

static bool valid_mech(const char *v)
{
	size_t n = strlen(v);
	if (n > 20)
		return false;
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && *v != '-' && *v != '_')
			return false;
	return true;
}

/* A file value: absolute, or ~/ made $HOME/.  NULL after fail(). */
static char *file_value(struct load_ctx *c, const char *key, const char *v)
{
	const char *home;
	if (v[0] == '/')
		return xstrdup(v);
	if (strncmp(v, "~/", 2)) {
		fail(c, "%s in [%s] must be an absolute path or start with ~/", key, cur_name(c));
		return NULL;
	}
	home = getenv("HOME");
	if (!home || !*home) {
		fail(c, "%s in [%s] starts with ~/ but HOME is not set", key, cur_name(c));
		return NULL;
	}
	return path_join(home, v + 1);
}

/* key's value into c->prof; 1 or 0 after fail(). */
static int set_value(struct load_ctx *c, const struct key *k, const char *v)
{
	const char *sec = cur_name(c);
	char **str = (char **)((char *)c->prof + k->off);
	int *num = (int *)((char *)c->prof + k->off);
	char *end;
	double d;
	long n;
	int i;

	if (!*v)
		return fail(c, "no value for %s in [%s]", k->name, sec);
	if (has_control(v, k->kind == K_STREAM))
		return fail(c, "a control character in the value of %s in [%s]", k->name, sec);
	if (k->kind != K_STREAM && has_hash_comment(v))
		return fail(c, "\"#\" after the value of %s in [%s]: a comment goes on a line of its "
			    "own", k->name, sec);
	switch (k->kind) {
	case K_WORD:
		if (strpbrk(v, " \t"))
			return fail(c, "bad value for %s in [%s]: a name without blanks", k->name, sec);
		/* fall through */
	case K_TEXT:
	case K_STREAM:
		*str = xstrdup(v);
		break;
	case K_PIN:
		if (!strncmp(v, "sha256//", 8)) {
			*str = xstrdup(v);
			break;
		}
		/* fall through */
	case K_FILE:
		if (!(*str = file_value(c, k->name, v)))
			return 0;
		break;
	case K_PORT:
		if (!valid_port(v))
			return fail(c, "bad value \"%.40s\" for port in [%s]: a number from 1 to 65535 "
				    "or a service name (imap, imaps)", v, sec);
		*str = xstrdup(v);
		break;
	case K_MECH:
		if (!valid_mech(v))
			return fail(c, "bad value \"%.40s\" for auth in [%s]: a SASL mechanism name "
				    "(e.g. PLAIN, SCRAM-SHA-256)", v, sec);
		*str = xstrdup(v);
		break;
	case K_BOOL:
		for (i = 0; i < 4; i++) {
			if (!strcasecmp(v, bool_words[i][0]) || !strcasecmp(v, bool_words[i][1])) {
				*num = !strcasecmp(v, bool_words[i][1]);
				break;
			}
		}
		if (i == 4)
			return fail(c, "bad value \"%.40s\" for %s in [%s]: yes or no (true/false, "
				    "on/off, 1/0)", v, k->name, sec);
		break;
	case K_TIMEOUT:
		d = strtod(v, &end);
		if (*end || !(d > 0 && d <= 86400))
			return fail(c, "bad value \"%.40s\" for timeout in [%s]: seconds, more than 0 "
				    "and at most 86400 (e.g. 30 or 0.5)", v, sec);
		*num = (int)(d * 1000);
		if (!*num)
			*num = 1;
		break;
	case K_OUTPUT:
		if ((*num = word_index(v, output_words, 3)) < 0)
			return fail(c, "bad value \"%.40s\" for output in [%s]: pretty, raw or json",
				    v, sec);
		break;
	case K_COLOR:
		if ((i = word_index(v, color_words, 3)) < 0)
			return fail(c, "bad value \"%.40s\" for color in [%s]: auto, always or never",
				    v, sec);
		*num = i - 1;
		break;
	case K_PAGER:
		if ((i = word_index(v, pager_words, 3)) < 0)
			return fail(c, "bad value \"%.40s\" for pager in [%s]: on, off or auto", v, sec);
		*num = i - 1;
		break;
	case K_DEBUG:
		n = strtol(v, &end, 10);
		if (*end || !isdigit((unsigned char)*v) || n < 0 || n > 5)
			return fail(c, "bad value \"%.40s\" for debug in [%s]: a level from 0 to 5",
				    v, sec);
		*num = (int)n;
		break;
	}
	return 1;
}

static const char *nearest_key(const char *name)
{
	size_t max = strlen(name) <= 4 ? 1 : 2, best = max + 1, i, d;
	const char *near = NULL;
	for (i = 0; i < NKEYS; i++)
		if ((d = edit_distance(name, keys[i].name, max)) < best) {
			best = d;
			near = keys[i].name;
		}
	return near;
}

/* inih's handler: one "key = value" (or a continuation line). */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *c = user;
	const struct key *k = NULL;
	const char *sec, *near;
	size_t i;
	int other;

	if (c->err_line)
		return 1; /* the first error is what counts */
	if (!name)
		return 1; /* a new section, in an inih built to report them */
	c->key_since_header = true;
	for (i = 0; i < sizeof(secret_keys) / sizeof(secret_keys[0]); i++)
		if (!strcasecmp(name, secret_keys[i]))
			return fail(c, "\"%s\": passwords never live in the config file: use "
				    "password-file, ~/.netrc or the prompt", name);
	if (!*section)
		return fail(c, "key \"%s\" outside any section: put it under a [name] line", name);
	if (strcmp(section, cur_name(c))) {
		/* a header note_header() missed: an inih with no multi-line values */
		start_section(c, section);
		c->key_since_header = true;
		if (c->err_line)
			return 0;
	}
	sec = cur_name(c);
	if (!value)
		return fail(c, "key \"%s\" without a value in [%s]", name, sec);
	for (i = 0; i < NKEYS; i++)
		if (!strcasecmp(name, keys[i].name))
			k = &keys[i];
	if (!k) {
		if ((near = nearest_key(name)))
			return fail(c, "unknown key \"%s\" in [%s]: did you mean %s?", name, sec, near);
		return fail(c, "unknown key \"%s\" in [%s]", name, sec);
	}
	i = (size_t)(k - keys);
	if (c->key_line[i]) {
		if (c->indented)
			return fail(c, "indented line: inih reads it as more of %s's value (line %d); "
				    "a value is one line, so unindent it", k->name, c->key_line[i]);
		return fail(c, "duplicate key %s in [%s] (first at line %d)", k->name, sec,
			    c->key_line[i]);
	}
	c->key_line[i] = c->lineno;
	if (!set_value(c, k, value))
		return 0;
	if (i == KEY_HOST || i == KEY_STREAM) {
		other = c->key_line[i == KEY_HOST ? KEY_STREAM : KEY_HOST];
		if (other)
			return fail(c, "host and stream both set in [%s] (%s at line %d): give one", sec,
				    i == KEY_HOST ? "stream" : "host", other);
	}
	if ((i == KEY_SSL || i == KEY_STARTTLS) && c->prof->ssl == 1 && c->prof->starttls == 1)
		return fail(c, "ssl and starttls both yes in [%s] (%s at line %d): choose one", sec,
			    i == KEY_SSL ? "starttls" : "ssl",
			    c->key_line[i == KEY_SSL ? KEY_STARTTLS : KEY_SSL]);
	return 1;
}

/* The file's bytes into text: 1, 0 missing (err set), -1 error. */
static int read_file(const char *path, struct buf *text, struct imap_err *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			err_set(err, IMAP_ERR_ERROR, "no config file %s", path);
			return 0;
		}
		return err_set_errno(err, IMAP_ERR_ERROR, errno, "cannot read %s", path);
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return err_set(err, IMAP_ERR_ERROR, "cannot read %s: it is a directory", path);
	}
	for (;;) {
		ssize_t n;
		/* _secret: a refused password may be in it */
		if (text->alloc - text->len < 2)
			buf_grow_secret(text, 4096);
		n = read(fd, text->buf + text->len, text->alloc - text->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set_errno(err, IMAP_ERR_ERROR, errno, "cannot read %s", path);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		buf_setlen(text, text->len + (size_t)n);
		if (text->len > FILE_MAX) {
			close(fd);
			return err_set(err, IMAP_ERR_ERROR, "%s is too big for a config file (over %d KiB)",
				       path, FILE_MAX >> 10);
		}
	}
	close(fd);
	return 1;
}

/* The syntax error inih found at line (a line no handler saw). */
static void syntax_error(struct load_ctx *c, int line)
{
	const char *p = c->text, *end = c->text + c->len;
	int n;

	for (n = 1; n < line && p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	while (p < end && *p != '\n' && isspace((unsigned char)*p))
		p++;
	c->lineno = line;
	if (p < end && *p == '[')
		fail(c, "syntax error: a section header with no ']'");
	else
		fail(c, "syntax error: expected \"key = value\", \"[name]\" or a # comment");
}

/* Parses path into c (c->want and c->out set by the caller): 1, 0 no
 * file, -1 error; the sections are in c->sec. */
static int parse(struct load_ctx *c, const char *path, struct imap_err *err)
{
	struct buf text = BUF_INIT;
	int rc;

	c->path = path;
	c->err = err;
	profile_init(&c->scratch);
	c->prof = &c->scratch;
	rc = read_file(path, &text, err);
	if (rc <= 0) {
		buf_release_secret(&text);
		return rc;
	}
	c->text = text.buf;
	c->len = text.len;
	rc = ini_parse_stream(reader, c, on_key, c);
	if (rc > 0 && (!c->err_line || rc < c->err_line)) {
		c->err_line = 0;
		syntax_error(c, rc);
	} else if (rc < 0 && !c->err_line) {
		err_set(err, IMAP_ERR_ERROR, "cannot read %s (inih error %d)", path, rc);
		c->err_line = -1;
	}
	profile_release(&c->scratch);
	buf_release_secret(&text);
	c->text = NULL;
	return c->err_line ? -1 : 1;
}

static void free_sections(struct load_ctx *c)
{
	size_t i;
	for (i = 0; i < c->nsec; i++)
		free(c->sec[i].name);
	free(c->sec);
}

int profile_load(const char *path, const char *name, struct profile *p, struct imap_err *err)
{
	struct load_ctx c;
	int rc;

	profile_init(p);
	if (!path) {
		err_set(err, IMAP_ERR_ERROR, "no config file (none of IMAPSH_CONFIG, XDG_CONFIG_HOME "
			"and HOME is set)");
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.want = name;
	c.out = p;
	rc = parse(&c, path, err);
	free_sections(&c);
	if (rc < 0) {
		profile_release(p);
		return -1;
	}
	if (rc == 0 || !name)
		return rc;
	if (!c.found) {
		profile_release(p);
		err_set(err, IMAP_ERR_ERROR, "no profile %s in %s", name, path);
		return 0;
	}
	return 1;
}

char **profile_names(const char *path)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct profile none;
	struct load_ctx c;
	char **names = NULL;
	size_t i;

	if (!path)
		return NULL;
	memset(&c, 0, sizeof(c));
	profile_init(&none);
	c.out = &none;
	if (parse(&c, path, &err) == 1) {
		names = xcalloc(c.nsec + 1, sizeof(*names));
		for (i = 0; i < c.nsec; i++) {
			names[i] = c.sec[i].name;
			c.sec[i].name = NULL;
		}
	}
	free_sections(&c);
	return names;
}

void profile_names_free(char **names)
{
	size_t i;
	if (!names)
		return;
	for (i = 0; names[i]; i++)
		free(names[i]);
	free(names);
}
