#include "shell/target.h"

#include <stdlib.h>
#include <string.h>

#include "shell/call.h"
#include "shell/pager.h"
#include "shell/profile.h"
#include "util/xalloc.h"

/* The profile the target points into, kept until the shell ends (one
 * per "open PROFILE"; a handful at most in a session). */
static void keep(struct shell *sh, struct profile *p)
{
	sh->profiles = xrealloc(sh->profiles, (sh->nprofiles + 1) * sizeof(*sh->profiles));
	sh->profiles[sh->nprofiles] = xmalloc(sizeof(*p));
	*sh->profiles[sh->nprofiles] = *p; /* the strings move */
	sh->nprofiles++;
	profile_init(p);
}

#define FILL(field, value)              \
	do {                            \
		if (!(field) && (value)) \
			(field) = (value); \
	} while (0)

/* Connection and login fields: only where sh has none (replace: all that p sets). */
static void apply_conn(struct shell *sh, const struct profile *p, bool replace)
{
	struct conn_opts *t = &sh->target;
	if (replace) {
		if (p->host || p->stream) {
			t->host = p->host;
			t->stream_cmd = p->stream;
			t->port = p->port;
		}
		if (p->ssl >= 0 || p->starttls >= 0) {
			t->ssl = p->ssl > 0;
			t->starttls = p->starttls > 0;
		}
		if (p->user) {
			sh->auth.user = p->user;
			sh->auth.mech = p->auth;
		}
	} else {
		if (!t->host && !t->stream_cmd) {
			t->host = p->host;
			t->stream_cmd = p->stream;
		}
		if (!t->ssl && !t->starttls) {
			t->ssl = p->ssl > 0;
			t->starttls = p->starttls > 0;
		}
		FILL(sh->auth.user, p->user);
		if (sh->auth.user == p->user)
			FILL(sh->auth.mech, p->auth);
	}
	FILL(t->port, p->port);
	FILL(t->cafile, p->cafile);
	FILL(t->certfile, p->certfile);
	FILL(t->keyfile, p->keyfile);
	FILL(t->priority, p->tls_priority);
	FILL(t->tls_name, p->tls_name);
	FILL(t->pinned_pubkey, p->pinnedpubkey);
	FILL(sh->auth.password_file, p->password_file);
	if (p->insecure > 0)
		t->insecure = true;
	if (p->allow_plaintext > 0)
		t->allow_plaintext = true;
	if (p->no_cap_check > 0)
		t->no_cap_check = true;
	if (p->compress >= 0 && (replace || !t->compress))
		t->compress = p->compress > 0;
	if (t->timeout_ms <= 0 && p->timeout_ms > 0)
		t->timeout_ms = p->timeout_ms;
}

void target_fill(struct shell *sh, struct profile *p, const struct target_given *given, int *color,
		 bool *no_pipeline)
{
	apply_conn(sh, p, false);
	if (!given->output && p->output >= 0)
		sh->render.format = (enum render_format)p->output;
	if (!given->color && p->color != -2)
		*color = p->color;
	if (!given->pager && p->pager != -2)
		sh->pager_mode = p->pager < 0 ? PAGER_AUTO : p->pager ? PAGER_ON : PAGER_OFF;
	if (!given->debug && p->debug >= 0)
		sh->trace.level = p->debug;
	if (p->pipeline == 0)
		*no_pipeline = true;
	if (!sh->prompt && p->prompt)
		sh->prompt = p->prompt;
	keep(sh, p);
}

int target_open_profile(struct shell *sh, const char *name)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct profile p;
	char *path = profile_path();
	int rc = profile_load(path, name, &p, &err);

	free(path);
	if (rc < 0) {
		shell_error(sh, "%s", err.msg);
		profile_release(&p);
		return -1;
	}
	if (rc == 0) {
		profile_release(&p);
		return 0;
	}
	apply_conn(sh, &p, true);
	keep(sh, &p);
	return 1;
}

void target_release(struct shell *sh)
{
	size_t i;
	for (i = 0; i < sh->nprofiles; i++) {
		profile_release(sh->profiles[i]);
		free(sh->profiles[i]);
	}
	free(sh->profiles);
	sh->profiles = NULL;
	sh->nprofiles = 0;
}
