/*
 * flags.c - imaplib's ParseFlags.
 *
 * imaplib matches br'.*FLAGS \((?P<flags>[^\)]*)\)' and splits the group
 * on white space.  As the header says, we take the first "FLAGS (" (not the
 * last, as the greedy ".*" does) and match it case-insensitively.  Like the
 * regex we need no word boundary, so "PERMANENTFLAGS (" matches too, and
 * the list ends at the first ")".  No FLAGS item gives an empty list (0),
 * as imaplib returns (); an unclosed list is an error (-1) here.
 */
#include "util/flags.h"
#include "util/xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char needle[] = "FLAGS (";
#define NEEDLE_LEN (sizeof(needle) - 1)

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
}

static bool is_ws(char c)
{
	/* Python's bytes.split() white space */
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Offset just after the first "FLAGS (", or (size_t)-1. */
static size_t find_flags(const char *s, size_t len)
{
	for (size_t i = 0; i + NEEDLE_LEN <= len; i++) {
		size_t k;
		for (k = 0; k < NEEDLE_LEN; k++) {
			if (upper((unsigned char)s[i + k]) != needle[k])
				break;
		}
		if (k == NEEDLE_LEN)
			return i + NEEDLE_LEN;
	}
	return (size_t)-1;
}

int flags_parse(const char *resp, size_t len, struct flag_list *out)
{
	size_t i, end, alloc = 0;

	out->flags = NULL;
	out->count = 0;
	i = find_flags(resp, len);
	if (i == (size_t)-1)
		return 0;
	for (end = i; end < len && resp[end] != ')'; end++)
		;
	if (end == len)
		return -1;
	while (i < end) {
		size_t j;

		while (i < end && is_ws(resp[i]))
			i++;
		if (i == end)
			break;
		for (j = i; j < end && !is_ws(resp[j]); j++)
			;
		xgrow((void **)&out->flags, &alloc, out->count + 1, sizeof(char *));
		out->flags[out->count++] = xmemdup(resp + i, j - i);
		i = j;
	}
	return 0;
}

void flag_list_release(struct flag_list *fl)
{
	for (size_t i = 0; i < fl->count; i++)
		free(fl->flags[i]);
	free(fl->flags);
	fl->flags = NULL;
	fl->count = 0;
}
