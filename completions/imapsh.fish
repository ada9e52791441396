# fish completion for imapsh: every option with its description and values,
# files, hosts and profile names (the [NAME] sections of the config file),
# and inside -c "..." the shell's commands and some of their arguments.
# Kept in step with: imapsh --help (tests/integration/completions.sh), the
# command tables (tests/unit/check_commands.c), completions/imapsh (bash)
# and completions/_imapsh (zsh).

# The section names [NAME] of the config file (names with blanks left out).
function __imapsh_profiles
    set -l base "$XDG_CONFIG_HOME"
    test -n "$base"; or set base "$HOME/.config"
    set -l cfg "$IMAPSH_CONFIG"
    test -n "$cfg"; or set cfg "$base/imapsh/config"
    test -f "$cfg" -a -r "$cfg"; or return 0
    for name in (string replace -rf '^\s*\[([^]\s]+)\].*$' '$1' <"$cfg")
        printf '%s\t%s\n' $name 'Profile (config file)'
    end
end

# Are we at the HOST or PROFILE argument? Not after one, nor with --stream.
function __imapsh_needs_host
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    for t in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case --stream '--stream=*'
                return 1
            case -p --port --timeout --cafile --certfile --keyfile --tls-priority --tls-name \
                --pinnedpubkey -u --user -a --auth --password-file -f --file -c --command \
                -v --var -o --output -d --debug
                set skip 1
            case '-*'
            case '*'
                return 1
        end
    end
    return 0
end

function __imapsh_mechs
    printf '%s\t%s\n' \
        SCRAM-SHA-256-PLUS 'SCRAM-SHA-256 bound to the TLS channel (RFC 7677)' \
        SCRAM-SHA-1-PLUS 'SCRAM-SHA-1 bound to the TLS channel (RFC 5802)' \
        SCRAM-SHA-256 'Salted challenge-response, SHA-256 (RFC 7677)' \
        SCRAM-SHA-1 'Salted challenge-response, SHA-1 (RFC 5802)' \
        CRAM-MD5 'Challenge-response with MD5 (RFC 2195)' \
        OAUTHBEARER 'An OAuth 2.0 bearer token (RFC 7628)' \
        XOAUTH2 'An OAuth 2.0 token, Google style' \
        EXTERNAL 'The TLS client certificate (--certfile)' \
        PLAIN 'User and password in clear (RFC 4616)' \
        LOGIN 'User and password in clear, the old way' \
        ANONYMOUS 'No account (RFC 4505)'
end

function __imapsh_formats
    printf '%s\t%s\n' \
        pretty 'Readable, decoded (the default)' \
        raw 'The bytes as received' \
        json 'One JSON object per line (imapsh-json(5))'
end

function __imapsh_levels
    printf '%s\t%s\n' \
        0 'No trace' \
        1 'Connection events, capabilities and state changes' \
        2 'Also each command and its result' \
        3 'As 2' \
        4 'Every line sent and received' \
        5 'Also read sizes and long lines in full'
end

