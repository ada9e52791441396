/* Unit tests for message files streamed to APPEND (src/shell/msgfile.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell/msgfile.h"
#include "util/buf.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The conversion written the plain way, to compare against: CR, LF and
 * CRLF each become CRLF (as imaplib's MapCRLF). */
static void reference(const char *in, size_t len, struct buf *out)
{
	size_t i;
	for (i = 0; i < len; i++) {
		if (in[i] == '\r') {
			buf_add(out, "\r\n", 2);
			if (i + 1 < len && in[i + 1] == '\n')
				i++;
		} else if (in[i] == '\n') {
			buf_add(out, "\r\n", 2);
		} else {
			buf_addch(out, in[i]);
		}
	}
}

static void write_file(char *path, const char *data, size_t len)
{
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/*
 * Writes data to a temp file and streams it with reads of readsz bytes,
 * as the session does: each read asks for min(readsz, bytes left).  Every
 * read must fill what it was asked; after size bytes, read gives 0.
 * Returns what came out (caller frees); *size_r is src->size and
 * *nul_r msgfile_nul_offset.
 */
static char *through(const char *data, size_t len, size_t readsz, uint64_t *size_r,
		     long long *nul_r)
{
	char path[] = "/tmp/check_msgfile.XXXXXX";
	struct imap_err err = IMAP_ERR_INIT;
	struct msgfile *m;
	const struct imap_literal_source *src;
	struct buf out = BUF_INIT;
	char *chunk = malloc(readsz);
	uint64_t left;

	write_file(path, data, len);
	m = msgfile_open(path, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	src = msgfile_source(m);
	*size_r = src->size;
	*nul_r = msgfile_nul_offset(m);
	for (left = src->size; left;) {
		size_t want = left < readsz ? (size_t)left : readsz;
		ssize_t n = src->read(src->ctx, chunk, want, &err);
		ck_assert_msg(n == (ssize_t)want, "len %zu, read size %zu: asked %zu, got %zd (%s)",
			      len, readsz, want, n, err.msg);
		buf_add(&out, chunk, (size_t)n);
		left -= (uint64_t)n;
	}
	ck_assert_int_eq(src->read(src->ctx, chunk, readsz, &err), 0);
	msgfile_close(m);
	unlink(path);
	free(chunk);
	return buf_detach(&out, NULL);
}

/* Contents of length len in one of several shapes (what a file ends with,
 * and which line ends it holds). */
enum shape { PLAIN, END_LF, END_CRLF, END_CR, NO_END, MIXED, ONLY_BREAKS, NSHAPES };

static const char *const shape_names[] = {
	"plain", "end-LF", "end-CRLF", "end-CR", "no-end", "mixed", "only-breaks",
};

static void make(enum shape sh, size_t len, char *d)
{
	static const char mix[] = "ab\r\ncd\ne\rf\n\rg\r\r\nh\0i\n\nj\r\rk";
	static const char breaks[] = "\r\n\n\r\r\r\n\n\n\r";
	size_t i;
	for (i = 0; i < len; i++) {
		switch (sh) {
		case PLAIN:
			d[i] = (char)('a' + i % 26);
			break;
		case END_LF:
		case END_CR:
			d[i] = i % 9 == 8 ? (sh == END_LF ? '\n' : '\r') : (char)('a' + i % 26);
			break;
		case END_CRLF:
			d[i] = i % 9 == 7 ? '\r' : i % 9 == 8 ? '\n' : (char)('a' + i % 26);
			break;
		case NO_END:
		case MIXED:
			d[i] = mix[i % (sizeof(mix) - 1)];
			break;
		case ONLY_BREAKS:
			d[i] = breaks[i % (sizeof(breaks) - 1)];
			break;
		case NSHAPES:
			break;
		}
	}
	if (!len)
		return;
	if (sh == END_LF)
		d[len - 1] = '\n';
	else if (sh == END_CR)
		d[len - 1] = '\r';
	else if (sh == END_CRLF && len >= 2)
		memcpy(d + len - 2, "\r\n", 2);
	else if (sh == END_CRLF)
		d[0] = '\n';
	else if (sh == NO_END)
		d[len - 1] = 'z';
}

/* Every length 0..70 in every shape, read 1, 2, 3, 7 and 64 KiB at a
 * time: the bytes equal the reference and their count the announced size. */
START_TEST(every_length_shape_and_read_size)
{
	static const size_t sizes[] = { 1, 2, 3, 7, 65536 };
	char data[70];
	size_t len, si;
	int sh;

	for (sh = 0; sh < NSHAPES; sh++) {
		for (len = 0; len <= sizeof(data); len++) {
			struct buf want = BUF_INIT;
			const char *nul;
			make((enum shape)sh, len, data);
			reference(data, len, &want);
			nul = want.len ? memchr(want.buf, '\0', want.len) : NULL;
			for (si = 0; si < N(sizes); si++) {
				uint64_t size;
				long long nul_at;
				char *got = through(data, len, sizes[si], &size, &nul_at);
				ck_assert_msg(size == want.len, "%s len %zu read %zu: size %llu, want %zu",
					      shape_names[sh], len, sizes[si],
					      (unsigned long long)size, want.len);
				ck_assert_msg(memcmp(got, want.buf, want.len) == 0,
					      "%s len %zu read %zu: bytes differ", shape_names[sh], len,
					      sizes[si]);
				ck_assert_int_eq(nul_at, nul ? (long long)(nul - want.buf) : -1);
				free(got);
			}
			buf_release(&want);
		}
	}
}
END_TEST

START_TEST(line_ends_become_crlf)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "a\nb\n", "a\r\nb\r\n" },
		{ "a\r\nb\r\n", "a\r\nb\r\n" },
		{ "a\rb\r", "a\r\nb\r\n" },
		{ "a\r\r\nb\n\n", "a\r\n\r\nb\r\n\r\n" },
		{ "no line end", "no line end" },
		{ "x", "x" },
		{ "\n", "\r\n" },
		{ "\r", "\r\n" },
		{ "", "" },
	};
	size_t i, rs;
	for (i = 0; i < N(cases); i++) {
		for (rs = 1; rs <= 64; rs++) {
			uint64_t size;
			long long nul_at;
			char *got = through(cases[i].in, strlen(cases[i].in), rs, &size, &nul_at);
			ck_assert_str_eq(got, cases[i].out);
			ck_assert_uint_eq(size, strlen(cases[i].out));
			ck_assert_int_eq(nul_at, -1);
			free(got);
		}
	}
}
END_TEST

