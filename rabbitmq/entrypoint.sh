#!/bin/sh
# Entrypoint of the rabbitmq service: writes the definitions the broker loads at boot (rabbitmq.conf's
# load_definitions) from the topology in definitions.json plus the one broker user, whose name and password
# come from the environment (.env), then hands over to the image's own entrypoint.
#
# The password is stored as RabbitMQ's rabbit_password_hashing_sha256 hash:
# base64(salt || sha256(salt || password)) with a random 4-byte salt, so the generated file holds no
# plain-text password. Definitions are imported at every boot, so a changed password takes effect on restart.
set -eu

source_file=${STREAMCTL_DEFINITIONS_SOURCE:-/etc/rabbitmq/streamctl/definitions.json}
output_file=${STREAMCTL_DEFINITIONS_OUTPUT:-/etc/rabbitmq/definitions.generated.json}

fail() {
	echo "streamctl entrypoint: $*" >&2
	exit 1
}

user=${STREAMCTL_BROKER_USER:-}
password=${STREAMCTL_BROKER_PASSWORD:-}
[ -n "$user" ] || fail "STREAMCTL_BROKER_USER is empty: set RABBITMQ_USER in .env"
[ -n "$password" ] || fail "STREAMCTL_BROKER_PASSWORD is empty: set RABBITMQ_PASSWORD in .env"
case "$user" in
	*[!A-Za-z0-9._-]*) fail "RABBITMQ_USER may hold only letters, digits, '.', '_' and '-'" ;;
esac
[ -r "$source_file" ] || fail "cannot read $source_file"

topology=$(cat "$source_file")
case "$topology" in
	*'"users"'* | *'"permissions"'*) fail "$source_file must hold the topology only; users come from the environment" ;;
	*'}') ;;
	*) fail "$source_file does not end with a JSON object" ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c 4 /dev/urandom >"$work/salt"
{ cat "$work/salt"; printf '%s' "$password"; } | openssl dgst -sha256 -binary >"$work/digest"
hash=$(cat "$work/salt" "$work/digest" | openssl base64 -A)

umask 077
{
	printf '%s' "${topology%\}}"
	printf ',\n  "users": [{"name": "%s", "password_hash": "%s", "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": "administrator", "limits": {}}]' "$user" "$hash"
	printf ',\n  "permissions": [{"user": "%s", "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"}]\n}\n' "$user"
} >"$output_file"
if [ "$(id -u)" = 0 ] && id rabbitmq >/dev/null 2>&1; then
	chown rabbitmq:rabbitmq "$output_file"
fi

rm -rf "$work"
trap - EXIT

[ "$#" -gt 0 ] || set -- rabbitmq-server
exec docker-entrypoint.sh "$@"
