/*
 * scan.c - the tokenizer of a partial line (rules in scan.h).
 */
#include "shell/scan.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static void end_word(struct scan *s, size_t i)
{
	if (s->wstart == SCAN_NONE)
		return;
	s->prev2 = s->prev;
	s->prev.a = s->wstart;
	s->prev.b = i;
	s->wstart = SCAN_NONE;
}

static void start_word(struct scan *s, size_t i)
{
	if (s->wstart == SCAN_NONE) {
		s->wstart = i;
		s->quoted = false;
	}
}

bool scan_line(struct scan *s, const char *line, size_t end)
{
	char q = 0; /* the open quote */
	size_t i;

	memset(s, 0, sizeof(*s));
	s->line = line;
	s->astart = s->wstart = s->prev.a = s->prev2.a = SCAN_NONE;
	for (i = 0; i < end; i++) {
		char ch = line[i];
		if (q) {
			if (q == '"' && ch == '\\' && i + 1 < end)
				i++;
			else if (ch == q)
				q = 0;
			continue;
		}
		if (ch == ' ' || ch == '\t') {
			end_word(s, i);
			if (!s->depth && s->astart != SCAN_NONE) {
				xgrow((void **)&s->arg, &s->alloc, s->nargs + 1, sizeof(*s->arg));
				s->arg[s->nargs].a = s->astart;
				s->arg[s->nargs++].b = i;
				s->astart = SCAN_NONE;
			}
			continue;
		}
		if (s->astart == SCAN_NONE)
			s->astart = i;
		if (ch == '(' || ch == ')')
			end_word(s, i); /* a list's words complete on their own */
		else
			start_word(s, i);
		if (ch == '(' || ch == '[') {
			if (s->depth == SCAN_MAX_DEPTH)
				return false;
			s->stack[s->depth++] = ch;
		} else if ((ch == ')' || ch == ']') && s->depth) {
			s->depth--;
		} else if (ch == '"' || (ch == '\'' && !s->depth)) {
			q = ch;
			s->quoted = true;
		}
	}
	s->quote = q;
	if (s->astart == SCAN_NONE)
		s->astart = end;
	start_word(s, end);
	return true;
}

void scan_release(struct scan *s)
{
	free(s->arg);
	s->arg = NULL;
	s->nargs = s->alloc = 0;
}