/* The first NUL, counted in the bytes sent (after LF became CRLF). */
START_TEST(nul_offset_after_conversion)
{
	static const struct {
		const char *in;
		size_t len;
		long long at;
	} cases[] = {
		{ "\0", 1, 0 },
		{ "abc", 3, -1 },
		{ "a\0b\0", 4, 1 },
		{ "a\nb\0", 4, 4 },     /* a CR LF b NUL */
		{ "a\r\nb\0", 5, 4 },
		{ "\n\n\n\0", 4, 6 },
		{ "\r\r\0\n", 4, 4 },
	};
	size_t i;
	for (i = 0; i < N(cases); i++) {
		uint64_t size;
		long long nul_at;
		char *got = through(cases[i].in, cases[i].len, 65536, &size, &nul_at);
		ck_assert_msg(nul_at == cases[i].at, "case %zu: NUL at %lld, want %lld", i, nul_at,
			      cases[i].at);
		free(got);
	}
}
END_TEST

/* A NUL far into a file, past the first measuring chunk. */
START_TEST(nul_offset_deep_in_big_file)
{
	size_t len = 200000, i;
	char *data = malloc(len);
	uint64_t size;
	long long nul_at;
	char *got;
	for (i = 0; i < len; i++)
		data[i] = i % 50 == 49 ? '\n' : 'm';
	data[150001] = '\0';
	got = through(data, len, 65536, &size, &nul_at);
	/* 3000 LFs before it, each one byte longer on the wire */
	ck_assert_int_eq(nul_at, 150001 + 3000);
	ck_assert_uint_eq(size, len + len / 50);
	free(got);
	free(data);
}
END_TEST

START_TEST(binary_bytes_kept_and_big_file)
{
	size_t len = 300000, i;
	char *data = malloc(len);
	uint64_t size;
	long long nul_at;
	char *got;
	/* every byte value but CR and LF, with a CRLF every 1000 bytes */
	for (i = 0; i < len; i++)
		data[i] = (char)(i % 1000 == 998 ? '\r' : i % 1000 == 999 ? '\n' : (i % 251 == 10 || i % 251 == 13) ? 'x' : i % 251);
	got = through(data, len, 65536, &size, &nul_at);
	ck_assert_uint_eq(size, len);
	ck_assert_int_eq(memcmp(got, data, len), 0);
	ck_assert_int_eq(nul_at, 0);
	free(got);
	free(data);
}
END_TEST

/* A 413-byte message (LF line ends in the file) once went out as writes of
 * 210, 106, 48, 25, 14, 5, 2, 1 bytes; one 64 KiB read now takes it all,
 * and a big file comes in full 64 KiB chunks. */
