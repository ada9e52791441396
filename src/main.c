/*
 * main.c - options, the transport, and the shell.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h> /* mallopt */
#endif

#include "core/commands.h"
#include "shell/call.h"
#include "shell/login.h"
#include "shell/interrupt.h"
#include "shell/pager.h"
#include "shell/profile.h"
#include "shell/progress.h"
#include "shell/repl.h"
#include "shell/target.h"
#include "shell/vars.h"
#include "util/buf.h"
#include "util/charset.h"
#include "util/xalloc.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: imapsh [OPTIONS] [HOST | PROFILE]\n"
		"       imapsh [OPTIONS] --stream COMMAND\n"
		"An interactive IMAP shell: type imaplib-style commands, see the server's answers.\n"
		"\n"
		"Connection:\n"
		"  HOST                    IMAP server to connect to over TCP\n"
		"  PROFILE                 a [PROFILE] section of ~/.config/imapsh/config\n"
		"                          (options given here override it)\n"
		"  -p, --port PORT         TCP port (default 143)\n"
		"      --stream COMMAND    run COMMAND with /bin/sh -c and speak IMAP over its\n"
		"                          stdin and stdout (imaplib's IMAP4_stream)\n"
		"      --timeout SECONDS   connect and read timeout (default: 30 s to connect,\n"
		"                          15 s for the greeting, then none)\n"
		"      --compress          compress the connection once logged in\n"
		"                          (COMPRESS=DEFLATE, RFC 4978), if the server offers it\n"
		"TLS:\n"
		"      --ssl               implicit TLS (default port 993)\n"
		"      --starttls          require STARTTLS before anything else\n"
		"      --cafile FILE       also trust the CA certificates in FILE (PEM)\n"
		"      --certfile FILE     present this client certificate (PEM)\n"
		"      --keyfile FILE      its private key (default: in --certfile)\n"
		"      --tls-priority STR  GnuTLS priority string (default: the system's crypto\n"
		"                          policy, TLS 1.2 or newer)\n"
		"      --tls-name NAME     the name the certificate must carry (default: HOST,\n"
		"                          or localhost with --stream)\n"
		"      --pinnedpubkey PIN  the server's public key must also match PIN:\n"
		"                          sha256//BASE64[;sha256//...] or a PEM/DER key file\n"
		"      --insecure          do not verify the server's certificate (warns)\n"
		"Login:\n"
		"  -u, --user USER         log in as USER after connecting\n"
		"  -a, --auth MECH         with AUTHENTICATE MECH (default: the strongest both\n"
		"                          sides support, else LOGIN)\n"
		"      --password-file F   the password is the first line of F (not readable by\n"
		"                          others); otherwise\n"
		"                          IMAPSH_PASSWORD, ~/.netrc, or asked on the terminal\n"
		"      --allow-plaintext   allow a password over clear text to a remote host\n"
		"      --no-capability-check  send commands and parameters of extensions the\n"
		"                          server did not announce (default: refused)\n"
		"Input and output:\n"
		"  -f, --file FILE         read commands from FILE\n"
		"  -c, --command LINE      run LINE (may be repeated), then exit\n"
		"  -o, --output FORMAT     pretty (default), raw or json\n"
		"  -v, --var NAME=VALUE    set a variable, used as $NAME or ${NAME} in commands\n"
		"  -d, --debug LEVEL       trace to stderr, 0-5 (4: every line sent and received;\n"
		"                          secrets always show as <redacted>)\n"
		"      --stop-on-error     stop at the first command that fails\n"
		"      --no-pipeline       in scripts, wait for each result before sending the\n"
		"                          next command (default: pipeline where RFC 9051 allows)\n"
		"      --color[=WHEN]      colour pretty output: auto (default: on a terminal,\n"
		"                          unless NO_COLOR is set), always, never\n"
		"      --progress          show the progress of big transfers (over 1 MB) on\n"
		"                          stderr (default: when stdin and stderr are terminals)\n"
		"      --no-hints          no hints as you type (the synopsis of the next\n"
		"                          argument, dimmed, after the cursor)\n"
		"      --no-pager          never page long output on a terminal (default: through\n"
		"                          $PAGER, or less -FRX, when it does not fit)\n"
		"  -h, --help              show this help and exit\n"
		"  -V, --version           show the version and exit\n"
		"\n"
		"Exit status: 0 all commands OK, 1 a command failed, 2 the session failed,\n"
		"64 usage error.  Type \"help\" in the shell for the commands.  Without a\n"
		"HOST on a terminal, the shell starts unconnected (use open).\n");
}

