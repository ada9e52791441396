/*
 * heapscan.h - for unit tests: does freed heap memory still hold a secret
 * (heap_holds)?  Included by the tests that check wiping (check_buf,
 * check_netrc); a header of static functions, as only tests use it.
 */
#ifndef IMAPSH_TESTS_HEAPSCAN_H
#define IMAPSH_TESTS_HEAPSCAN_H

#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Under valgrind the scan below would read undefined bytes (an error
 * there), and would find nothing anyway: freed blocks are not reused. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND() 0
#endif

/*
 * True when free heap memory still holds needle.  malloc() hands freed
 * chunks back with their old bytes (only the first 16 or so are reused by
 * the allocator), so taking many blocks of assorted sizes, the biggest
 * first (a freed chunk then comes back whole, not split), and searching
 * them finds what was freed without being wiped.  Call it before anything
 * else allocates (ck_assert included).  Take the needle from past the
 * first 32 bytes of the secret: a freed chunk in a large bin loses its
 * first 32 to the allocator's links.  Blind under ASan or
 * valgrind, which keep freed memory in quarantine: there it finds nothing.
 */
static bool heap_holds(const char *needle)
{
	static const size_t sizes[] = { 66000, 33000, 16400, 8200, 4104, 4096, 2056, 1032,
					 1024, 520, 264, 200, 136, 120, 88, 72, 56, 40, 24 };
	enum { PER = 32 };
	static void *blocks[sizeof(sizes) / sizeof(sizes[0])][PER];
	size_t n = strlen(needle), i, j;
	bool found = false;

	if (UNDER_VALGRIND())
		return false;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (j = 0; j < PER; j++) {
			blocks[i][j] = malloc(sizes[i]);
			ck_assert_ptr_nonnull(blocks[i][j]);
			if (memmem(blocks[i][j], sizes[i], needle, n))
				found = true;
		}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (j = 0; j < PER; j++)
			free(blocks[i][j]);
	return found;
}

#endif
