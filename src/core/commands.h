/*
 * commands.h - the command table: one row per IMAP command the shell
 * offers, with imaplib's method name and argument order, the states it is
 * allowed in (imaplib's Commands table), its argument kinds, the
 * capability it needs and the untagged response that carries its data.
 * Help, completion, argument checking and the man page's list come from
 * here.  cmd_build() turns the words a user typed into a session_cmd.
 */
#ifndef IMAPSH_CORE_COMMANDS_H
#define IMAPSH_CORE_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/session.h"
#include "util/buf.h"
#include "util/err.h"

/* What one argument position takes. */
enum cmd_arg {
	CA_NONE = 0,
	CA_SEQSET,   /* 1:5,7,*  $  (sent as typed) */
	CA_MAILBOX,  /* a mailbox name: UTF-8 typed, modified UTF-7 sent */
	CA_PATTERN,  /* a LIST pattern (may hold % and *) */
	CA_ASTRING,  /* user name, ACL identifier, rights, root, capability */
	CA_SECRET,   /* password: an astring redacted in every trace */
	CA_RAW,      /* sent as typed: (FLAGS UID), +FLAGS, (MESSAGES UNSEEN) */
	CA_FLAGS,    /* a flag list; (\Seen) or \Seen (parentheses added) */
	CA_DATE,     /* INTERNALDATE, ISO 8601 or epoch seconds */
	CA_MESSAGE,  /* the message: @FILE (bytes exact) or a quoted string */
	CA_NUMBER,   /* number: 0 to 4294967295 (RFC 9051 sec. 9), sent in decimal */
	CA_NZNUMBER, /* nz-number: 1 to 4294967295 */
	CA_SECONDS,  /* IDLE: seconds, 0 < s <= 86400, a fraction allowed (not sent) */
	CA_CRITERIA, /* the rest: search keys; quoted words sent as strings */
};

/* Commands whose arguments need more than a kind per position. */
enum cmd_shape {
	CS_PLAIN = 0, /* args[i] takes kinds[i]; the last kind repeats if max_args allows */
	CS_SELECT,    /* MAILBOX [readonly] [(PARAMS)] -> SELECT or EXAMINE */
	CS_SEARCH,    /* [RETURN (OPTS)] [CHARSET] CRITERIA...: RETURN and
	               * CHARSET typed in either order; sent RETURN first (RFC 4731) */
	CS_SORT,      /* [RETURN (OPTS)] (CRITERIA) [CHARSET] SEARCH-CRITERIA...:
	               * RETURN typed before or after either; sent first (RFC 5267) */
	CS_THREAD,    /* ALGORITHM [CHARSET] SEARCH-CRITERIA... */
	CS_APPEND,    /* MAILBOX [FLAGS] [DATE] MESSAGE */
	CS_UID,       /* SUBCOMMAND ARGS... */
	CS_XATOM,     /* NAME ARGS... sent as typed */
	CS_LIST,      /* [(SELECT-OPTS)] [REFERENCE [PATTERN...]] [RETURN (OPTS)],
	               * defaults "" and * */
	CS_ID,        /* [FIELD VALUE]... -> ID NIL or ID ("f" "v" ...) */
	CS_IDLE,      /* [SECONDS]: checked here, not sent (the shell waits) */
	CS_FETCH,     /* SET ITEMS [(CHANGEDSINCE n [VANISHED])] (cmd_ext.c) */
	CS_STORE,     /* SET [(UNCHANGEDSINCE n)] COMMAND FLAGS */
	CS_CREATE,    /* MAILBOX [(USE (FLAGS))] */
	CS_GETMETADATA, /* [(OPTIONS)] MAILBOX ENTRY... */
	CS_SETMETADATA, /* MAILBOX ENTRY VALUE... */
	CS_NOTIFY,    /* none | set [STATUS] (FILTER (EVENTS))... */
	CS_REPLACE,   /* NUM MAILBOX [FLAGS] [DATE] MESSAGE (append's, one message) */
	CS_CANCELUPDATE, /* [TAG...]: none, the session's open searches */
};

struct cmd_spec {
	const char *name;        /* shell name (imaplib method), lower case */
	const char *verb;        /* IMAP verb */
	unsigned char min_args;
	unsigned char max_args;  /* CMD_MANY: no upper bound */
	enum cmd_arg kinds[5];
	enum cmd_shape shape;
	unsigned states;         /* enum imap_state bits */
	const char *capability;  /* capability the server must offer (session_offers:
	                          * "THREAD=" is any THREAD=...), or NULL */
	const char *data_name;   /* untagged response with the command's data */
	const char *usage;       /* arguments, e.g. "MAILBOX [readonly]" */
	const char *help;        /* one line */
};

