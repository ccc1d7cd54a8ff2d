#!/usr/bin/env bash
# Private MariaDB and PostgreSQL 15 servers for the integration tests.
#
#   scripts/test-services.sh start DIR   start both (or keep them if running),
#                                        write DIR/env with DISYNC_TEST_* vars
#   scripts/test-services.sh stop DIR    stop both; safe to call twice
#
# Everything lives under DIR: data directories, unix sockets, logs, pid files.
# TCP listens on 127.0.0.1 only, on ports the kernel picks at run time. The
# system's own mariadb/postgresql services are never touched. Each server gets
# a superuser `disync_test` with a random password (kept across restarts).
# Quiet on success; on failure prints the server's log tail and exits 1.
set -euo pipefail

readonly kPgBin=/usr/lib/postgresql/15/bin
readonly kTestUser=disync_test
readonly kStartDeadlineSeconds=90
readonly kStopDeadlineSeconds=60

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

die() {
  echo "test-services: $*" >&2
  exit 1
}

# Prints the last lines of a log to stderr, under a header.
log_tail() {
  local file=$1
  if [ -f "$file" ]; then
    echo "---- last lines of $file ----" >&2
    tail -n 40 "$file" >&2
    echo "----" >&2
  fi
}

# A TCP port that is free on 127.0.0.1 right now (the kernel's choice).
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
  else
    # perl-base is essential on Debian, python3 is not.
    perl -MIO::Socket::INET -e \
      'print IO::Socket::INET->new(Listen=>1,LocalAddr=>"127.0.0.1",LocalPort=>0,Proto=>"tcp")->sockport, "\n"'
  fi
}

random_password() {
  head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'
}

pid_alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null
}

# Runs a command as the postgres system user when we are root (postgres
# refuses to run as root); as ourselves otherwise.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# ---------------------------------------------------------------- MariaDB ----

my_dir() { echo "$DIR/mysql"; }
my_sock() { echo "$DIR/mysql/mysqld.sock"; }
my_pid() { cat "$DIR/mysql/mysqld.pid" 2>/dev/null || true; }
my_log() { echo "$DIR/mysql/error.log"; }

my_client() {
  mariadb --no-defaults --socket="$(my_sock)" -uroot --batch --skip-column-names "$@"
}

my_ping() {
  mariadb-admin --no-defaults --socket="$(my_sock)" -uroot --connect-timeout=2 ping \
    >/dev/null 2>&1
}

my_running() {
  pid_alive "$(my_pid)" && my_ping
}

my_init() {
  [ -d "$(my_dir)/data/mysql" ] && return 0
  mkdir -p "$(my_dir)"
  rm -rf "$(my_dir)/data"
  local user_args=()
  if [ "$(id -u)" -eq 0 ]; then user_args=(--user=root); fi
  if ! mariadb-install-db --no-defaults "${user_args[@]}" --datadir="$(my_dir)/data" \
      --auth-root-authentication-method=socket --skip-test-db \
      >"$(my_dir)/install.log" 2>&1; then
    log_tail "$(my_dir)/install.log"
    die "mariadb-install-db failed"
  fi
}

# Starts mariadbd on a fresh free port and waits until it answers; retries
# with another port when the one picked was taken in the meantime.
my_start() {
  local port user_args=()
  if [ "$(id -u)" -eq 0 ]; then user_args=(--user=root); fi
  for _ in 1 2 3; do
    port=$(free_port)
    : >"$(my_log)"
    rm -f "$(my_sock)" "$DIR/mysql/mysqld.pid"
    setsid mariadbd --no-defaults "${user_args[@]}" \
      --datadir="$(my_dir)/data" --socket="$(my_sock)" --pid-file="$DIR/mysql/mysqld.pid" \
      --log-error="$(my_log)" --port="$port" --bind-address=127.0.0.1 \
      --skip-name-resolve --userstat=ON --innodb-buffer-pool-size=64M \
      --innodb-use-native-aio=OFF --max-connections=500 \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
      </dev/null >>"$(my_log)" 2>&1 &
    local server_pid=$!
    local deadline=$((SECONDS + kStartDeadlineSeconds))
    while [ $SECONDS -lt $deadline ]; do
      if my_ping; then return 0; fi
      # setsid may have forked: the pid file names the server then.
      if ! pid_alive "$server_pid" && ! pid_alive "$(my_pid)"; then break; fi
      sleep 0.2
    done
    if pid_alive "$server_pid" || pid_alive "$(my_pid)"; then
      kill "$server_pid" "$(my_pid)" 2>/dev/null || true
      log_tail "$(my_log)"
      die "mariadbd did not accept connections within ${kStartDeadlineSeconds}s"
    fi
    if ! grep -q "Address already in use" "$(my_log)"; then break; fi
  done
  log_tail "$(my_log)"
  die "mariadbd failed to start"
}

