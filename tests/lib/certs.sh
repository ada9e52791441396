# shellcheck shell=bash
# tests/lib/certs.sh -- a throwaway PKI for imapsh's TLS tests, made with
# certtool (gnutls-bin).  Source it (bash); it defines functions only.
#
#   certs_make DIR     make DIR (if needed) and, unless DIR/ca.pem exists
#                      already, write into it (each NAME.pem with NAME.key):
#     ca          the test CA ("imapsh test CA"), self-signed, may sign
#     server      CN localhost, SAN DNS localhost, IP 127.0.0.1, IP ::1,
#                 127.0.0.2 (signed by ca, valid 10 years)
#     expired     the same names, signed by ca, valid 2001-01-01..2002-01-01
#     wrongname   CN/SAN other.example only (signed by ca, valid)
#     selfsigned  the server's names, but self-signed (no CA)
#     alice       client certificate, CN alice (signed by ca, TLS client)
#   and alice-combined.pem (certificate followed by key, for --certfile
#   without --keyfile) and dh.pem (DH parameters for Dovecot's ssl_dh).
#   Returns 1 (with a message on stderr) if certtool is missing or fails.
#   Keys are ECDSA P-256 (fast to make).  Mode: keys 0644 so that the
#   unprivileged user running Dovecot can read them (test keys only).
#   certs_available    true when certtool is installed

certs_available() {
	command -v certtool >/dev/null 2>&1
}

# _certs_gen DIR NAME TEMPLATE [SIGNER]: key + certificate; SIGNER's
# certificate and key sign it (default: self-signed)
_certs_gen() {
	local dir=$1 name=$2 tmpl=$3 signer=${4:-}
	printf '%s\n' "$tmpl" >"$dir/$name.tmpl"
	certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 \
		--outfile "$dir/$name.key" >"$dir/certtool.log" 2>&1 || return 1
	if [ -z "$signer" ]; then
		certtool --generate-self-signed --load-privkey "$dir/$name.key" \
			--template "$dir/$name.tmpl" --outfile "$dir/$name.pem" \
			>"$dir/certtool.log" 2>&1 || return 1
	else
		certtool --generate-certificate --load-privkey "$dir/$name.key" \
			--load-ca-certificate "$dir/$signer.pem" \
			--load-ca-privkey "$dir/$signer.key" \
			--template "$dir/$name.tmpl" --outfile "$dir/$name.pem" \
			>"$dir/certtool.log" 2>&1 || return 1
	fi
	rm -f "$dir/$name.tmpl"
}

# _certs_server_names: the SAN lines of a certificate for this machine
_certs_server_names() {
	printf '%s\n' 'cn = "localhost"' 'dns_name = "localhost"' \
		'ip_address = "127.0.0.1"' 'ip_address = "127.0.0.2"' \
		'ip_address = "::1"'
}

certs_make() {
	local dir=$1 server_usage
	mkdir -p "$dir" || return 1
	[ -s "$dir/ca.pem" ] && [ -s "$dir/alice-combined.pem" ] && return 0
	if ! certs_available; then
		echo "certs.sh: certtool not found (install gnutls-bin)" >&2
		return 1
	fi
	server_usage=$(printf '%s\n' 'organization = "imapsh tests"' \
		tls_www_server signing_key encryption_key)
	if ! {
		_certs_gen "$dir" ca "$(printf '%s\n' 'cn = "imapsh test CA"' \
			'organization = "imapsh tests"' 'serial = 1' \
			'expiration_days = 3650' ca cert_signing_key crl_signing_key)" &&
		_certs_gen "$dir" server "$(_certs_server_names; printf '%s\n' \
			'serial = 2' 'expiration_days = 3650' "$server_usage")" ca &&
		_certs_gen "$dir" expired "$(_certs_server_names; printf '%s\n' \
			'serial = 3' 'activation_date = "2001-01-01 00:00:00"' \
			'expiration_date = "2002-01-01 00:00:00"' "$server_usage")" ca &&
		_certs_gen "$dir" wrongname "$(printf '%s\n' 'cn = "other.example"' \
			'dns_name = "other.example"' 'serial = 4' \
			'expiration_days = 3650' "$server_usage")" ca &&
		_certs_gen "$dir" selfsigned "$(_certs_server_names; printf '%s\n' \
			'serial = 5' 'expiration_days = 3650' "$server_usage")" &&
		_certs_gen "$dir" alice "$(printf '%s\n' 'cn = "alice"' \
			'uid = "alice"' 'email = "alice@example.org"' \
			'organization = "imapsh tests"' 'serial = 6' \
			'expiration_days = 3650' tls_www_client signing_key)" ca
	}; then
		echo "certs.sh: certtool failed:" >&2
		cat "$dir/certtool.log" >&2
		return 1
	fi
	# Dovecot 2.3 wants ssl_dh; Debian ships one, certtool prints RFC 7919's
	if [ -s /usr/share/dovecot/dh.pem ]; then
		cp /usr/share/dovecot/dh.pem "$dir/dh.pem"
	else
		certtool --get-dh-params --sec-param medium --outfile "$dir/dh.pem" \
			>"$dir/certtool.log" 2>&1 || return 1
	fi
	cat "$dir/alice.pem" "$dir/alice.key" >"$dir/alice-combined.pem"
	rm -f "$dir/certtool.log"
	chmod 644 "$dir"/*.pem "$dir"/*.key
}
