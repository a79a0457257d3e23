#!/usr/bin/env bash
# Requests per second of `feedmill serve` under wrk, on 127.0.0.1 only: a cached feed
# (200 OK with the whole body: plain, gzip and brotli) and the 304 path (If-None-Match
# with the feed's ETag), for a generated 200-article feed and for the bundled demo.
# See BENCHMARKS.md.
#
#   bash benches/serve_wrk.sh                 # builds the release binary first
#   NO_BUILD=1 DURATION=5s bash benches/serve_wrk.sh
#
# Settings (environment): THREADS=2, CONNECTIONS=64, DURATION=10s, ARTICLES=200.
# Needs wrk and curl (apt-get install wrk curl). It reports; it never fails on a figure.
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-10s}"
ARTICLES="${ARTICLES:-200}"

for tool in wrk curl; do
    command -v "$tool" >/dev/null || { echo "serve_wrk: $tool is not installed (apt-get install $tool)" >&2; exit 1; }
done
if [ "${NO_BUILD:-0}" != 1 ]; then
    cargo build --release --bin feedmill
fi
bin="${CARGO_TARGET_DIR:-target}/release/feedmill"
[ -x "$bin" ] || { echo "serve_wrk: $bin is missing (cargo build --release)" >&2; exit 1; }

work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# A synthetic RSS source of $ARTICLES items, about 1 kB each, two tags per item.
mkdir -p "$work/feeds"
{
    printf '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Bench wire</title><link>https://bench.example.net/</link><description>Generated</description>\n'
    for i in $(seq 1 "$ARTICLES"); do
        day=$(( (i % 28) + 1 ))
        printf '<item><title>Generated story number %d about the harbour, the market and the council</title>' "$i"
        printf '<link>https://bench.example.net/2026/11/%02d/story-%d</link><guid>https://bench.example.net/story-%d</guid>' "$day" "$i" "$i"
        printf '<pubDate>%s, %02d Nov 2026 %02d:%02d:00 +0000</pubDate>' "Mon" "$day" $(( i % 24 )) $(( i % 60 ))
        printf '<category>Topic %d</category><category>Region %d</category>' $(( i % 7 )) $(( i % 5 ))
        printf '<description>&lt;p&gt;Paragraph one of story %d: the council met on the harbour front and the market traders asked for a new schedule, longer hours and a covered hall before the winter.&lt;/p&gt;&lt;p&gt;Paragraph two: the answer is due next week, after a vote that the chair expects to be close; the traders said they would wait for it.&lt;/p&gt;&lt;p&gt;Paragraph three repeats the point at some length so that each item weighs about one kilobyte, as a real one does.&lt;/p&gt;</description></item>\n' "$i"
    done
    printf '</channel></rss>\n'
} > "$work/feeds/wire.xml"
cat > "$work/feeds/bench.toml" <<EOF
[feed]
title = "Bench"
link = "https://bench.example.org/"
limit = $ARTICLES

[[source]]
name = "wire"
file = "wire.xml"
EOF
cp feeds/world.toml "$work/feeds/world.toml"
cp -r feeds/samples "$work/feeds/samples"

"$bin" serve "$work/feeds" --listen 127.0.0.1:0 --state "$work/state.sqlite" --refresh 1h \
    2> "$work/server.log" &
server=$!
address=""
for _ in $(seq 1 100); do
    address="$(sed -n 's|.*serving on http://\([^/]*\)/.*|\1|p' "$work/server.log" | head -n 1)"
    if [ -n "$address" ] && curl -fsS "http://$address/healthz" >/dev/null 2>&1; then break; fi
    address=""
    sleep 0.1
done
[ -n "$address" ] || { echo "serve_wrk: the server did not come up:" >&2; cat "$work/server.log" >&2; exit 1; }

echo "serve_wrk: $(nproc) CPUs, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, server $bin on $address"
run() { # label url [header]
    local label="$1" url="$2" header="${3:-}"
    local out
    if [ -n "$header" ]; then
        out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$header" "$url")"
    else
        out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url")"
    fi
    local rps p50 p99 errors
    rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    errors="$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)"
    printf '%-28s %10s req/s   p50 %-8s p99 %-8s %s\n' "$label" "$rps" "$p50" "$p99" "$errors"
}
for feed in bench world; do
    url="http://$address/feeds/$feed.atom"
    size="$(curl -fsS "$url" | wc -c)"
    etag="$(curl -fsSI "$url" | tr -d '\r' | awk 'tolower($1) == "etag:" {print $2}')"
    status="$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url")"
    [ "$status" = 304 ] || { echo "serve_wrk: $url with If-None-Match answered $status, not 304" >&2; exit 1; }
    echo "$feed.atom: $size bytes, ETag $etag"
    run "$feed.atom 200 (cached)" "$url"
    run "$feed.atom 304" "$url" "If-None-Match: $etag"
    gz_size="$(curl -fsS -H 'Accept-Encoding: gzip' "$url" | wc -c)"
    br_size="$(curl -fsS -H 'Accept-Encoding: br' "$url" | wc -c)"
    echo "$feed.atom compressed: gzip $gz_size bytes, brotli $br_size bytes"
    run "$feed.atom 200 gzip" "$url" "Accept-Encoding: gzip"
    run "$feed.atom 200 br" "$url" "Accept-Encoding: gzip, deflate, br"
done
