/*
 * msgfile.h - a message file for APPEND, streamed: its size is measured
 * once with every line end made CRLF (as imaplib's MapCRLF: CR, LF and
 * CRLF all become CRLF), then its bytes are produced the same way while
 * the command is sent, so a 1 GB message never sits in memory.
 *
 * The measuring pass also finds the first NUL byte: RFC 9051 allows NUL
 * only in a literal8 (RFC 3516 BINARY), so the caller must know before
 * it chooses {n} or ~{n}.
 */
#ifndef IMAPSH_SHELL_MSGFILE_H
#define IMAPSH_SHELL_MSGFILE_H

#include "proto/encode.h"
#include "util/err.h"

struct msgfile;

/* Opens path and measures it.  NULL with err (ERROR) if it cannot be read. */
struct msgfile *msgfile_open(const char *path, struct imap_err *err);
/* The same for standard input (@-), read to its end into an unlinked
 * temporary file first; once a run (a second call is an ERROR). */
struct msgfile *msgfile_open_stdin(struct imap_err *err);

/*
 * The literal source to give the encoder (valid until msgfile_close).
 * Its read() fills the whole buffer it is given (any length >= 1) until
 * the announced size is reached, then returns 0; it never returns more
 * than size bytes in all.  If the file changed since msgfile_open (it
 * got shorter or longer), read() fails with ERROR rather than send a
 * literal of another size.
 */
const struct imap_literal_source *msgfile_source(struct msgfile *m);

/* Offset of the first NUL byte in the bytes that are sent (after the
 * CRLF conversion, so it counts as the server will), or -1 if none. */
long long msgfile_nul_offset(const struct msgfile *m);

void msgfile_close(struct msgfile *m);

#endif
