/*
 * view.c - the small readers every typed view shares (view.h): numbers
 * sent as numbers, atoms or strings, case-insensitive words, arrays in a
 * response's arena.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "proto/view.h"

#include <string.h>
#include <strings.h>

bool imap_value_number(const struct imap_value *v, uint64_t *n_r)
{
	uint64_t n = 0;
	size_t i;

	if (!v)
		return false;
	if (v->type == IMAP_VALUE_NUMBER) {
		*n_r = v->num;
		return true;
	}
	if ((v->type != IMAP_VALUE_ATOM && v->type != IMAP_VALUE_QUOTED) || !v->str || !v->len)
		return false;
	for (i = 0; i < v->len; i++) {
		unsigned d = (unsigned char)v->str[i] - '0';
		if (d > 9 || n > (UINT64_MAX - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*n_r = n;
	return true;
}

int imap_value_number_in(const struct imap_value *v, uint64_t lo, uint64_t hi, uint64_t *n_r)
{
	uint64_t n;

	if (!imap_value_number(v, &n) || n < lo || n > hi)
		return -1;
	*n_r = n;
	return 0;
}

bool imap_text_is(struct imap_text t, const char *word)
{
	size_t n = strlen(word);
	return t.s && t.len == n && strncasecmp(t.s, word, n) == 0;
}

void *imap_view_array(struct imap_response *r, size_t n, size_t size)
{
	if (n == 0 || n > SIZE_MAX / size)
		return NULL;
	return imap_response_alloc(r, n * size);
}
