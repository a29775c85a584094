#!/bin/sh
# Adds one broker user to the mosquitto set-up in pos-agent.conf: a random password, hashed into
# the password file, and the user's block in the ACL file. Prints the password once, on stdout:
# put it in the till's /etc/pos-agent/secrets/mqtt-password (or the bridge's, the back office's).
# Run again for an existing user to give it a new password (its ACL block stays as it is).
#
#   broker-user.sh till MSN TILL          till-MSN-TILL: reads its webhooks and the bridges'
#                                         heartbeats; writes its status, health and sales
#   broker-user.sh bridge NAME            pos-bridge-NAME: one per bridge replica; publishes
#                                         webhooks, unrouted envelopes and its own heartbeat
#                                         (_bridge/NAME/status), reads nothing
#   broker-user.sh backoffice MSN [NAME]  backoffice-MSN[-NAME]: reads the sales, status, health
#                                         and unrouted envelopes of one sales unit — never webhooks
#   broker-user.sh monitor NAME           monitor-NAME: the operator; status, health and unrouted
#                                         of every sales unit
#
# Options: -d DIR (default /etc/mosquitto/pos: files `passwords` and `acl`), -p PREFIX (the topic
# prefix, default vipps-pos). Then: sudo systemctl reload mosquitto.
#
# Why a user per connection: pos-agent.conf sets use_username_as_clientid, so two connections
# with one user name would keep taking each other's session (docs/mqtt-contract.md).
#
# Exit codes: 0 done, 64 usage, 65 a bad argument, 69 mosquitto_passwd missing, 73 cannot write.
set -eu

dir=/etc/mosquitto/pos
prefix=vipps-pos

usage() {
  echo "usage: $0 [-d DIR] [-p PREFIX] till MSN TILL | bridge NAME | backoffice MSN [NAME] | monitor NAME" >&2
  exit 64
}
bad() {
  echo "broker-user.sh: $*" >&2
  exit 65
}

while getopts d:p: opt; do
  case "$opt" in
    d) dir=$OPTARG ;;
    p) prefix=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage

# The same alphabets as the topics (lib/mqtt-contract/topics.ts), so no argument can widen a rule
# with + or # or add a level with /.
is() {
  case "$2" in *'
'*) return 1 ;; esac
  printf '%s\n' "$2" | grep -Eq "^$1\$"
}
msn_ok() { is '[0-9]{4,10}' "$1" || bad "MSN must be 4-10 digits, got '$1'"; }
till_ok() { is '[A-Za-z0-9]{2,20}' "$1" || bad "till id must be 2-20 letters or digits, got '$1'"; }
name_ok() { is '[A-Za-z0-9][A-Za-z0-9_-]{0,31}' "$1" || bad "name must be 1-32 of A-Z a-z 0-9 _ -, got '$1'"; }
is '[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*' "$prefix" || bad "topic prefix must be levels of A-Z a-z 0-9 _ -, got '$prefix'"

role=$1
shift
case "$role" in
  till)
    [ $# -eq 2 ] || usage
    msn_ok "$1"
    till_ok "$2"
    user="till-$1-$2"
    block="# Till $2 of MSN $1: its own subtree, and every bridge's heartbeat.
user $user
topic read $prefix/$1/$2/webhook
topic read $prefix/_bridge/+/status
topic write $prefix/$1/$2/status
topic write $prefix/$1/$2/health
topic write $prefix/$1/$2/sales"
    ;;
  bridge)
    [ $# -eq 1 ] || usage
    name_ok "$1"
    user="pos-bridge-$1"
    block="# Bridge replica $1: publishes webhooks to any till, unroutable webhooks and its own heartbeat; reads nothing.
user $user
topic write $prefix/+/+/webhook
topic write $prefix/+/_unrouted
topic write $prefix/_unrouted
topic write $prefix/_bridge/$1/status"
    ;;
  backoffice)
    [ $# -eq 1 ] || [ $# -eq 2 ] || usage
    msn_ok "$1"
    user="backoffice-$1"
    if [ $# -eq 2 ]; then
      name_ok "$2"
      user="$user-$2"
    fi
    block="# The back office of MSN $1: its sales, status, health and unrouted envelopes, read only.
# Never the webhook topics: they carry the customers' tokens.
user $user
topic read $prefix/$1/+/sales
topic read $prefix/$1/+/status
topic read $prefix/$1/+/health
topic read $prefix/$1/_unrouted"
    ;;
  monitor)
    [ $# -eq 1 ] || usage
    name_ok "$1"
    user="monitor-$1"
    block="# Operator monitor $1: status, health and unrouted envelopes of every sales unit, and the bridges' heartbeats, read only.
user $user
topic read $prefix/_bridge/+/status
topic read $prefix/+/+/status
topic read $prefix/+/+/health
topic read $prefix/+/_unrouted
topic read $prefix/_unrouted"
    ;;
  *) usage ;;
esac

command -v mosquitto_passwd >/dev/null || {
  echo "broker-user.sh: mosquitto_passwd not found (apt-get install mosquitto)" >&2
  exit 69
}
cant() {
  echo "broker-user.sh: cannot write in $dir: $*" >&2
  exit 73
}
mkdir -p "$dir" || cant "mkdir failed"
umask 077
tmp=$(mktemp "$dir/.broker-user.XXXXXX") || cant "mktemp failed"
trap 'rm -f "$tmp" "$tmp.new"' EXIT

# The password is hashed from a file, never passed as an argument (ps would show it).
password=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
printf '%s:%s\n' "$user" "$password" >"$tmp"
mosquitto_passwd -U "$tmp" >/dev/null || cant "mosquitto_passwd failed"
touch "$dir/passwords" || cant "passwords"
{ grep -v "^$user:" "$dir/passwords" || true; cat "$tmp"; } >"$tmp.new" || cant "passwords"
mv "$tmp.new" "$dir/passwords" || cant "passwords"

if [ ! -e "$dir/acl" ]; then
  printf '%s\n' "# mosquitto acl_file for vipps-pos-agent, written by broker-user.sh: one block per broker user." >"$dir/acl" ||
    cant "acl"
fi
if ! grep -qx "user $user" "$dir/acl"; then
  printf '\n%s\n' "$block" >>"$dir/acl" || cant "acl"
fi

# mosquitto reads both files again as its own user on reload.
chmod 0640 "$dir/passwords" "$dir/acl"
if [ "$(id -u)" = 0 ] && getent group mosquitto >/dev/null 2>&1; then
  chgrp mosquitto "$dir/passwords" "$dir/acl"
fi
printf '%s\n' "$password"
