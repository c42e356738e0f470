#!/usr/bin/env bash
# Local docassemble server for rdvrefere: no Docker, everything on 127.0.0.1, all state in
# var/server/ (git-ignored).  FOR LOCAL DEVELOPMENT AND TESTS ONLY: trust authentication on
# PostgreSQL (and fsync off), a well-known admin password, no TLS.
#
#   scripts/server.sh start    start whatever is not running, wait until the web server
#                              answers, print the URLs and the admin account (idempotent;
#                              restarts gunicorn/Celery when the wheel was reinstalled)
#   scripts/server.sh stop     stop everything this script started (idempotent, never fails)
#   scripts/server.sh status   one line per component; exit 0 when the web server answers
#   scripts/server.sh serve    start, then wait in the foreground; Ctrl-C / SIGTERM stops
#                              the server (unless it was already running before `serve`)
#   scripts/server.sh reset    stop, then delete var/server (database, uploads, admin account)
#   scripts/server.sh url      print the web server's base URL
#   scripts/server.sh start-web2 / stop-web2
#                              a second web server (multi-server layout) on RDV_PORT2 (8082),
#                              sharing the configuration, PostgreSQL, Redis and the files;
#                              needs `start` first; `stop` stops it too (both idempotent)
#
# Components (ports overridable from the environment):
#   PostgreSQL  private cluster var/server/pg, 127.0.0.1:${RDV_PG_PORT:-5433}, socket in var/
#   Redis       127.0.0.1:${RDV_REDIS_PORT:-6380}, no persistence (also Celery's broker)
#   gunicorn    docassemble.rdvrefere.wsgi:application (docassemble's application behind a
#               guard: /storedfile* answers 404), RDV_WEB_WORKERS processes (default: one per
#               core, at least 2) x RDV_WEB_THREADS threads (4), 127.0.0.1:${RDV_PORT:-8080}
#   gunicorn2   the same, on 127.0.0.1:${RDV_PORT2:-8082}, only after `start-web2`
#   Celery      docassemble.webapp.worker, niced (RDV_CELERY_NICE, 10: its autogroup too), RDV_CELERY_CONCURRENCY processes (2): the
#               uploads' conversion to PDF, the bundle, staff regeneration
# Other environment knobs:
#   RDV_DEBUG=1            docassemble `debug: True` (tracebacks and Source in the browser);
#                          the default (False) shows what real users see
#   RDV_START_TIMEOUT=180  seconds to wait for the web server
#   RDV_VAR=var/server     state folder;  RDV_VENV=.venv  the venv holding docassemble
#   RDV_ADMIN_EMAIL / RDV_ADMIN_PASSWORD   admin account, fixed when the database is created
#                          (defaults admin@example.com / rdvrefere-admin; `reset` to change)
#
# Pitfall handled here: docassemble's processes take ANY existing file named on their
# command line as their configuration file (config.load(arguments=sys.argv)), so gunicorn
# and celery get no file path at all (config through DA_CONFIG_FILE, pid files written by
# this script) and run from an empty folder, so no bare word of their command line
# (`celery`, `worker`...) can name an existing file either.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR=${RDV_VAR:-$REPO/var/server}
case $VAR in /*) ;; *) VAR=$REPO/$VAR ;; esac
VENV=${RDV_VENV:-$REPO/.venv}
case $VENV in /*) ;; *) VENV=$REPO/$VENV ;; esac
PORT=${RDV_PORT:-8080}
PORT2=${RDV_PORT2:-8082}
PG_PORT=${RDV_PG_PORT:-5433}
REDIS_PORT=${RDV_REDIS_PORT:-6380}
START_TIMEOUT=${RDV_START_TIMEOUT:-180}
_CORES=$(nproc 2>/dev/null || echo 2)
WEB_WORKERS=${RDV_WEB_WORKERS:-$(( _CORES > 2 ? _CORES : 2 ))}
WEB_THREADS=${RDV_WEB_THREADS:-4}
CELERY_CONCURRENCY=${RDV_CELERY_CONCURRENCY:-2}
CELERY_NICE=${RDV_CELERY_NICE:-10}
HOST=127.0.0.1
BASE_URL=http://$HOST:$PORT
BASE_URL2=http://$HOST:$PORT2
# served by both web servers: docassemble's application behind our /storedfile guard
WSGI_APP=docassemble.rdvrefere.wsgi:application
MAIN_INTERVIEW=docassemble.rdvrefere:data/questions/rdvrefere.yml
PROBE_INTERVIEW=docassemble.base:data/questions/default-interview.yml

PGDATA=$VAR/pg/data
PGSOCK=$VAR/pg/sock
RUN=$VAR/run      # empty working directory of gunicorn and celery (see the pitfall above)
PIDS=$VAR/pids
LOGS=$VAR/log     # docassemble's own logs and ours (gunicorn.log, celery.log, ...)
CONFIG=$VAR/config.yml
ADMIN_ENV=$VAR/admin.env

say() { printf '[server] %s\n' "$*"; }
# The venv's Python, isolated (-I): run from the repository root, a plain `python -c`
# would import docassemble.rdvrefere from the source tree (no data/ folder) instead of
# the installed wheel.
vpython() { "$VENV/bin/python" -I "$@"; }
die() { printf '[server] ERROR: %s\n' "$*" >&2; exit 1; }

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] || die "PostgreSQL not installed (make system)"
  echo "$d"
}

# Run a command as the postgres user when we are root (initdb refuses root).
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pid from a pid file if that process is alive and its command line contains $2
live_pid() {
  local file=$1 pattern=$2 pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern" || return 1
  echo "$pid"
}

port_busy() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

http_code() { curl -s -o /dev/null -w '%{http_code}' -m "${2:-5}" "$1" 2>/dev/null || true; }

web_ok() { [ "$(http_code "${1:-$BASE_URL}/health_check")" = 200 ]; }

pg_running() { as_pg "$(pg_bin)/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

redis_running() { redis-cli -h $HOST -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

# Fingerprint of the installed wheel's content: its RECORD lists every file's sha256, so
# this changes when `make setup` installs different code, not on a mere reinstall.
package_stamp() {
  local record
  record=$(ls -d "$VENV"/lib/python3*/site-packages/docassemble[._]rdvrefere-*.dist-info/RECORD 2>/dev/null | head -1)
  if [ -n "$record" ]; then sha256sum < "$record" | cut -c1-16; else echo none; fi
}

