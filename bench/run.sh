#!/bin/sh
# make bench: every benchmark of the project, each figure printed next to its
# ceiling measured in the same run on the same machine, because on a shared
# 2-core machine an absolute figure says more about the neighbours than about
# the code (BENCHMARKS.md gives the method and the recorded figures).
#
# Needs only Go and a POSIX shell. wrk is used when it is on PATH (or can be
# installed with apt-get when running as root); otherwise bench/loadgen, a Go
# load generator, drives both servers, so the ratio still compares like with
# like. Environment:
#   BENCH_ROUNDS     rounds of the v2 comparison (10); each measures both
#                    servers back to back, in the order bare-mock, mock-bare,
#                    bare-mock, ..., so a drifting load favours neither; the
#                    figure is the median of the rounds' ratios, printed with
#                    their spread and the load average of each round
#   BENCH_SECONDS    seconds of load per round and server (2: short rounds
#                    keep the two servers of a round under the same load)
#   BENCH_CONNS      connections of the v2 comparison (32)
#   BENCH_JOB_TIMES  v1 jobs per case, each next to its own ceiling read (3)
#   BENCH_NO_APT=1   never try apt-get for wrk
#   BENCH_PARALLEL_FILTER  --label-filter of the parallel-run step (all rows)
#   BENCH_STEPS      which steps to run (1 2 3 4 5); step 3 uses step 2's figure
#   BENCH_BOUND_WORKERS  scenarios at once in the one process of the run near
#                    its bound, step 5 (8, a live target's default)
#   BENCH_BOUND_PROCS  run step 5 as this many processes (--procs) instead
#   BENCH_MOCK_BIN   a conformance binary to measure instead of this tree's
#                    (e.g. an older build, for a before/after in one run)
set -eu

cd "$(dirname "$0")/.."
GO=${GO:-go}
ROUNDS=${BENCH_ROUNDS:-10}
SECONDS_PER=${BENCH_SECONDS:-2}
CONNS=${BENCH_CONNS:-32}
JOB_TIMES=${BENCH_JOB_TIMES:-3}
STEPS=" ${BENCH_STEPS:-1 2 3 4 5} "

tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

start_bg() { # start_bg LOGFILE CMD...: run CMD in the background, remember its pid
	log=$1
	shift
	"$@" >"$log" 2>&1 &
	pids="$pids $!"
}

stop_bg() { # stop the background processes started so far
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	pids=""
}

median() { # median of the numbers on stdin
	sort -g | awk '{v[NR]=$1} END {if (NR==0) {print 0; exit}; if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'
}

began=$(date +%s)
echo "== make bench: each figure next to its ceiling, measured in this run"
echo "machine: $(nproc 2>/dev/null || echo '?') CPU ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || uname -m)), $(uname -sm), $($GO version | awk '{print $3}'), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo

echo "-- building"
if [ -n "${BENCH_MOCK_BIN:-}" ]; then
	cp "$BENCH_MOCK_BIN" "$tmp/conformance"
	echo "   measuring the mock of $BENCH_MOCK_BIN"
else
	$GO build -o "$tmp/conformance" ./cmd/conformance
fi
$GO build -o "$tmp/bare" ./bench/bare
$GO build -o "$tmp/loadgen" ./bench/loadgen
$GO build -o "$tmp/bound" ./bench/bound
echo

# free_port N: the first port from N up that nothing answers on, so a second
# make bench on the same machine (other engineers share it) gets its own
# servers rather than measuring someone else's.
free_port() {
	p=$1
	while "$tmp/loadgen" -wait 200ms "http://127.0.0.1:$p/" 2>/dev/null; do p=$((p + 1)); done
	echo "$p"
}

