/*
 * check_profile.c - connection profiles (shell/profile.h), table-driven:
 * each case is a config file (written to a temporary directory), the
 * profile asked for, and either the profile read (every field that is
 * set, as "key=value" words) or the error, with its FILE:LINE.  Then the
 * profile names for completion, the missing file and section, and where
 * the file is looked for.
 */
#include "shell/profile.h"
#include "util/buf.h"

#include <check.h>
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/check_profile.XXXXXX";
static char path[sizeof(dir) + 16];

static void setup(void)
{
	strcpy(dir, "/tmp/check_profile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config", dir);
	setenv("HOME", "/home/t", 1);
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
}

static void write_config(const char *text, size_t len)
{
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

/* Every field that is set, in the order of the header. */
static void dump(const struct profile *p, struct buf *out)
{
	static const char *const color[] = { "auto", "never", "always" };
	static const char *const pager[] = { "auto", "off", "on" };
	static const char *const output[] = { "pretty", "raw", "json" };
	const struct {
		const char *key;
		const char *v;
	} strs[] = {
		{ "host", p->host }, { "port", p->port }, { "stream", p->stream },
		{ "user", p->user }, { "auth", p->auth }, { "cafile", p->cafile },
		{ "certfile", p->certfile }, { "keyfile", p->keyfile },
		{ "tls-priority", p->tls_priority }, { "tls-name", p->tls_name },
		{ "pinnedpubkey", p->pinnedpubkey }, { "password-file", p->password_file },
	};
	const struct {
		const char *key;
		int v;
	} bools[] = {
		{ "ssl", p->ssl }, { "starttls", p->starttls }, { "insecure", p->insecure },
		{ "allow-plaintext", p->allow_plaintext }, { "pipeline", p->pipeline },
	};
	size_t i;

	buf_addf(out, "[%s]", p->name ? p->name : "?");
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strs[i].v)
			buf_addf(out, " %s=%s", strs[i].key, strs[i].v);
	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
		if (bools[i].v != -1)
			buf_addf(out, " %s=%d", bools[i].key, bools[i].v);
	if (p->timeout_ms)
		buf_addf(out, " timeout=%dms", p->timeout_ms);
	if (p->output != -1)
		buf_addf(out, " output=%s", output[p->output]);
	if (p->color != -2)
		buf_addf(out, " color=%s", color[p->color + 1]);
	if (p->pager != -2)
		buf_addf(out, " pager=%s", pager[p->pager + 1]);
	if (p->debug != -1)
		buf_addf(out, " debug=%d", p->debug);
}

#define EXAMPLE \
	"# comment\n" \
	"[work]\n" \
	"host = imap.example.com\n" \
	"port = 993\n" \
	"ssl = yes\n" \
	"user = alice\n" \
	"auth = SCRAM-SHA-256\n" \
	"cafile = ~/certs/work-ca.pem\n" \
	"tls-name = mail.example.com\n" \
	"output = pretty\n" \
	"color = auto\n" \
	"pager = auto\n" \
	"timeout = 30\n" \
	"\n" \
	"[demo]\n" \
	"stream = dovecot --exec-mail imap\n"

