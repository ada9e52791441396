/*
 * check_buf.c - unit tests for src/util/buf.c and src/util/err.c.
 */
#ifdef HAVE_CONFIG_H
#include <config.h> /* _GNU_SOURCE: memmem, posix_openpt */
#endif

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"

Suite *buf_suite(void);

/* The strbuf invariants, checked after every operation (as git's u-strbuf). */
static void check_invariants(const struct buf *b)
{
	ck_assert_ptr_nonnull(b->buf);
	ck_assert_int_eq(b->buf[b->len], '\0');
	if (b->alloc)
		ck_assert_uint_lt(b->len, b->alloc);
	else
		ck_assert_uint_eq(b->len, 0);
}

START_TEST(test_init_empty)
{
	struct buf a = BUF_INIT, b;

	check_invariants(&a);
	ck_assert_str_eq(a.buf, "");
	ck_assert_uint_eq(a.alloc, 0);
	buf_init(&b, 0);
	check_invariants(&b);
	ck_assert_uint_eq(b.alloc, 0);
	buf_init(&b, 100);
	check_invariants(&b);
	ck_assert_uint_ge(b.alloc, 101);
	ck_assert_str_eq(b.buf, "");
	buf_release(&b);
	check_invariants(&b);
	ck_assert_uint_eq(b.alloc, 0);
	buf_release(&a); /* releasing an empty buffer is fine */
	check_invariants(&a);
}
END_TEST

START_TEST(test_add_growth)
{
	/* Every length from 0 to 1100 bytes, appended one chunk at a time. */
	struct buf b = BUF_INIT;
	char want[1100];
	size_t total = 0;

	for (size_t n = 0; total + n <= sizeof(want); n++) {
		char chunk[64];
		size_t k = n % sizeof(chunk);
		for (size_t i = 0; i < k; i++)
			chunk[i] = (char)('a' + (total + i) % 26);
		buf_add(&b, chunk, k);
		memcpy(want + total, chunk, k);
		total += k;
		check_invariants(&b);
		ck_assert_uint_eq(b.len, total);
		ck_assert_mem_eq(b.buf, want, total);
		if (total > 1000)
			break;
	}
	buf_release(&b);
}
END_TEST

START_TEST(test_add_big_sizes)
{
	static const size_t sizes[] = { 1, 7, 8, 9, 15, 16, 17, 255, 256, 257,
					4095, 4096, 4097, 65536, 1000000 };

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct buf b = BUF_INIT;
		char *data = malloc(sizes[s]);
		ck_assert_ptr_nonnull(data);
		for (size_t i = 0; i < sizes[s]; i++)
			data[i] = (char)(i * 7 + 1);
		buf_add(&b, data, sizes[s]);
		check_invariants(&b);
		ck_assert_uint_eq(b.len, sizes[s]);
		ck_assert_mem_eq(b.buf, data, sizes[s]);
		buf_add(&b, data, sizes[s]);
		check_invariants(&b);
		ck_assert_uint_eq(b.len, 2 * sizes[s]);
		ck_assert_mem_eq(b.buf + sizes[s], data, sizes[s]);
		free(data);
		buf_release(&b);
	}
}
END_TEST

START_TEST(test_add_nul_safe)
{
	struct buf b = BUF_INIT;

	buf_add(&b, "a\0b", 3);
	check_invariants(&b);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_mem_eq(b.buf, "a\0b", 4);
	buf_addch(&b, '\0');
	buf_addch(&b, 'z');
	check_invariants(&b);
	ck_assert_uint_eq(b.len, 5);
	ck_assert_mem_eq(b.buf, "a\0b\0z", 6);
	buf_adds(&b, "xy");
	ck_assert_uint_eq(b.len, 7);
	ck_assert_mem_eq(b.buf, "a\0b\0zxy", 8);
	buf_add(&b, "ignored", 0);
	ck_assert_uint_eq(b.len, 7);
	check_invariants(&b);
	buf_release(&b);
}
END_TEST

START_TEST(test_addf_growth)
{
	/* Formatted output of every length 0..600 into an empty buffer and
	 * into one that already holds text, crossing each growth step. */
	char s[601];

	for (size_t n = 0; n <= 600; n++) {
		struct buf a = BUF_INIT, b = BUF_INIT;

		memset(s, 'x', n);
		s[n] = '\0';
		buf_addf(&a, "%s", s);
		check_invariants(&a);
		ck_assert_uint_eq(a.len, n);
		ck_assert_str_eq(a.buf, s);

		buf_adds(&b, "head:");
		buf_addf(&b, "%s|%d|%c", s, (int)n, 'q');
		check_invariants(&b);
		ck_assert_uint_eq(b.len, 5 + n + 1 + strlen("|q") +
				  (n < 10 ? 1 : n < 100 ? 2 : 3));
		ck_assert_mem_eq(b.buf, "head:", 5);
		ck_assert_mem_eq(b.buf + 5, s, n);
		buf_release(&a);
		buf_release(&b);
	}
}
END_TEST

