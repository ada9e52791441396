/*
 * xalloc.h - allocation that cannot fail.
 *
 * imapsh is a command-line tool: running out of memory is fatal, decided
 * once here (as git and isync do).  These functions never return NULL;
 * on failure they print one line to stderr and abort().  This is the only
 * place outside src/shell that may write to the terminal.
 */
#ifndef IMAPSH_UTIL_XALLOC_H
#define IMAPSH_UTIL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
/* Copies len bytes and adds a NUL; the copy may contain NULs itself. */
char *xmemdup(const void *data, size_t len);

/* Grows *items (of *alloc elements of size elem) to hold at least need. */
void xgrow(void **items, size_t *alloc, size_t need, size_t elem);

#endif