static const struct lcase {
	const char *title;
	const char *text;
	size_t len;         /* 0: strlen(text) */
	const char *name;   /* the profile asked for */
	int rc;
	const char *want;   /* rc 1: the dump; else in the message, after the path */
} cases[] = {
	/* ---- read */
	{ "the example: [work]", EXAMPLE, 0, "work", 1,
	  "[work] host=imap.example.com port=993 user=alice auth=SCRAM-SHA-256 "
	  "cafile=/home/t/certs/work-ca.pem tls-name=mail.example.com ssl=1 timeout=30000ms "
	  "output=pretty color=auto pager=auto" },
	{ "the example: [demo]", EXAMPLE, 0, "demo", 1, "[demo] stream=dovecot --exec-mail imap" },
	{ "every other key and value",
	  "[all]\n"
	  "certfile = /etc/imapsh/me.pem\nkeyfile = ~/me.key\n"
	  "tls-priority = NORMAL:-VERS-TLS1.2\npinnedpubkey = sha256//AbC+/=;sha256//x=\n"
	  "password-file = ~/.imap-pass\nport = imaps\n"
	  "starttls = yes\ninsecure = no\nallow-plaintext = on\npipeline = off\n"
	  "output = json\ncolor = never\npager = on\ndebug = 5\ntimeout = 0.5\n",
	  0, "all", 1,
	  "[all] port=imaps certfile=/etc/imapsh/me.pem keyfile=/home/t/me.key "
	  "tls-priority=NORMAL:-VERS-TLS1.2 pinnedpubkey=sha256//AbC+/=;sha256//x= "
	  "password-file=/home/t/.imap-pass starttls=1 insecure=0 allow-plaintext=1 "
	  "pipeline=0 timeout=500ms output=json color=never pager=on debug=5" },
	{ "more values", "[m]\noutput = raw\ncolor = always\npager = off\ndebug = 0\n"
	  "timeout = 0.0001\npinnedpubkey = ~/server.pub\nssl = 0\nstarttls = false\n",
	  0, "m", 1,
	  "[m] pinnedpubkey=/home/t/server.pub ssl=0 starttls=0 timeout=1ms output=raw "
	  "color=always pager=off debug=0" },
	{ "keys and words ignore case, ':' separates too",
	  "[c]\nHOST: a.example\nSsl = TRUE\nPipeline = Yes\nOutput = JSON\n", 0, "c", 1,
	  "[c] host=a.example ssl=1 pipeline=1 output=json" },
	{ "comments, blank lines, inline ';' comments",
	  "; semicolon comment\n\n# hash comment\n[x]   ; after the header\n"
	  "  # indented comment\nhost = h.example ; why\n\n\n; end\n", 0, "x", 1,
	  "[x] host=h.example" },
	{ "CRLF and a byte order mark", "\xEF\xBB\xBF[w]\r\nhost = h\r\nport = 143\r\n", 0, "w", 1,
	  "[w] host=h port=143" },
	{ "no newline at the end", "[w]\nhost = h", 0, "w", 1, "[w] host=h" },
	{ "an indented header starts a section", "  [a]\nhost = a\n[b]\n  [c]\nhost = c\n", 0,
	  "c", 1, "[c] host=c" },
	{ "an empty section", "[a]\n[b]\nhost = b\n", 0, "a", 1, "[a]" },
	{ "names: letters, digits, . _ -", "[imap.example-2_x]\nuser = u\n", 0,
	  "imap.example-2_x", 1, "[imap.example-2_x] user=u" },
	{ "a user with a blank", "[u]\nuser = Alice Liddell\n", 0, "u", 1, "[u] user=Alice Liddell" },
	{ "stream keeps its '#'", "[s]\nstream = imapd -c /x # the test one\n", 0, "s", 1,
	  "[s] stream=imapd -c /x # the test one" },
	{ "ssl yes, starttls no", "[t]\nssl = yes\nstarttls = no\n", 0, "t", 1,
	  "[t] ssl=1 starttls=0" },
	/* ---- not found */
	{ "no such section", EXAMPLE, 0, "home", 0, "no profile home in " },
	{ "sections are case-sensitive", EXAMPLE, 0, "Work", 0, "no profile Work in " },
	{ "an empty file", "", 0, "work", 0, "no profile work in " },
	{ "only comments", "# nothing yet\n", 0, "work", 0, "no profile work in " },
	/* ---- errors, with their line */
	{ "unknown key, a near one", "# c\n[work]\nhost = h\n\nhots = x\n", 0, "work", -1,
	  ":5: unknown key \"hots\" in [work]: did you mean host?" },
	{ "unknown key, tls_name", "[work]\ntls_name = x\n", 0, "work", -1,
	  ":2: unknown key \"tls_name\" in [work]: did you mean tls-name?" },
	{ "unknown key, nothing near", "[work]\nfrobnicate = 1\n", 0, "work", -1,
	  ":2: unknown key \"frobnicate\" in [work]\n" },
	{ "an error in another section", EXAMPLE "[bad]\nssl = maybe\n", 0, "work", -1,
	  ":18: bad value \"maybe\" for ssl in [bad]: yes or no (true/false, on/off, 1/0)" },
	{ "bad port 0", "[p]\nport = 0\n", 0, "p", -1,
	  ":2: bad value \"0\" for port in [p]: a number from 1 to 65535 or a service name" },
	{ "bad port 65536", "[p]\nport = 65536\n", 0, "p", -1, ":2: bad value \"65536\" for port" },
	{ "bad port 99x", "[p]\nport = 99x\n", 0, "p", -1, ":2: bad value \"99x\" for port" },
	{ "bad port name", "[p]\nport = im ap\n", 0, "p", -1, ":2: bad value \"im ap\" for port" },
	{ "timeout 0", "[p]\ntimeout = 0\n", 0, "p", -1,
	  ":2: bad value \"0\" for timeout in [p]: seconds, more than 0 and at most 86400" },
	{ "timeout too long", "[p]\ntimeout = 86401\n", 0, "p", -1, ":2: bad value \"86401\" for timeout" },
	{ "timeout nan", "[p]\ntimeout = nan\n", 0, "p", -1, ":2: bad value \"nan\" for timeout" },
	{ "timeout 30s", "[p]\ntimeout = 30s\n", 0, "p", -1, ":2: bad value \"30s\" for timeout" },
	{ "bad output", "[p]\noutput = yaml\n", 0, "p", -1,
	  ":2: bad value \"yaml\" for output in [p]: pretty, raw or json" },
	{ "bad color", "[p]\ncolor = yes\n", 0, "p", -1,
	  ":2: bad value \"yes\" for color in [p]: auto, always or never" },
	{ "bad pager", "[p]\npager = less\n", 0, "p", -1,
	  ":2: bad value \"less\" for pager in [p]: on, off or auto" },
	{ "debug 6", "[p]\ndebug = 6\n", 0, "p", -1,
	  ":2: bad value \"6\" for debug in [p]: a level from 0 to 5" },
	{ "debug -1", "[p]\ndebug = -1\n", 0, "p", -1, ":2: bad value \"-1\" for debug" },
	{ "bad boolean", "[p]\ninsecure = sure\n", 0, "p", -1,
	  ":2: bad value \"sure\" for insecure in [p]: yes or no" },
	{ "bad mechanism", "[p]\nauth = SCRAM SHA\n", 0, "p", -1,
	  ":2: bad value \"SCRAM SHA\" for auth in [p]: a SASL mechanism name" },
	{ "host with a blank", "[p]\nhost = imap example\n", 0, "p", -1,
	  ":2: bad value for host in [p]: a name without blanks" },
	{ "empty value", "[p]\nhost =\n", 0, "p", -1, ":2: no value for host in [p]" },
	{ "empty after an inline comment", "[p]\nuser = ; later\n", 0, "p", -1,
	  ":2: no value for user in [p]" },
	{ "a control character", "[p]\nuser = a\tb\n", 0, "p", -1,
	  ":2: a control character in the value of user in [p]" },
	{ "'#' after a value", "[p]\nhost = h.example # work\n", 0, "p", -1,
	  ":2: \"#\" after the value of host in [p]: a comment goes on a line of its own" },
	{ "relative file", "[p]\ncafile = certs/ca.pem\n", 0, "p", -1,
	  ":2: cafile in [p] must be an absolute path or start with ~/" },
	{ "~user is not expanded", "[p]\npassword-file = ~alice/pw\n", 0, "p", -1,
	  ":2: password-file in [p] must be an absolute path or start with ~/" },
	{ "key outside any section", "# top\nhost = h\n[p]\n", 0, "p", -1,
	  ":2: key \"host\" outside any section: put it under a [name] line" },
	{ "duplicate section", "[a]\nhost = a\n[b]\nhost = b\n\n[a]\nport = 1\n", 0, "b", -1,
	  ":6: duplicate section [a] (first at line 1)" },
	{ "duplicate empty section", "[a]\n[a]\n", 0, "a", -1,
	  ":2: duplicate section [a] (first at line 1)" },
	{ "bad section name", "[my work]\nhost = h\n", 0, "work", -1,
	  ":1: bad profile name [my work]: use letters, digits, '.', '_' and '-'" },
	{ "empty section name", "[]\nhost = h\n", 0, "work", -1, ":1: bad profile name []" },
	{ "section name too long",
	  "[a123456789b123456789c123456789d123456789e123456789f]\n", 0, "a", -1,
	  ":1: profile name [a123456789b123456789...] too long (at most 48 characters)" },
	{ "duplicate key", "[p]\nhost = a\nport = 1\nHost = b\n", 0, "p", -1,
	  ":4: duplicate key host in [p] (first at line 2)" },
	{ "an indented line continues a value", "[p]\nhost = a\n  port = 1\n", 0, "p", -1,
	  ":3: indented line: inih reads it as more of host's value (line 2); a value is one "
	  "line, so unindent it" },
	{ "an indented header after a key continues its value", "[a]\nhost = a\n  [b]\n", 0, "a",
	  -1, ":3: indented line: inih reads it as more of host's value (line 2)" },
	{ "host then stream", "[p]\nhost = a\nuser = u\nstream = imapd\n", 0, "p", -1,
	  ":4: host and stream both set in [p] (host at line 2): give one" },
	{ "stream then host", "[p]\nstream = imapd\nhost = a\n", 0, "p", -1,
	  ":3: host and stream both set in [p] (stream at line 2): give one" },
	{ "ssl and starttls", "[p]\nstarttls = yes\nssl = on\n", 0, "p", -1,
	  ":3: ssl and starttls both yes in [p] (starttls at line 2): choose one" },
	{ "password", "[p]\nuser = u\npassword = hunter2\n", 0, "p", -1,
	  ":3: \"password\": passwords never live in the config file: use password-file, "
	  "~/.netrc or the prompt" },
	{ "pass", "[p]\npass = hunter2\n", 0, "p", -1, ":2: \"pass\": passwords never live" },
	{ "Secret", "[p]\nSecret = hunter2\n", 0, "p", -1, ":2: \"Secret\": passwords never live" },
	{ "password outside a section", "password = hunter2\n", 0, "p", -1,
	  ":1: \"password\": passwords never live" },
	{ "a line without '='", "[p]\nhost = a\nhunter2\n", 0, "p", -1,
	  ":3: syntax error: expected \"key = value\", \"[name]\" or a # comment" },
	{ "a header without ']'", "[p]\nhost = a\n[q\nport = 1\n", 0, "p", -1,
	  ":3: syntax error: a section header with no ']'" },
	{ "the first error counts (syntax first)", "[p]\nbroken\nhots = 1\n", 0, "p", -1,
	  ":2: syntax error" },
	{ "the first error counts (key first)", "[p]\nhots = 1\nbroken\n", 0, "p", -1,
	  ":2: unknown key" },
	{ "a line too long",
	  "[p]\nhost = a\n# " "0123456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789012345678901234567890123456789012345678901234567890123456789\nport = 1\n",
	  0, "p", -1, ":3: line longer than " },
	{ "a NUL byte", "[p]\nhost = a\0b\n", 15, "p", -1, ":2: a NUL byte: is this a text file?" },
};