my_port() {
  my_client -e 'SELECT @@port'
}

my_create_user() {
  local password=$1
  if ! my_client -e "
      CREATE USER IF NOT EXISTS '$kTestUser'@'%' IDENTIFIED BY '$password';
      ALTER USER '$kTestUser'@'%' IDENTIFIED BY '$password';
      GRANT ALL PRIVILEGES ON *.* TO '$kTestUser'@'%' WITH GRANT OPTION;
      FLUSH PRIVILEGES;" >"$(my_dir)/setup.log" 2>&1; then
    log_tail "$(my_dir)/setup.log"
    log_tail "$(my_log)"
    die "cannot create the MariaDB test user"
  fi
}

my_stop() {
  local pid
  pid=$(my_pid)
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + kStopDeadlineSeconds))
  while pid_alive "$pid"; do
    if [ $SECONDS -ge $deadline ]; then
      log_tail "$(my_log)"
      echo "test-services: mariadbd (pid $pid) did not stop within ${kStopDeadlineSeconds}s" >&2
      return 1
    fi
    sleep 0.1
  done
}

# ------------------------------------------------------------- PostgreSQL ----

pg_dir() { echo "$DIR/pg"; }
pg_data() { echo "$DIR/pg/data"; }
pg_log() { echo "$DIR/pg/server.log"; }

# Port of the running postmaster: line 4 of postmaster.pid.
pg_running_port() {
  local pidfile
  pidfile="$(pg_data)/postmaster.pid"
  [ -f "$pidfile" ] || return 1
  pid_alive "$(sed -n 1p "$pidfile")" || return 1
  sed -n 4p "$pidfile"
}

pg_client() {
  local port=$1
  shift
  "$kPgBin/psql" -X -q -v ON_ERROR_STOP=1 -h "$(pg_dir)" -p "$port" -U postgres -d postgres "$@"
}

pg_running() {
  local port
  port=$(pg_running_port) || return 1
  "$kPgBin/pg_isready" -q -h "$(pg_dir)" -p "$port" -U postgres
}

pg_init() {
  mkdir -p "$(pg_dir)"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$(pg_dir)"
    # The postgres user must be able to reach DIR/pg.
    chmod a+x "$DIR"
    if ! runuser -u postgres -- test -w "$(pg_dir)"; then
      die "the postgres user cannot write $(pg_dir): make the parents of $DIR searchable"
    fi
  fi
  [ -f "$(pg_data)/PG_VERSION" ] && return 0
  rm -rf "$(pg_data)"
  if ! as_pg "$kPgBin/initdb" -D "$(pg_data)" -U postgres -E UTF8 --no-locale --no-sync \
      --auth-local=trust --auth-host=scram-sha-256 >"$(pg_dir)/initdb.log" 2>&1; then
    log_tail "$(pg_dir)/initdb.log"
    die "initdb failed"
  fi
}

