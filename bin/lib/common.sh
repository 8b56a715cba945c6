# Shared by bin/keel and bin/test: find a JDK >= 21 and Maven, and make sure the local services answer.
# Sourced, not run. Functions print what they did on stderr and return non-zero with a clear message.

KEEL_MIN_JAVA=21

# java_major BIN -> prints the feature version of a java binary (17, 21, 25...), nothing if it cannot run.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

# find_jdk -> prints a JAVA_HOME with java and javac >= 21: $JAVA_HOME, then java on PATH, then
# ${KEEL_JVM_DIR:-/usr/lib/jvm}/* (newest first).
find_jdk() {
  local candidates=() home v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local jvm_dir=${KEEL_JVM_DIR:-/usr/lib/jvm}
  # JAVA_HOME and PATH first when they qualify; then the JVM folder's JDKs, newest version first.
  while IFS= read -r home; do candidates+=("$home"); done < <(
    for home in "$jvm_dir"/*/; do
      [ -x "$home/bin/java" ] && printf '%s %s\n' "$(java_major "$home/bin/java")" "${home%/}"
    done | sort -rn | cut -d' ' -f2-)
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    v=$(java_major "$home/bin/java")
    if [ -n "$v" ] && [ "$v" -ge "$KEEL_MIN_JAVA" ]; then
      echo "$home"
      return 0
    fi
  done
  {
    echo "keel: no JDK $KEEL_MIN_JAVA or newer found (looked at \$JAVA_HOME, java on PATH, $jvm_dir/*)."
    echo "      Install one (e.g. a Temurin 21 or 25 JDK) and set JAVA_HOME to it."
  } >&2
  return 1
}

# maven_opts JAVA_HOME -> extra JVM flags for Maven itself on newer JDKs (keeps its output free of Unsafe warnings).
maven_opts() {
  local v
  v=$(java_major "$1/bin/java")
  if [ -n "$v" ] && [ "$v" -ge 24 ]; then echo "--sun-misc-unsafe-memory-access=allow"; fi
}

# find_mvn -> prints the mvn command; installs Debian's maven when missing and we are root.
find_mvn() {
  if command -v mvn >/dev/null 2>&1; then command -v mvn; return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "keel: Maven is missing; installing Debian's maven package..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >&2 && command -v mvn && return 0
  fi
  echo "keel: Maven (mvn) is not installed. Install it (Debian: apt-get install maven) and run again." >&2
  return 1
}

# tcp_open HOST PORT -> true when something accepts connections there.
tcp_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "keel: $1 is not installed and cannot be installed here (needs root and apt-get). Install: $*" >&2
    return 1
  fi
  echo "keel: installing $* from Debian packages..." >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# ensure_postgres -> PostgreSQL answers on 127.0.0.1:5432 with trust auth for user postgres and a database 'test'.
ensure_postgres() {
  if ! tcp_open 127.0.0.1 5432; then
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
      apt_install postgresql || return 1
      local hba
      hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -1)
      # Tests connect over TCP as postgres without a password, as on the project's machines.
      sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
    fi
    echo "keel: starting PostgreSQL..." >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start >&2 || true
    for _ in $(seq 1 30); do tcp_open 127.0.0.1 5432 && break; sleep 1; done
  fi
  tcp_open 127.0.0.1 5432 || { echo "keel: PostgreSQL does not answer on 127.0.0.1:5432." >&2; return 1; }
  if command -v psql >/dev/null 2>&1 &&
     ! psql -h 127.0.0.1 -U postgres -d test -Atc 'select 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc 'create database test' >&2 ||
      { echo "keel: cannot reach database 'test' as user postgres on 127.0.0.1 (trust auth expected)." >&2; return 1; }
  fi
}

# ensure_redis -> Redis answers on 127.0.0.1:6379.
ensure_redis() {
  if tcp_open 127.0.0.1 6379; then return 0; fi
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server || return 1
  echo "keel: starting Redis..." >&2
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log >&2
  for _ in $(seq 1 20); do tcp_open 127.0.0.1 6379 && return 0; sleep 0.5; done
  echo "keel: Redis does not answer on 127.0.0.1:6379." >&2
  return 1
}
