# The standalone cluster of scripts/cluster: where its files live, how its JVMs start and stop. Sourced after
# common.sh, not executed.
#
# Layout (CLUSTER_DIR, default .marquee/cluster; MARQUEE_CLUSTER_DIR moves it, e.g. for a second cluster):
#   lib/ (shared by every cluster dir)  flink/*.jar, kafka/*.jar, tensorflow/*.jar
#   (the job jar is this checkout's own: $MARQUEE_STATE/cluster-job/marquee-job-shaded.jar)
#   conf/         config.yaml and log4j.properties of the JobManager and TaskManagers
#   conf-client/  config.yaml (the REST address) and log4j-cli.properties of the Flink CLI
#   kafka/        server.properties, log4j2.properties, data/
#   logs/         kafka.log, jobmanager.log/.out, taskmanager-N.log/.out, client.log
#   run/          <process>.pid, cluster.env (the ports in use), job-id
#   checkpoints/  tmp/

# Canonical (no trailing slash, symbolic links resolved): a cluster's processes are found by this path in their
# command lines, so /data/c/ and a link to /data/c must name the same cluster.
require_platform   # before GNU realpath's -m: a macOS user gets the refusal, not realpath's usage
CLUSTER_LIB="$(realpath -m -- "$(absolute_path "${MARQUEE_CLUSTER_LIB:-$MARQUEE_STATE/cluster/lib}")")"
CLUSTER_DIR="$(realpath -m -- "$(absolute_path "${MARQUEE_CLUSTER_DIR:-$MARQUEE_STATE/cluster}")")"
# Per checkout, not in a MARQUEE_CLUSTER_LIB shared by several: its freshness is judged against this checkout's sources.
CLUSTER_JOB_JAR="$MARQUEE_STATE/cluster-job/marquee-job-shaded.jar"
CLUSTER_TASKMANAGERS="${MARQUEE_CLUSTER_TASKMANAGERS:-2}"
CLUSTER_KAFKA_HEAP="${MARQUEE_CLUSTER_KAFKA_HEAP:-512m}"
CLUSTER_PARTITIONS="${MARQUEE_CLUSTER_PARTITIONS:-2}"

