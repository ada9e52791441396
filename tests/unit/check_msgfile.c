/* Unit tests for message files streamed to APPEND (src/shell/msgfile.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell/msgfile.h"
#include "util/buf.h"

/* Writes data to a temp file, streams it with the given read size, and
 * returns what came out (caller frees). */
static char *through(const char *data, size_t len, size_t readsz, uint64_t *size_r)
{
	char path[] = "/tmp/check_msgfile.XXXXXX";
	int fd = mkstemp(path);
	struct imap_err err = IMAP_ERR_INIT;
	struct msgfile *m;
	const struct imap_literal_source *src;
	struct buf out = BUF_INIT;
	char *chunk = malloc(readsz);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	m = msgfile_open(path, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	src = msgfile_source(m);
	*size_r = src->size;
	while ((n = src->read(src->ctx, chunk, readsz, &err)) > 0)
		buf_add(&out, chunk, (size_t)n);
	ck_assert_int_eq(n, 0);
	msgfile_close(m);
	unlink(path);
	free(chunk);
	return buf_detach(&out, NULL);
}

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
		{ "", "" },
	};
	size_t i, rs;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (rs = 2; rs <= 64; rs += 3) {
			uint64_t size;
			char *got = through(cases[i].in, strlen(cases[i].in), rs, &size);
			ck_assert_str_eq(got, cases[i].out);
			ck_assert_uint_eq(size, strlen(cases[i].out));
			free(got);
		}
	}
}
END_TEST

START_TEST(binary_bytes_kept_and_big_file)
{
	size_t len = 300000, i;
	char *data = malloc(len);
	uint64_t size;
	char *got;
	/* every byte value but CR and LF, with a CRLF every 1000 bytes */
	for (i = 0; i < len; i++)
		data[i] = (char)(i % 1000 == 998 ? '\r' : i % 1000 == 999 ? '\n' : (i % 251 == 10 || i % 251 == 13) ? 'x' : i % 251);
	got = through(data, len, 65536, &size);
	ck_assert_uint_eq(size, len);
	ck_assert_int_eq(memcmp(got, data, len), 0);
	free(got);
	free(data);
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
	tcase_add_test(tc, line_ends_become_crlf);
	tcase_add_test(tc, binary_bytes_kept_and_big_file);
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