#define CMD_MANY 255

extern const struct cmd_spec cmd_table[];
extern const size_t cmd_table_size;

/* Case-insensitive lookup by shell name; NULL if unknown. */
const struct cmd_spec *cmd_lookup(const char *name);

/* The commands uid takes (copy, expunge, fetch, ...), NULL-terminated;
 * help, completion and hints read them from here. */
extern const char *const cmd_uid_subcommands[];

/* One word the user typed (the shell's token, seen from the core). */
struct cmd_word {
	const char *s;  /* unquoted value (for @FILE: the file's contents) */
	size_t len;
	const char *raw; /* as typed (quotes kept) */
	size_t raw_len;
	bool quoted;
	bool from_file;  /* s holds the bytes of an @FILE */
	/* @FILE streamed (s is NULL): only for the message of append */
	const struct imap_literal_source *source;
	/* with source: offset of the first NUL byte in the bytes the source
	 * produces, -1 if none (msgfile_nul_offset).  0 is an offset, so a
	 * zeroed word says "NUL at 0": whoever sets source sets this too.
	 * Not read for other words: cmd_build scans those itself. */
	long long nul_at;
};

/* A built command: the session_cmd plus the memory behind it. */
struct cmd_call {
	struct session_cmd cmd;
	const struct cmd_spec *spec;
	struct imap_arg args[64];
	char verb[64];
	struct buf store;          /* owns converted argument bytes */
	size_t offsets[64];        /* offsets into store for args that live there (SIZE_MAX: not) */
	int idle_ms;               /* idle: SECONDS as milliseconds (1 to 86400000); -1: not given */
};

void cmd_call_init(struct cmd_call *c);
void cmd_call_release(struct cmd_call *c);

/* Whether spec can run now on s (help marks each command so). */
enum cmd_avail {
	CMD_AVAIL_NOW,        /* allowed in this state; the server has its capability */
	CMD_AVAIL_STATE,      /* only in another state */
	CMD_AVAIL_CAPABILITY, /* the server did not announce spec->capability */
};
enum cmd_avail cmd_availability(const struct cmd_spec *spec, const struct session *s);

/* May spec run in s's state, with this server (LOGINDISABLED, a required
 * capability)?  0, or -1 with err saying why not.  cmd_build() checks it. */
int cmd_check_allowed(const struct cmd_spec *spec, const struct session *s, struct imap_err *err);

/*
 * Checks and converts: argument count, the state (ERROR "SELECT is not
 * allowed in state NONAUTH"), the capability (ERROR naming it), and each
 * argument's form.  s may be NULL to skip the state and capability checks
 * (unit tests); utf8_ok sends mailbox names as UTF-8 (UTF8=ACCEPT
 * enabled) instead of modified UTF-7.  0 or -1 with err.
 *
 * An append message with a NUL byte (RFC 9051 CHAR8 excludes it) goes as
 * a literal8 ~{n} when the server offers BINARY (RFC 3516), or with s
 * NULL; else it is refused with ERROR before anything is sent.
 */
int cmd_build(const struct cmd_spec *spec, const struct cmd_word *words, size_t nwords,
	      const struct session *s, struct cmd_call *out, struct imap_err *err);

/*
 * Pipelining (RFC 9051 sec. 5.5), by the built command:
 *  CP_PIPELINE      changes no state and needs no continuation: may be sent
 *                   without waiting (FETCH, SEARCH, STATUS, LIST, NOOP, ...)
 *  CP_EXPUNGE_SAFE  the server may not send EXPUNGE while answering it
 *                   (FETCH, SEARCH and their UID forms, RFC 9051 7.5.1)
 *  CP_USES_MSN      it names or returns message sequence numbers
 * A command that uses sequence numbers may only join commands in flight
 * that are all expunge-safe (else an EXPUNGE could renumber under it).
 */
enum cmd_pipe_flags {
	CP_PIPELINE = 1 << 0,
	CP_EXPUNGE_SAFE = 1 << 1,
	CP_USES_MSN = 1 << 2,
};
unsigned cmd_pipe_flags(const struct cmd_call *c);
/* May a command with flags f be sent while n_inflight commands, whose
 * flags and-ed together are inflight_all, are in flight? */
bool cmd_pipe_can_join(unsigned f, unsigned inflight_all, size_t n_inflight);

/* Appends "name usage" for help texts. */
void cmd_usage(const struct cmd_spec *spec, struct buf *out);

#endif