# IMAP commands (src/core/commands.c) and shell commands (src/shell/meta.c)
function __imapsh_commands
    printf '%s\t%s\n' \
        append 'Append a message (@FILE or "text") to MAILBOX' \
        authenticate 'Authenticate with a SASL mechanism' \
        cancelupdate 'Stop the updates of searches left open with RETURN (UPDATE)' \
        capability 'Ask the server what it supports' \
        check 'Checkpoint the selected mailbox' \
        close 'Close the mailbox, expunging \\Deleted messages' \
        compress 'Compress the connection with DEFLATE (RFC 4978)' \
        copy 'Copy messages to MAILBOX' \
        create 'Create a mailbox' \
        delete 'Delete a mailbox' \
        deleteacl 'Remove the rights of WHO on MAILBOX (RFC 4314)' \
        enable 'Enable server extensions (RFC 5161)' \
        examine 'Select a mailbox read-only' \
        expunge 'Remove \\Deleted messages' \
        fetch 'Fetch message data, e.g. fetch 1:5 (FLAGS ENVELOPE)' \
        genurlauth 'Make URLs another party may fetch (RFC 4467)' \
        getacl 'Show the access control list of MAILBOX' \
        getannotation 'Read annotations (draft ANNOTATEMORE)' \
        getmetadata 'Read annotations (RFC 5464)' \
        getquota 'Show usage and limits of a quota root (RFC 9208)' \
        getquotaroot 'Show the quota roots of MAILBOX and their quotas' \
        id 'Exchange client and server identification (RFC 2971)' \
        idle 'Wait for server updates (RFC 2177)' \
        list 'List mailboxes' \
        listrights 'Show the rights WHO may be given on MAILBOX (RFC 4314)' \
        login 'Log in with a plain-text password' \
        login_cram_md5 'Log in with AUTHENTICATE CRAM-MD5 (RFC 2195)' \
        logout 'End the session' \
        lsub 'List subscribed mailboxes' \
        move 'Move messages to MAILBOX (RFC 6851)' \
        myrights 'Show your rights on MAILBOX' \
        namespace 'Show the personal, other users\' and shared namespaces' \
        notify 'Have the server report events as they happen (RFC 5465)' \
        noop 'Do nothing; lets the server send updates' \
        partial 'Fetch part of a message (obsolete IMAP2bis)' \
        proxyauth 'Act as USER (administrators)' \
        recent 'Show the RECENT count (sends NOOP)' \
        replace 'Replace a message with a new one (RFC 8508)' \
        resetkey 'Revoke the URLs made so far (RFC 4467)' \
        rename 'Rename a mailbox' \
        search 'Search the selected mailbox, e.g. search UNSEEN FROM "Ann"' \
        select 'Select a mailbox (default INBOX)' \
        setacl 'Set the rights of WHO on MAILBOX' \
        setannotation 'Set annotations (draft ANNOTATEMORE)' \
        setmetadata 'Set annotations (RFC 5464)' \
        setquota 'Set limits, e.g. setquota "" (STORAGE 512)' \
        sort 'Sorted search, e.g. sort (REVERSE DATE) UTF-8 ALL (RFC 5256)' \
        starttls 'Start TLS on this connection' \
        status 'Mailbox status, e.g. status INBOX (MESSAGES UNSEEN)' \
        store 'Change flags, e.g. store 1:3 +FLAGS (\\Seen)' \
        subscribe 'Subscribe to a mailbox' \
        thread 'Threaded search, e.g. thread REFERENCES UTF-8 ALL (RFC 5256)' \
        uid 'Copy, fetch, move, search, sort, store, thread or expunge by UID' \
        unauthenticate 'End the login, back to not authenticated (RFC 8437)' \
        unselect 'Leave the mailbox without expunging (RFC 3691)' \
        unsubscribe 'Unsubscribe from a mailbox' \
        urlfetch 'Fetch what authorized URLs point to (RFC 4467)' \
        xatom 'Send a command the shell does not know, arguments as typed' \
        debug 'Shell: show or set the trace level 0-5' \
        exit 'Shell: same as quit' \
        format 'Shell: show or set the output format' \
        help 'Shell: list commands, or show one' \
        open 'Shell: connect to HOST, PROFILE or --stream COMMAND; alone: reconnect' \
        pager 'Shell: page output longer than the screen: auto, on or off' \
        quit 'Shell: leave the shell (sends LOGOUT if still connected)' \
        raw 'Shell: send LINE as a tagged command, exactly as typed' \
        read 'Shell: read up to N bytes from the server and show them escaped' \
        readline 'Shell: read one response from the server and show it' \
        reconnect 'Shell: connect again with the same options, log in and select as before' \
        response 'Shell: show and forget kept untagged responses' \
        send 'Shell: send bytes (C escapes), no tag, nothing added' \
        set 'Shell: show or set variables, used as $NAME or ${NAME}' \
        show 'Shell: show capabilities, state, mailbox, debug level' \
        shutdown 'Shell: close the connection' \
        socket 'Shell: describe the connection' \
        tls 'Shell: show the TLS session' \
        unset 'Shell: remove variables'
end