# Checked before anything is built or started: bash arithmetic reads "two" as an unset variable, a leading 0 as
# octal, and 0 TaskManagers would come "up" with no slot for the job.
cluster_check_number() { # NAME VALUE MIN MAX
  [[ "$2" =~ ^[1-9][0-9]{0,5}$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] \
    || die "$1 must be a whole number from $3 to $4, got '$2'" 2
}
cluster_check_number MARQUEE_CLUSTER_TASKMANAGERS "$CLUSTER_TASKMANAGERS" 1 64
cluster_check_number MARQUEE_CLUSTER_PARTITIONS "$CLUSTER_PARTITIONS" 1 10000
# a port in use moves the choice up by at most 99, and Kafka's controller takes the port after Kafka's
for port_variable in MARQUEE_CLUSTER_KAFKA_PORT MARQUEE_CLUSTER_REST_PORT MARQUEE_CLUSTER_RPC_PORT; do
  [ -z "${!port_variable:-}" ] || cluster_check_number "$port_variable" "${!port_variable}" 1 65435
done
unset port_variable

# What Flink's own distribution passes to every JVM (env.java.opts.all in its default config): without it
# Kryo and friends fail on Java 17 with InaccessibleObjectException. The CLI needs it too.
FLINK_JVM_OPENS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

# The TaskManagers' own JVM options (start_taskmanager passes them; env.java.opts.* in conf/ is for Flink's scripts,
# which do not start these JVMs). JavaCPP's limit, resident memory over 4 x -Xmx failing every native allocation
# (each scored batch's tensors), is below the process Flink budgets when task off-heap is large: off, as in infra/flink.
TASKMANAGER_JVM_OPTS=(-Dorg.bytedeco.javacpp.maxPhysicalBytes=0)

# Maven for the cluster's own artifacts: online (the first run fetches Flink's and Kafka's jars from Maven
# Central).
cluster_mvn() { mvn -B -q -ntp "$@"; }

# cluster_check_dir: up and down --purge delete fixed names inside CLUSTER_DIR (run, tmp, kafka, logs, ...), so a
# CLUSTER_DIR holding anything else (MARQUEE_CLUSTER_DIR=$HOME, say) is refused instead.
cluster_check_dir() {
  [ -d "$CLUSTER_DIR" ] || return 0
  local entry
  for entry in "$CLUSTER_DIR"/* "$CLUSTER_DIR"/.[!.]*; do
    [ -e "$entry" ] || continue
    case "$(basename "$entry")" in
      lib|run|kafka|logs|checkpoints|savepoints|tmp|conf|conf-client|*.log|.up.lock|.e2e.lock) ;;
      *) die "$CLUSTER_DIR holds $(basename "$entry"), which scripts/cluster did not make: choose an empty or new folder for MARQUEE_CLUSTER_DIR" 2 ;;
    esac
  done
}

# cluster_check_dir_name: `up` writes CLUSTER_DIR into settings that read it otherwise: Kafka's log.dirs splits on
# ',', Flink's io.tmp.dirs on ',' and ':', and Flink reads a '\' in its checkpoint and savepoint paths as '/'. Such a
# folder is refused before anything is made in it (`down --purge` still cleans one made before this check).
cluster_check_dir_name() {
  case "$CLUSTER_DIR" in
    *[,:\\]*) die "MARQUEE_CLUSTER_DIR ($CLUSTER_DIR) has a ',', ':' or '\\', which Kafka or Flink would read as a list of folders or a '/': choose another" 2 ;;
  esac
}

# cluster_lock_up: holds CLUSTER_DIR/.up.lock (fd 9) until this script exits, or stops with one line when another
# `up` of the same folder holds it: two at once would both find the cluster down and start two of everything on
# the same files. The JVMs it starts do not inherit the descriptor (start_jvm closes it), so a running cluster does
# not hold it. Without flock (util-linux) the folder is not locked.
cluster_lock_up() {
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p "$CLUSTER_DIR" 2>/dev/null || die "cannot create $CLUSTER_DIR: set MARQUEE_CLUSTER_DIR to a folder you can write"
  { exec 9>>"$CLUSTER_DIR/.up.lock"; } 2>/dev/null \
    || die "cannot write $CLUSTER_DIR/.up.lock: set MARQUEE_CLUSTER_DIR to a folder you can write"
  local rc=0
  flock -n 9 || rc=$?
  case "$rc" in
    0) ;;
    1) die "another 'scripts/cluster up' of $CLUSTER_DIR is running: wait for it, or scripts/cluster status" ;;
    *) say "could not lock $CLUSTER_DIR/.up.lock (flock exit $rc: no locks on this file system?); going on unlocked" ;;
  esac
}

# What the jars in lib/ are made from: the cluster pom, and what it takes from the root pom: the version properties
# of what lib/ holds, and the versions the root pom pins literally (lz4) (a release that moves Flink, Kafka,
# TensorFlow or a pinned library must not keep running the old jars, parent-first; a managed test library must not
# force a new lib/).
cluster_lib_key() {
  { cat "$MARQUEE_ROOT/scripts/lib/cluster/pom.xml"
    grep -E '<(flink|kafka|tensorflow|slf4j|log4j|jackson)[a-z.-]*>' "$MARQUEE_ROOT/pom.xml"
    sed -n '/<dependencyManagement>/,/<\/dependencyManagement>/p' "$MARQUEE_ROOT/pom.xml" \
      | grep -B2 -E '<version>[0-9]' || true; } | cksum
}

# Whether the running cluster's lib/ is made from this checkout's poms: a release that moved Flink or TensorFlow
# needs new JVMs (parent-first, decision 0013), which a submit alone would not give it.
cluster_lib_current() {
  local key part
  key="$(cluster_lib_key)"
  for part in flink tensorflow; do
    [ "$(cat "$CLUSTER_LIB/$part/.complete" 2>/dev/null)" = "$key" ] || return 1
  done
}

# Copies Flink's, Kafka's and tensorflow-java's runtime jars into lib/ once (~110 MB, and ~170 MB for TensorFlow).
cluster_assemble_lib() {
  local pom="$MARQUEE_ROOT/scripts/lib/cluster/pom.xml" part key
  key="$(cluster_lib_key)"
  for part in flink kafka tensorflow; do
    # re-assembled when what it is made from changed
    [ "$(cat "$CLUSTER_LIB/$part/.complete" 2>/dev/null)" = "$key" ] && continue
    # Only a folder of ours (stale: it has .complete) or an empty one is replaced: MARQUEE_CLUSTER_LIB may be anywhere.
    if [ -d "$CLUSTER_LIB/$part" ] && [ ! -f "$CLUSTER_LIB/$part/.complete" ] && [ -n "$(ls -A "$CLUSTER_LIB/$part")" ]; then
      [ -f "$CLUSTER_LIB/$part.log" ] \
        || die "$CLUSTER_LIB/$part holds files scripts/cluster did not put there: choose another MARQUEE_CLUSTER_LIB" 2
    fi
    # stale jars are not deleted under a cluster that runs on them (another MARQUEE_CLUSTER_DIR sharing this lib/)
    # (the processes' command lines searched as plain text: no pgrep needed, no pattern made of the path)
    if [ -f "$CLUSTER_LIB/$part/.complete" ] && grep -qsF -- "$CLUSTER_LIB/$part/" /proc/[0-9]*/cmdline; then
      die "the $part jars in $CLUSTER_LIB are older than the poms, but a running cluster uses them: stop it first\
 (scripts/cluster down, with its MARQUEE_CLUSTER_DIR), or set MARQUEE_CLUSTER_LIB to another folder" 2
    fi
    say "assembling the $part jars into $CLUSTER_LIB/$part (once; downloads from Maven Central when missing) ..."
    rm -rf "$CLUSTER_LIB/$part"
    mkdir -p "$CLUSTER_LIB/$part"
    local status=0
    cluster_mvn -f "$pom" -P"$part" dependency:copy-dependencies -DincludeScope=runtime \
          -DoutputDirectory="$CLUSTER_LIB/$part" >"$CLUSTER_LIB/$part.log" 2>&1 || status=$?
    if [ "$status" != 0 ]; then
      [ "$status" != 130 ] || exit 130   # Ctrl-C: no failure to show; the next up assembles it again
      tail -n 20 "$CLUSTER_LIB/$part.log" >&2
      die "could not assemble the $part jars (log: $CLUSTER_LIB/$part.log)"
    fi
    printf '%s\n' "$key" >"$CLUSTER_LIB/$part/.complete"
  done
}

# Builds the shaded job jar (mvn -Pshaded) when any source or pom is newer than its copy (CLUSTER_JOB_JAR)
# (MARQUEE_CLUSTER_KEEP_JOB_JAR=1: use the jar there as it is).
cluster_ensure_job_jar() {
  [ -f "$CLUSTER_JOB_JAR" ] && [ "${MARQUEE_CLUSTER_KEEP_JOB_JAR:-0}" = 1 ] && return 0
  if [ -f "$CLUSTER_JOB_JAR" ] && [ -z "$(find "$MARQUEE_ROOT" -path "$MARQUEE_ROOT/.git" -prune -o \
        -path "$MARQUEE_ROOT/.marquee" -prune -o \
        \( -name '*.java' -path '*/src/main/*' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
        -newer "$CLUSTER_JOB_JAR" -print -quit)" ]; then
    return 0
  fi
  # the job's test-scope test-jars (infra, data, model) must be in the local repository for -Dmaven.test.skip
  ensure_built
  say "building the shaded job jar (mvn -Pshaded, ~1 min) ..."
  mkdir -p "$(dirname "$CLUSTER_JOB_JAR")"
  local log="$(dirname "$CLUSTER_JOB_JAR")/build.log"
  if command -v flock >/dev/null 2>&1; then   # not while ensure_built or a benchmark builds the same target/ folders
    build_lock
  fi
  # a shaded jar of an earlier version left in job/target must not be taken for this build's
  rm -f "$MARQUEE_ROOT"/job/target/marquee-job-*-shaded.jar
  local status=0
  (cd "$MARQUEE_ROOT" && cluster_mvn -Pshaded package -Dmaven.test.skip=true -pl job -am) >"$log" 2>&1 || status=$?
  if [ "$status" != 0 ]; then
    exec 7>&-
    [ "$status" != 130 ] || exit 130   # Ctrl-C: no build failure to show
    tail -n 30 "$log" >&2
    die "the job jar did not build (log: $log)"
  fi
  local built
  built=$(shopt -s nullglob; jars=("$MARQUEE_ROOT"/job/target/marquee-job-*-shaded.jar); printf '%s' "${jars[0]:-}")
  [ -n "$built" ] || { exec 7>&-; die "the build made no shaded jar in job/target (log: $log)"; }
  cp "$built" "$CLUSTER_JOB_JAR.tmp" && mv "$CLUSTER_JOB_JAR.tmp" "$CLUSTER_JOB_JAR"
  exec 7>&-   # held until the copy is in place: another build would rewrite job/target meanwhile
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# first_free_port START: START or the next free port above it.
first_free_port() {
  local p="$1"
  while ! port_free "$p"; do p=$((p + 1)); [ "$p" -lt $(($1 + 100)) ] || die "no free port in $1-$(($1 + 99))"; done
  printf '%s' "$p"
}

# Chooses the ports once per `up` (base ports from the environment, moved up past ports in use) and records them.
cluster_choose_ports() {
  KAFKA_PORT=$(first_free_port "${MARQUEE_CLUSTER_KAFKA_PORT:-19092}")
  KAFKA_CONTROLLER_PORT=$(first_free_port $((KAFKA_PORT + 1)))
  REST_PORT=$(first_free_port "${MARQUEE_CLUSTER_REST_PORT:-18081}")
  JM_RPC_PORT=$(first_free_port "${MARQUEE_CLUSTER_RPC_PORT:-16123}")
  PROMETHEUS_PORTS="${MARQUEE_CLUSTER_PROMETHEUS_PORTS:-}"
  mkdir -p "$CLUSTER_DIR/run"
  cat >"$CLUSTER_DIR/run/cluster.env" <<ENV
KAFKA_PORT=$KAFKA_PORT
KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT
REST_PORT=$REST_PORT
JM_RPC_PORT=$JM_RPC_PORT
PROMETHEUS_PORTS=$PROMETHEUS_PORTS
STARTED_TASKMANAGERS=$CLUSTER_TASKMANAGERS
ENV
  # The sizes `up` was started with: a TaskManager started later (start-taskmanager) must match the others.
  local v
  for v in MARQUEE_CLUSTER_SLOTS MARQUEE_CLUSTER_TM_MEMORY MARQUEE_CLUSTER_JM_MEMORY MARQUEE_CLUSTER_FLINK_OPTS; do
    printf '%s=%q\n' "$v" "${!v:-}" >>"$CLUSTER_DIR/run/cluster.env"
  done
  # and the jars it runs on: a later submit or start-taskmanager from a shell without MARQUEE_CLUSTER_LIB uses them too
  printf 'CLUSTER_LIB=%q\n' "$CLUSTER_LIB" >>"$CLUSTER_DIR/run/cluster.env"
}

cluster_load_ports() {
  [ -f "$CLUSTER_DIR/run/cluster.env" ] || return 1
  # shellcheck disable=SC1091
  source "$CLUSTER_DIR/run/cluster.env"
}

# The Flink settings this cluster needs whatever the base config says: loopback, its ports and directories, and
# memory that fits a small machine. Passed as dynamic properties (-D key=value) to every Flink process.
cluster_flink_dynamic() {
  local d=(
    jobmanager.rpc.address=127.0.0.1 "jobmanager.rpc.port=$JM_RPC_PORT" jobmanager.bind-host=127.0.0.1
    rest.address=127.0.0.1 rest.bind-address=127.0.0.1 "rest.port=$REST_PORT"
    taskmanager.host=127.0.0.1 taskmanager.bind-host=127.0.0.1
    "execution.checkpointing.dir=file://$CLUSTER_DIR/checkpoints"
    "execution.checkpointing.savepoint-dir=file://$CLUSTER_DIR/savepoints"
    "io.tmp.dirs=$CLUSTER_DIR/tmp" "blob.storage.directory=$CLUSTER_DIR/tmp" "web.tmpdir=$CLUSTER_DIR/tmp"
  )
  # sizes only when asked for: the base config's own sizing otherwise stands
  [ -z "${MARQUEE_CLUSTER_SLOTS:-}" ] || d+=("taskmanager.numberOfTaskSlots=$MARQUEE_CLUSTER_SLOTS")
  [ -z "${MARQUEE_CLUSTER_TM_MEMORY:-}" ] || d+=("taskmanager.memory.process.size=$MARQUEE_CLUSTER_TM_MEMORY")
  [ -z "${MARQUEE_CLUSTER_JM_MEMORY:-}" ] || d+=("jobmanager.memory.process.size=$MARQUEE_CLUSTER_JM_MEMORY")
  if [ -n "${PROMETHEUS_PORTS:-}" ]; then
    d+=(metrics.reporter.prom.factory.class=org.apache.flink.metrics.prometheus.PrometheusReporterFactory
        "metrics.reporter.prom.port=$PROMETHEUS_PORTS")
  fi
  local kv
  # anything else, e.g. MARQUEE_CLUSTER_FLINK_OPTS="heartbeat.timeout=10000 heartbeat.interval=2000"
  for kv in ${MARQUEE_CLUSTER_FLINK_OPTS:-}; do d+=("$kv"); done
  for kv in "${d[@]}"; do printf -- '-D\n%s\n' "$kv"; done
}

# Writes conf/ (from infra/flink/standalone/config.yaml when the project has one, else a minimal config) and
# conf-client/. The per-cluster settings above override either.
cluster_write_conf() {
  local conf="$CLUSTER_DIR/conf" client="$CLUSTER_DIR/conf-client"
  local base="$MARQUEE_ROOT/infra/flink/standalone/config.yaml"
  mkdir -p "$conf" "$client" "$CLUSTER_DIR/logs" "$CLUSTER_DIR/tmp" "$CLUSTER_DIR/checkpoints"
  if [ -f "$base" ]; then
    cp "$base" "$conf/config.yaml"
    CLUSTER_CONF_SOURCE="$base"
  else
    CLUSTER_CONF_SOURCE="generated (infra/flink/standalone/config.yaml does not exist)"
    cat >"$conf/config.yaml" <<YAML
# Generated by scripts/cluster: a minimal standalone session cluster on loopback. Addresses, ports,
# directories and memory are also passed to each process as -D dynamic properties.
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $JM_RPC_PORT
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: 1024m
jobmanager.execution.failover-strategy: region
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.numberOfTaskSlots: 1
taskmanager.memory.process.size: 1600m
# tensorflow-java from the TaskManagers' classpath, loaded once per JVM (decision 0013)
classloader.parent-first-patterns.additional: org.tensorflow.;org.bytedeco.;com.google.protobuf.
# TensorFlow allocates outside the JVM heap: reserve it as task off-heap memory; the hashmap backend needs
# no managed memory
taskmanager.memory.task.off-heap.size: 512m
taskmanager.memory.managed.size: 0m
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $REST_PORT
parallelism.default: 2
state.backend.type: hashmap
execution.checkpointing.dir: file://$CLUSTER_DIR/checkpoints
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 2147483647
restart-strategy.fixed-delay.delay: 2 s
io.tmp.dirs: $CLUSTER_DIR/tmp
env.java.opts.all: ${FLINK_JVM_OPENS[*]}
YAML
  fi
  cat >"$conf/log4j.properties" <<'PROPS'
monitorInterval = 30
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
logger.pekko.name = org.apache.pekko
logger.pekko.level = WARN
logger.shaded_zookeeper.name = org.apache.flink.shaded.zookeeper3
logger.shaded_zookeeper.level = WARN
appender.main.name = MainAppender
appender.main.type = RollingFile
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.filePattern = ${sys:log.file}.%i
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
appender.main.policies.type = Policies
appender.main.policies.size.type = SizeBasedTriggeringPolicy
appender.main.policies.size.size = 100MB
appender.main.strategy.type = DefaultRolloverStrategy
appender.main.strategy.max = 10
PROPS
  cat >"$client/config.yaml" <<YAML
rest.address: 127.0.0.1
rest.port: $REST_PORT
YAML
  # A job's default parallelism, its max parallelism and its checkpointing settings (timeout, pause, tolerated
  # failures, retention on cancel) are taken where it is submitted (the job graph carries the client's): the
  # cluster's config.yaml applies them to jobs submitted from here too; its directories are this cluster's (the -D
  # properties above), and its default parallelism every slot it has.
  grep -E '^(execution\.checkpointing\.[a-z.-]+|pipeline\.max-parallelism):' "$conf/config.yaml" \
    | grep -vE '^execution\.checkpointing\.(dir|savepoint-dir):' >>"$client/config.yaml" || true
  local kv slots
  slots="$(sed -n 's/^taskmanager\.numberOfTaskSlots:[[:space:]]*//p' "$conf/config.yaml" | head -1)"
  slots="${MARQUEE_CLUSTER_SLOTS:-$slots}"
  for kv in ${MARQUEE_CLUSTER_FLINK_OPTS:-}; do # the JVMs' overrides, last one winning, as Flink reads them
    case "$kv" in
      execution.checkpointing.dir=* | execution.checkpointing.savepoint-dir=*) ;;
      execution.checkpointing.*=* | pipeline.max-parallelism=*) echo "${kv%%=*}: ${kv#*=}" >>"$client/config.yaml" ;;
      taskmanager.numberOfTaskSlots=*) slots="${kv#*=}" ;;
    esac
  done
  slots="${slots%%#*}"; slots="${slots//[\"\'[:space:]]/}" # a YAML comment, quotes, a CR
  [[ "$slots" =~ ^[1-9][0-9]*$ ]] || slots=1 # Flink itself reports a bad slot count when the TaskManagers start
  echo "parallelism.default: $((CLUSTER_TASKMANAGERS * slots))" >>"$client/config.yaml"
  # Flink's CLI logs every program argument at INFO, masking only the arguments that are themselves sensitive keys:
  # a secret given as `--kafka.property.ssl.truststore.password VALUE` would be written in clear. WARN keeps it out.
  cat >"$client/log4j-cli.properties" <<'PROPS'
