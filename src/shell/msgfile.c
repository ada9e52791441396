/*
 * msgfile.c - a message file streamed to APPEND (contract in msgfile.h).
 *
 * produce() is the one converter: msgfile_open() runs it over the whole
 * file to measure the size and find the first NUL, and source_read() runs
 * it again while the literal is sent, so both passes agree byte for byte.
 * A CR or LF becomes two bytes; when only the CR fits in the caller's
 * buffer the LF is kept (pending_lf) for the next call, so any buffer
 * length works and every buffer is filled.
 */
#include "shell/msgfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"

#define IN_CHUNK 32768
#define MEASURE_CHUNK 65536

struct msgfile {
	struct imap_literal_source src;
	char *path;
	int fd;
	uint64_t sent;      /* bytes source_read() has produced */
	long long nul_at;   /* first NUL in the converted bytes, -1: none */
	bool prev_cr;       /* the last input byte was CR (its CRLF is out) */
	bool pending_lf;    /* the LF of a CRLF did not fit: it comes first */
	size_t in_pos, in_len; /* unconverted input: in[in_pos..in_len) */
	char in[IN_CHUNK];
};

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

/*
 * Writes up to len converted bytes to out: exactly len unless the file
 * ends first.  Returns the count (0: end of file), or -1 with err.
 */
static ssize_t produce(struct msgfile *m, char *out, size_t len, struct imap_err *err)
{
	size_t o = 0;

	while (o < len) {
		const char *in;
		size_t avail, i;

		if (m->pending_lf) {
			out[o++] = '\n';
			m->pending_lf = false;
			continue;
		}
		if (m->in_pos == m->in_len) {
			ssize_t n = read_some(m, m->in, sizeof(m->in), err);
			if (n < 0)
				return -1;
			if (n == 0)
				break;
			m->in_pos = 0;
			m->in_len = (size_t)n;
		}
		/* copy the run of ordinary bytes that fits in one go */
		in = m->in + m->in_pos;
		avail = m->in_len - m->in_pos;
		if (avail > len - o)
			avail = len - o;
		for (i = 0; i < avail && in[i] != '\r' && in[i] != '\n'; i++)
			;
		if (i) {
			memcpy(out + o, in, i);
			o += i;
			m->in_pos += i;
			m->prev_cr = false;
			continue;
		}
		/* one line-end byte: CR -> CRLF, LF -> CRLF, the LF of CRLF -> nothing */
		m->in_pos++;
		if (in[0] == '\n' && m->prev_cr) {
			m->prev_cr = false;
			continue;
		}
		m->prev_cr = in[0] == '\r';
		out[o++] = '\r';
		if (o < len)
			out[o++] = '\n';
		else
			m->pending_lf = true;
	}
	return (ssize_t)o;
}

static int changed(struct msgfile *m, struct imap_err *err)
{
	return err_set(err, IMAP_ERR_ERROR, "%s changed while it was sent (%llu bytes announced)",
		       m->path, (unsigned long long)m->src.size);
}

static ssize_t source_read(void *ctx, char *buf, size_t len, struct imap_err *err)
{
	struct msgfile *m = ctx;
	uint64_t left = m->src.size - m->sent;
	ssize_t n;
	char extra;

	if ((uint64_t)len > left)
		len = (size_t)left;
	if (!len)
		return 0;
	n = produce(m, buf, len, err);
	if (n < 0)
		return -1;
	if ((size_t)n < len)
		return changed(m, err);
	m->sent += (uint64_t)n;
	if (m->sent == m->src.size) {
		/* the last byte: the file must end here too */
		ssize_t more = produce(m, &extra, 1, err);
		if (more < 0)
			return -1;
		if (more > 0)
			return changed(m, err);
	}
	return n;
}

/* Measures m (its fd open on the start of the file) and rewinds it. */
static struct msgfile *measure(struct msgfile *m, struct imap_err *err)
{
	const char *path = m->path;
	char *out;
	ssize_t n;

	out = xmalloc(MEASURE_CHUNK);
	while ((n = produce(m, out, MEASURE_CHUNK, err)) > 0) {
		if (m->nul_at < 0) {
			const char *nul = memchr(out, '\0', (size_t)n);
			if (nul)
				m->nul_at = (long long)m->src.size + (nul - out);
		}
		m->src.size += (uint64_t)n;
	}
	free(out);
	if (n < 0 || lseek(m->fd, 0, SEEK_SET) < 0) {
		if (n == 0)
			err_set_errno(err, IMAP_ERR_ERROR, errno, "cannot rewind %s", path);
		msgfile_close(m);
		return NULL;
	}
	m->prev_cr = false;
	m->pending_lf = false;
	m->in_pos = m->in_len = 0;
	m->src.read = source_read;
	m->src.ctx = m;
	return m;
}

struct msgfile *msgfile_open(const char *path, struct imap_err *err)
{
	struct msgfile *m = xcalloc(1, sizeof(*m));

	m->path = xstrdup(path);
	m->nul_at = -1;
	m->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (m->fd < 0) {
		err_set_errno(err, IMAP_ERR_ERROR, errno, "cannot read %s", path);
		msgfile_close(m);
		return NULL;
	}
	return measure(m, err);
}

struct msgfile *msgfile_open_stdin(struct imap_err *err)
{
	static bool taken;
	struct msgfile *m;
	FILE *tmp;
	char *buf;
	ssize_t n = 0;

	if (taken) {
		err_set(err, IMAP_ERR_ERROR, "standard input was read already: one @- a run");
		return NULL;
	}
	taken = true;
	/* a pipe cannot be read twice: into an unlinked file in $TMPDIR */
	tmp = tmpfile();
	if (!tmp) {
		err_set_errno(err, IMAP_ERR_ERROR, errno, "cannot make a temporary file for standard input");
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->path = xstrdup("standard input");
	m->nul_at = -1;
	m->fd = dup(fileno(tmp));
	fclose(tmp);
	buf = xmalloc(IN_CHUNK);
	for (;;) {
		do
			n = read(STDIN_FILENO, buf, IN_CHUNK);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			break;
		if (m->fd < 0 || write(m->fd, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	}
	free(buf);
	if (n < 0 || m->fd < 0 || lseek(m->fd, 0, SEEK_SET) < 0) {
		err_set_errno(err, IMAP_ERR_ERROR, errno, "cannot read standard input");
		msgfile_close(m);
		return NULL;
	}
	return measure(m, err);
}

const struct imap_literal_source *msgfile_source(struct msgfile *m)
{
	return &m->src;
}

long long msgfile_nul_offset(const struct msgfile *m)
{
	return m->nul_at;
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