# The LINE of -c (the whole line is one token): a command, then for some
# commands their second word; each candidate is the whole line.
function __imapsh_line
    set -l line (commandline -ct | string replace -r '^--command=|^-c' '' | string replace -r '^["\']' '')
    if not string match -qr '\s' -- "$line"
        __imapsh_commands
        return
    end
    set -l m (string match -r '^(\S+\s+)(\S*)$' -- "$line")
    or return
    set -l head $m[2]
    switch (string trim -- $head)
        case format
            __imapsh_formats
        case debug
            __imapsh_levels
        case pager
            printf '%s\t%s\n' on 'Always through the pager' off Never auto 'When longer than the screen'
        case help
            __imapsh_commands
        case uid
            printf '%s\tUID command\n' copy expunge fetch move search sort store thread
        case authenticate
            __imapsh_mechs
        case open
            __imapsh_profiles
        case '*'
            return
    end | string replace -r '^' "$head"
end

complete -c imapsh -f
complete -c imapsh -n __imapsh_needs_host -a '(__imapsh_profiles)'
complete -c imapsh -n __imapsh_needs_host -a '(__fish_print_hostnames)' -d Host

# Connection
complete -c imapsh -s p -l port -x -a '143 993' -d 'TCP port (default 143, with --ssl 993)'
complete -c imapsh -l stream -x -a '(__fish_complete_command)' -d 'Speak IMAP over the stdin and stdout of COMMAND (sh -c)'
complete -c imapsh -l timeout -x -d 'Connect and read timeout in seconds'
complete -c imapsh -l compress -d 'Compress the connection once logged in (COMPRESS=DEFLATE)'
# TLS
complete -c imapsh -l ssl -d 'Implicit TLS (default port 993)'
complete -c imapsh -l starttls -d 'Require STARTTLS before anything else'
complete -c imapsh -l cafile -r -F -d 'Also trust the CA certificates in FILE (PEM)'
complete -c imapsh -l certfile -r -F -d 'Present this client certificate (PEM)'
complete -c imapsh -l keyfile -r -F -d 'The private key of --certfile'
complete -c imapsh -l tls-priority -x -a 'NORMAL PFS SECURE128 SECURE192 SECURE256 PERFORMANCE @SYSTEM' -d 'GnuTLS priority string'
complete -c imapsh -l tls-name -x -a '(__fish_print_hostnames)' -d 'The name the certificate must carry'
complete -c imapsh -l pinnedpubkey -r -F -d 'The server\'s public key must also match PIN (sha256//BASE64 or key file)'
complete -c imapsh -l insecure -d 'Do not verify the server\'s certificate'
# Login
complete -c imapsh -s u -l user -x -d 'Log in as USER after connecting'
complete -c imapsh -s a -l auth -x -a '(__imapsh_mechs)' -d 'Log in with AUTHENTICATE MECH'
complete -c imapsh -l password-file -r -F -d 'The password is the first line of FILE'
complete -c imapsh -l allow-plaintext -d 'Allow a password over clear text to a remote host'
complete -c imapsh -l no-capability-check -d 'Send extensions the server did not announce'
# Input and output
complete -c imapsh -s f -l file -r -F -d 'Read commands from FILE'
complete -c imapsh -s c -l command -x -a '(__imapsh_line)' -d 'Run LINE (may be repeated), then exit'
complete -c imapsh -s v -l var -x -d 'Set a variable (NAME=VALUE), used as $NAME or ${NAME} in commands'
complete -c imapsh -s o -l output -x -a '(__imapsh_formats)' -d 'Output format'
complete -c imapsh -s d -l debug -x -a '(__imapsh_levels)' -d 'Trace to stderr'
complete -c imapsh -l stop-on-error -d 'Stop at the first command that fails'
complete -c imapsh -l no-pipeline -d 'In scripts, wait for each result before sending the next command'
complete -c imapsh -l color -l colour -f -a 'auto always never' -d 'Colour pretty output (--color=WHEN)'
complete -c imapsh -l no-pager -d 'Never page long output on a terminal'
complete -c imapsh -l no-hints -d 'No hints as you type (the next arguments, dimmed)'
complete -c imapsh -l progress -d 'Show the progress of big transfers, also in scripts'
complete -c imapsh -s h -l help -d 'Show the help and exit'
complete -c imapsh -s V -l version -d 'Show the version and exit'
