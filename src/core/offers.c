/*
 * offers.c - what the server offers, as the commands ask it: a capability
 * announced by name ("MOVE"), by family ("THREAD=" for THREAD=REFERENCES),
 * or built into IMAP4rev2 (RFC 9051 folds a dozen extensions into the
 * base protocol, so a server that announces only IMAP4rev2 has them), or
 * included in a larger one (METADATA has METADATA-SERVER).  The capability check (--no-capability-check turns it off) is
 * decided here, in core, for every command the shell builds.
 */
#include "core/session_int.h"

#include <string.h>
#include <strings.h>

/* Extensions that IMAP4rev2 includes (RFC 9051 sec. 1.2 and appendix E). */
static const char *const rev2_builtin[] = {
	"BINARY", "CHILDREN", "ENABLE", "ESEARCH", "ID", "IDLE", "LIST-EXTENDED",
	"LIST-STATUS", "LITERAL-", "MOVE", "NAMESPACE", "SASL-IR", "SEARCHRES",
	"SPECIAL-USE", "STATUS=SIZE", "UIDPLUS", "UNSELECT",
};

bool session_offers(const struct session *s, const char *cap)
{
	size_t i, n = strlen(cap);

	if (n && cap[n - 1] == '=') {
		for (i = 0; i < s->ncaps; i++)
			if (strncasecmp(s->caps[i], cap, n) == 0)
				return true;
		return false;
	}
	if (session_has_cap(s, cap))
		return true;
	/* METADATA is METADATA-SERVER and more (RFC 5464 sec. 1) */
	if (!strcasecmp(cap, "METADATA-SERVER") && session_has_cap(s, "METADATA"))
		return true;
	if (!session_has_cap(s, "IMAP4rev2"))
		return false;
	for (i = 0; i < sizeof(rev2_builtin) / sizeof(rev2_builtin[0]); i++)
		if (strcasecmp(cap, rev2_builtin[i]) == 0)
			return true;
	return false;
}

void session_set_cap_check(struct session *s, bool on)
{
	s->no_cap_check = !on;
}

bool session_cap_check(const struct session *s)
{
	return !s->no_cap_check;
}

bool session_qresync(const struct session *s)
{
	return s->qresync;
}