rootLogger.level = INFO
logger.cli.name = org.apache.flink.client.cli.CliFrontend
logger.cli.level = WARN
logger.env.name = org.apache.flink.runtime.util.EnvironmentInformation
logger.env.level = WARN
rootLogger.appenderRef.file.ref = FileAppender
appender.file.name = FileAppender
appender.file.type = File
appender.file.append = true
appender.file.fileName = ${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
PROPS
}

# pid_alive NAME: the process recorded as NAME runs and is ours (its command line names this cluster dir, in any
# spelling of it: scripts before session 29 passed the path as given, trailing slash or symbolic link included).
pid_alive() {
  local f="$CLUSTER_DIR/run/$1.pid" pid named
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  named=$({ tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null || true; } | sed -n 's/^-Dmarquee\.cluster=//p' | head -n 1)
  [ -n "$named" ] && [ "$(realpath -m -- "$named")" = "$CLUSTER_DIR" ]
}

pid_of() { cat "$CLUSTER_DIR/run/$1.pid" 2>/dev/null; }

# start_jvm NAME LOG ARGS...: starts a JVM in the background, detached from this shell, and records its pid.
start_jvm() {
  local name="$1" out="$2"
  shift 2
  nohup java -Dmarquee.cluster="$CLUSTER_DIR" "$@" >"$out" 2>&1 </dev/null 9>&- 6>&- 4>&- &
  echo $! >"$CLUSTER_DIR/run/$name.pid"
  disown $! 2>/dev/null || true
}

