#include "shell/netrc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/xalloc.h"

static void free_secret(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/*
 * Next whitespace-separated token ("..." quoted with \ escapes allowed);
 * *quoted tells a quoted one, which is never a comment.  tok must have
 * room for the whole text (it never grows here: a token is no longer than
 * the text it comes from, and a reallocation would leave a copy).
 */
static bool next_token(const char **pp, struct buf *tok, bool *quoted)
{
	const char *p = *pp;
	buf_reset(tok);
	*quoted = false;
	while (*p && isspace((unsigned char)*p))
		p++;
	if (!*p) {
		*pp = p;
		return false;
	}
	if (*p == '"') {
		*quoted = true;
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			buf_addch(tok, *p);
		}
		if (*p == '"')
			p++;
	} else {
		while (*p && !isspace((unsigned char)*p))
			buf_addch(tok, *p++);
	}
	*pp = p;
	return true;
}

/* The end of p's line (its '\n'), or of the text. */
static const char *line_end(const char *p)
{
	const char *nl = strchr(p, '\n');
	return nl ? nl : p + strlen(p);
}

/*
 * p is just after "macdef NAME": the macro runs from the next line to an
 * empty line, "\n" or "\r\n" (ftp(1)'s "null line"; a line of blanks is
 * not one, for ftp, curl and Python alike).  Returns what follows it.
 */
static const char *skip_macro(const char *p)
{
	p = line_end(p);
	while (*p) {
		p++; /* the start of a body line */
		if (p[0] == '\n')
			return p + 1;
		if (p[0] == '\r' && p[1] == '\n')
			return p + 2;
		p = line_end(p);
	}
	return p;
}

/* All of fd into text, wiping every block it outgrows: pre-sized from
 * st when it is a regular file, so that usually nothing moves. */
static int read_all(int fd, const struct stat *st, struct buf *text)
{
	if (S_ISREG(st->st_mode) && st->st_size > 0 && (unsigned long long)st->st_size < 1u << 30)
		buf_grow_secret(text, (size_t)st->st_size + 1);
	for (;;) {
		ssize_t n;
		if (text->alloc - text->len < 2)
			buf_grow_secret(text, 4096);
		n = read(fd, text->buf + text->len, text->alloc - text->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		buf_setlen(text, text->len + (size_t)n);
	}
}

struct entry {
	bool open;    /* after "machine NAME" or "default" */
	bool matched; /* for our machine (or default) */
	char *login, *password;
};

static void entry_clear(struct entry *e)
{
	free(e->login);
	free_secret(e->password);
	e->login = e->password = NULL;
	e->open = e->matched = false;
}

/* The entry is complete: is it the one asked for? */
static bool entry_answers(const struct entry *e, const char *login)
{
	return e->open && e->matched && (!login || (e->login && !strcmp(e->login, login)));
}

int netrc_lookup(const char *path, const char *machine, const char *login,
		 char **login_r, char **password_r, struct imap_err *warn)
{
	struct buf text = BUF_INIT, tok = BUF_INIT;
	struct entry e = { false, false, NULL, NULL };
	const char *p;
	struct stat st;
	bool found = false, quoted;
	int fd, rc = 0;

	*login_r = *password_r = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || read_all(fd, &st, &text) < 0) {
		close(fd);
		buf_release_secret(&text);
		return 0;
	}
	close(fd);
	buf_grow_secret(&tok, text.len);

	p = text.buf;
	while (next_token(&p, &tok, &quoted)) {
		if (!quoted && tok.buf[0] == '#') {
			p = line_end(p);
		} else if (!strcmp(tok.buf, "machine") || !strcmp(tok.buf, "default") ||
			   !strcmp(tok.buf, "macdef")) {
			bool is_machine = !strcmp(tok.buf, "machine");
			bool is_default = !strcmp(tok.buf, "default");
			if (entry_answers(&e, login)) {
				found = true;
				break;
			}
			entry_clear(&e);
			if (is_machine) {
				e.open = true;
				e.matched = next_token(&p, &tok, &quoted) && !strcasecmp(tok.buf, machine);
			} else if (is_default) {
				e.open = e.matched = true;
			} else {
				next_token(&p, &tok, &quoted); /* the macro's name */
				p = skip_macro(p);
			}
		} else if (!strcmp(tok.buf, "login")) {
			if (next_token(&p, &tok, &quoted) && e.open) {
				free(e.login);
				e.login = xstrdup(tok.buf);
			}
		} else if (!strcmp(tok.buf, "password")) {
			if (next_token(&p, &tok, &quoted) && e.open) {
				free_secret(e.password);
				e.password = xstrdup(tok.buf);
			}
		} else if (!strcmp(tok.buf, "account")) {
			next_token(&p, &tok, &quoted);
		}
	}
	if (!found)
		found = entry_answers(&e, login);
	if (found) {
		if (e.password && netrc_check_private(path, st.st_mode, warn) < 0) {
			rc = -1;
		} else {
			*login_r = e.login;
			*password_r = e.password;
			e.login = e.password = NULL;
			rc = 1;
		}
	}
	entry_clear(&e);
	buf_release_secret(&text);
	buf_release_secret(&tok);
	return rc;
}

