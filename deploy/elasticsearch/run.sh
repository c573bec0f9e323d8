#!/usr/bin/env bash
# A local single-node Elasticsearch for development and CI: fetch | start | stop | status | wipe (stop, delete data).
#
# Fetches Elastic's integ-test distribution from Maven Central with `mvn dependency:copy` (cached), adds our
# small analysis plugin (analysis-plugin/: the language analyzers index_config/ uses), and runs it bound to
# 127.0.0.1 with a small heap, as the dedicated user `coi-es` when started as root (Elasticsearch refuses root).
# Settings (environment): COI_ES_VERSION, COI_ES_PORT, COI_ES_HEAP, COI_ES_CACHE, COI_ES_RUN_DIR, COI_ES_JAVA_HOME.
set -euo pipefail

VERSION=${COI_ES_VERSION:-9.5.4}
PORT=${COI_ES_PORT:-9200}
HEAP=${COI_ES_HEAP:-512m}
HERE=$(cd "$(dirname "$0")" && pwd)
ES_USER=coi-es
if [ "$(id -u)" = 0 ]; then
    CACHE=${COI_ES_CACHE:-/opt/coi-elasticsearch}
else
    CACHE=${COI_ES_CACHE:-$HOME/.cache/coi-elasticsearch}
fi
ES_HOME=$CACHE/elasticsearch-$VERSION
RUN_DIR=${COI_ES_RUN_DIR:-/var/tmp/coi-elasticsearch-$PORT}
URL=http://127.0.0.1:$PORT

say() { echo "elasticsearch: $*" >&2; }
die() { say "$*"; exit 1; }

java_home() {
    if [ -n "${COI_ES_JAVA_HOME:-}" ]; then echo "$COI_ES_JAVA_HOME"; return; fi
    # Elasticsearch 9 needs Java 21 or newer; the system Java is 17, so take the newest Temurin JDK.
    local jdk
    jdk=$(ls -d /usr/lib/jvm/temurin-*-jdk* 2>/dev/null | sort -V | tail -1)
    [ -n "$jdk" ] || die "no Temurin JDK in /usr/lib/jvm (Elasticsearch $VERSION needs Java 21+); set COI_ES_JAVA_HOME"
    echo "$jdk"
}

fetch() {
    [ -x "$ES_HOME/bin/elasticsearch" ] && [ -f "$ES_HOME/plugins/coi-analysis/plugin-descriptor.properties" ] \
        && [ "$(cat "$ES_HOME/plugins/coi-analysis/.source-sha" 2>/dev/null)" = "$(plugin_sha)" ] && return
    mkdir -p "$CACHE"
    local zip=$CACHE/elasticsearch-$VERSION.zip
    if [ ! -s "$zip" ]; then
        say "fetching org.elasticsearch.distribution.integ-test-zip:elasticsearch:$VERSION from Maven Central"
        command -v mvn >/dev/null || die "mvn not found: install Maven, or put elasticsearch-$VERSION.zip in $CACHE"
        mvn -q -B dependency:copy -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$VERSION:zip" \
            -DoutputDirectory="$CACHE" >&2 || die "mvn could not fetch Elasticsearch $VERSION (see above)"
    fi
    if [ ! -x "$ES_HOME/bin/elasticsearch" ]; then
        rm -rf "$ES_HOME.partial" && mkdir -p "$ES_HOME.partial"
        (cd "$ES_HOME.partial" && unzip -q "$zip")
        rm -rf "$ES_HOME" && mv "$ES_HOME.partial/elasticsearch-$VERSION" "$ES_HOME" && rm -rf "$ES_HOME.partial"
    fi
    build_plugin
    chmod -R a+rX "$CACHE"
}

plugin_sha() { cat "$HERE/analysis-plugin/plugin-descriptor.properties.in" "$HERE"/analysis-plugin/src/org/coi/analysis/*.java | sha256sum | cut -c1-64; }

build_plugin() {
    local jdk build target
    jdk=$(java_home)
    build=$(mktemp -d)
    target=$ES_HOME/plugins/coi-analysis
    say "building the coi-analysis plugin against Elasticsearch $VERSION"
    "$jdk/bin/javac" --release 21 -nowarn -cp "$ES_HOME/lib/*" -d "$build/classes" \
        "$HERE"/analysis-plugin/src/org/coi/analysis/*.java
    rm -rf "$target" && mkdir -p "$target"
    "$jdk/bin/jar" --create --file "$target/coi-analysis.jar" -C "$build/classes" .
    sed "s/@ES_VERSION@/$VERSION/" "$HERE/analysis-plugin/plugin-descriptor.properties.in" \
        > "$target/plugin-descriptor.properties"
    plugin_sha > "$target/.source-sha"
    rm -rf "$build"
}

as_es_user() {
    if [ "$(id -u)" = 0 ]; then
        id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
        chown -R "$ES_USER" "$RUN_DIR"
        runuser -u "$ES_USER" -- "$@"
    else
        "$@"
    fi
}

healthy() { curl -fsS "$URL/_cluster/health?wait_for_status=yellow&timeout=2s" >/dev/null 2>&1; }

start() {
    if healthy; then say "already running at $URL"; return; fi
    fetch
    # Data survives a stop and start; the configuration is written afresh each time.
    mkdir -p "$RUN_DIR"/{data,logs,tmp}
    rm -rf "$RUN_DIR/config" && cp -r "$ES_HOME/config" "$RUN_DIR/config"
    cat > "$RUN_DIR/config/elasticsearch.yml" <<YAML
cluster.name: coi-local
node.name: coi-local-1
network.host: 127.0.0.1
http.port: $PORT
transport.port: $((PORT + 100))
discovery.type: single-node
path.data: $RUN_DIR/data
path.logs: $RUN_DIR/logs
cluster.routing.allocation.disk.threshold_enabled: false
xpack.security.enabled: false
action.destructive_requires_name: false
YAML
    printf -- '-Xms%s\n-Xmx%s\n' "$HEAP" "$HEAP" > "$RUN_DIR/config/jvm.options.d/heap.options"
    say "starting Elasticsearch $VERSION at $URL (heap $HEAP, data in $RUN_DIR)"
    as_es_user env ES_JAVA_HOME="$(java_home)" ES_PATH_CONF="$RUN_DIR/config" ES_TMPDIR="$RUN_DIR/tmp" \
        "$ES_HOME/bin/elasticsearch" -d -p "$RUN_DIR/elasticsearch.pid" >"$RUN_DIR/console.log" 2>&1 \
        || { tail -n 40 "$RUN_DIR/console.log" >&2; die "could not start (log above)"; }
    for _ in $(seq 1 180); do
        if healthy; then say "healthy at $URL"; return; fi
        sleep 1
    done
    tail -n 40 "$RUN_DIR/logs/coi-local.log" >&2 || true
    die "not healthy after 180 s (log above)"
}

stop() {
    local pidfile=$RUN_DIR/elasticsearch.pid pid
    [ -f "$pidfile" ] || { say "not running (no $pidfile)"; return; }
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || { say "stopped"; rm -f "$pidfile"; return; }
        sleep 1
    done
    say "still running after 60 s: killing"
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
}

wipe() {
    stop
    rm -rf "$RUN_DIR"
    say "removed $RUN_DIR"
}

case "${1:-}" in
    fetch) fetch ;;
    start) start ;;
    stop) stop ;;
    wipe) wipe ;;
    status) if healthy; then curl -fsS "$URL/_cluster/health?pretty"; else say "not running at $URL"; exit 1; fi ;;
    *) echo "usage: $0 fetch|start|stop|status|wipe" >&2; exit 2 ;;
esac