# stop_process NAME [SIGNAL]: TERM (or SIGNAL) the recorded process, KILL it after 30 s, forget it.
stop_process() {
  local name="$1" signal="${2:-TERM}" pid i
  if pid_alive "$name"; then
    pid=$(pid_of "$name")
    kill -s "$signal" "$pid" 2>/dev/null || true
    for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) did not stop within 30 s: killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$CLUSTER_DIR/run/$name.pid"
}

rest_get() { curl -sf --max-time 5 "http://127.0.0.1:$REST_PORT$1"; }

# jobs_of_overview: the JobManager's /jobs/overview (JSON, on stdin) as lines "<job id><TAB><name><TAB><state>".
jobs_of_overview() {
  { grep -o '"jid":"[^"]*"\|"name":"[^"]*"\|"state":"[^"]*"' || true; } | cut -d'"' -f4 | paste - - -
}

# live_jobs_named NAME: the ids of the jobs called NAME in /jobs/overview (stdin) that have not ended (finished,
# cancelled or failed for good; a job restarting has not).
live_jobs_named() {
  local name="$1" jid job state
  jobs_of_overview | while IFS=$'\t' read -r jid job state; do
    case "$state" in FINISHED|CANCELED|FAILED) continue ;; esac
    [ "$job" != "$name" ] || printf '%s\n' "$jid"
  done
}

