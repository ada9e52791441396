/*
 * pretty_int.h - private to the PRETTY views (pretty.c, pretty_acl.c):
 * the show functions that live outside pretty.c, for its one table of
 * response name -> view (render_pretty_view).  Each appends r for people
 * and returns true, or returns false when its view cannot read r (the
 * caller then cuts out whatever was appended and shows the generic line).
 * Not part of the renderer's interface: that is render.h.
 */
#ifndef IMAPSH_SHELL_PRETTY_INT_H
#define IMAPSH_SHELL_PRETTY_INT_H

#include <stdbool.h>

#include "proto/response.h"
#include "shell/render.h"
#include "util/buf.h"

/* pretty_acl.c: rights (RFC 4314) and annotations (RFC 5464) */
bool pretty_acl(struct buf *out, struct imap_response *r, const struct render_opts *o);
bool pretty_myrights(struct buf *out, struct imap_response *r, const struct render_opts *o);
bool pretty_listrights(struct buf *out, struct imap_response *r, const struct render_opts *o);
bool pretty_metadata(struct buf *out, struct imap_response *r, const struct render_opts *o);

#endif
