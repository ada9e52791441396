/*
 * sink.c - literals to redirect targets or to the spool (sink.h).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "shell/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xalloc.h"

struct redirect {
	char *path;
	bool dir;       /* one file per literal */
	bool append;
	int fd;         /* single-file target, opened at the first literal */
	unsigned count; /* literals written */
	int err_no;
};

/* One spooled literal. */
struct spooled {
	uint64_t serial; /* the parser's sink serial (value num of the sunk literal) */
	uint64_t size;   /* bytes written so far (all of them once ended) */
	int fd;
	int err_no;      /* writing it failed */
};

struct spool {
	struct spooled *items;
	size_t n, alloc;
	struct render_spool ops;
	bool warned;     /* a spool failure was reported */
};

struct sink_handle {
	int fd;
	bool close_fd;
	uint64_t serial; /* spooled (serials start at 1), else 0: a redirect */
};

/* ---- redirects ----------------------------------------------------------- */

static void key_to_name(const char *key, struct buf *out)
{
	const char *p;
	if (!*key || !strcasecmp(key, "BODY[]") || !strcasecmp(key, "RFC822") ||
	    !strcasecmp(key, "BINARY[]")) {
		buf_adds(out, "eml");
		return;
	}
	for (p = key; *p; p++) {
		unsigned char c = (unsigned char)*p;
		buf_addch(out, (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				       (c >= '0' && c <= '9') || c == '.' || c == '-' ? c : '_');
	}
}

static void redirect_free(struct redirect *r)
{
	if (!r)
		return;
	if (!r->dir && r->fd >= 0)
		close(r->fd);
	free(r->path);
	free(r);
}

int sink_take_redirect(struct shell *sh, struct shell_line *l)
{
	size_t n = l->count;
	const char *path = NULL;
	bool append = false;
	struct redirect *r;
	struct stat st;

	if (n >= 3 && !l->tok[n - 2].quoted &&
	    (!strcmp(l->tok[n - 2].raw, ">") || !strcmp(l->tok[n - 2].raw, ">>"))) {
		append = l->tok[n - 2].raw[1] == '>';
		path = l->tok[n - 1].value;
		l->count -= 2;
	} else if (n >= 2 && !l->tok[n - 1].quoted && l->tok[n - 1].raw[0] == '>' &&
		   l->tok[n - 1].raw_len > 1) {
		const char *p = l->tok[n - 1].raw + 1;
		if (*p == '>') {
			append = true;
			p++;
		}
		if (!*p)
			return 0;
		path = p;
		l->count -= 1;
	}
	if (!path)
		return 0;
	r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(path);
	r->append = append;
	r->fd = -1;
	if (r->path[0] && r->path[strlen(r->path) - 1] == '/') {
		r->path[strlen(r->path) - 1] = '\0';
		if (mkdir(r->path, 0777) < 0 && errno != EEXIST) {
			shell_error(sh, "cannot create directory %s: %s", r->path, strerror(errno));
			redirect_free(r);
			return -1;
		}
		r->dir = true;
	} else if (stat(r->path, &st) == 0 && S_ISDIR(st.st_mode)) {
		r->dir = true;
	} else {
		/* made (or emptied) now, even if no literal comes */
		r->fd = open(r->path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0666);
		if (r->fd < 0) {
			shell_error(sh, "cannot write %s: %s", r->path, strerror(errno));
			redirect_free(r);
			return -1;
		}
	}
	sh->redir = r;
	return 0;
}

int sink_end_redirect(struct shell *sh)
{
	int st = SHELL_OK;
	if (sh->redir && sh->redir->err_no) {
		shell_error(sh, "cannot write %s: %s", sh->redir->path, strerror(sh->redir->err_no));
		st = shell_note(sh, SHELL_FAILED);
	}
	redirect_free(sh->redir);
	sh->redir = NULL;
	return st;
}

/* ---- the spool ----------------------------------------------------------- */

static struct spooled *spooled_find(struct spool *sp, uint64_t serial)
{
	size_t i;
	for (i = 0; i < sp->n; i++)
		if (sp->items[i].serial == serial)
			return &sp->items[i];
	return NULL;
}

/* An unlinked file only we can read: in $TMPDIR, else /tmp. */
static int spool_file(void)
{
	const char *dir = getenv("TMPDIR");
	struct buf path = BUF_INIT;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	buf_addf(&path, "%s/imapsh-literal-XXXXXX", dir);
	fd = mkostemp(path.buf, O_CLOEXEC);
	if (fd >= 0)
		unlink(path.buf);
	buf_release(&path);
	return fd;
}

void sink_spool_clear(struct shell *sh)
{
	struct spool *sp = sh->spool;
	size_t i;
	if (!sp)
		return;
	for (i = 0; i < sp->n; i++)
		if (sp->items[i].fd >= 0)
			close(sp->items[i].fd);
	sp->n = 0;
}

static long long spool_size(void *ctx, const struct imap_value *v)
{
	struct shell *sh = ctx;
	struct spooled *s = spooled_find(sh->spool, v->num);
	if (!s || s->fd < 0 || s->err_no)
		return -1;
	return (long long)s->size;
}

static ssize_t spool_read(void *ctx, const struct imap_value *v, uint64_t off, char *buf,
			  size_t len)
{
	struct shell *sh = ctx;
	struct spooled *s = spooled_find(sh->spool, v->num);
	ssize_t n;
	if (!s || s->fd < 0)
		return -1;
	do
		n = pread(s->fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	return n;
}

static void spool_flush(void *ctx, struct buf *out)
{
	struct shell *sh = ctx;
	shell_print(sh, out);
	buf_reset(out);
}

const struct render_spool *sink_spool(struct shell *sh)
{
	return sh->spool && sh->spool->n ? &sh->spool->ops : NULL;
}

/* ---- the parser's sink --------------------------------------------------- */

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static void *begin_spooled(struct shell *sh, const struct imap_literal_info *info)
{
	struct spool *sp = sh->spool;
	struct sink_handle *h;
	struct spooled *s;
	int fd = spool_file();

	if (fd < 0) {
		if (!sp->warned)
			shell_warn(sh, "cannot spool a %" PRIu64 "-byte literal in %s: %s; "
				    "it is not shown (save it with > FILE)", info->size,
				    getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
				    strerror(errno));
		sp->warned = true;
	}
	xgrow((void **)&sp->items, &sp->alloc, sp->n + 1, sizeof(*sp->items));
	s = &sp->items[sp->n++];
	s->serial = info->serial;
	s->size = 0;
	s->fd = fd;
	s->err_no = fd < 0 ? errno : 0;
	h = xcalloc(1, sizeof(*h));
	h->fd = -1;
	h->serial = info->serial;
	return h;
}

static void *sink_begin(void *ctx, const struct imap_literal_info *info)
{
	struct shell *sh = ctx;
	struct redirect *r = sh->redir;
	struct sink_handle *h;

	if (!r)
		return info->size < sh->stream_threshold ? NULL : begin_spooled(sh, info);
	h = xcalloc(1, sizeof(*h));
	if (r->dir) {
		struct buf p = BUF_INIT;
		buf_addf(&p, "%s/%" PRIu64 ".", r->path, info->number);
		key_to_name(info->key, &p);
		h->fd = open(p.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (h->fd < 0 && !r->err_no)
			r->err_no = errno;
		h->close_fd = true;
		buf_release(&p);
	} else {
		if (r->fd < 0 && !r->err_no) {
			r->fd = open(r->path, O_WRONLY | O_CREAT | O_CLOEXEC |
					      (r->append ? O_APPEND : O_TRUNC), 0666);
			if (r->fd < 0)
				r->err_no = errno;
		}
		h->fd = r->fd;
	}
	r->count++;
	return h;
}

static int sink_data(void *ctx, void *handle, const char *data, size_t len, struct imap_err *err)
{
	struct shell *sh = ctx;
	struct sink_handle *h = handle;
	(void)err;
	if (h->serial) {
		struct spooled *s = spooled_find(sh->spool, h->serial);
		if (!s || s->fd < 0 || s->err_no)
			return 0;
		if (write_all(s->fd, data, len) < 0) {
			s->err_no = errno;
			if (!sh->spool->warned)
				shell_warn(sh, "cannot spool a literal: %s; it is not shown "
					    "(save it with > FILE)", strerror(errno));
			sh->spool->warned = true;
			return 0;
		}
		s->size += len;
		return 0;
	}
	if (h->fd < 0)
		return 0; /* the open error is reported once, after the command */
	if (write_all(h->fd, data, len) < 0) {
		if (sh->redir && !sh->redir->err_no)
			sh->redir->err_no = errno;
		if (h->close_fd)
			close(h->fd);
		h->fd = -1;
	}
	return 0;
}

static int sink_end(void *ctx, void *handle, struct imap_err *err)
{
	struct sink_handle *h = handle;
	(void)ctx;
	(void)err;
	if (h->close_fd && h->fd >= 0)
		close(h->fd);
	free(h);
	return 0;
}

static void sink_abort(void *ctx, void *handle)
{
	sink_end(ctx, handle, NULL);
}

void sink_init(struct shell *sh)
{
	if (!sh->spool) {
		sh->spool = xcalloc(1, sizeof(*sh->spool));
		sh->spool->ops.size = spool_size;
		sh->spool->ops.read = spool_read;
		sh->spool->ops.flush = spool_flush;
		sh->spool->ops.ctx = sh;
	}
	sh->sink.begin = sink_begin;
	sh->sink.data = sink_data;
	sh->sink.end = sink_end;
	sh->sink.abort = sink_abort;
	sh->sink.ctx = sh;
	sh->sink.threshold = 0; /* every literal asks; begin() decides */
}

void sink_release(struct shell *sh)
{
	if (sh->spool) {
		sink_spool_clear(sh);
		free(sh->spool->items);
		free(sh->spool);
		sh->spool = NULL;
	}
	redirect_free(sh->redir);
	sh->redir = NULL;
}
