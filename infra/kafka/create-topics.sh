#!/usr/bin/env bash
# Creates marquee's topics on a Kafka cluster without Strimzi, with the same settings as
# infra/k8s/kafka-topics.yaml (names: dev.marquee.infra.Topics). Existing topics are left as they are
# (--if-not-exists); compare with kafka-topics.sh --describe.
#
# usage: BOOTSTRAP=broker:9092 [KAFKA_HOME=/opt/kafka | KAFKA_TOPICS=/path/to/kafka-topics] [REPLICATION=3] [COMMAND_CONFIG=client.properties]
#        [DATA_PARTITIONS=12] [TOPIC_<NAME>=other-name ...] infra/kafka/create-topics.sh
# REPLICATION=1 (and min.insync.replicas 1) for a single-broker test cluster. DATA_PARTITIONS: the partitions of the
# four data topics (rating-requests, predictions, ratings, labeled-predictions; 12 below), for the largest
# parallelism you expect (docs/OPERATIONS.md, partitions and parallelism). TOPIC_<NAME> creates a topic under another
# name, as a deployment's topic.* settings name it: NAME is the default name in capitals with _ for -, e.g.
# TOPIC_RATING_REQUESTS=rating-requests-b TOPIC_RATING_REQUESTS_DLQ=rating-requests-dlq-b. The local demo broker
# (scripts/marquee kafka) creates its own topics; this script is for real clusters.
set -euo pipefail
: "${BOOTSTRAP:?set BOOTSTRAP to the bootstrap servers, e.g. BOOTSTRAP=broker:9092}"
# Apache Kafka's tarball names the tool kafka-topics.sh; Confluent's packages and Homebrew name it kafka-topics.
# KAFKA_TOPICS names it outright; else KAFKA_HOME/bin, else PATH, is searched for either name.
if [ -z "${KAFKA_TOPICS:-}" ]; then
  for candidate in "${KAFKA_HOME:+$KAFKA_HOME/bin/}kafka-topics.sh" "${KAFKA_HOME:+$KAFKA_HOME/bin/}kafka-topics"; do
    if command -v "$candidate" >/dev/null 2>&1; then KAFKA_TOPICS="$candidate"; break; fi
  done
  where="on PATH"; [ -z "${KAFKA_HOME:-}" ] || where="in $KAFKA_HOME/bin"
  [ -n "${KAFKA_TOPICS:-}" ] || { echo "no kafka-topics.sh or kafka-topics $where: set KAFKA_HOME to Kafka's folder or KAFKA_TOPICS to the tool" >&2; exit 2; }
fi
REPLICATION="${REPLICATION:-3}"
# One broker may be lost without losing acknowledged writes; with fewer than 3 replicas, 1.
if [ "$REPLICATION" -ge 3 ]; then MIN_ISR=2; else MIN_ISR=1; fi
extra=()
[ -n "${COMMAND_CONFIG:-}" ] && extra=(--command-config "$COMMAND_CONFIG")

DATA_PARTITIONS="${DATA_PARTITIONS:-12}"
[[ "$DATA_PARTITIONS" =~ ^[1-9][0-9]*$ ]] || { echo "DATA_PARTITIONS must be a whole number of 1 or more, got '$DATA_PARTITIONS'" >&2; exit 2; }

# create NAME PARTITIONS CONFIG...: NAME and PARTITIONS are the defaults; TOPIC_<NAME> renames, and DATA_PARTITIONS
# replaces the data topics' 12
create() {
  local var
  var="TOPIC_$(printf '%s' "$1" | tr 'a-z-' 'A-Z_')"   # not ${var^^}: macOS's bash 3.2 has no case change
  local name="${!var:-$1}" partitions="$2"; shift 2
  [ "$partitions" = 12 ] && partitions="$DATA_PARTITIONS"
  local configs=(--config "min.insync.replicas=$MIN_ISR")
  for c in "$@"; do configs+=(--config "$c"); done
  "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" ${extra[@]+"${extra[@]}"} --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor "$REPLICATION" "${configs[@]}"
}

# input: one record per request (or TF-Serving envelope). 12 partitions = the scoring job's parallelism, and the same for ratings: keep them equal (fewer cap the parallelism; with labels on, more let event time run ahead and labels expire unmatched: docs/OPERATIONS.md, partitions and parallelism).
create rating-requests 12 retention.ms=604800000
# output, keyed by request_id.
create predictions 12 retention.ms=604800000
# refused input with the reason; kept 30 days to investigate and replay. One bad envelope of 10,000 instances is 10,000
# dead letters (~2.6 MB): size the disks for a broken producer (docs/OPERATIONS.md, Sizing).
create rating-requests-dlq 3 retention.ms=2592000000
# one report per window; the retraining trigger reads it with parallelism 1.
create drift-metrics 1 retention.ms=2592000000
# new model versions. Compacted: the latest record per key (the model name) is kept for ever. A compacted topic refuses records without a key, so publishers must key by model name.
# model-updates keeps 1 partition, which is enough: every update is written to partition 0 (in the order announced),
# so partitions added later stay empty
create model-updates 1 cleanup.policy=compact min.compaction.lag.ms=3600000
# true ratings (labels); 30 days for the online evaluation and retraining.
create ratings 12 retention.ms=2592000000
# one record per scoring slot per model load or refusal. Keep 1 partition: the trainer's promoter assigns the partitions
# it finds when it starts, so a partition added while it runs is read only after its restart (a shadow a slot dropped,
# reported there, would then wait for its expiry instead of being retired at once).
create model-status 1 retention.ms=604800000
# written by the retraining trigger, read by the trainer worker. Keep 1 partition: the upgrade steps in
# docs/OPERATIONS.md move a consumer group by one offset.
create retrain-requests 1 retention.ms=2592000000
# the trainer worker's result for each retrain request (published, or refused by the gate, and why).
create retrain-outcomes 1 retention.ms=2592000000
# each label matched with its prediction (and the shadow version's rating); the trainer's promoter reads it. Partitions
# added later are read by the promoter only after the trainer's restart: restart it after adding some.
create labeled-predictions 12 retention.ms=604800000