START_TEST(test_load)
{
	const struct lcase *c = &cases[_i];
	struct imap_err err = IMAP_ERR_INIT;
	struct profile p;
	struct buf got = BUF_INIT, want = BUF_INIT;
	int rc;

	write_config(c->text, c->len ? c->len : strlen(c->text));
	rc = profile_load(path, c->name, &p, &err);
	ck_assert_msg(rc == c->rc, "%s: rc %d, want %d (%s)", c->title, rc, c->rc, err.msg);
	if (rc == 1) {
		dump(&p, &got);
		ck_assert_msg(!strcmp(got.buf, c->want), "%s:\n got %s\nwant %s", c->title, got.buf,
			      c->want);
	} else {
		/* the message: PATH:..., one line, never the refused value */
		buf_addf(&got, "%s\n", err.msg);
		buf_addf(&want, "%s%s", rc < 0 ? path : "", c->want);
		ck_assert_msg(strstr(got.buf, want.buf), "%s:\n got %s\nwant %s", c->title, err.msg,
			      want.buf);
		ck_assert_msg(!strchr(err.msg, '\n'), "%s: two lines", c->title);
		ck_assert_msg(!strstr(err.msg, "hunter2"), "%s: the secret shows", c->title);
		ck_assert_msg(!strncmp(err.msg, rc < 0 ? path : "no ", rc < 0 ? strlen(path) : 3),
			      "%s: %s", c->title, err.msg);
		/* nothing filled */
		ck_assert_ptr_null(p.name);
		ck_assert_ptr_null(p.host);
		ck_assert_int_eq(p.ssl, -1);
	}
	profile_release(&p);
	ck_assert_ptr_null(p.host);
	buf_release(&got);
	buf_release(&want);
}
END_TEST