START_TEST(test_addf_repeated)
{
	struct buf b = BUF_INIT;

	for (int i = 0; i < 1000; i++)
		buf_addf(&b, "%03d,", i);
	check_invariants(&b);
	ck_assert_uint_eq(b.len, 4000);
	ck_assert_mem_eq(b.buf, "000,001,002,", 12);
	ck_assert_str_eq(b.buf + 3992, "998,999,");
	buf_addf(&b, "%s", "");
	ck_assert_uint_eq(b.len, 4000);
	check_invariants(&b);
	buf_release(&b);
}
END_TEST

START_TEST(test_grow_setlen_reset)
{
	struct buf b = BUF_INIT;

	buf_grow(&b, 10);
	check_invariants(&b);
	ck_assert_uint_ge(b.alloc, 11);
	memcpy(b.buf, "0123456789", 10);
	buf_setlen(&b, 10);
	check_invariants(&b);
	ck_assert_str_eq(b.buf, "0123456789");
	buf_setlen(&b, 4);
	ck_assert_str_eq(b.buf, "0123");
	buf_reset(&b);
	check_invariants(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.buf, "");
	buf_adds(&b, "again");
	ck_assert_str_eq(b.buf, "again");
	buf_release(&b);

	/* reset of a buffer that never allocated */
	buf_reset(&b);
	check_invariants(&b);
}
END_TEST

START_TEST(test_consume)
{
	struct buf b = BUF_INIT;

	buf_add(&b, "abc\0def", 7);
	buf_consume(&b, 0);
	ck_assert_uint_eq(b.len, 7);
	buf_consume(&b, 2);
	check_invariants(&b);
	ck_assert_uint_eq(b.len, 5);
	ck_assert_mem_eq(b.buf, "c\0def", 6);
	buf_consume(&b, 4);
	check_invariants(&b);
	ck_assert_str_eq(b.buf, "f");
	buf_consume(&b, 1);
	check_invariants(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.buf, "");
	buf_adds(&b, "reuse");
	ck_assert_str_eq(b.buf, "reuse");
	buf_release(&b);

	buf_consume(&b, 0); /* on an empty BUF_INIT buffer */
	check_invariants(&b);
}
END_TEST

START_TEST(test_detach)
{
	struct buf b = BUF_INIT;
	size_t len = 99;
	char *p;

	/* An empty buffer still detaches to a string that free() takes. */
	p = buf_detach(&b, &len);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_ne(p, buf_empty);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(p, "");
	free(p);
	check_invariants(&b);

	buf_add(&b, "x\0y", 3);
	p = buf_detach(&b, &len);
	ck_assert_uint_eq(len, 3);
	ck_assert_mem_eq(p, "x\0y", 4);
	check_invariants(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.alloc, 0);
	ck_assert_ptr_eq(b.buf, buf_empty);
	free(p);

	buf_adds(&b, "no len");
	p = buf_detach(&b, NULL);
	ck_assert_str_eq(p, "no len");
	free(p);
	check_invariants(&b);
}
END_TEST

START_TEST(test_escaped)
{
	struct buf b = BUF_INIT;
	static const char in[] = "a\\b\r\n\t\0\x01\x1f\x7f\x80\xff ~\"";

	buf_add_escaped(&b, in, sizeof(in) - 1);
	check_invariants(&b);
	ck_assert_str_eq(b.buf,
			 "a\\\\b\\r\\n\\t\\x00\\x01\\x1f\\x7f\\x80\\xff ~\"");
	buf_reset(&b);
	buf_add_escaped(&b, "", 0);
	ck_assert_str_eq(b.buf, "");
	buf_adds(&b, ">");
	buf_add_escaped(&b, "* OK ready\r\n", 12);
	ck_assert_str_eq(b.buf, ">* OK ready\\r\\n");
	buf_release(&b);
}
END_TEST

START_TEST(test_escaped_all_bytes)
{
	struct buf b = BUF_INIT;
	char expect[16];

	for (int c = 0; c < 256; c++) {
		unsigned char ch = (unsigned char)c;
		buf_reset(&b);
		buf_add_escaped(&b, &ch, 1);
		if (c == '\\')
			strcpy(expect, "\\\\");
		else if (c == '\r')
			strcpy(expect, "\\r");
		else if (c == '\n')
			strcpy(expect, "\\n");
		else if (c == '\t')
			strcpy(expect, "\\t");
		else if (c >= 0x20 && c < 0x7f) {
			expect[0] = (char)c;
			expect[1] = '\0';
		} else {
			static const char hex[] = "0123456789abcdef";
			expect[0] = '\\';
			expect[1] = 'x';
			expect[2] = hex[c >> 4];
			expect[3] = hex[c & 15];
			expect[4] = '\0';
		}
		ck_assert_str_eq(b.buf, expect);
	}
	buf_release(&b);
}
END_TEST

