/*
 * cmd_docs.h - the longer help of each IMAP command (cmd_docs.c): its RFC,
 * its parameter forms, an example.  Read by help; the one-line help and
 * the synopsis stay in the command table (commands.h).
 */
#ifndef IMAPSH_CORE_CMD_DOCS_H
#define IMAPSH_CORE_CMD_DOCS_H

struct cmd_doc {
	const char *name;    /* as in cmd_table */
	const char *rfc;     /* "RFC 9051 6.3.2; 7162 CONDSTORE/QRESYNC" */
	const char *forms;   /* more synopses, one per line, or NULL */
	const char *example; /* one command line */
};

/* The row for a command of cmd_table (case-insensitive), or NULL. */
const struct cmd_doc *cmd_doc_lookup(const char *name);

#endif