main_interview_installed() {
  vpython - <<'PY' 2>/dev/null
import importlib.resources, sys
try:
    ok = importlib.resources.files('docassemble.rdvrefere').joinpath('data/questions/rdvrefere.yml').is_file()
except Exception:
    ok = False
sys.exit(0 if ok else 1)
PY
}

# ---------------------------------------------------------------- preparation (idempotent)
prepare() {
  [ -x "$VENV/bin/gunicorn" ] && [ -x "$VENV/bin/celery" ] || die "no docassemble venv at $VENV (run: make setup)"
  command -v redis-server >/dev/null || die "redis-server missing (run: make system)"
  locale -a 2>/dev/null | grep -qi '^en_US\.utf8$' || die "locale en_US.UTF-8 missing (run: make system)"
  mkdir -p "$VAR" "$RUN" "$PIDS" "$LOGS" "$VAR/files" "$VAR/webapp" "$VAR/certs" "$VAR/home" "$VAR/redis" "$VAR/pg"
  chmod 755 "$VAR" "$VAR/pg"
  # the secret key outlives restarts (sessions, encrypted answers, API keys depend on it)
  if [ ! -s "$VAR/secretkey" ]; then
    (umask 077; vpython -c 'import secrets; print(secrets.token_hex(16))' > "$VAR/secretkey")
  fi
  # admin account: decided once, when the database is first created
  if [ ! -s "$ADMIN_ENV" ]; then
    local key
    key=$(vpython -c 'import secrets, string; a = string.ascii_letters + string.digits; print("".join(secrets.choice(a) for _ in range(32)))')
    cat > "$ADMIN_ENV" <<EOF
# Local-only admin account of the rdvrefere dev/test server (scripts/server.sh).
RDV_ADMIN_EMAIL=${RDV_ADMIN_EMAIL:-admin@example.com}
RDV_ADMIN_PASSWORD=${RDV_ADMIN_PASSWORD:-rdvrefere-admin}
RDV_ADMIN_API_KEY=$key
EOF
  fi
  # NLTK corpora, built offline (docassemble downloads them at import otherwise)
  vpython "$REPO/scripts/make_nltk_data.py" "$VAR/nltk_data" >/dev/null
  # LibreOffice profile (docassemble copies its ConvertToPdf macro into it for DOCX -> PDF)
  if command -v libreoffice >/dev/null && [ ! -d "$VAR/home/.config/libreoffice/4/user/basic/Standard" ]; then
    say "creating the LibreOffice profile"
    HOME=$VAR/home timeout 120 libreoffice --headless --terminate_after_init </dev/null >/dev/null 2>&1 9>&- || true
  fi
  touch "$VAR/webapp/docassemble.wsgi"
  vpython -c 'import importlib.metadata as m; print(m.version("docassemble.webapp"))' > "$VAR/webapp/VERSION"
  write_config
}