# job_arg KEY ARGS...: the value the job jar will read for setting KEY from its arguments ARGS, as JobArguments
# parses them (-KEY VALUE, --KEY VALUE, -KEY=VALUE or --KEY=VALUE; the last one given wins); status 1 when not given.
job_arg() {
  local want="$1" found=1 value="" a key i
  shift
  local args=("$@")
  for ((i = 0; i < ${#args[@]}; i++)); do
    a="${args[$i]}"
    case "$a" in --*) key="${a#--}" ;; -?*) key="${a#-}" ;; *) continue ;; esac
    if [[ "$key" == *=* ]]; then
      [ "${key%%=*}" = "$want" ] && { value="${key#*=}"; found=0; }
    elif [ $((i + 1)) -lt ${#args[@]} ] && [[ "${args[$((i + 1))]}" != --* ]]; then
      [ "$key" = "$want" ] && { value="${args[$((i + 1))]}"; found=0; }
      i=$((i + 1))
    fi
  done
  [ "$found" = 0 ] && printf '%s\n' "$value"
  return "$found"
}

# second_job_check MODEL JOB_NAME LIVE_IDS ALLOW_SECOND ARGS...: stops submit when a job of the model already runs
# (LIVE_IDS not empty): without --allow-second-job (ALLOW_SECOND 1) always; with it, at exactly-once, unless ARGS
# give the new job a transactional-id prefix of its own: with the default one the two jobs' sinks share ids and
# abort each other's transactions (delivery.transactional-id-prefix, docs/CONFIGURATION.md).
second_job_check() {
  local model="$1" name="$2" live="$3" allow_second="$4"
  shift 4
  [ -n "$live" ] || return 0
  if [ "$allow_second" = 0 ]; then
    die "job $live ($name) already runs on this cluster: a second scoring job of model $model would \
score every request again and write every prediction twice, and the retraining trigger counts only the newer one's \
drift reports. Stop it first (scripts/cluster stop ${live%% *} takes a savepoint; submit --from-savepoint PATH starts \
from it), or give --allow-second-job for an overlap you mean (docs/RETRAINING.md, \"One scoring job per model\")" 2
  fi
  if [ "$(job_arg delivery.guarantee "$@" || true)" = exactly-once ] \
      && ! job_arg delivery.transactional-id-prefix "$@" >/dev/null; then
    die "job $live ($name) already runs on this cluster: a second exactly-once job of model $model needs a \
transactional-id prefix of its own (--delivery.transactional-id-prefix, and the WRITE grant on it where ACLs are on): \
with the model's default one both jobs' sinks use the same ids, and if the running job is exactly-once too each \
aborts the other's transactions" 2
  fi
}

# The number of TaskManagers the JobManager has registered (0 when it does not answer).
registered_taskmanagers() {
  rest_get /overview 2>/dev/null | sed -n 's/.*"taskmanagers":\([0-9]*\).*/\1/p' | grep . || echo 0
}

total_slots() {
  rest_get /overview 2>/dev/null | sed -n 's/.*"slots-total":\([0-9]*\).*/\1/p' | grep . || echo "?"
}
