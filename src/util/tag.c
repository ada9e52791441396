/*
 * tag.c - command tags as imaplib makes them.
 *
 * imaplib: tagpre = Int2AP(random.randint(4096, 65535)), tagnum = 0, and
 * each command takes tagpre + str(tagnum), then tagnum += 1.  So the
 * first tag is the prefix and "0" ("KPAB0", "KPAB1", ...): we do exactly
 * that.  The prefix is always four letters A-P (0x1000..0xffff).
 */
#include "util/tag.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void tag_int2ap(unsigned long num, char *out, size_t size)
{
	static const char ap[] = "ABCDEFGHIJKLMNOP";
	char tmp[sizeof(unsigned long) * 2 + 1];
	size_t n = sizeof(tmp) - 1, len;

	if (!size)
		return;
	tmp[n] = '\0';
	/* Int2AP: while num: num, mod = divmod(num, 16); val = AP[mod] + val */
	while (num) {
		tmp[--n] = ap[num % 16];
		num /= 16;
	}
	len = sizeof(tmp) - 1 - n;
	if (len > size - 1)
		len = size - 1;
	memcpy(out, tmp + n, len);
	out[len] = '\0';
}

/* splitmix64: one step is enough to spread a small seed. */
static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t random_seed(void)
{
	uint64_t v = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		ssize_t n = read(fd, &v, sizeof(v));
		close(fd);
		if (n == (ssize_t)sizeof(v))
			return v;
	}
	{
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		v = (uint64_t)ts.tv_sec * 1000000007ULL + (uint64_t)ts.tv_nsec;
		v ^= (uint64_t)getpid() << 32;
	}
	return v;
}

void tagger_init(struct tagger *t, unsigned seed)
{
	uint64_t r = seed ? (uint64_t)seed : random_seed();
	unsigned long num = 4096 + (unsigned long)(splitmix64(r) % (65535 - 4096 + 1));

	tag_int2ap(num, t->prefix, sizeof(t->prefix));
	t->next = 0;
}

long long tagger_number(const struct tagger *t, const char *tag)
{
	size_t np = strlen(t->prefix);
	unsigned long long v = 0;
	const char *p;

	if (!tag || strncmp(tag, t->prefix, np) != 0)
		return -1;
	p = tag + np;
	if (!*p || (p[0] == '0' && p[1]))
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > ((unsigned long long)LLONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	return (long long)v;
}

void tagger_next(struct tagger *t, char *out, size_t size)
{
	/* by hand: snprintf cost a tenth of a pipelined command's CPU */
	char digits[3 * sizeof(unsigned long) + 1];
	size_t nd = 0, np = strlen(t->prefix), i;
	unsigned long v = t->next;

	if (!size)
		return;
	do {
		digits[nd++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (np > size - 1)
		np = size - 1;
	memcpy(out, t->prefix, np);
	for (i = 0; i < nd && np + i < size - 1; i++)
		out[np + i] = digits[nd - 1 - i];
	out[np + i] = '\0';
	t->next++;
}