/* The file's state around the same [p]: missing, a directory, no HOME. */
START_TEST(test_files)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct profile p;
	struct buf want = BUF_INIT;

	ck_assert_int_eq(profile_load(path, "p", &p, &err), 0);
	buf_addf(&want, "no config file %s", path);
	ck_assert_str_eq(err.msg, want.buf);

	ck_assert_int_eq(profile_load(NULL, "p", &p, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "no config file"));

	ck_assert_int_eq(profile_load(dir, "p", &p, &err), -1);
	buf_reset(&want);
	buf_addf(&want, "cannot read %s: it is a directory", dir);
	ck_assert_str_eq(err.msg, want.buf);

	write_config("[p]\ncafile = ~/ca.pem\n", strlen("[p]\ncafile = ~/ca.pem\n"));
	unsetenv("HOME");
	ck_assert_int_eq(profile_load(path, "p", &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, ":2: cafile in [p] starts with ~/ but HOME is not set"));
	setenv("HOME", "/root dir", 1);
	ck_assert_int_eq(profile_load(path, "p", &p, &err), 1);
	ck_assert_str_eq(p.cafile, "/root dir/ca.pem");
	profile_release(&p);

	/* name NULL: the file is checked, nothing filled */
	ck_assert_int_eq(profile_load(path, NULL, &p, &err), 1);
	ck_assert_ptr_null(p.cafile);
	write_config("[p]\nhots = 1\n", 13);
	ck_assert_int_eq(profile_load(path, NULL, &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, ":2: unknown key \"hots\" in [p]: did you mean host?"));
	write_config("[p]\ncafile = ~/ca.pem\n", strlen("[p]\ncafile = ~/ca.pem\n"));

	/* others may read it: fine */
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(profile_load(path, "p", &p, &err), 1);
	profile_release(&p);
	buf_release(&want);
}
END_TEST

