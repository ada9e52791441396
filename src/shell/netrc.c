#include "shell/netrc.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/xalloc.h"

/* Next whitespace-separated token ("..." quoted with \ escapes allowed). */
static bool next_token(const char **pp, struct buf *tok)
{
	const char *p = *pp;
	buf_reset(tok);
	while (*p && isspace((unsigned char)*p))
		p++;
	if (!*p) {
		*pp = p;
		return false;
	}
	if (*p == '"') {
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

int netrc_lookup(const char *path, const char *machine, const char *login,
		 char **login_r, char **password_r, struct imap_err *warn)
{
	FILE *fp = fopen(path, "r");
	struct buf text = BUF_INIT, tok = BUF_INIT;
	char chunk[4096];
	size_t n;
	const char *p;
	struct stat st;
	bool in_entry = false, matched = false, found = false;
	char *cur_login = NULL, *cur_pass = NULL;
	int rc = 0;

	*login_r = *password_r = NULL;
	if (!fp)
		return 0;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&text, chunk, n);
	if (fstat(fileno(fp), &st) < 0)
		st.st_mode = 0600;
	fclose(fp);

	p = text.buf;
	while (!found && next_token(&p, &tok)) {
		if (!strcmp(tok.buf, "machine") || !strcmp(tok.buf, "default")) {
			bool is_default = !strcmp(tok.buf, "default");
			if (in_entry && matched && (!login || (cur_login && !strcmp(cur_login, login)))) {
				found = true;
				break;
			}
			free(cur_login);
			free(cur_pass);
			cur_login = cur_pass = NULL;
			in_entry = true;
			if (is_default)
				matched = true;
			else
				matched = next_token(&p, &tok) && !strcasecmp(tok.buf, machine);
		} else if (!strcmp(tok.buf, "login") && next_token(&p, &tok)) {
			free(cur_login);
			cur_login = xstrdup(tok.buf);
		} else if (!strcmp(tok.buf, "password") && next_token(&p, &tok)) {
			free(cur_pass);
			cur_pass = xstrdup(tok.buf);
		} else if (!strcmp(tok.buf, "account")) {
			next_token(&p, &tok);
		} else if (!strcmp(tok.buf, "macdef")) {
			/* a macro runs to the next blank line */
			const char *end = strstr(p, "\n\n");
			p = end ? end + 2 : p + strlen(p);
		}
	}
	if (!found && in_entry && matched && (!login || (cur_login && !strcmp(cur_login, login))))
		found = true;
	if (found) {
		if (cur_pass && (st.st_mode & 077)) {
			err_set(warn, IMAP_ERR_ERROR,
				"%s holds a password but others may read it (mode %03o): ignored; "
				"chmod 600 %s", path, (unsigned)(st.st_mode & 0777), path);
			rc = -1;
		} else {
			*login_r = cur_login;
			*password_r = cur_pass;
			cur_login = cur_pass = NULL;
			rc = 1;
		}
	}
	if (cur_pass)
		memset(cur_pass, 0, strlen(cur_pass));
	free(cur_login);
	free(cur_pass);
	memset(text.buf, 0, text.len);
	buf_release(&text);
	memset(tok.buf, 0, tok.len);
	buf_release(&tok);
	return rc;
}
