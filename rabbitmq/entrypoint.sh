#!/bin/sh
# Entrypoint of the rabbitmq service: writes the definitions the broker loads at boot (rabbitmq.conf's
# load_definitions) from the topology in definitions.json plus the one broker user, whose name and password
# come from the environment (.env), then hands over to the image's own entrypoint.
#
# The password is stored as RabbitMQ's rabbit_password_hashing_sha256 hash:
# base64(salt || sha256(salt || password)) with a random 4-byte salt, so the generated file holds no
# plain-text password. Definitions are imported at every boot, so a changed password takes effect on restart.
#
# Definitions only ever add users: after RABBITMQ_USER changes, the previous user would stay in the broker's
# data volume, an administrator with the old password. So every user this entrypoint provisions is listed in
# the volume (users_file), and once the broker runs, listed users other than the configured one are deleted;
# only after the configured user is in the broker as an administrator, so the operator is never locked out.
# Users made by hand are never listed, so never touched.
set -eu

source_file=${STREAMCTL_DEFINITIONS_SOURCE:-/etc/rabbitmq/streamctl/definitions.json}
output_file=${STREAMCTL_DEFINITIONS_OUTPUT:-/etc/rabbitmq/definitions.generated.json}
users_file=${STREAMCTL_USERS_FILE:-/var/lib/rabbitmq/streamctl-users}

log() {
	echo "streamctl entrypoint: $*" >&2
}

fail() {
	log "$@"
	exit 1
}

# Runs rabbitmqctl as the broker's user, who owns the Erlang cookie.
ctl() {
	if [ "$(id -u)" = 0 ] && command -v gosu >/dev/null 2>&1; then
		gosu rabbitmq rabbitmqctl "$@"
	else
		rabbitmqctl "$@"
	fi
}

give_to_broker() {
	if [ "$(id -u)" = 0 ] && id rabbitmq >/dev/null 2>&1; then
		chown rabbitmq:rabbitmq "$1"
	fi
}

# Users an earlier start provisioned, other than the configured one (only names this script accepts).
previous_users() {
	[ -r "$users_file" ] || return 0
	grep -vxF -e "$user" "$users_file" | grep -xE '[A-Za-z0-9._-]+' || true
}

# Lists the users provisioned and not yet deleted, replacing the file in one step.
record_users() {
	printf '%s\n' "$@" >"$users_file.partial"
	give_to_broker "$users_file.partial"
	mv "$users_file.partial" "$users_file"
}

# Deletes the previous users named as arguments once the broker has booted (and imported the definitions),
# if the configured user is an administrator in it. A user left (broker not up in time, delete failed) stays
# listed and is tried again at the next start.
retire_previous_users() {
	# await_startup waits for a booting node, but fails at once while the node's VM is not up yet
	attempt=1
	until ctl -q await_startup --timeout 60 >/dev/null 2>&1; do
		if [ "$attempt" -ge 30 ]; then
			log "the broker did not start in time; previous users kept for the next start: $*"
			return 0
		fi
		attempt=$((attempt + 1))
		sleep 5
	done
	if ! users=$(ctl --silent list_users 2>/dev/null); then
		log "cannot list the broker's users; previous users kept for the next start: $*"
		return 0
	fi
	if ! printf '%s\n' "$users" | awk -F '\t' -v name="$user" '$1 == name && $2 ~ /administrator/ { found = 1 } END { exit !found }'; then
		log "$user is not an administrator in the broker; previous users kept: $*"
		return 0
	fi
	kept=
	for old in "$@"; do
		if ! printf '%s\n' "$users" | awk -F '\t' -v name="$old" '$1 == name { found = 1 } END { exit !found }'; then
			continue
		fi
		if ctl -q delete_user "$old" >/dev/null 2>&1; then
			log "deleted the previous broker user $old (RABBITMQ_USER is $user)"
		else
			log "could not delete the previous broker user $old; trying again at the next start"
			kept="$kept $old"
		fi
	done
	# shellcheck disable=SC2086 # names are [A-Za-z0-9._-]+
	record_users $kept "$user"
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
if [ "$1" = rabbitmq-server ]; then
	previous=$(previous_users)
	# shellcheck disable=SC2086 # names are [A-Za-z0-9._-]+
	record_users $previous "$user"
	if [ -n "$previous" ]; then
		# Detached, since the broker must run first; docker-compose.yml gives the container tini as PID 1,
		# which reaps the job when it ends.
		# shellcheck disable=SC2086
		(retire_previous_users $previous &)
	fi
fi
exec docker-entrypoint.sh "$@"