/* ---- buffers for secrets ---- */

START_TEST(test_secret_same_as_plain)
{
	/* buf_add_secret() builds what buf_add() builds, chunk for chunk */
	static const size_t chunks[] = { 0, 1, 6, 7, 8, 9, 15, 16, 17, 100, 1000, 5000 };
	struct buf plain = BUF_INIT, secret = BUF_INIT;
	char data[5000];

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i % 251); /* NULs too */
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		buf_add(&plain, data, chunks[i]);
		buf_add_secret(&secret, data, chunks[i]);
		check_invariants(&secret);
		ck_assert_uint_eq(secret.len, plain.len);
		ck_assert_mem_eq(secret.buf, plain.buf, plain.len + 1);
	}
	buf_release(&plain);
	buf_release_secret(&secret);
	check_invariants(&secret);
	ck_assert_ptr_eq(secret.buf, buf_empty);
	ck_assert_uint_eq(secret.alloc, 0);
	buf_release_secret(&secret); /* an empty one too */
	check_invariants(&secret);
}
END_TEST

START_TEST(test_grow_secret)
{
	static const size_t extras[] = { 0, 1, 7, 8, 100, 4096 };
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++) {
		char *before;
		size_t len = b.len;
		buf_grow_secret(&b, extras[i]);
		check_invariants(&b);
		ck_assert_uint_ge(b.alloc, len + extras[i] + 1);
		ck_assert_uint_eq(b.len, len);
		/* the room is there: filling it does not move the buffer */
		before = b.buf;
		memset(b.buf + b.len, 'z', extras[i]);
		buf_setlen(&b, b.len + extras[i]);
		ck_assert_ptr_eq(b.buf, before);
		for (size_t j = 0; j < b.len; j++)
			ck_assert_int_eq(b.buf[j], 'z');
	}
	buf_grow_secret(&b, 0); /* enough room already: nothing moves */
	buf_reset(&b);
	buf_adds(&b, "abc");
	buf_grow_secret(&b, b.alloc); /* moves, the contents with it */
	ck_assert_str_eq(b.buf, "abc");
	buf_release_secret(&b);
	check_invariants(&b);
}
END_TEST

#include "heapscan.h"

START_TEST(test_secret_leaves_no_copy)
{
	/* grown a byte at a time (every growth moves it), then a shorter
	 * content over it (the tail lingers past len), then released; checks
	 * after the scan, which must come before anything else allocates */
	static const char secret[] = "0123456789abcdef0123456789abcdef-pad-buf-secret-TAIL-"
		"and-then-some-more-bytes-to-grow-through-several-blocks-0123456789abcdef"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct buf b = BUF_INIT;
	bool right, held;

	for (size_t i = 0; i < sizeof(secret) - 1; i++)
		buf_add_secret(&b, secret + i, 1);
	right = !strcmp(b.buf, secret);
	buf_grow_secret(&b, 5000);
	right = right && !strcmp(b.buf, secret);
	buf_reset(&b);
	buf_add_secret(&b, "short", 5);
	buf_release_secret(&b);
	held = heap_holds("buf-secret-TAIL");
	ck_assert(right);
	ck_assert_msg(!held, "a copy of the secret is left in freed memory");
}
END_TEST

/* ---- err.c ---- */

START_TEST(test_err_set)
{
	struct imap_err e = IMAP_ERR_INIT;

	ck_assert_int_eq(e.kind, IMAP_ERR_NONE);
	ck_assert_str_eq(e.msg, "");
	ck_assert_int_eq(err_set(&e, IMAP_ERR_ABORT, "server closed after %d bytes", 42), -1);
	ck_assert_int_eq(e.kind, IMAP_ERR_ABORT);
	ck_assert_str_eq(e.msg, "server closed after 42 bytes");
	ck_assert_int_eq(err_set(NULL, IMAP_ERR_ERROR, "nobody listens"), -1);
	err_clear(&e);
	ck_assert_int_eq(e.kind, IMAP_ERR_NONE);
	ck_assert_str_eq(e.msg, "");
	err_clear(NULL);
}
END_TEST

START_TEST(test_err_set_truncates)
{
	struct imap_err e = IMAP_ERR_INIT;
	char big[1000];

	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_set(&e, IMAP_ERR_ERROR, "%s", big);
	ck_assert_uint_eq(strlen(e.msg), sizeof(e.msg) - 1);
	ck_assert_mem_eq(e.msg, big, sizeof(e.msg) - 1);
}
END_TEST

