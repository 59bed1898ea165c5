#!/usr/bin/env bash
# The lab's three scenarios against the same docker commands as a plain
# script, in one run, alternating, images present (run after `make test`'s
# engine and images steps, as root). Prints one line per run and the medians.
#   bench/scenarios_vs_plain.sh [ROUNDS]     (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_NOCOLOR=1
rounds="${1:-3}"
declare -A times

timed() {
    local name="$1" start end
    shift
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    local took
    took=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
    times[$name]+="$took "
    printf '%-10s %6.2f s\n' "$name" "$took"
}

median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for _ in $(seq "$rounds"); do
    ansible-playbook playbooks/reset.yml >/dev/null
    timed converge ansible-playbook lab.yml --tags users,nginx,network
    timed rerun ansible-playbook lab.yml --tags users,nginx,network
    timed verify ansible-playbook playbooks/verify.yml -e lab_report_dir=/tmp/microlab-bench-report
    timed plain bench/chapter_plain.sh
done
plain=$(median "${times[plain]}")
for name in plain converge rerun verify; do
    m=$(median "${times[$name]}")
    printf 'median %-9s %6.2f s  %5.2fx plain\n' "$name" "$m" "$(awk -v a="$m" -v b="$plain" 'BEGIN {print a / b}')"
done