int netrc_check_private(const char *path, mode_t mode, struct imap_err *err)
{
	if (!(mode & 077))
		return 0;
	return err_set(err, IMAP_ERR_ERROR,
		       "%s holds a password but group or others have access to it (mode %03o): "
		       "refused; make it private with chmod 600 %s",
		       path, (unsigned)(mode & 0777), path);
}

int netrc_read_line(int fd, size_t max, char **line_r, struct imap_err *err)
{
	struct buf line = BUF_INIT;
	char c = 0;
	int rc = 1;

	*line_r = NULL;
	for (;;) {
		ssize_t n = read(fd, &c, 1);
		if (n < 0) {
			rc = errno == EINTR ? err_set(err, IMAP_ERR_ERROR, "interrupted")
					    : err_set_errno(err, IMAP_ERR_ERROR, errno, "read");
			break;
		}
		if (n == 0) {
			if (!line.len)
				rc = 0;
			break;
		}
		if (c == '\n')
			break;
		if (line.len >= max) {
			rc = err_set(err, IMAP_ERR_ERROR, "line too long (over %zu bytes)", max);
			break;
		}
		buf_add_secret(&line, &c, 1);
	}
	explicit_bzero(&c, sizeof(c));
	if (rc <= 0) {
		buf_release_secret(&line);
		return rc;
	}
	while (line.len && line.buf[line.len - 1] == '\r')
		buf_setlen(&line, line.len - 1);
	*line_r = buf_detach(&line, NULL);
	return 1;
}

int netrc_read_password_file(const char *path, char **password_r, struct imap_err *err)
{
	struct stat st;
	int fd, rc;

	*password_r = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set_errno(err, IMAP_ERR_ERROR, errno, "cannot read %s", path);
	if (fstat(fd, &st) < 0) {
		rc = err_set_errno(err, IMAP_ERR_ERROR, errno, "cannot read %s", path);
	} else if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		rc = err_set(err, IMAP_ERR_ERROR,
			     "%s is not a regular file or a pipe: refused (the password is the "
			     "first line of a file; leave --password-file out to be asked on "
			     "the terminal)", path);
	} else if (netrc_check_private(path, st.st_mode, err) < 0) {
		rc = -1;
	} else {
		rc = netrc_read_line(fd, NETRC_LINE_MAX, password_r, err);
		if (rc == 0)
			rc = err_set(err, IMAP_ERR_ERROR, "%s is empty", path);
		else if (rc < 0)
			err_prefix(err, "%s", path);
	}
	close(fd);
	return rc < 0 ? -1 : 1;
}