write_config() {
  local debug=False
  [ "${RDV_DEBUG:-0}" = 1 ] && debug=True
  local default_interview=$PROBE_INTERVIEW
  main_interview_installed && default_interview=$MAIN_INTERVIEW
  # /interviews shows the package's French « Mes dossiers » (issue 10 point 1), once installed
  local session_list=""
  main_interview_installed && session_list="session list interview: ${MAIN_INTERVIEW%rdvrefere.yml}rdv_mes_dossiers.yml"
  # in Celery: each worker process's own database connections, and the task converting uploads
  # off the web request and outside the session (issue 15)
  local celery_modules=""
  main_interview_installed && celery_modules="celery modules: [docassemble.rdvrefere.celery_serveur, docassemble.rdvrefere.conversion_serveur]"
  cat > "$CONFIG.tmp" <<YAML
# Generated by scripts/server.sh at every start: edit the script, not this file.
# Local development/test server only.
debug: $debug
# docassemble.base's example interviews stay reachable with debug off (smoke tests)
allow demo: True
secretkey: $(cat "$VAR/secretkey")
url root: $BASE_URL
root: /
web server: none
use https: False
ip address ban enabled: False
default interview: $default_interview
# the client's list of dossiers at /interviews, in French (rdv_mes_dossiers.yml)
$session_list
$celery_modules
# French for every page (sign-in, list of sessions); the interview also sets it itself.
language: fr
locale: en_US.utf8
# French button and system words: docassemble's, then the package's (registration, sign-in,
# password reset, list of sessions, screen-reader labels...; a later file wins)
words:
  - docassemble.base:data/sources/fr-words.yml
  - docassemble.rdvrefere:data/sources/fr-words.yml
# (the client interviews in English and Arabic need nothing here: langues_serveur.py loads the
# package's translation files into docassemble's words when an interview imports it, issue 13)
timezone: Europe/Paris
country: FR
server administrator email: admin@example.com
db:
  prefix: postgresql+psycopg2://
  name: docassemble
  user: docassemble
  password: docassemble-local
  host: $HOST
  port: $PG_PORT
redis: redis://$HOST:$REDIS_PORT
rabbitmq: redis://$HOST:$REDIS_PORT/1
uploads: $VAR/files
log: $LOGS
flask log: $LOGS/flask.log
celery flask log: $LOGS/celery-flask.log
webapp: $VAR/webapp/docassemble.wsgi
ready file: $VAR/webapp/ready
version file: $VAR/webapp/VERSION
packages: $VENV
modules: $VENV
packagecache: $VAR/cache
certs: $VAR/certs
cert install directory: $VAR/certs
web server certificate directory: $VAR/certs
pypirc path: $VAR/pypirc
libreoffice macro file: $VAR/home/.config/libreoffice/4/user/basic/Standard/Module1.xba
nltk socket: $VAR/no-nltk-socket
# A POST may only set the variables that are fields of the screen shown: nobody can slip
# another variable (a status, a flag of the staff screens...) into a form.
restrict input variables: True
# Uploads up to the portal's size: a pièce may weigh 30 Mo and a form may carry several files
# (docassemble's default, 16 MiB, refused a 19 Mo scan before sending; issue 10).
maximum content length: 104857600
# docassemble re-encodes every uploaded JPEG with ImageMagick (and GIF into PNG) before the
# interview sees it: a truncated JPEG comes out « repaired » with grey, so the engine would check
# the repaired copy. Without ImageMagick docassemble keeps the file exactly as the client sent
# it; the engine converts, rotates (EXIF) and checks it itself (issue 10).
imagemagick: null
# No permissions: block: staff state lives in the package's own tables (registre.py), so
# staff never list client sessions (no interview_list(user_id='all')) and the privilege
# rdvrefere_personnel needs no extra permission; client sessions stay private (encrypted).
YAML
  mv "$CONFIG.tmp" "$CONFIG"
}