pg_start() {
  local port
  for _ in 1 2 3; do
    port=$(free_port)
    as_pg rm -f "$(pg_log)"
    # pg_ctl -w polls the server itself until it accepts connections or the
    # deadline (-t) passes.
    if as_pg "$kPgBin/pg_ctl" -D "$(pg_data)" -l "$(pg_log)" -w -t "$kStartDeadlineSeconds" \
        -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$(pg_dir)' -c fsync=off -c max_connections=200" \
        start >"$(pg_dir)/pg_ctl.log" 2>&1; then
      return 0
    fi
    if ! grep -q "could not bind" "$(pg_log)" 2>/dev/null; then break; fi
  done
  log_tail "$(pg_dir)/pg_ctl.log"
  log_tail "$(pg_log)"
  die "postgres failed to start"
}

pg_create_user() {
  local port=$1 password=$2
  if ! pg_client "$port" >"$(pg_dir)/setup.log" 2>&1 <<SQL; then
SELECT 'CREATE ROLE $kTestUser' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$kTestUser')
\gexec
ALTER ROLE $kTestUser WITH SUPERUSER LOGIN PASSWORD '$password';
SQL
    log_tail "$(pg_dir)/setup.log"
    log_tail "$(pg_log)"
    die "cannot create the PostgreSQL test user"
  fi
}

pg_stop() {
  [ -f "$(pg_data)/postmaster.pid" ] || return 0
  pg_running_port >/dev/null || return 0
  if ! as_pg "$kPgBin/pg_ctl" -D "$(pg_data)" -m fast -w -t "$kStopDeadlineSeconds" stop \
      >"$(pg_dir)/pg_ctl.log" 2>&1; then
    log_tail "$(pg_dir)/pg_ctl.log"
    log_tail "$(pg_log)"
    echo "test-services: postgres did not stop" >&2
    return 1
  fi
}

# ------------------------------------------------------------------ main ----

start() {
  local my_password="" pg_password=""
  # Keep the passwords of a previous start, so that a running server and the
  # env file stay in agreement.
  if [ -f "$DIR/env" ]; then
    my_password=$(sed -n 's/.*DISYNC_TEST_MYSQL_PASSWORD=\([0-9a-f]*\).*/\1/p' "$DIR/env")
    pg_password=$(sed -n 's/.*DISYNC_TEST_PG_PASSWORD=\([0-9a-f]*\).*/\1/p' "$DIR/env")
  fi
  [ -n "$my_password" ] || my_password=$(random_password)
  [ -n "$pg_password" ] || pg_password=$(random_password)

  # Stop what this run started if a later step fails.
  trap 'stop_on_failure' EXIT

  my_init
  my_running || my_start
  my_create_user "$my_password"
  local my_port_value
  my_port_value=$(my_port)

  pg_init
  pg_running || pg_start
  local pg_port_value
  pg_port_value=$(pg_running_port)
  pg_create_user "$pg_port_value" "$pg_password"

  local tmp="$DIR/env.tmp"
  cat >"$tmp" <<EOF
export DISYNC_TEST_MYSQL_HOST=127.0.0.1 DISYNC_TEST_MYSQL_PORT=$my_port_value DISYNC_TEST_MYSQL_USER=$kTestUser DISYNC_TEST_MYSQL_PASSWORD=$my_password
export DISYNC_TEST_PG_HOST=127.0.0.1 DISYNC_TEST_PG_PORT=$pg_port_value DISYNC_TEST_PG_USER=$kTestUser DISYNC_TEST_PG_PASSWORD=$pg_password
EOF
  chmod 600 "$tmp"
  mv "$tmp" "$DIR/env"
  trap - EXIT
}

stop_on_failure() {
  local rc=$?
  trap - EXIT
  if [ $rc -ne 0 ]; then
    (my_stop; pg_stop) >/dev/null 2>&1 || true
  fi
  exit $rc
}

stop() {
  local failed=0
  my_stop || failed=1
  pg_stop || failed=1
  return $failed
}

[ $# -eq 2 ] || usage
case "$1" in
  start)
    mkdir -p "$2"
    DIR=$(cd "$2" && pwd)
    start
    ;;
  stop)
    [ -d "$2" ] || exit 0
    DIR=$(cd "$2" && pwd)
    stop
    ;;
  *) usage ;;
esac
