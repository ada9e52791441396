/*
 * tag.h - command tags as imaplib makes them: a random prefix of four
 * letters A-P (Int2AP of a random number in 4096..65535) and a counter,
 * "KPAB1", "KPAB2", ...
 */
#ifndef IMAPSH_UTIL_TAG_H
#define IMAPSH_UTIL_TAG_H

#include <stddef.h>

struct tagger {
	char prefix[8];
	unsigned long next;
};

/* seed 0: pick from /dev/urandom (falling back to time and pid). */
void tagger_init(struct tagger *t, unsigned seed);
/* Writes the next tag into out (size >= 32). */
void tagger_next(struct tagger *t, char *out, size_t size);
/* The counter of a tag this tagger made ("KPAB12" -> 12), or -1 when tag
 * is not one of its tags: another prefix, no digits, a leading zero,
 * anything after the digits, or too big.  Finding a result among commands
 * in flight by this number is much cheaper than comparing strings. */
long long tagger_number(const struct tagger *t, const char *tag);
/* imaplib's Int2AP: num in base 16 with digits 'A'..'P'. */
void tag_int2ap(unsigned long num, char *out, size_t size);

#endif