START_TEST(reads_fill_the_chunk)
{
	char path[] = "/tmp/check_msgfile.XXXXXX";
	struct imap_err err = IMAP_ERR_INIT;
	struct buf msg = BUF_INIT;
	struct msgfile *m;
	const struct imap_literal_source *src;
	char *chunk = malloc(65536);
	uint64_t left;
	size_t lines = 0;

	while (msg.len + lines < 413 - 40) {
		buf_adds(&msg, "X-Filler: some header text that fills\n");
		lines++;
	}
	while (msg.len + lines < 413)
		buf_addch(&msg, 'b');
	ck_assert_uint_eq(msg.len + lines, 413);
	write_file(path, msg.buf, msg.len);
	m = msgfile_open(path, &err);
	ck_assert_ptr_nonnull(m);
	src = msgfile_source(m);
	ck_assert_uint_eq(src->size, 413);
	ck_assert_int_eq(src->read(src->ctx, chunk, 413, &err), 413);
	msgfile_close(m);
	unlink(path);

	/* 1 MB in lines of 64 bytes with LF: 16384 more bytes on the wire */
	buf_reset(&msg);
	while (msg.len < 1 << 20) {
		buf_add(&msg, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde", 63);
		buf_addch(&msg, '\n');
	}
	memcpy(path, "/tmp/check_msgfile.XXXXXX", sizeof(path));
	write_file(path, msg.buf, msg.len);
	m = msgfile_open(path, &err);
	ck_assert_ptr_nonnull(m);
	src = msgfile_source(m);
	ck_assert_uint_eq(src->size, (1 << 20) + (1 << 14));
	for (left = src->size; left;) {
		size_t want = left < 65536 ? (size_t)left : 65536;
		ck_assert_int_eq(src->read(src->ctx, chunk, want, &err), (ssize_t)want);
		left -= want;
	}
	msgfile_close(m);
	unlink(path);
	buf_release(&msg);
	free(chunk);
}
END_TEST

/* A file that changes between measuring and sending makes read fail, never
 * a literal of another size. */
START_TEST(file_changed_while_sent)
{
	static const struct {
		const char *before, *after;
	} cases[] = {
		{ "hello\n", "hell" },        /* shorter */
		{ "hello\n", "hello\nmore" }, /* longer */
		{ "hello\r", "hello\r\r" },   /* a line end more */
		{ "hello", "" },
	};
	size_t i;
	for (i = 0; i < N(cases); i++) {
		char path[] = "/tmp/check_msgfile.XXXXXX";
		struct imap_err err = IMAP_ERR_INIT;
		struct msgfile *m;
		const struct imap_literal_source *src;
		char chunk[64];
		FILE *fp;
		ssize_t n;

		write_file(path, cases[i].before, strlen(cases[i].before));
		m = msgfile_open(path, &err);
		ck_assert_ptr_nonnull(m);
		fp = fopen(path, "w");
		fputs(cases[i].after, fp);
		fclose(fp);
		src = msgfile_source(m);
		n = src->read(src->ctx, chunk, (size_t)src->size, &err);
		ck_assert_msg(n == -1, "case %zu: read gave %zd", i, n);
		ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);
		ck_assert_msg(strstr(err.msg, "changed while it was sent") != NULL, "%s", err.msg);
		msgfile_close(m);
		unlink(path);
	}
}
END_TEST

/* The end check reads past the last byte sent: the LF of a final CRLF
 * adds nothing, so it is no change. */
START_TEST(end_check_skips_lf_of_final_crlf)
{
	uint64_t size;
	long long nul_at;
	char *got = through("a\r\n", 3, 2, &size, &nul_at);
	ck_assert_uint_eq(size, 3);
	ck_assert_str_eq(got, "a\r\n");
	free(got);
}
END_TEST

START_TEST(missing_file)
{
	struct imap_err err = IMAP_ERR_INIT;
	ck_assert_ptr_null(msgfile_open("/nonexistent/msg.eml", &err));
	ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);
	ck_assert_str_eq(err.msg, "cannot read /nonexistent/msg.eml: No such file or directory");
}
END_TEST

static Suite *msgfile_suite(void)
{
	Suite *s = suite_create("msgfile");
	TCase *tc = tcase_create("stream");
	tcase_add_test(tc, every_length_shape_and_read_size);
	tcase_add_test(tc, line_ends_become_crlf);
	tcase_add_test(tc, nul_offset_after_conversion);
	tcase_add_test(tc, nul_offset_deep_in_big_file);
	tcase_add_test(tc, binary_bytes_kept_and_big_file);
	tcase_add_test(tc, reads_fill_the_chunk);
	tcase_add_test(tc, file_changed_while_sent);
	tcase_add_test(tc, end_check_skips_lf_of_final_crlf);
	tcase_add_test(tc, missing_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(msgfile_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
