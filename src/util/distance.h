/*
 * distance.h - how far apart two short words are, for "did you mean":
 * an edit distance where a swap of two neighbours counts one ("fecth",
 * "hots"), letters compared without case.
 */
#ifndef IMAPSH_UTIL_DISTANCE_H
#define IMAPSH_UTIL_DISTANCE_H

#include <stddef.h>

/* The distance of a and b, or max + 1 once it is known to be more than
 * max (the work stops there); words over 32 bytes are max + 1. */
size_t edit_distance(const char *a, const char *b, size_t max);

#endif