static const struct ncase {
	const char *text; /* NULL: no file */
	const char *want; /* names joined by ' ', NULL: NULL */
} names_cases[] = {
	{ EXAMPLE, "work demo" },
	{ "  [a]\n[b]\nhost = b\n[c]\n# d\n[e.f]\n", "a b c e.f" },
	{ "", "" },
	{ "# only a comment\n", "" },
	{ NULL, NULL },
	{ "[a]\nhost = x\n[b]\nhots = y\n", NULL },
	{ "[a]\nbroken\n", NULL },
};

START_TEST(test_names)
{
	const struct ncase *c = &names_cases[_i];
	struct buf got = BUF_INIT;
	char **names;
	size_t i;

	if (c->text)
		write_config(c->text, strlen(c->text));
	names = profile_names(path);
	if (!c->want) {
		ck_assert_ptr_null(names);
		return;
	}
	ck_assert_ptr_nonnull(names);
	for (i = 0; names[i]; i++)
		buf_addf(&got, "%s%s", i ? " " : "", names[i]);
	ck_assert_str_eq(got.buf, c->want);
	profile_names_free(names);
	buf_release(&got);
}
END_TEST

static const struct pcase {
	const char *imapsh_config, *xdg, *home; /* NULL: unset */
	const char *want;
} path_cases[] = {
	{ "/etc/imapsh.conf", "/x", "/home/a", "/etc/imapsh.conf" },
	{ "", "/x", "/home/a", "/x/imapsh/config" },
	{ NULL, "/x", NULL, "/x/imapsh/config" },
	{ NULL, "relative", "/home/a", "/home/a/.config/imapsh/config" },
	{ NULL, "", "/home/a", "/home/a/.config/imapsh/config" },
	{ NULL, NULL, "/home/a", "/home/a/.config/imapsh/config" },
	{ NULL, NULL, NULL, NULL },
	{ NULL, NULL, "", NULL },
};

static void set_or_unset(const char *name, const char *v)
{
	if (v)
		setenv(name, v, 1);
	else
		unsetenv(name);
}

START_TEST(test_path)
{
	const struct pcase *c = &path_cases[_i];
	char *got;

	set_or_unset("IMAPSH_CONFIG", c->imapsh_config);
	set_or_unset("XDG_CONFIG_HOME", c->xdg);
	set_or_unset("HOME", c->home);
	got = profile_path();
	if (c->want)
		ck_assert_str_eq(got, c->want);
	else
		ck_assert_ptr_null(got);
	free(got);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("profile");
	TCase *tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_load, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_files);
	tcase_add_loop_test(tc, test_names, 0, (int)(sizeof(names_cases) / sizeof(names_cases[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("path");
	tcase_add_loop_test(tc, test_path, 0, (int)(sizeof(path_cases) / sizeof(path_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
