/*
 * main.c - options, the transport, and the shell.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/commands.h"
#include "shell/call.h"
#include "shell/repl.h"
#include "util/buf.h"
#include "util/xalloc.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: imapsh [OPTIONS] [HOST]\n"
		"       imapsh [OPTIONS] --stream COMMAND\n"
		"An interactive IMAP shell: type imaplib-style commands, see the server's answers.\n"
		"\n"
		"Connection:\n"
		"  HOST                    IMAP server to connect to over TCP\n"
		"  -p, --port PORT         TCP port (default 143)\n"
		"      --stream COMMAND    run COMMAND with /bin/sh -c and speak IMAP over its\n"
		"                          stdin and stdout (imaplib's IMAP4_stream)\n"
		"      --timeout SECONDS   connect and read timeout (default: none)\n"
		"  -u, --user USER         log in as USER after connecting; the password comes\n"
		"                          from IMAPSH_PASSWORD or is asked on the terminal\n"
		"Input and output:\n"
		"  -f, --file FILE         read commands from FILE\n"
		"  -c, --command LINE      run LINE (may be repeated), then exit\n"
		"  -o, --output FORMAT     pretty (default), raw or json\n"
		"  -d, --debug LEVEL       trace to stderr, 0-5 (4: every line sent and received;\n"
		"                          secrets always show as <redacted>)\n"
		"      --stop-on-error     stop at the first command that fails\n"
		"  -h, --help              show this help and exit\n"
		"  -V, --version           show the version and exit\n"
		"\n"
		"Exit status: 0 all commands OK, 1 a command failed, 2 the session failed,\n"
		"64 usage error.  Type \"help\" in the shell for the commands.\n");
}

static int login(struct shell *sh, const char *user)
{
	const struct cmd_spec *spec = cmd_lookup("login");
	const char *env = getenv("IMAPSH_PASSWORD");
	char *pw;
	struct buf prompt = BUF_INIT;
	buf_addf(&prompt, "Password for %s: ", user);
	pw = env ? xstrdup(env) : shell_ask(prompt.buf, false);
	buf_release(&prompt);
	struct cmd_word w[2];
	struct cmd_call call;
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_response *t = NULL;
	int rc = -1;

	if (!pw) {
		shell_error(sh, "no password for %s: set IMAPSH_PASSWORD or run on a terminal", user);
		sh->status = SHELL_FAILED;
		return -1;
	}
	memset(w, 0, sizeof(w));
	w[0].s = w[0].raw = user;
	w[0].len = w[0].raw_len = strlen(user);
	w[1].s = w[1].raw = pw;
	w[1].len = w[1].raw_len = strlen(pw);
	cmd_call_init(&call);
	if (cmd_build(spec, w, 2, sh->session, &call, &err) < 0 ||
	    session_command(sh->session, &call.cmd, &t, &err) < 0) {
		shell_error(sh, "%s", err.msg);
		if (sh->status < (err.kind == IMAP_ERR_ABORT ? SHELL_BROKEN : SHELL_FAILED))
			sh->status = err.kind == IMAP_ERR_ABORT ? SHELL_BROKEN : SHELL_FAILED;
	} else if (t->status != IMAP_STATUS_OK) {
		shell_error(sh, "login failed: %s %.*s", imap_status_name(t->status),
			    (int)t->text_len, t->text);
		if (sh->status < SHELL_FAILED)
			sh->status = SHELL_FAILED;
	} else {
		rc = 0;
	}
	imap_response_free(t);
	cmd_call_release(&call);
	memset(pw, 0, strlen(pw));
	free(pw);
	return rc;
}

int main(int argc, char **argv)
{
	enum { OPT_STREAM = 256, OPT_TIMEOUT, OPT_STOP };
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "stream", required_argument, NULL, OPT_STREAM },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "user", required_argument, NULL, 'u' },
		{ "file", required_argument, NULL, 'f' },
		{ "command", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "debug", required_argument, NULL, 'd' },
		{ "stop-on-error", no_argument, NULL, OPT_STOP },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct shell sh;
	const char *user = NULL, *file = NULL;
	char **commands = NULL;
	size_t ncommands = 0, i;
	int c, status;

	signal(SIGPIPE, SIG_IGN);
	opterr = 0; /* our own messages, with our name */
	shell_init(&sh);
	sh.target.port = "143";
	while ((c = getopt_long(argc, argv, ":p:u:f:c:o:d:hV", opts, NULL)) != -1) {
		char *end;
		long v;
		switch (c) {
		case 'p':
			sh.target.port = optarg;
			break;
		case OPT_STREAM:
			sh.target.stream_cmd = optarg;
			break;
		case OPT_TIMEOUT: {
			double d = strtod(optarg, &end);
			if (*end || d <= 0 || d > 86400) {
				fprintf(stderr, "imapsh: --timeout takes seconds (e.g. 30 or 0.5)\n");
				return SHELL_USAGE;
			}
			sh.target.timeout_ms = (int)(d * 1000);
			if (!sh.target.timeout_ms)
				sh.target.timeout_ms = 1;
			break;
		}
		case 'u':
			user = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'c':
			commands = xrealloc(commands, (ncommands + 1) * sizeof(*commands));
			commands[ncommands++] = optarg;
			break;
		case 'o':
			if (!strcmp(optarg, "pretty"))
				sh.render.format = RENDER_PRETTY;
			else if (!strcmp(optarg, "raw"))
				sh.render.format = RENDER_RAW;
			else if (!strcmp(optarg, "json"))
				sh.render.format = RENDER_JSON;
			else {
				fprintf(stderr, "imapsh: --output is pretty, raw or json\n");
				return SHELL_USAGE;
			}
			break;
		case 'd':
			v = strtol(optarg, &end, 10);
			if (*end || v < 0 || v > 5) {
				fprintf(stderr, "imapsh: --debug takes a level from 0 to 5\n");
				return SHELL_USAGE;
			}
			sh.trace.level = (int)v;
			break;
		case OPT_STOP:
			sh.stop_on_error = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("imapsh %s\n", PACKAGE_VERSION);
			return 0;
		case ':':
			fprintf(stderr, "imapsh: option %s needs a value\nTry 'imapsh --help'.\n",
				argv[optind - 1]);
			return SHELL_USAGE;
		default:
			if (optopt)
				fprintf(stderr, "imapsh: unknown option -%c\n", optopt);
			else
				fprintf(stderr, "imapsh: unknown option %s\n", argv[optind - 1]);
			fprintf(stderr, "Try 'imapsh --help'.\n");
			return SHELL_USAGE;
		}
	}
	if (optind < argc)
		sh.target.host = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "imapsh: unexpected argument \"%s\"\nTry 'imapsh --help'.\n", argv[optind]);
		return SHELL_USAGE;
	}
	if (sh.target.host && sh.target.stream_cmd) {
		fprintf(stderr, "imapsh: give a HOST or --stream COMMAND, not both\n");
		return SHELL_USAGE;
	}
	if (!sh.target.host && !sh.target.stream_cmd) {
		fprintf(stderr, "imapsh: no server: give a HOST or --stream COMMAND\nTry 'imapsh --help'.\n");
		return SHELL_USAGE;
	}
	if (file && ncommands) {
		fprintf(stderr, "imapsh: give --file or --command, not both\n");
		return SHELL_USAGE;
	}

	sh.interactive = !file && !ncommands && isatty(STDIN_FILENO);
	sh.render.tty = isatty(STDOUT_FILENO);

	if (shell_connect(&sh) == 0 && (!user || login(&sh, user) == 0 || sh.interactive)) {
		if (ncommands) {
			for (i = 0; i < ncommands && !sh.quit; i++) {
				sh.lineno = i + 1;
				sh.source = "-c";
				shell_exec(&sh, commands[i], strlen(commands[i]));
			}
		} else if (file) {
			FILE *fp = strcmp(file, "-") ? fopen(file, "r") : stdin;
			if (!fp) {
				fprintf(stderr, "imapsh: cannot read %s: %s\n", file, strerror(errno));
				sh.status = SHELL_USAGE;
			} else {
				repl_script(&sh, fp, file);
				if (fp != stdin)
					fclose(fp);
			}
		} else if (sh.interactive) {
			repl_interactive(&sh);
		} else {
			repl_script(&sh, stdin, NULL);
		}
		shell_finish(&sh);
	}
	fflush(stdout);
	status = sh.status;
	shell_release(&sh);
	free(commands);
	return status;
}
