/*
 * hint.h - hints as you type: the synopsis of the arguments still to
 * type after a partial line, taken from the command tables (the usage
 * strings of cmd_table, of uid's subcommands and of shell_meta_table), as
 * redis-cli shows them.  Pure: no readline, no I/O; repl.c draws the hint
 * dimmed after the cursor.
 *
 * The line is split as Tab completion splits it (scan.h: quotes, groups).
 * The arguments typed are matched against the usage's top-level words:
 *  - a WORD takes one argument; "WORD..." takes one or more;
 *  - "[...]" is an optional group, one word that may be skipped; an
 *    argument enters it when it fits the group's first word, and the
 *    group's other words come next ("[MAILBOX [readonly]]": after
 *    "select INBOX" comes "[readonly]"); "[a|b|C D]" holds alternatives;
 *  - a keyword (written in lower case or with a leading '-', and RETURN)
 *    fits only itself, or the word being typed when it begins it; a
 *    "(LIST)" fits a parenthesised argument; FLAGS fits an argument
 *    starting with '(', '\' or '$', DATE anything but an @FILE, CHARSET a
 *    charset name or None (as core/commands.c reads append and search);
 *    any other placeholder fits anything.
 * The hint is what is left of the usage: after a blank the words still to
 * type ("fetch 1:5 " -> "PARTS"), else the words after the one being
 * typed, with a leading blank ("fetch 1:5" -> " PARTS", "fetch" ->
 * " SET PARTS").  Once a "WORD..." (or "[...]...") has taken an argument,
 * nothing is shown from it on.
 *
 * No hint for: an empty line; a first word still being typed that is not
 * exactly a command name (any case; "?" is help); an unknown command or
 * uid subcommand; a command with no arguments; all arguments given (or
 * more); anything after the verb of raw and send (sent as typed); a line
 * ending inside a quote or inside an open group ("(FLAGS EN"); a line
 * with a redirection (an argument starting with '>').
 */
#ifndef IMAPSH_SHELL_HINT_H
#define IMAPSH_SHELL_HINT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* The hint for line[0..len) with the cursor at its end: true with the
 * hint in out (reset first), or false with out empty. */
bool hint_for(const char *line, size_t len, struct buf *out);

#endif
