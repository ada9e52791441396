#include "shell/msgfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"

#define IN_CHUNK 32768

struct msgfile {
	struct imap_literal_source src;
	char *path;
	int fd;
	bool prev_cr;       /* the last input byte was CR (its CRLF is out) */
	char in[IN_CHUNK];
};

/* Appends the CRLF form of in[0..n) to out (room for 2n); returns its length. */
static size_t convert(bool *prev_cr, const char *in, size_t n, char *out)
{
	size_t i, o = 0;
	for (i = 0; i < n; i++) {
		char c = in[i];
		if (c == '\r') {
			out[o++] = '\r';
			out[o++] = '\n';
			*prev_cr = true;
			continue;
		}
		if (c == '\n') {
			if (!*prev_cr) {
				out[o++] = '\r';
				out[o++] = '\n';
			}
		} else {
			out[o++] = c;
		}
		*prev_cr = false;
	}
	return o;
}

static ssize_t read_some(struct msgfile *m, char *buf, size_t len, struct imap_err *err)
{
	ssize_t n;
	do
		n = read(m->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		err_set_errno(err, IMAP_ERR_ERROR, errno, "cannot read %s", m->path);
	return n;
}

static ssize_t source_read(void *ctx, char *buf, size_t len, struct imap_err *err)
{
	struct msgfile *m = ctx;
	size_t want = len / 2;
	ssize_t n;
	if (want > IN_CHUNK)
		want = IN_CHUNK;
	if (!want)
		return err_set(err, IMAP_ERR_ERROR, "internal error: read buffer too small");
	for (;;) {
		size_t out;
		n = read_some(m, m->in, want, err);
		if (n <= 0)
			return n;
		/* an LF after a CR adds nothing: read on rather than say "end" */
		out = convert(&m->prev_cr, m->in, (size_t)n, buf);
		if (out)
			return (ssize_t)out;
	}
}

struct msgfile *msgfile_open(const char *path, struct imap_err *err)
{
	struct msgfile *m = xcalloc(1, sizeof(*m));
	char out[2 * IN_CHUNK];
	ssize_t n;

	m->path = xstrdup(path);
	m->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (m->fd < 0) {
		err_set_errno(err, IMAP_ERR_ERROR, errno, "cannot read %s", path);
		msgfile_close(m);
		return NULL;
	}
	while ((n = read_some(m, m->in, sizeof(m->in), err)) > 0)
		m->src.size += convert(&m->prev_cr, m->in, (size_t)n, out);
	if (n < 0 || lseek(m->fd, 0, SEEK_SET) < 0) {
		if (n == 0)
			err_set_errno(err, IMAP_ERR_ERROR, errno, "cannot rewind %s", path);
		msgfile_close(m);
		return NULL;
	}
	m->prev_cr = false;
	m->src.read = source_read;
	m->src.ctx = m;
	return m;
}

const struct imap_literal_source *msgfile_source(struct msgfile *m)
{
	return &m->src;
}

void msgfile_close(struct msgfile *m)
{
	if (!m)
		return;
	if (m->fd >= 0)
		close(m->fd);
	free(m->path);
	free(m);
}