/*
 * A secret from the environment, taken out of it: a --stream server (and
 * anything else imapsh starts) must not inherit it, and /proc/PID/environ
 * must not show it.  NULL when unset.  The caller wipes and frees.
 */
static char *take_env_secret(const char *name)
{
	char *v = getenv(name), *copy;
	if (!v)
		return NULL;
	copy = xstrdup(v);
	explicit_bzero(v, strlen(v)); /* the bytes the kernel put on our stack */
	unsetenv(name);
	return copy;
}

int main(int argc, char **argv)
{
	enum {
		OPT_STREAM = 256, OPT_TIMEOUT, OPT_STOP, OPT_SSL, OPT_STARTTLS, OPT_CAFILE,
		OPT_CERTFILE, OPT_KEYFILE, OPT_PRIORITY, OPT_INSECURE, OPT_PLAINTEXT, OPT_PWFILE,
		OPT_NO_PIPELINE, OPT_TLS_NAME, OPT_PINNED, OPT_COLOR, OPT_NO_PAGER, OPT_PROGRESS, OPT_NO_HINTS,
		OPT_COMPRESS, OPT_NO_CAPCHECK,
	};
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "stream", required_argument, NULL, OPT_STREAM },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "compress", no_argument, NULL, OPT_COMPRESS },
		{ "user", required_argument, NULL, 'u' },
		{ "file", required_argument, NULL, 'f' },
		{ "command", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "debug", required_argument, NULL, 'd' },
		{ "stop-on-error", no_argument, NULL, OPT_STOP },
		{ "no-pipeline", no_argument, NULL, OPT_NO_PIPELINE },
		{ "var", required_argument, NULL, 'v' },
		{ "no-pager", no_argument, NULL, OPT_NO_PAGER },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "no-hints", no_argument, NULL, OPT_NO_HINTS },
		{ "color", optional_argument, NULL, OPT_COLOR },
		{ "colour", optional_argument, NULL, OPT_COLOR },
		{ "ssl", no_argument, NULL, OPT_SSL },
		{ "starttls", no_argument, NULL, OPT_STARTTLS },
		{ "cafile", required_argument, NULL, OPT_CAFILE },
		{ "certfile", required_argument, NULL, OPT_CERTFILE },
		{ "keyfile", required_argument, NULL, OPT_KEYFILE },
		{ "tls-priority", required_argument, NULL, OPT_PRIORITY },
		{ "tls-name", required_argument, NULL, OPT_TLS_NAME },
		{ "pinnedpubkey", required_argument, NULL, OPT_PINNED },
		{ "insecure", no_argument, NULL, OPT_INSECURE },
		{ "allow-plaintext", no_argument, NULL, OPT_PLAINTEXT },
		{ "no-capability-check", no_argument, NULL, OPT_NO_CAPCHECK },
		{ "auth", required_argument, NULL, 'a' },
		{ "password-file", required_argument, NULL, OPT_PWFILE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct shell sh;
	struct target_given given = { false, false, false, false };
	struct profile prof;
	const char *file = NULL, *arg = NULL;
	bool no_pipeline = false, progress = false;
	int color = -1; /* --color: -1 auto, 0 never, 1 always */
	char **commands = NULL;
	size_t ncommands = 0, i;
	int c, status;

	signal(SIGPIPE, SIG_IGN);
#ifdef M_TRIM_THRESHOLD
	/* Messages of a few MB come and go one after another: glibc would map
	 * and unmap each (or trim the heap after it), and the kernel zero
	 * fresh pages for the next.  Keeping up to 8 MiB of freed memory for
	 * reuse does not raise the peak (it was touched at the peak) and cut
	 * page faults 5,734 -> 779 and CPU time by a sixth on W2 (bench/). */
	mallopt(M_MMAP_THRESHOLD, 8 << 20);
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
#endif
	opterr = 0; /* our own messages, with our name */
	shell_init(&sh);
	while ((c = getopt_long(argc, argv, ":p:u:a:f:c:o:d:v:hV", opts, NULL)) != -1) {
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
			if (*end || !(d > 0 && d <= 86400)) { /* NaN too */
				fprintf(stderr, "imapsh: --timeout takes seconds (e.g. 30 or 0.5)\n");
				status = SHELL_USAGE;
				goto done;
			}
			sh.target.timeout_ms = (int)(d * 1000);
			if (!sh.target.timeout_ms)
				sh.target.timeout_ms = 1;
			break;
		}
		case 'u':
			sh.auth.user = optarg;
			break;
		case 'a':
			sh.auth.mech = optarg;
			break;
		case OPT_PWFILE:
			sh.auth.password_file = optarg;
			break;
		case OPT_PLAINTEXT:
			sh.target.allow_plaintext = true;
			break;
		case OPT_NO_CAPCHECK:
			sh.target.no_cap_check = true;
			break;
		case OPT_COMPRESS:
			sh.target.compress = true;
			break;
		case OPT_SSL:
			sh.target.ssl = true;
			break;
		case OPT_STARTTLS:
			sh.target.starttls = true;
			break;
		case OPT_CAFILE:
			sh.target.cafile = optarg;
			break;
		case OPT_CERTFILE:
			sh.target.certfile = optarg;
			break;
		case OPT_KEYFILE:
			sh.target.keyfile = optarg;
			break;
		case OPT_PRIORITY:
			sh.target.priority = optarg;
			break;
		case OPT_TLS_NAME:
			sh.target.tls_name = optarg;
			break;
		case OPT_PINNED:
			sh.target.pinned_pubkey = optarg;
			break;
		case OPT_INSECURE:
			sh.target.insecure = true;
			break;
		case 'f':
			file = optarg;
			break;
		case 'c':
			commands = xrealloc(commands, (ncommands + 1) * sizeof(*commands));
			commands[ncommands++] = optarg;
			break;
		case 'v': {
			char *msg = NULL;
			if (vars_assign(sh.vars, optarg, &msg) < 0) {
				fprintf(stderr, "imapsh: -v %s\n", msg);
				free(msg);
				status = SHELL_USAGE;
				goto done;
			}
			break;
		}
		case OPT_NO_HINTS:
			sh.hints = false;
			break;
		case OPT_PROGRESS:
			progress = true;
			break;
		case OPT_NO_PAGER:
			sh.pager_mode = PAGER_OFF;
			given.pager = true;
			break;
		case 'o':
			given.output = true;
			if (!strcmp(optarg, "pretty"))
				sh.render.format = RENDER_PRETTY;
			else if (!strcmp(optarg, "raw"))
				sh.render.format = RENDER_RAW;
			else if (!strcmp(optarg, "json"))
				sh.render.format = RENDER_JSON;
			else {
				fprintf(stderr, "imapsh: --output is pretty, raw or json\n");
				status = SHELL_USAGE;
				goto done;
			}
			break;
		case OPT_COLOR:
			given.color = true;
			if (!optarg || !strcmp(optarg, "always"))
				color = 1;
			else if (!strcmp(optarg, "never"))
				color = 0;
			else if (!strcmp(optarg, "auto"))
				color = -1;
			else {
				fprintf(stderr, "imapsh: --color is auto, always or never\n");
				status = SHELL_USAGE;
				goto done;
			}
			break;
		case 'd':
			given.debug = true;
			v = strtol(optarg, &end, 10);
			if (*end || v < 0 || v > 5) {
				fprintf(stderr, "imapsh: --debug takes a level from 0 to 5\n");
				status = SHELL_USAGE;
				goto done;
			}
			sh.trace.level = (int)v;
			break;
		case OPT_STOP:
			sh.stop_on_error = true;
			break;
		case OPT_NO_PIPELINE:
			no_pipeline = true;
			break;
		case 'h':
			usage(stdout);
			status = 0;
			goto done;
		case 'V':
			printf("imapsh %s\n", PACKAGE_VERSION);
			status = 0;
			goto done;
		case ':':
			fprintf(stderr, "imapsh: option %s needs a value\nTry 'imapsh --help'.\n",
				argv[optind - 1]);
			status = SHELL_USAGE;
			goto done;
		default:
			if (optopt)
				fprintf(stderr, "imapsh: unknown option -%c\n", optopt);
			else
				fprintf(stderr, "imapsh: unknown option %s\n", argv[optind - 1]);
			fprintf(stderr, "Try 'imapsh --help'.\n");
			status = SHELL_USAGE;
			goto done;
		}
	}
	if (optind < argc)
		arg = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "imapsh: unexpected argument \"%s\"\nTry 'imapsh --help'.\n", argv[optind]);
		status = SHELL_USAGE;
		goto done;
	}
	if (arg && sh.target.stream_cmd) {
		fprintf(stderr, "imapsh: give a HOST or --stream COMMAND, not both\n");
		status = SHELL_USAGE;
		goto done;
	}
	if (arg) {
		/* a profile's name, else a host */
		struct imap_err perr = IMAP_ERR_INIT;
		char *path = profile_path();
		int rc = profile_load(path, arg, &prof, &perr);
		free(path);
		if (rc < 0) {
			fprintf(stderr, "imapsh: %s\n", perr.msg);
			profile_release(&prof);
			status = SHELL_USAGE;
			goto done;
		}
		if (rc > 0)
			target_fill(&sh, &prof, &given, &color, &no_pipeline);
		else
			sh.target.host = arg;
		profile_release(&prof);
	}
	sh.interactive = !file && !ncommands && isatty(STDIN_FILENO);
	if (!sh.target.host && !sh.target.stream_cmd && !sh.interactive) {
		fprintf(stderr, "imapsh: no server: give a HOST or --stream COMMAND\nTry 'imapsh --help'.\n");
		status = SHELL_USAGE;
		goto done;
	}
	if (sh.target.ssl && sh.target.starttls) {
		fprintf(stderr, "imapsh: --ssl and --starttls exclude each other\n");
		status = SHELL_USAGE;
		goto done;
	}
	if (sh.auth.mech && !sh.auth.user) {
		fprintf(stderr, "imapsh: -a/--auth goes with -u/--user\n");
		status = SHELL_USAGE;
		goto done;
	}
	if (sh.target.keyfile && !sh.target.certfile) {
		fprintf(stderr, "imapsh: --keyfile goes with --certfile\n");
		status = SHELL_USAGE;
		goto done;
	}
	if (file && ncommands) {
		fprintf(stderr, "imapsh: give --file or --command, not both\n");
		status = SHELL_USAGE;
		goto done;
	}

	sh.auth.env_password = take_env_secret("IMAPSH_PASSWORD");
	sh.auth.env_token = take_env_secret("IMAPSH_TOKEN");
	if (getenv("IMAPSH_PROMPT") && *getenv("IMAPSH_PROMPT"))
		sh.prompt = getenv("IMAPSH_PROMPT"); /* over a profile's */
	if (progress || (isatty(STDIN_FILENO) && isatty(STDERR_FILENO)))
		sh.progress = progress_new(NULL);
	if (sh.interactive) /* Ctrl-C cancels what waits on the server, not imapsh */
		interrupt_install();
	/* scripts pipeline what RFC 9051 5.5 allows; --stop-on-error needs
	 * each result before the next command is sent */
	sh.pipeline = !sh.interactive && !sh.stop_on_error && !no_pipeline;
	sh.render.tty = isatty(STDOUT_FILENO);
	if (color < 0) {
		/* auto: a terminal that can show it, unless NO_COLOR is set
		 * (no-color.org: to anything but the empty string) */
		const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
		color = sh.render.tty && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
	}
	sh.render.color = color > 0;
	if (!sh.render.tty) {
		/* big writes for files and pipes (stdio's 4 KiB costs syscalls);
		 * glibc ignores the size unless it is given the buffer */
		static char outbuf[1 << 16];
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	}

	if (sh.interactive) {
		/* the banner: on stderr, so that stdout is the session's alone */
		fprintf(stderr, "imapsh %s: type help for the commands, Tab to complete, quit to leave.%s\n",
			PACKAGE_VERSION,
			sh.target.host || sh.target.stream_cmd ? "" : "\nNot connected: open HOST [PORT], "
			"open PROFILE or open --stream COMMAND.");
	}
	if (!sh.target.host && !sh.target.stream_cmd) {
		repl_interactive(&sh); /* the empty shell: open from there */
		shell_finish(&sh);
	} else if (shell_connect(&sh) < 0) {
		/* on a terminal the shell opens anyway: reconnect or open */
		if (sh.interactive) {
			repl_interactive(&sh);
			shell_finish(&sh);
		}
	} else if (!sh.auth.user || shell_login(&sh) == 0 || (sh.interactive && session_alive(sh.session))) {
		shell_compress_auto(&sh); /* --compress: logged in, or PREAUTH */
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
done:
	shell_release(&sh);
	free(commands);
	charset_cleanup(); /* iconv descriptors the renderer kept */
	return status;
}