START_TEST(test_err_errno)
{
	struct imap_err e = IMAP_ERR_INIT;
	char want[600];

	ck_assert_int_eq(err_set_errno(&e, IMAP_ERR_ERROR, ENOENT, "cannot open %s",
				       "/no/such"), -1);
	ck_assert_int_eq(e.kind, IMAP_ERR_ERROR);
	snprintf(want, sizeof(want), "cannot open /no/such: %s", strerror(ENOENT));
	ck_assert_str_eq(e.msg, want);
	ck_assert_int_eq(err_set_errno(NULL, IMAP_ERR_ERROR, EIO, "x"), -1);
}
END_TEST

START_TEST(test_err_errno_long)
{
	struct imap_err e = IMAP_ERR_INIT;
	char big[600];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_set_errno(&e, IMAP_ERR_ABORT, ECONNRESET, "%s", big);
	ck_assert_uint_eq(strlen(e.msg), sizeof(e.msg) - 1);
	ck_assert_mem_eq(e.msg, big, sizeof(e.msg) - 1);
}
END_TEST

START_TEST(test_err_prefix)
{
	struct imap_err e = IMAP_ERR_INIT;

	err_set(&e, IMAP_ERR_READONLY, "mailbox is read-only");
	err_prefix(&e, "APPEND %s", "INBOX");
	ck_assert_int_eq(e.kind, IMAP_ERR_READONLY);
	ck_assert_str_eq(e.msg, "APPEND INBOX: mailbox is read-only");
	err_prefix(&e, "tag %d", 7);
	ck_assert_str_eq(e.msg, "tag 7: APPEND INBOX: mailbox is read-only");
	err_prefix(NULL, "ignored");
}
END_TEST

START_TEST(test_err_prefix_truncation)
{
	struct imap_err e = IMAP_ERR_INIT;
	char big[600], head[400];

	/* A long old message keeps the prefix and as much as fits. */
	memset(big, 'o', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_set(&e, IMAP_ERR_ERROR, "%s", big);
	err_prefix(&e, "ctx");
	ck_assert_uint_eq(strlen(e.msg), sizeof(e.msg) - 1);
	ck_assert_mem_eq(e.msg, "ctx: ooo", 8);
	ck_assert_int_eq(e.msg[sizeof(e.msg) - 2], 'o');

	/* A long prefix is cut at 255 characters, the old text follows. */
	memset(head, 'h', sizeof(head) - 1);
	head[sizeof(head) - 1] = '\0';
	err_set(&e, IMAP_ERR_ERROR, "short");
	err_prefix(&e, "%s", head);
	ck_assert_uint_eq(strlen(e.msg), 255 + 2 + 5);
	ck_assert_int_eq(e.msg[254], 'h');
	ck_assert_str_eq(e.msg + 255, ": short");

	/* An empty old message */
	err_clear(&e);
	err_prefix(&e, "ctx");
	ck_assert_str_eq(e.msg, "ctx: ");
}
END_TEST

START_TEST(test_err_kind_name)
{
	ck_assert_str_eq(err_kind_name(IMAP_ERR_NONE), "none");
	ck_assert_str_eq(err_kind_name(IMAP_ERR_ERROR), "error");
	ck_assert_str_eq(err_kind_name(IMAP_ERR_ABORT), "abort");
	ck_assert_str_eq(err_kind_name(IMAP_ERR_READONLY), "readonly");
	ck_assert_str_eq(err_kind_name((enum imap_err_kind)99), "unknown");
}
END_TEST

Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("buf");

	tcase_add_test(tc, test_init_empty);
	tcase_add_test(tc, test_add_growth);
	tcase_add_test(tc, test_add_big_sizes);
	tcase_add_test(tc, test_add_nul_safe);
	tcase_add_test(tc, test_addf_growth);
	tcase_add_test(tc, test_addf_repeated);
	tcase_add_test(tc, test_grow_setlen_reset);
	tcase_add_test(tc, test_consume);
	tcase_add_test(tc, test_detach);
	tcase_add_test(tc, test_escaped);
	tcase_add_test(tc, test_escaped_all_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("secret");
	tcase_add_test(tc, test_secret_same_as_plain);
	tcase_add_test(tc, test_grow_secret);
	tcase_add_test(tc, test_secret_leaves_no_copy);
	suite_add_tcase(s, tc);

	tc = tcase_create("err");
	tcase_add_test(tc, test_err_set);
	tcase_add_test(tc, test_err_set_truncates);
	tcase_add_test(tc, test_err_errno);
	tcase_add_test(tc, test_err_errno_long);
	tcase_add_test(tc, test_err_prefix);
	tcase_add_test(tc, test_err_prefix_truncation);
	tcase_add_test(tc, test_err_kind_name);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(buf_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
