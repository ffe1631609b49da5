# Shared by the marquee scripts: where things are, how to build once, how to run a module's main class.
# Sourced, not executed.

# An exported CDPATH makes `cd` with a relative folder print where it went, which would join the path below.
unset CDPATH
MARQUEE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Java 17 decodes arguments, the environment and file names in the locale's charset: without a locale (cron,
# systemd, `ssh host cmd`, minimal containers) that is ASCII, and a path with an "ä" in it fails. C.UTF-8 then,
# where there is one; another 8-bit locale the user chose is left alone. (grep reads all of `locale -a`: with -q
# it could stop early, and pipefail would count the writer's SIGPIPE as no match.)
case "$(locale charmap 2>/dev/null || true)" in
  ""|ANSI_X3.4-1968|US-ASCII|ASCII)
    if locale -a 2>/dev/null | grep -iE '^c\.utf-?8$' >/dev/null; then export LC_ALL=C.UTF-8; fi ;;
esac
# A path as given if absolute, else under the caller's working directory: paths from the environment end up in
# URIs (file://...) and in processes started elsewhere, where a relative one would mean something else.
absolute_path() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "${1#./}" ;; esac; }
# local_path NAME VALUE: VALUE as a path: a file:/// URI as its path (percent-escapes decoded, as the Java commands
# read one); any other URI (s3://, hdfs://) stops the script, naming NAME: everything the scripts take is a local or
# mounted path (for the registry, decision 0018), and a URI taken for a relative path would make a folder "s3:".
local_path() {
  if [[ "$2" =~ ^[Ff][Ii][Ll][Ee]:///(.*)$ ]]; then
    local rest="${BASH_REMATCH[1]}"
    # what a file URI's path may hold for the Java commands too: no backslash, '?' or '#', '%' only before two hex
    # digits, and no %00 (no path holds a NUL)
    if [[ ! "$rest" =~ ^([^%\\?#]|%[0-9A-Fa-f]{2})*$ || "$rest" =~ %00 ]]; then
      printf 'marquee: %s is not a usable file:/// URI (a %% only before two hex digits, as %%20 for a space; no \\, ? or #): %s; give the plain path\n' "$1" "$2" >&2
      exit 2
    fi
    printf '/%b' "${rest//%/\\x}"
  elif [[ "$2" =~ ^[A-Za-z][A-Za-z0-9+.-]*:// ]]; then
    printf 'marquee: %s must be a path (or a file:/// URI) on a local or mounted file system, not %s (object stores and HDFS are not supported: docs/decisions/0018-the-registry-on-a-posix-volume.md)\n' "$1" "$2" >&2
    exit 2
  else
    printf '%s' "$2"
  fi
}
MARQUEE_STATE="$(local_path MARQUEE_STATE "${MARQUEE_STATE:-$MARQUEE_ROOT/.marquee}")" || exit 2
MARQUEE_STATE="$(absolute_path "$MARQUEE_STATE")"
# Paths the scripts and the Java commands read from the environment, made absolute against the caller's directory
# now, before a script changes to the repository's: a relative one means where the user stands.
for _marquee_var in MOVIELENS_DIR MARQUEE_REGISTRY BENCH_OUT MARQUEE_E2E_REGISTRY MARQUEE_TEST_LOG MARQUEE_CLUSTER_DIR \
    MARQUEE_CLUSTER_LIB MARQUEE_E2E_CLUSTER_DIR; do
  if [ -n "${!_marquee_var:-}" ]; then
    _marquee_value="$(local_path "$_marquee_var" "${!_marquee_var}")" || exit 2
    export "$_marquee_var=$(absolute_path "$_marquee_value")"
  fi
done
unset _marquee_var _marquee_value

# The scripts' own folder (builds' logs and stamps, run-local's runs, clusters), writable, or one line saying so.
ensure_state_dir() {
  { mkdir -p "$MARQUEE_STATE" 2>/dev/null && [ -w "$MARQUEE_STATE" ]; } \
    || die "cannot write $MARQUEE_STATE (the scripts' builds, logs and clusters): set MARQUEE_STATE to a folder you can write"
}

# absolute_option_values "OPT ..." ARGS...: sets ABSOLUTE_ARGS to ARGS with the values of the named options
# (--out FILE and --out=FILE) made absolute against the caller's directory, for scripts that change directory;
# the words none and synthetic[:N] are kept as they are.
absolute_option_path() {
  local path
  case "$2" in
    none|synthetic|synthetic:*) printf '%s' "$2" ;;
    *) path="$(local_path "$1" "$2")" || exit 2; absolute_path "$path" ;;
  esac
}
absolute_option_values() {
  local names=" $1 " a
  shift
  ABSOLUTE_ARGS=()
  while [ $# -gt 0 ]; do
    a="$1"
    shift
    case "$a" in
      --*=*)
        if [[ "$names" == *" ${a%%=*} "* ]]; then a="${a%%=*}=$(absolute_option_path "${a%%=*}" "${a#*=}")" || exit 2; fi
        ABSOLUTE_ARGS+=("$a") ;;
      --*)
        ABSOLUTE_ARGS+=("$a")
        if [[ "$names" == *" $a "* ]] && [ $# -gt 0 ]; then
          local value
          value="$(absolute_option_path "$a" "$1")" || exit 2
          ABSOLUTE_ARGS+=("$value"); shift
        fi ;;
      *) ABSOLUTE_ARGS+=("$a") ;;
    esac
  done
}

# print_header: prints the calling script's header, its comment lines after the #! line, without their "# ".
print_header() { sed -n '2,${/^#/!q;s/^# \{0,1\}//;p;}' "$0"; }

# exit_on_help ARGS...: when any argument is -h or --help, prints the header and exits 0, before anything runs.
exit_on_help() {
  local a
  for a in "$@"; do
    if [ "$a" = -h ] || [ "$a" = --help ]; then print_header; exit 0; fi
  done
}

say() { printf 'marquee: %s\n' "$*" >&2; }
die() { printf 'marquee: %s\n' "$1" >&2; exit "${2:-1}"; }

# require_platform: refuses, in one line, a machine tensorflow-java's native library cannot run on (before anything
# is built, downloaded or resolved with GNU tools' options).
require_platform() {
  [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] \
    || die "marquee needs Linux on x86-64 (tensorflow-java's linux-x86_64 build); this machine is $(uname -s) $(uname -m)"
  # tensorflow-java 1.1's JNI library links against glibc 2.34 and GCC 11's libstdc++: on an older system the build
  # succeeds and every model load fails (UnsatisfiedLinkError). musl (Alpine) has no glibc at all.
  local libc
  libc="$({ getconf GNU_LIBC_VERSION 2>/dev/null || true; } | awk '$1 == "glibc" { print $2 }')"
  if [ -z "$libc" ] && { ldd --version 2>&1 || true; } | grep -qi musl; then
    die "this machine's C library is musl (Alpine?): TensorFlow for Java's native library needs glibc 2.34 or later (Debian 12, Ubuntu 22.04, RHEL 9 or later)"
  fi
  if [ -n "$libc" ] && ! awk -v v="$libc" 'BEGIN { split(v, a, "."); exit !(a[1] > 2 || (a[1] == 2 && a[2] >= 34)) }'; then
    die "this machine has glibc $libc: TensorFlow for Java's native library needs glibc 2.34 or later (Debian 12, Ubuntu 22.04, RHEL 9 or later)"
  fi
  # TensorFlow's x86-64 build uses AVX: without it the first model load aborts the JVM (SIGABRT and an hs_err file, no
  # message). A VM's CPU model may hide it. MARQUEE_CPUINFO (tests) reads another file than /proc/cpuinfo.
  local cpuinfo="${MARQUEE_CPUINFO:-/proc/cpuinfo}"
  if [ -r "$cpuinfo" ] && grep -q '^flags' "$cpuinfo" && ! grep -m 1 '^flags' "$cpuinfo" | grep -qw avx; then
    die "this CPU has no AVX, which TensorFlow's x86-64 build needs (it would abort Java at the first model load); a virtual machine's CPU model may hide it (QEMU and Proxmox kvm64, qemu64 or x86-64-v2): give the VM the host's CPU model or x86-64-v3"
  fi
}

# require_java: refuses a missing java or one older than 17 on PATH; sets JAVA_SPEC.
require_java() {
  command -v java >/dev/null 2>&1 || die "java not found: install a Java 17 JDK (e.g. apt-get install openjdk-17-jdk-headless)"
  local out v
  out="$(java -XshowSettings:properties -version 2>&1)" \
    || die "java on PATH ($(command -v java)) does not start: $(printf '%s\n' "$out" | grep -v '^ ' | tail -n 2 | tr '\n' ' ')"
  v="$(printf '%s\n' "$out" | sed -n 's/^ *java.specification.version = //p')"
  case "$v" in
    1.*|[0-9]|1[0-6]) die "java on PATH ($(command -v java)) is Java $v: marquee needs 17 or later (set PATH, and JAVA_HOME for Maven)" ;;
  esac
  JAVA_SPEC="$v"   # jvm_opts: options only a later Java knows
}

require_tools() {
  require_platform
  require_java
  command -v mvn >/dev/null 2>&1 \
    || die "mvn not found: install Apache Maven 3.8 or later (apt-get install maven on Debian 12; older distributions' packages are older: maven.apache.org)"
}

# build_lock: holds $MARQUEE_STATE/build.lock on fd 7, waiting (with a line) while another script holds it; where
# the file system has no locks (flock fails with another status than 1, "held"), goes on unlocked.
build_lock() {
  exec 7>"$MARQUEE_STATE/build.lock"
  local rc=0
  flock -n 7 2>/dev/null || rc=$?
  [ "$rc" = 1 ] || return 0
  say "another script of this checkout is building: waiting for it first"
  flock 7 2>/dev/null || true
}

# Builds the modules (skipping tests) when any source or pom is newer than the last build, and writes each
# module's runtime classpath to <module>/target/classpath.txt.
ensure_built() {
  require_tools
  local stamp="$MARQUEE_STATE/build.stamp"
  ensure_state_dir
  # `mvn clean` deletes the classes and classpaths the stamp vouches for: build again
  local m
  for m in infra data model job scripts/tools scripts/cli; do
    [ -f "$MARQUEE_ROOT/$m/target/classpath.txt" ] && [ -d "$MARQUEE_ROOT/$m/target/classes" ] || { rm -f "$stamp"; break; }
  done
  if [ -f "$stamp" ] && [ -z "$(find "$MARQUEE_ROOT" -path "$MARQUEE_ROOT/.git" -prune -o \
        \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  # Two scripts started together (run-local and cluster-e2e, say) build one after the other, not both at once
  # in the same target/ folders; the second finds the build current.
  if command -v flock >/dev/null 2>&1; then
    build_lock
    if [ -f "$stamp" ] && [ -z "$(find "$MARQUEE_ROOT" -path "$MARQUEE_ROOT/.git" -prune -o \
          \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$stamp" -print -quit)" ]; then
      exec 7>&-
      return 0
    fi
  fi
  # Maven compiles with JAVA_HOME's Java, which may differ from the java on PATH checked above
  local mvn_java mvn_out
  mvn_out="$(mvn -v 2>&1)" \
    || die "mvn does not start: $(printf '%s\n' "$mvn_out" | grep -v '^ *$' | tail -n 2 | tr '\n' ' ')(is JAVA_HOME=${JAVA_HOME:-unset} a JDK?)"
  mvn_java="$(printf '%s\n' "$mvn_out" | sed -n 's/^Java version: \([0-9][0-9.]*\).*/\1/p' | head -n 1 || true)"
  case "$mvn_java" in
    1.*|[0-9]|[0-9].*|1[0-6]|1[0-6].*)
      die "Maven runs on Java $mvn_java (JAVA_HOME=${JAVA_HOME:-unset}): marquee needs 17 or later; point JAVA_HOME at a Java 17 JDK" ;;
  esac
  local mvn_version
  mvn_version="$(printf '%s\n' "$mvn_out" | sed -n 's/^Apache Maven \([0-9][0-9.]*\).*/\1/p' | head -n 1 || true)"
  if [ -n "$mvn_version" ] && ! awk -v v="$mvn_version" 'BEGIN { split(v, a, "."); exit !(a[1] > 3 || (a[1] == 3 && a[2] >= 8)) }'; then
    say "Maven $mvn_version is older than the 3.8 this project is built with; if the build fails, install 3.8 or later (maven.apache.org)"
  fi
  # The JVMs of this checkout's scripts run on its target/classes, which the build deletes and writes again: one
  # would fail on the next class it loads, or load a new one beside the old ones
  local running
  running="$(checkout_jvms)"
  [ -z "$running" ] || die "sources changed since the last build, but JVMs of this checkout run on its classes ($running; \
ps -eo pid,args | grep -F -e $(printf '%q' "$MARQUEE_STATE/tmp/") -e $(printf '%q' "$MARQUEE_STATE/run-local/tmp") | grep -v 'grep -F' lists them): a build now would \
replace those classes under them. Stop them first, then run this again"
  say "building (first run downloads dependencies from Maven Central; later runs take seconds)..."
  local log="$MARQUEE_STATE/build.log" next
  next=$(mktemp "$stamp.next.XXXXXX")   # sources changed while Maven runs are newer than this: the next run builds again
  # The job's local runs need Flink itself, which the job jar leaves to the cluster (provided scope): the cli
  # module's runtime classpath has it (module_cp).
  local status=0
  (cd "$MARQUEE_ROOT" && mvn -B -q -ntp install -DskipTests \
      && mvn -B -q -ntp dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime) >"$log" 2>&1 \
    || status=$?
  if [ "$status" != 0 ]; then
    rm -f "$next"
    [ "$status" != 130 ] || exit 130   # Ctrl-C: Maven stopped on it, which is no build failure to report
    tail -n 30 "$log" >&2
    die "build failed; the full log is $log"
  fi
  mv -f "$next" "$stamp"
  exec 7>&-   # (closing an fd that is not open is no error; no other redirection here: exec would keep it)
}

# process_tmp_dir: sets PROCESS_TMP to a temporary folder for the JVM about to start, $MARQUEE_STATE/tmp/<pid>-XXXXXX,
# whose .lock this shell holds on fd 6 (closed first: a folder of this shell's previous JVM is let go), and so does
# the JVM, which inherits the fd; first it removes the folders whose lock nobody holds any more. What a JVM stopped
# by a signal or kill -9 leaves in its temporary folder (Flink's 21 MB RPC jar, an in-JVM broker's logs, a
# benchmark's registry) is removed by the next script of this checkout instead of piling up in /tmp. A folder is
# renamed into place only once locked, so a sweep never takes one being made. Returns 1 (and the JVM keeps its
# default) without flock or a writable state folder.
process_tmp_dir() {
  exec 6>&-
  command -v flock >/dev/null 2>&1 || return 1
  local base="$MARQUEE_STATE/tmp" d pending
  mkdir -p "$base" 2>/dev/null || return 1
  for d in "$base"/*/; do
    d="${d%/}"
    [ -d "$d" ] || continue
    if [ -e "$d/.lock" ]; then
      { ( flock -n 5 || exit 0; rm -rf "$d" ) 5<>"$d/.lock"; } 2>/dev/null || true   # read-write: NFS emulates flock with POSIX locks
    else
      rm -rf "$d" 2>/dev/null || true
    fi
  done
  # a script killed between mktemp and the rename below
  find "$base" -mindepth 1 -maxdepth 1 -name '.pending-*' -mmin +10 -exec rm -rf {} + 2>/dev/null || true
  pending="$(mktemp -d "$base/.pending-XXXXXX" 2>/dev/null)" || return 1
  { exec 6>"$pending/.lock"; } 2>/dev/null && flock -n 6 && mv "$pending" "$base/$$-${pending##*.pending-}" \
    || { exec 6>&-; rm -rf "$pending"; return 1; }
  PROCESS_TMP="$base/$$-${pending##*.pending-}"
}

# checkout_jvms: which JVMs of this checkout's scripts still run: "pid N" for each temporary folder still locked
# (process_tmp_dir), and "scripts/run-local" while its lock is held (its JVMs hold it too). A lock file this shell
# holds open is left out: its own, or one inherited from the script that started it (run-local's `marquee train`,
# cluster-e2e's `marquee replay`), whose JVMs are not running yet. Empty when none, or without flock.
checkout_jvms() {
  command -v flock >/dev/null 2>&1 || return 0
  local d f lock rc own=$'\n' found=()
  for f in /proc/$$/fd/*; do own+="$(readlink "$f" 2>/dev/null || true)"$'\n'; done
  for lock in "$MARQUEE_STATE"/tmp/*/.lock "$MARQUEE_STATE/run-local/.lock"; do
    [ -e "$lock" ] || continue
    [[ "$own" != *$'\n'"$(readlink -f "$lock")"$'\n'* ]] || continue
    rc=0
    flock -n 5 5<>"$lock" 2>/dev/null || rc=$?
    [ "$rc" = 1 ] || continue   # 0: free; another status (no locks here): not known to be held, so not counted
    d="${lock%/.lock}"
    case "$d" in
      */run-local) found+=("scripts/run-local") ;;
      *) d="${d##*/}"; found+=("pid ${d%%-*}") ;;
    esac
  done
  local IFS=,
  [ ${#found[@]} -eq 0 ] || printf '%s' "${found[*]}" | sed 's/,/, /g'
}

# jdk_access_opts: sets the array JDK_ACCESS_OPTS to what lets TensorFlow (JavaCPP) load native libraries and Flink,
# Kafka and protobuf use sun.misc.Unsafe without a warning of several lines from every JVM on Java 24 and later (a
# later Java will deny both unless allowed). Java 17 takes the first option; the second exists from Java 23, and is
# given by the Java on PATH (JAVA_SPEC, set by require_tools, else asked here).
jdk_access_opts() {
  if [ -z "${JAVA_SPEC:-}" ]; then
    JAVA_SPEC="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1)" || true
  fi
  JDK_ACCESS_OPTS=("--enable-native-access=ALL-UNNAMED")
  if [[ "${JAVA_SPEC:-}" =~ ^[0-9]+$ ]] && [ "$JAVA_SPEC" -ge 23 ]; then
    JDK_ACCESS_OPTS+=("--sun-misc-unsafe-memory-access=allow")
  fi
}

# jvm_opts MODULE: sets the array JVM_OPTS to the JVM options of a module's tools: quiet logging (the infra broker
# picks its own tuned config), run-local's marker and temporary folder when MARQUEE_RUN_LOCAL_DIR is set (Flink's
# mini-cluster unpacks a 21 MB RPC jar there and, stopped by a signal, leaves it: run-local removes the folder),
# else a temporary folder of the JVM's own (process_tmp_dir; only locked and named, as marquee.process-folder, when
# MARQUEE_JAVA_OPTS sets java.io.tmpdir), then MARQUEE_JAVA_OPTS. The options made here are array elements, so a checkout path with spaces survives;
# MARQUEE_JAVA_OPTS is a whitespace-separated list of options (no quoting inside it), split without glob expansion.
jvm_opts() {
  JVM_OPTS=()
  [ "$1" = infra ] || JVM_OPTS+=("-Dlog4j2.configurationFile=$MARQUEE_ROOT/scripts/lib/log4j2-cli.properties")
  if [ -n "${MARQUEE_RUN_LOCAL_DIR:-}" ]; then
    JVM_OPTS+=("-Dmarquee.run-local=$MARQUEE_RUN_LOCAL_DIR" "-Djava.io.tmpdir=$MARQUEE_RUN_LOCAL_DIR/tmp")
  elif process_tmp_dir; then
    # a java.io.tmpdir of the user's wins; the folder's lock still says the JVM runs on the checkout's classes
    if [[ "${MARQUEE_JAVA_OPTS:-}" == *java.io.tmpdir=* ]]; then
      JVM_OPTS+=("-Dmarquee.process-folder=$PROCESS_TMP")
    else
      JVM_OPTS+=("-Djava.io.tmpdir=$PROCESS_TMP")
    fi
  fi
  # TensorFlow's native library (~650 MB) unpacks into JavaCPP's cache: ~/.javacpp/cache, where JavaCPP's home is
  # the passwd entry's (not $HOME), else java.io.tmpdir, which run-local deletes at every start. The folder checked
  # here is the one passed, so Java uses what was found writable: $HOME's, else the project's state.
  if [[ "${MARQUEE_JAVA_OPTS:-}" != *javacpp.cache[dD]ir* ]]; then
    local cache="${HOME:+$HOME/.javacpp/cache}"
    { [ -n "$cache" ] && mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ]; } || cache="$MARQUEE_STATE/javacpp"
    JVM_OPTS+=("-Dorg.bytedeco.javacpp.cachedir=$cache")
  fi
  jdk_access_opts
  JVM_OPTS+=("${JDK_ACCESS_OPTS[@]}")
  local user_opts=()
  read -r -a user_opts <<<"${MARQUEE_JAVA_OPTS:-}"
  JVM_OPTS+=(${user_opts[@]+"${user_opts[@]}"}) # bash before 4.4 calls an empty array unbound under set -u
}

# The classpath of a module's tools: its classes and runtime dependencies (the job's: those of scripts/cli, which
# hold the job and Flink itself, for runs in a local mini-cluster). This checkout's other modules come from their
# target/classes, in the same order, not from the local Maven repository, where another checkout's `mvn install` of
# the same version would replace them unseen.
module_cp() {
  local file="$MARQUEE_ROOT/$1/target/classpath.txt" entries=() entry cp
  [ "$1" = job ] && file="$MARQUEE_ROOT/scripts/cli/target/classpath.txt"
  IFS=: read -r -a entries <"$file" || true   # one line, without a final newline
  cp="$MARQUEE_ROOT/$1/target/classes"
  for entry in ${entries[@]+"${entries[@]}"}; do
    checkout_entry "$entry"
    cp="$cp:$CHECKOUT_ENTRY"
  done
  printf '%s' "$cp"
}

# checkout_entry ENTRY: sets CHECKOUT_ENTRY to ENTRY, or, for a jar of this project's modules in the local Maven
# repository, to this checkout's folder it was built from (its target/test-classes for a test-jar). A variable, not
# output: a classpath has a hundred entries, and a subshell each would cost a fork.
checkout_entry() {
  CHECKOUT_ENTRY="$1"
  if [[ "$1" =~ /dev/marquee/marquee-(infra|data|model)/[^/]+/marquee-[a-z]+-[^/]+-tests[.]jar$ ]]; then
    CHECKOUT_ENTRY="$MARQUEE_ROOT/${BASH_REMATCH[1]}/target/test-classes"
  elif [[ "$1" =~ /dev/marquee/marquee-(infra|data|model|job)/[^/]+/marquee-[a-z]+-[^/]+[.]jar$ ]]; then
    CHECKOUT_ENTRY="$MARQUEE_ROOT/${BASH_REMATCH[1]}/target/classes"
  elif [[ "$1" =~ /dev/marquee/marquee-(tools|cli)/[^/]+/marquee-[a-z]+-[^/]+[.]jar$ ]]; then
    CHECKOUT_ENTRY="$MARQUEE_ROOT/scripts/${BASH_REMATCH[1]}/target/classes"
  fi
}

# The benchmarks' classpath: the job's test and main classes, then its test classpath (job/target/test-classpath.txt,
# ensure_test_classpath) with this checkout's modules and their test classes (the in-JVM broker, test models) from
# their target folders (checkout_entry), not another checkout's jars of the same version. Run from $MARQUEE_ROOT.
bench_cp() {
  local entries=() entry cp="$MARQUEE_ROOT/job/target/test-classes:$MARQUEE_ROOT/job/target/classes"
  IFS=: read -r -a entries <"$MARQUEE_ROOT/job/target/test-classpath.txt" || true   # one line, without a final newline
  for entry in ${entries[@]+"${entries[@]}"}; do
    checkout_entry "$entry"
    cp="$cp:$CHECKOUT_ENTRY"
  done
  printf '%s' "$cp"
}

# bench_jar_cp DIR: bench_cp with each class folder packed into a jar in DIR (made again each time), for a JVM's AOT
# cache (Java 25+, -XX:AOTCache), which holds classes from jars only.
bench_jar_cp() {
  local dir="$1" entries=() entry cp="" name
  rm -rf "$dir" && mkdir -p "$dir"
  IFS=: read -r -a entries <<<"$(bench_cp)"
  for entry in ${entries[@]+"${entries[@]}"}; do
    if [ -d "$entry" ]; then
      name="${entry#"$MARQUEE_ROOT"/}"
      name="${name//\//-}.jar"
      "$(dirname "$(readlink -f "$(command -v java)")")/jar" --create --file "$dir/$name" -C "$entry" . \
        || die "could not pack $entry into $dir/$name (the jar tool of the JDK on PATH)"
      entry="$dir/$name"
    fi
    cp="$cp${cp:+:}$entry"
  done
  printf '%s' "$cp"
}

# run_main MODULE CLASS ARGS...: runs a main class with the module's classes and runtime classpath. MODULE is the
# module's directory under the root: infra, data, model, job or scripts/tools.
run_main() {
  local module="$1" cls="$2"
  shift 2
  local cp; cp=$(module_cp "$module")
  jvm_opts "$module"
  exec java ${JVM_OPTS[@]+"${JVM_OPTS[@]}"} -cp "$cp" "$cls" "$@"
}

# java_bg MODULE CLASS LOG ARGS...: starts a main class in the background of the calling shell (so it can
# `wait` for it) and sets BG_PID. LOG "-" leaves its output on the caller's stdout and stderr. Call it
# directly, not inside $(...).
java_bg() {
  local module="$1" cls="$2" log="$3"
  shift 3
  local cp; cp=$(module_cp "$module")
  jvm_opts "$module"
  if [ "$log" = - ]; then
    java ${JVM_OPTS[@]+"${JVM_OPTS[@]}"} -cp "$cp" "$cls" "$@" &
  else
    java ${JVM_OPTS[@]+"${JVM_OPTS[@]}"} -cp "$cp" "$cls" "$@" >"$log" 2>&1 &
  fi
  BG_PID=$!
}

# java_waited ARGS...: runs `java ARGS...` and returns its status, like a foreground java, except that a signal
# sent to the script alone (TERM from a supervisor or `kill PID`, HUP, or Ctrl-C) stops the JVM before the script
# goes on: an EXIT trap that removes the JVM's classes or files then runs after the JVM, not under it. The JVM runs
# as a background job, which ignores INT, so every signal reaches it as TERM; after it stopped, the caller's own
# trap for that signal runs if it has one (its traps are put back), else the script exits 128 + the signal's
# number (Ctrl-C: 130). Call it directly, not inside $(...) or a ( ) subshell.
java_waited() {
  local pid="" status signal="" saved
  saved=$(trap -p INT TERM HUP)
  # set before the JVM starts, so no signal falls between; one that comes before its pid is known is passed on below
  trap 'signal=INT; [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true' INT
  trap 'signal=TERM; [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true' TERM
  trap 'signal=HUP; [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true' HUP
  java "$@" <&0 &   # <&0: keeps the script's stdin (a background job's would be /dev/null)
  pid=$!
  [ -z "$signal" ] || kill -TERM "$pid" 2>/dev/null || true
  while :; do
    status=0
    wait "$pid" || status=$?
    kill -0 "$pid" 2>/dev/null || break   # a trapped signal ended the wait, not the JVM
  done
  trap - INT TERM HUP
  eval "$saved"
  if [ -n "$signal" ]; then
    if [ -n "$(trap -p "$signal")" ]; then
      kill -s "$signal" $$   # the caller's trap decides, as it would have without this function
      return "$status"
    fi
    case "$signal" in INT) exit 130 ;; TERM) exit 143 ;; HUP) exit 129 ;; esac
  fi
  return "$status"
}

# The job module's test classpath (job/target/test-classpath.txt) for the benchmarks, written again when it is
# missing or any pom (the root's versions, a module's dependencies) is newer than it. Run from $MARQUEE_ROOT.
ensure_test_classpath() {
  local file="$MARQUEE_ROOT/job/target/test-classpath.txt"
  if [ ! -f "$file" ] || [ -n "$(find "$MARQUEE_ROOT" \( -path "$MARQUEE_ROOT/.git" -o -path "$MARQUEE_STATE" \) -prune -o \
        -name pom.xml -newer "$file" -print -quit 2>/dev/null)" ]; then
    maven_step "$1" -pl job dependency:build-classpath -DincludeScope=test -Dmdep.outputFile=target/test-classpath.txt
  fi
}

# maven_step LOG ARGS...: Maven quietly, its output in $MARQUEE_STATE/LOG, shown (the last 30 lines) when it fails.
maven_step() {
  local log="$MARQUEE_STATE/$1"
  shift
  ensure_state_dir
  if command -v flock >/dev/null 2>&1; then   # not while ensure_built builds the same target/ folders
    build_lock
  fi
  local status=0
  mvn -B -q -ntp "$@" >"$log" 2>&1 || status=$?
  if [ "$status" != 0 ]; then
    exec 7>&-
    [ "$status" != 130 ] || exit 130   # Ctrl-C: no build failure to show
    tail -n 30 "$log" >&2
    die "mvn $* failed; the full log is $log"
  fi
  exec 7>&-
}

# The rows a version was trained on ("<split> <part>" from its model card), when they are not those of the local
# demo's split (a seeded random 80%, whose held-out part run-local replays): an import trained on the time split's
# first 60%, say, never saw many of the replayed users. Empty for the demo's own rows, for every row (--part all), for
# a retrained version (its card's "retrain" section: it trained on the labels seen too) and for a card naming none.
trained_on_other_rows() {
  awk '/^  "retrain" : / { retrained = 1 }
       /^  "data" : [{]/ { d = 1; next } d && /^  [}]/ { d = 0 }
       d && /^    "split" :/ { sub(/^[^:]*: "/, ""); sub(/",?$/, ""); split_ = $0 }
       d && /^    "part" :/ { sub(/^[^:]*: "/, ""); sub(/",?$/, ""); part = $0 }
       END {
         if (retrained || split_ == "" || part == "all") exit
         if (split_ == "random-80/10/10-seed42" && (part == "" || part == "train")) exit
         print split_ (part != "" ? " " part : "")
       }' "$1/model_card.json" 2>/dev/null || true
}