# Environment of every docassemble process.
da_env() {
  export DA_CONFIG_FILE=$CONFIG NLTK_DATA=$VAR/nltk_data HOME=$VAR/home C_FORCE_ROOT=1
  export LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 PATH=$VENV/bin:$PATH
  unset PYTHONPATH
}

# ---------------------------------------------------------------- components
start_pg() {
  local bin; bin=$(pg_bin)
  mkdir -p "$PGSOCK"
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$VAR/pg" "$PGSOCK"
    as_pg test -w "$VAR/pg" || die "user postgres cannot reach $VAR/pg (a parent folder is not \
world-executable?): chmod o+x the parents, or set RDV_VAR to a folder elsewhere"
  fi
  # Unix socket paths are limited to 107 bytes: with a very deep checkout, TCP only
  local sockdir=$PGSOCK
  if (( ${#PGSOCK} > 90 )); then sockdir=; say "note: socket path too long, PostgreSQL on TCP only"; fi
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    say "initdb (private PostgreSQL cluster in $PGDATA)"
    rm -rf "$PGDATA"
    as_pg "$bin/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 --locale=C >"$VAR/pg/initdb.log" 2>&1 \
      || { cat "$VAR/pg/initdb.log"; die "initdb failed"; }
  fi
  if ! pg_running; then
    port_busy "$PG_PORT" && die "port $PG_PORT is taken by another program (set RDV_PG_PORT)"
    # pg_ctl deals with a stale postmaster.pid itself
    as_pg "$bin/pg_ctl" -D "$PGDATA" -l "$VAR/pg/server.log" -w -t 60 \
      -o "-c listen_addresses=$HOST -p $PG_PORT -k '$sockdir' -c fsync=off -c full_page_writes=off" start >/dev/null 9>&- \
      || { tail -20 "$VAR/pg/server.log"; die "PostgreSQL did not start"; }
  fi
  if ! psql -h $HOST -p "$PG_PORT" -U postgres -tAc "select 1 from pg_roles where rolname='docassemble'" | grep -q 1; then
    psql -h $HOST -p "$PG_PORT" -U postgres -q \
      -c "create role docassemble login password 'docassemble-local'" \
      -c "create database docassemble owner docassemble encoding 'UTF8' template template0"
  fi
}

start_redis() {
  redis_running && return 0
  port_busy "$REDIS_PORT" && die "port $REDIS_PORT is taken by another program (set RDV_REDIS_PORT)"
  redis-server --bind $HOST --port "$REDIS_PORT" --daemonize yes --dir "$VAR/redis" \
    --save '' --appendonly no --pidfile "$VAR/redis/redis.pid" --logfile "$LOGS/redis.log" 9>&-
  local i
  for i in $(seq 50); do redis_running && return 0; sleep 0.1; done
  tail -20 "$LOGS/redis.log"; die "Redis did not start"
}

create_tables() {
  # Creates/upgrades the tables and the admin user, and (re)registers the admin API key in
  # Redis (Redis keeps nothing across restarts).  The password only counts at creation.
  # shellcheck disable=SC1090
  . "$ADMIN_ENV"
  ( cd "$RUN" && da_env && \
    DA_ADMIN_EMAIL=$RDV_ADMIN_EMAIL DA_ADMIN_PASSWORD=$RDV_ADMIN_PASSWORD DA_ADMIN_API_KEY=$RDV_ADMIN_API_KEY \
    "$VENV/bin/python" -m docassemble.webapp.create_tables >"$LOGS/create_tables.log" 2>&1 9>&- ) \
    || { tail -30 "$LOGS/create_tables.log"; die "create_tables failed"; }
}

# launch_gunicorn NAME PORT: one web server, pid file $PIDS/NAME.pid, log $LOGS/NAME.log
launch_gunicorn() {
  local name=$1 port=$2
  # --no-control-socket: gunicorn 27 would put both servers' control sockets at the same
  # path ($HOME/.gunicorn/gunicorn.ctl); nothing here uses them
  # Processes x threads (issue 15): docassemble's screens are CPU-bound Python, so threads of one
  # process take turns on the GIL and one slow screen slows every client. RDV_WEB_WORKERS
  # processes (default: one per core, at least 2) x RDV_WEB_THREADS threads (default 4: threads
  # only cover waits on PostgreSQL, Redis and the disk); the uploads' conversion and the bundle
  # run in Celery (start_celery), never in these processes.
  ( cd "$RUN" && da_env && exec setsid "$VENV/bin/gunicorn" -b "$HOST:$port" -w "$WEB_WORKERS" --threads "$WEB_THREADS" \
      --timeout 300 --graceful-timeout 10 --no-control-socket "$WSGI_APP" \
      >>"$LOGS/$name.log" 2>&1 </dev/null 9>&- ) &
  echo $! > "$PIDS/$name.pid"
}

start_gunicorn() {
  live_pid "$PIDS/gunicorn.pid" gunicorn >/dev/null && return 0
  port_busy "$PORT" && die "port $PORT is taken by another program (set RDV_PORT)"
  rm -f "$VAR/webapp/ready"
  launch_gunicorn gunicorn "$PORT"
}

start_celery() {
  live_pid "$PIDS/celery.pid" celery >/dev/null && return 0
  # niced: the conversions and the bundle take the CPU the web processes leave (a screen first);
  # RDV_CELERY_CONCURRENCY processes (default 2: an assembly does not hold up the conversions).
  # With the kernel's autogroups (sched_autogroup_enabled, the default), `nice` only weighs
  # against processes of the same session, and setsid makes a new one: its autogroup is niced
  # too (/proc/self/autogroup, after setsid), else Celery had as much CPU as the web (measured).
  ( cd "$RUN" && da_env && export CELERY_NICE && exec setsid sh -c 'echo "$CELERY_NICE" > /proc/self/autogroup 2>/dev/null; exec nice -n "$CELERY_NICE" "$@"' celery \
      "$VENV/bin/celery" -A docassemble.webapp.worker worker \
      -Q celery --concurrency="$CELERY_CONCURRENCY" --loglevel=INFO --without-gossip --without-mingle --without-heartbeat \
      >>"$LOGS/celery.log" 2>&1 </dev/null 9>&- ) &
  echo $! > "$PIDS/celery.pid"
}

# wait_for_web [NAME URL]: until that web server (default: the main one) answers
wait_for_web() {
  local name=${1:-gunicorn} url=${2:-$BASE_URL} t0=$SECONDS pid
  while :; do
    if web_ok "$url"; then
      # first interview load parses docassemble.base; do it now rather than in a user's face
      http_code "$url/interview?i=$PROBE_INTERVIEW" 120 >/dev/null
      [ "$name" = gunicorn ] && touch "$VAR/webapp/ready"
      return 0
    fi
    if ! pid=$(live_pid "$PIDS/$name.pid" gunicorn); then
      say "$name exited; last lines of $LOGS/$name.log:"; tail -40 "$LOGS/$name.log" >&2
      return 1
    fi
    if (( SECONDS - t0 > START_TIMEOUT )); then
      say "no answer from $url after ${START_TIMEOUT}s; last lines of $LOGS/$name.log:"
      tail -40 "$LOGS/$name.log" >&2
      return 1
    fi
    sleep 0.5
  done
}

# The second web server (lock held by the caller; the main one must be up).  Started with
# the wheel of the moment: its stamp lets `start` restart it when the wheel changes.
start_web2_locked() {
  if live_pid "$PIDS/gunicorn2.pid" gunicorn >/dev/null; then
    if web_ok "$BASE_URL2"; then say "web2 already running at $BASE_URL2"; return 0; fi
    wait_for_web gunicorn2 "$BASE_URL2" || { stop_groups gunicorn2:gunicorn; return 1; }
    say "web2 is up at $BASE_URL2"
    return 0
  fi
  if port_busy "$PORT2"; then say "port $PORT2 is taken by another program (set RDV_PORT2)"; return 1; fi
  package_stamp > "$PIDS/gunicorn2.stamp"
  launch_gunicorn gunicorn2 "$PORT2"
  if ! wait_for_web gunicorn2 "$BASE_URL2"; then
    stop_groups gunicorn2:gunicorn
    return 1
  fi
  say "web2 is up at $BASE_URL2 (same database, Redis and files as $BASE_URL; log $LOGS/gunicorn2.log)"
}

print_info() {
  # shellcheck disable=SC1090
  . "$ADMIN_ENV"
  say "docassemble is up at $BASE_URL"
  if main_interview_installed; then
    say "interview: $BASE_URL/interview?i=$MAIN_INTERVIEW"
  else
    say "interview: $BASE_URL/interview?i=$MAIN_INTERVIEW (not in the installed package yet: make setup)"
  fi
  say "admin (local only): $RDV_ADMIN_EMAIL / $RDV_ADMIN_PASSWORD  ($BASE_URL/user/sign-in)"
  say "state and logs: $VAR   (stop: scripts/server.sh stop)"
}

# ---------------------------------------------------------------- commands
cmd_start() {
  local t0=$SECONDS
  mkdir -p "$VAR"
  exec 9>"$VAR/.lock"
  flock -w 600 9 || die "another start/stop holds $VAR/.lock"
  local web2=0
  if web_ok && live_pid "$PIDS/gunicorn.pid" gunicorn >/dev/null; then
    if [ "$(package_stamp)" = "$(cat "$PIDS/package.stamp" 2>/dev/null)" ]; then
      start_celery
      say "already running"
      refresh_web2
      print_info
      return 0
    fi
    # Python modules are loaded once per process: serve the newly installed wheel
    say "docassemble.rdvrefere was reinstalled: restarting gunicorn and celery"
    live_pid "$PIDS/gunicorn2.pid" gunicorn >/dev/null && web2=1
    stop_groups gunicorn:gunicorn gunicorn2:gunicorn celery:celery
  fi
  # the web servers run our WSGI wrapper: without it, no server (rather than one without the guard)
  vpython -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("docassemble.rdvrefere.wsgi") is None)' 2>/dev/null \
    || die "docassemble.rdvrefere (with its wsgi.py) is not installed in $VENV (make setup)"
  prepare
  start_pg
  start_redis
  create_tables
  package_stamp > "$PIDS/package.stamp"
  start_gunicorn
  start_celery
  if ! wait_for_web; then
    cmd_stop_locked
    die "the web server did not start"
  fi
  if (( web2 )); then
    start_web2_locked || say "warning: web2 did not restart (scripts/server.sh start-web2)"
  else
    refresh_web2
  fi
  say "started in $((SECONDS - t0))s"
  print_info
}

# A second web server left running with an older wheel is restarted (lock held).
refresh_web2() {
  live_pid "$PIDS/gunicorn2.pid" gunicorn >/dev/null || return 0
  [ "$(package_stamp)" = "$(cat "$PIDS/gunicorn2.stamp" 2>/dev/null)" ] && return 0
  say "web2 runs an older docassemble.rdvrefere: restarting it"
  stop_groups gunicorn2:gunicorn
  start_web2_locked || say "warning: web2 did not restart (scripts/server.sh start-web2)"
}

# Stop setsid'ed process groups (name:pattern ...): TERM to all at once (gunicorn and
# Celery each take ~3-4 s to shut down gracefully), KILL whatever remains after 15 s.
stop_groups() {
  local item name pattern pid i alive
  local -a pids=() names=()
  for item in "$@"; do
    name=${item%%:*}; pattern=${item#*:}
    if pid=$(live_pid "$PIDS/$name.pid" "$pattern"); then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$name")
    fi
    rm -f "$PIDS/$name.pid"
  done
  for i in $(seq 150); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    (( alive )) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  for name in "${names[@]}"; do say "stopped $name"; done
}

cmd_stop_locked() {
  rm -f "$VAR/webapp/ready"
  stop_groups gunicorn:gunicorn gunicorn2:gunicorn celery:celery
  if redis_running; then
    redis-cli -h $HOST -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    say "stopped redis"
  fi
  rm -f "$VAR/redis/redis.pid"
  if [ -f "$PGDATA/PG_VERSION" ] && pg_running; then
    as_pg "$(pg_bin)/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    say "stopped postgresql"
  fi
}

cmd_stop() {
  [ -d "$VAR" ] || { say "nothing to stop"; return 0; }
  exec 9>"$VAR/.lock"
  flock -w 600 9 || true
  cmd_stop_locked
  return 0
}

cmd_start_web2() {
  [ -d "$VAR" ] || die "the server is not running: scripts/server.sh start first"
  exec 9>"$VAR/.lock"
  flock -w 600 9 || die "another start/stop holds $VAR/.lock"
  web_ok && live_pid "$PIDS/gunicorn.pid" gunicorn >/dev/null \
    || die "the main web server is not running: scripts/server.sh start first"
  start_web2_locked || die "the second web server did not start"
}

cmd_stop_web2() {
  [ -d "$VAR" ] || { say "web2 not running"; return 0; }
  exec 9>"$VAR/.lock"
  flock -w 600 9 || true
  if live_pid "$PIDS/gunicorn2.pid" gunicorn >/dev/null; then
    stop_groups gunicorn2:gunicorn
  else
    rm -f "$PIDS/gunicorn2.pid"
    say "web2 not running"
  fi
  rm -f "$PIDS/gunicorn2.stamp"
  return 0
}

cmd_status() {
  local rc=0 pid
  if [ -f "$PGDATA/PG_VERSION" ] && pg_running; then say "postgresql  up    127.0.0.1:$PG_PORT"; else say "postgresql  down"; fi
  if redis_running; then say "redis       up    127.0.0.1:$REDIS_PORT"; else say "redis       down"; fi
  if pid=$(live_pid "$PIDS/celery.pid" celery); then say "celery      up    pid $pid"; else say "celery      down"; fi
  if pid=$(live_pid "$PIDS/gunicorn.pid" gunicorn) && web_ok; then
    say "web         up    $BASE_URL (pid $pid)"
  else
    say "web         down"; rc=3
  fi
  # the second web server is optional: it does not change the exit status
  if pid=$(live_pid "$PIDS/gunicorn2.pid" gunicorn) && web_ok "$BASE_URL2"; then
    say "web2        up    $BASE_URL2 (pid $pid)"
  elif [ -n "${pid:-}" ]; then
    say "web2        starting or not answering  $BASE_URL2 (pid $pid)"
  else
    say "web2        down"
  fi
  return $rc
}

cmd_serve() {
  local was_running=0
  web_ok && live_pid "$PIDS/gunicorn.pid" gunicorn >/dev/null && was_running=1
  cmd_start
  exec 9>&-   # release the lock while we wait
  if (( was_running )); then
    say "it was already running: Ctrl-C leaves it running (stop: make down)"
    trap 'exit 0' INT TERM
  else
    say "serving; Ctrl-C stops it"
    trap 'echo; cmd_stop; exit 0' INT TERM HUP
  fi
  while live_pid "$PIDS/gunicorn.pid" gunicorn >/dev/null; do
    sleep 1 & wait $! || true
  done
  say "gunicorn exited; last lines of $LOGS/gunicorn.log:"; tail -20 "$LOGS/gunicorn.log" >&2
  (( was_running )) || cmd_stop
  return 1
}

cmd_reset() {
  cmd_stop
  rm -rf "$VAR"
  say "removed $VAR"
}

# scripts/server.sh rappels [--envoyer] [--date AAAA-MM-JJ]
#   the reminders by e-mail due today (rdvrefere rappels, README « Rappels par courriel »), read
#   from this server's database; a manual command here, no loop process: a local server has no
#   mail server. Without --envoyer it lists them; with RDV_SMTP_PORT=1025 the mails go to an SMTP
#   sink on 127.0.0.1:1025 (e.g. `.venv/bin/python -m aiosmtpd -n -l 127.0.0.1:1025`).
cmd_rappels() {
  [ -s "$CONFIG" ] || die "no configuration yet (scripts/server.sh start first)"
  local config=$CONFIG
  if [ -n "${RDV_SMTP_PORT:-}" ]; then
    config=$VAR/config-rappels.yml
    { cat "$CONFIG"; printf 'mail:\n  server: %s\n  port: %s\n  use tls: False\n  default sender: "Rendez-vous préfecture <no-reply@localhost>"\n' \
        "$HOST" "$RDV_SMTP_PORT"; } > "$config"
  fi
  ( cd "$RUN" && "$VENV/bin/rdvrefere" rappels --config "$config" "$@" )
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  serve) cmd_serve ;;
  reset) cmd_reset ;;
  url) echo "$BASE_URL" ;;
  start-web2) cmd_start_web2 ;;
  stop-web2) cmd_stop_web2 ;;
  rappels) shift; cmd_rappels "$@" ;;
  *) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