# serve NAME PORT CMD...: start a server in the background and wait until it
# answers; fail if it died (its port taken after all) rather than measure
# whatever else listens there.
serve() {
	name=$1
	port=$2
	shift 2
	start_bg "$tmp/$name.log" "$@"
	pid=${pids##* }
	if ! "$tmp/loadgen" -wait 20s "http://127.0.0.1:$port/" || ! kill -0 "$pid" 2>/dev/null; then
		echo "   $name did not start on port $port:"
		cat "$tmp/$name.log"
		exit 1
	fi
}

step() { case "$STEPS" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
bare_med=0

# ---------------------------------------------------------------------------
if step 1; then
echo "-- 1. EPM v1 job over a 1,000,000-row CSV (whole HTTP flow) vs encoding/csv reading the same file"
$GO test -run '^$' -bench '^BenchmarkV1Job1M$' -benchtime "${JOB_TIMES}x" -timeout 20m ./internal/mock/epm/ >"$tmp/v1.txt" 2>&1 || {
	cat "$tmp/v1.txt"
	exit 1
}
awk '
/^BenchmarkV1Job1M\// {
	name = $1; sub(/^BenchmarkV1Job1M\//, "", name); sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) m[$(i+1)] = $i
	printf "   %-12s %11.0f rows/s   ceiling %11.0f rows/s   ratio %.3f   peak heap %.1f MiB   garbage %.0f MiB/job\n", name, m["rows/s"], m["ceiling-rows/s"], m["ratio"], m["peak-heap-MiB"], m["alloc-MiB/op"]
	printf "   %-12s in ceilings: upload %.2f + job %.2f + answer %.2f\n", "", m["upload-ceilings"], m["job-ceilings"], m["answer-ceilings"]
}' "$tmp/v1.txt"
echo "   (rows/s of upload + job + polling + reading the answer; ceiling: encoding/csv, 64 KiB buffer, reused record, same file, read in the same iteration;"
echo "    each phase in ceilings, medians: the job from its submission to the poll that found it done, the answer that poll read in full)"
echo
fi

# ---------------------------------------------------------------------------
if step 2; then
echo "-- 2. EPM v2 one-user update: the mock vs a bare net/http handler (bench/bare), $CONNS connections"
if ! command -v wrk >/dev/null 2>&1 && [ "${BENCH_NO_APT:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "   wrk not found; installing it with apt-get"
	(apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null 2>&1; }) || true
fi
body='{"users":[{"userlogin":"jdoe","firstname":"Jane","lastname":"Doe","email":"jane.doe@example.com"}]}'
printf '%s' "$body" >"$tmp/body.json"
if command -v wrk >/dev/null 2>&1; then
	gen="wrk -t2 -c$CONNS"
	load() { # load URL: requests/s answered 2xx, or 0; the count of requests in $tmp/requests
		wrk -t2 -c"$CONNS" -d"${SECONDS_PER}s" -s bench/epm2-update.lua "$1" >"$tmp/load.txt" 2>&1 || true
		awk '/ requests in / {print $1+0}' "$tmp/load.txt" >"$tmp/requests"
		awk '/^Requests\/sec:/ {r=$2} /^non-2xx or errors:/ {e=$4} END {if (e > 0) r = 0; print r+0}' "$tmp/load.txt"
	}
else
	gen="bench/loadgen -c $CONNS (wrk not available)"
	load() {
		"$tmp/loadgen" -c "$CONNS" -d "${SECONDS_PER}s" -method PUT -body-file "$tmp/body.json" \
			-header 'Content-Type: application/json' -user admin:Welcome1 "$1" >"$tmp/load.txt" 2>&1 || true
		awk '/ requests in / {print $1+0}' "$tmp/load.txt" >"$tmp/requests"
		awk '/^Requests\/sec:/ {r=$2} /^non-2xx or errors:/ {e=$4} END {if (e > 0) r = 0; print r+0}' "$tmp/load.txt"
	}
fi
echo "   load generator: $gen, ${SECONDS_PER}s per server and round, $ROUNDS rounds, order alternating"
MOCK_PORT=$(free_port 18090)
serve mock "$MOCK_PORT" "$tmp/conformance" mock --addr 127.0.0.1:"$MOCK_PORT" --log-format json
mock_pid=${pids##* }
BARE_PORT=$(free_port $((MOCK_PORT + 1)))
serve bare "$BARE_PORT" "$tmp/bare" -addr 127.0.0.1:"$BARE_PORT"
bare_pid=${pids##* }
# cpu_ticks PID: user + system CPU time the process has used, in clock ticks.
cpu_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# measure NAME URL PID: one load; prints requests/s, and appends the server's
# CPU time per request (µs) to $tmp/NAME.cpu. Requests/s depend on what the
# neighbours leave of the 2 cores; CPU time per request much less so.
measure() {
	t0=$(cpu_ticks "$3")
	rps=$(load "$2")
	t1=$(cpu_ticks "$3")
	awk -v a="$t0" -v b="$t1" -v n="$(cat "$tmp/requests")" -v hz="$(getconf CLK_TCK 2>/dev/null || echo 100)" \
		'BEGIN {print (n > 0 ? (b - a) / hz / n * 1e6 : 0)}' >>"$tmp/$1.cpu"
	echo "$rps"
}
mock_url=http://127.0.0.1:$MOCK_PORT/interop/rest/security/v2/users/update
bare_url=http://127.0.0.1:$BARE_PORT/interop/rest/security/v2/users/update
# Warm both up (connections, heap) before anything counts.
SECONDS_SAVED=$SECONDS_PER
SECONDS_PER=1
load "$mock_url" >/dev/null
load "$bare_url" >/dev/null
SECONDS_PER=$SECONDS_SAVED
: >"$tmp/mock.rps"
: >"$tmp/bare.rps"
: >"$tmp/ratio"
: >"$tmp/mock.cpu"
: >"$tmp/bare.cpu"
: >"$tmp/cpuratio"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	if [ $((r % 2)) = 1 ]; then
		b=$(measure bare "$bare_url" "$bare_pid")
		m=$(measure mock "$mock_url" "$mock_pid")
	else
		m=$(measure mock "$mock_url" "$mock_pid")
		b=$(measure bare "$bare_url" "$bare_pid")
	fi
	echo "$b" >>"$tmp/bare.rps"
	echo "$m" >>"$tmp/mock.rps"
	mc=$(tail -n 1 "$tmp/mock.cpu")
	bc=$(tail -n 1 "$tmp/bare.cpu")
	awk -v m="$m" -v b="$b" 'BEGIN {print (b > 0 ? m / b : 0)}' >>"$tmp/ratio"
	awk -v m="$mc" -v b="$bc" 'BEGIN {print (m > 0 ? b / m : 0)}' >>"$tmp/cpuratio"
	awk -v r="$r" -v m="$m" -v b="$b" -v mc="$mc" -v bc="$bc" -v l="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')" \
		'BEGIN {printf "   round %2d: mock %7.0f req/s %5.1f µs CPU/req   bare %7.0f req/s %5.1f µs CPU/req   ratio %.3f   CPU ratio %.3f   load average %s\n", r, m, mc, b, bc, (b > 0 ? m / b : 0), (mc > 0 ? bc / mc : 0), l}'
	r=$((r + 1))
done
stop_bg
mock_med=$(median <"$tmp/mock.rps")
bare_med=$(median <"$tmp/bare.rps")
ratio_med=$(median <"$tmp/ratio")
awk -v m="$mock_med" -v b="$bare_med" -v q="$ratio_med" 'BEGIN {printf "   median: mock %9.0f req/s   ceiling (bare) %9.0f req/s   ratio %.3f (median of the rounds'"'"' ratios)\n", m, b, q}'
# The spread says how far the median can be trusted: the rounds' lowest,
# quartiles and highest ratio.
spread() { sort -g | awk '{v[NR]=$1} END {if (NR) printf "lowest %.3f, quartiles %.3f to %.3f, highest %.3f", v[1], v[int((NR+3)/4)], v[int((3*NR+3)/4)], v[NR]}'; }
echo "   spread of the rounds' ratios: $(spread <"$tmp/ratio")"
# The servers' own CPU time per request: what each costs, whatever share of
# the cores the neighbours leave (bare µs / mock µs; 1 would be no cost
# beyond net/http).
awk -v m="$(median <"$tmp/mock.cpu")" -v b="$(median <"$tmp/bare.cpu")" -v q="$(median <"$tmp/cpuratio")" \
	'BEGIN {printf "   CPU per request, median: mock %.1f µs   bare %.1f µs   CPU ratio %.3f (median of the rounds'"'"'; spread: ", m, b, q}'
echo "$(spread <"$tmp/cpuratio"))"
echo "   (the mock checks Basic auth, routes, decodes and applies the batch and logs each request as JSON, to a file in the temporary directory here)"
echo
fi

# ---------------------------------------------------------------------------
if step 3; then
echo "-- 3. Per-call costs (go test -bench, every other benchmark of the module)"
$GO test -run '^$' -bench . -skip '^BenchmarkV1Job1M$' -benchmem ./... >"$tmp/micro.txt" 2>&1 || {
	cat "$tmp/micro.txt"
	exit 1
}
# A whole run against the embedded mock: the reference of the once-per-run
# cost (BenchmarkLoad).
t0=$(date +%s.%N)
"$tmp/conformance" run --report-dir "$tmp/run-reports" >"$tmp/run.log" 2>&1 || echo "   (the run exited with $?; see its report)"
t1=$(date +%s.%N)
run_ns=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", (b - a) * 1e9}')
awk -v bare="$bare_med" -v run="$run_ns" '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	ns[name] = $3; line[name] = $0; order[++n] = name
	for (i = 4; i < NF; i++) if ($(i+1) == "B/op") bop[name] = $i; else if ($(i+1) == "allocs/op") aop[name] = $i
}
END {
	exchange = (bare > 0) ? 1e9 / bare : 0  # ns of machine time per bare HTTP exchange under load
	for (k = 1; k <= n; k++) {
		name = order[k]
		printf "   %-44s %12.0f ns/op %10s B/op %8s allocs/op", name, ns[name], bop[name], aop[name]
		if (name ~ /BenchmarkValidEmail\/hand-written/ && ns["BenchmarkValidEmail/regexp"] > 0)
			printf "   vs the regexp it replaced: ratio %.3f", ns[name] / ns["BenchmarkValidEmail/regexp"]
		else if (name ~ /BenchmarkValidEmail\/regexp/)
			printf "   (reference)"
		else if (name ~ /ValidateV2Response/ && exchange > 0)
			printf "   = %.2f bare HTTP exchanges (1/bare req/s = %.0f ns)", ns[name] / exchange, exchange
		else if (name ~ /BenchmarkV2OneUser\/mock/ && ns["BenchmarkV2OneUser/bare"] > 0)
			printf "   %.0f ns beyond the bare handler in one process (ratio %.3f)", ns[name] - ns["BenchmarkV2OneUser/bare"], ns["BenchmarkV2OneUser/bare"] / ns[name]
		else if (name ~ /BenchmarkV2OneUser\/bare/)
			printf "   (reference: what bench/bare does)"
		else if (name ~ /BenchmarkUpdateUsersV2Batch1000/ && exchange > 0)
			printf "   = %.1f bare HTTP exchanges for 1,000 users", ns[name] / exchange
		else if (name ~ /BenchmarkLoad$/ && run > 0)
			printf "   once per run: %.4f of a whole run against the embedded mock (%.1f s)", ns[name] / run, run / 1e9
		printf "\n"
	}
}' "$tmp/micro.txt"
echo
fi

# ---------------------------------------------------------------------------
if step 4; then
echo "-- 4. Parallel run: 4 processes vs 1 process against the mock at 200 ms latency"
run_help=$("$tmp/conformance" run -h 2>&1 || true)
mock_help=$("$tmp/conformance" mock -h 2>&1 || true)
if ! printf '%s\n' "$run_help" | grep -Eq -- '(^|[[:space:]])--?procs([[:space:]=]|$)'; then
	echo "   skipped: conformance run --procs not available yet"
elif ! printf '%s\n' "$mock_help" | grep -Eq -- '(^|[[:space:]])--?latency([[:space:]=]|$)'; then
	echo "   skipped: conformance mock --latency not available yet"
else
	PAR_PORT=$(free_port 18100)
	serve par-mock "$PAR_PORT" "$tmp/conformance" mock --addr 127.0.0.1:"$PAR_PORT" --latency 200ms --log-format json
	for procs in 1 4; do
		set -- run --config fixtures/targets/mock.yaml --target http://127.0.0.1:$PAR_PORT \
			--allow-mutations --rate 0 --procs "$procs" --report-dir "$tmp/reports-$procs"
		if [ -n "${BENCH_PARALLEL_FILTER:-}" ]; then set -- "$@" --label-filter "$BENCH_PARALLEL_FILTER"; fi
		# The whole suite is about 1,100 exchanges: at 200 ms each, a single
		# process needs 4 minutes or more. Each run is capped so that make
		# bench stays under 10 minutes; a capped run says so.
		cap=330
		[ "$procs" = 1 ] || cap=150
		t0=$(date +%s.%N)
		rc=0
		if command -v timeout >/dev/null 2>&1; then
			timeout "$cap" "$tmp/conformance" "$@" >"$tmp/par-$procs.log" 2>&1 || rc=$?
		else
			"$tmp/conformance" "$@" >"$tmp/par-$procs.log" 2>&1 || rc=$?
		fi
		t1=$(date +%s.%N)
		if [ "$rc" = 124 ]; then
			echo "   --procs $procs: stopped after $cap s; select fewer rows with BENCH_PARALLEL_FILTER"
		fi
		awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >"$tmp/par-$procs.s"
		echo "   --procs $procs: $(cat "$tmp/par-$procs.s") s (exit code $rc)"
	done
	stop_bg
	awk -v one="$(cat "$tmp/par-1.s")" -v four="$(cat "$tmp/par-4.s")" 'BEGIN {s = (four > 0 ? one / four : 0); printf "   speedup %.2fx; ceiling 4x (four processes, latency-bound): ratio %.3f\n", s, s / 4}'
	# Same outcomes, scenario for scenario; observations (the values rows
	# record) may differ where shards use their own users (shard_vars).
	for procs in 1 4; do
		awk -F'"' '/^    {$/ {id=""} /^      "id": / {id=$4} /^      "outcome": / {print id, $4}' \
			"$tmp/reports-$procs/report.json" | sort >"$tmp/outcomes-$procs.txt"
	done
	if cmp -s "$tmp/outcomes-1.txt" "$tmp/outcomes-4.txt" && [ -s "$tmp/outcomes-1.txt" ]; then
		echo "   outcomes: identical for all $(wc -l <"$tmp/outcomes-1.txt") scenarios"
	else
		echo "   outcomes differ between 1 and 4 processes:"
		diff "$tmp/outcomes-1.txt" "$tmp/outcomes-4.txt" | head -20 | sed 's/^/     /'
	fi
fi
echo
fi

if step 5; then
echo "-- 5. A live run near its bound: the mock at 200 ms latency, R = 20 requests per second per product"
# The bound: no run is faster than the busiest product's requests ÷ R plus
# its longest chain of dependent requests (bench/bound reads report.json).
# One process runs BENCH_BOUND_WORKERS scenarios at once (--workers), all
# sharing each product's rate; with BENCH_BOUND_PROCS, that many processes
# share it through their parent (--procs) instead.
B_PORT=$(free_port 18200)
serve bound-mock "$B_PORT" "$tmp/conformance" mock --addr 127.0.0.1:"$B_PORT" --latency 200ms --log-format json
if [ -n "${BENCH_BOUND_PROCS:-}" ]; then
	B_HOW="--procs $BENCH_BOUND_PROCS"
else
	B_HOW="--workers ${BENCH_BOUND_WORKERS:-8}"
fi
t0=$(date +%s.%N)
rc=0
# shellcheck disable=SC2086 # B_HOW is a flag and its value
"$tmp/conformance" run --config fixtures/targets/mock.yaml --target http://127.0.0.1:$B_PORT \
	--allow-mutations --rate 20 $B_HOW --report-dir "$tmp/reports-bound" >"$tmp/bound.log" 2>&1 || rc=$?
t1=$(date +%s.%N)
stop_bg
wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')
echo "   $B_HOW --rate 20: $wall s (exit code $rc), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
"$tmp/bound" -rate 20 -latency 200ms -wall "$wall" "$tmp/reports-bound/report.json"
echo
fi

echo "== done in $(($(date +%s) - began)) s"
