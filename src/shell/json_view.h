/*
 * json_view.h - -o json objects for the responses the typed model knows
 * (json_view.c: every view but FETCH, and response codes; json_fetch.c:
 * FETCH).  render.c writes the envelope of each object:
 *
 *   {"version":1,"type":...  <fields written here>  ,"command":"UID FETCH",
 *    "line":4}   (or "unsolicited":true; "protected":false before TLS)
 *
 * The functions below are called inside the open top-level object, after
 * "version": they write "type" first, then the view's fields, and return
 * true; or they write nothing and return false (not such a response), and
 * render.c writes the generic object.  The schema of what they write is
 * in man/imapsh-json.5 and man/imapsh-json.schema.json.
 */
#ifndef IMAPSH_SHELL_JSON_VIEW_H
#define IMAPSH_SHELL_JSON_VIEW_H

#include <stdbool.h>

#include "proto/response.h"
#include "shell/json.h"
#include "shell/render.h"

/* Untagged data other than FETCH: LIST/LSUB/XLIST, STATUS, SEARCH, SORT,
 * ESEARCH, THREAD, NAMESPACE, QUOTA, QUOTAROOT, ACL, MYRIGHTS,
 * LISTRIGHTS, METADATA, ID, ENABLED, CAPABILITY, FLAGS, EXISTS, RECENT,
 * EXPUNGE, VANISHED.  o->utf8_names says how mailbox names are encoded. */
bool json_view(struct json *j, struct imap_response *r, const struct render_opts *o);
/* An untagged FETCH. */
bool json_fetch(struct json *j, struct imap_response *r, const struct render_opts *o);
/* The response code of a status response, if it has one: the key "code"
 * and its object ({"name":"APPENDUID","uidvalidity":..,"uids":"3955"});
 * nothing when r has no code. */
void json_code(struct json *j, struct imap_response *r);

#endif
