/*
 * unit.h - what the Check programs share: UNIT_MAIN(suite) runs the suite
 * the function suite() makes and exits 0 only if every check passed;
 * with core/commands.h included first, unit_split_words and
 * unit_free_words make a command's words from a test's line.
 */
#ifndef IMAPSH_TESTS_UNIT_H
#define IMAPSH_TESTS_UNIT_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_MAIN(make_suite)                                   \
	int main(void)                                          \
	{                                                       \
		SRunner *sr = srunner_create(make_suite());     \
		int failed;                                     \
		srunner_run_all(sr, CK_NORMAL);                 \
		failed = srunner_ntests_failed(sr);             \
		srunner_free(sr);                               \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;    \
	}

#ifdef IMAPSH_CORE_COMMANDS_H
/* Splits line into at most max words for cmd_build: "..." is one quoted
 * word (a " without its closing one starts a plain word), (...) one word
 * up to its balancing ")", anything else up to a space.  Each w[i].s is a
 * NUL-terminated copy of the value (the date parser wants one; free them
 * with unit_free_words), w[i].raw points into line.  Returns the count. */
static inline size_t unit_split_words(const char *line, struct cmd_word *w, size_t max)
{
	const char *p = line;
	size_t n = 0;

	while (*p && n < max) {
		const char *start, *q;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		memset(&w[n], 0, sizeof(w[n]));
		start = p;
		if (*p == '"' && (q = strchr(p + 1, '"')) != NULL) {
			w[n].s = strndup(p + 1, (size_t)(q - p) - 1);
			w[n].len = (size_t)(q - p) - 1;
			w[n].quoted = true;
			p = q + 1;
		} else if (*p == '(') {
			int depth = 0;
			do {
				depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
				p++;
			} while (*p && depth);
			w[n].s = strndup(start, (size_t)(p - start));
			w[n].len = (size_t)(p - start);
		} else {
			while (*p && *p != ' ')
				p++;
			w[n].s = strndup(start, (size_t)(p - start));
			w[n].len = (size_t)(p - start);
		}
		w[n].raw = start;
		w[n].raw_len = (size_t)(p - start);
		n++;
	}
	return n;
}

/* Frees the values unit_split_words copied. */
static inline void unit_free_words(struct cmd_word *w, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free((char *)w[i].s);
}
#endif

#endif
