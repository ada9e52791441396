/*
 * msgfile.h - a message file for APPEND, streamed: its size is measured
 * once with every line end made CRLF (as imaplib's MapCRLF: CR, LF and
 * CRLF all become CRLF), then its bytes are produced the same way while
 * the command is sent, so a 1 GB message never sits in memory.
 */
#ifndef IMAPSH_SHELL_MSGFILE_H
#define IMAPSH_SHELL_MSGFILE_H

#include "proto/encode.h"
#include "util/err.h"

struct msgfile;

/* Opens path and measures it.  NULL with err (ERROR) if it cannot be read. */
struct msgfile *msgfile_open(const char *path, struct imap_err *err);
/* The literal source to give the encoder (valid until msgfile_close). */
const struct imap_literal_source *msgfile_source(struct msgfile *m);
void msgfile_close(struct msgfile *m);

#endif
