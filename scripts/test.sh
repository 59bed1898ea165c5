#!/usr/bin/env bash
# The whole test suite, from a fresh machine: `make test` runs it after making
# .venv. Each step is timed; the last line counts the steps that passed.
#   engine    docker_host on this machine: apt install + start dockerd when none answers
#   images    lab_images on this machine (offline build where no registry answers)
#   browser   Debian's chromium and chromium-driver, for the class report's and the browser terminal's browser tests
#   vm-images the Docker-in-Docker VM images of the later steps (debootstrap where no registry answers)
#   unit      pytest tests/unit (recorded /proc text and netlink messages)
#   paperwork antsibull-changelog lint (+ the next release rendered), antsibull-docs lint, ansible-builder create
#   system    pytest tests/system as root against the real engine and namespaces
#   reliability  pytest tests/reliability: faults on one Docker-in-Docker VM (engine stopped,
#             killed, restarted; runs interrupted; the lab broken by hand; apt lock held; no
#             registry; a user's own resources), bad input to every role variable, secrets and
#             privilege (docs/reliability.md)
#   docs      pytest tests/docs: every command the docs tell a user to run, run as written (tests/docs/commands.yml)
#   lint      ansible-lint (settings in .ansible-lint: profile production, offline)
#   sanity    ansible-test sanity (see scripts/sanity.sh for the tests that run)
#   molecule  molecule test --all: Docker-in-Docker VMs, converge, idempotence, verify
# Run a subset with STEPS="unit lint" scripts/test.sh.
# After engine, images and browser, a second lane runs beside the other steps
# (their VMs leave a core idle a good part of the time), its output printed at
# the end: vm-images builds the Docker-in-Docker VM images of every suite the
# later steps use (molecule/resources/vm_images.yml), then docs, whose VMs
# (dt-docs-*), work directory and HOME are its own, then unit, paperwork, lint
# and sanity, which need no engine. Molecule waits for docs: both run the
# class services and the browser terminal on this machine.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export PATH="$PWD/.venv/bin:$PATH"
export PYTHONPATH="$PWD/.ansible/collections${PYTHONPATH:+:$PYTHONPATH}"
export ANSIBLE_FORCE_COLOR=0 PY_COLORS=0

ALL_STEPS="engine images browser vm-images unit paperwork system reliability docs lint sanity molecule"
STEPS="${STEPS:-$ALL_STEPS}"
passed=0
failed=0
summary=()
reasons="$(mktemp -d)"

run_step() {
    local name="$1"
    shift
    local start=$SECONDS status
    echo "=== $name: $*"
    "$@" 2>&1 | tee "$reasons/$name.out"
    status=${PIPESTATUS[0]}
    if [ "$status" -eq 0 ]; then
        passed=$((passed + 1))
        summary+=("$(printf '%-9s passed  %4ss' "$name" $((SECONDS - start)))")
    else
        failed=$((failed + 1))
        summary+=("$(printf '%-9s FAILED  %4ss' "$name" $((SECONDS - start)))")
        failure_reason <"$reasons/$name.out" >"$reasons/$name.why"
        # Without an engine or images nothing after can run meaningfully.
        case "$name" in engine | images) STEPS="" ;; esac
    fi
}

# Why a step failed, for the end of the run (a CI log may show only its last lines):
# pytest's "FAILED"/"ERROR" lines, else the step's last lines.
failure_reason() {
    local output
    output="$(cat)"
    grep -E '^(FAILED|ERROR) ' <<<"$output" | cut -c1-300 | head -8 | grep . ||
        tail -n 6 <<<"$output" | cut -c1-300
}

step() {
    case " $STEPS " in *" $1 "*) run_step "$@" ;; esac
}

install_browser() {
    command -v chromium >/dev/null && command -v chromedriver >/dev/null && return 0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
}

# Changelog fragments, plugin/role docs and the execution environment, checked in a
# temporary directory: the next release rendered by antsibull-changelog, the EE's build context.
paperwork() {
    local tmp copy status
    tmp="$(mktemp -d)" && copy="$tmp/ansible_collections/microlab/docker_internals" && mkdir -p "$copy" || return 1
    cp -a galaxy.yml meta plugins roles changelogs "$copy/"
    antsibull-changelog lint &&
        (cd "$copy" && antsibull-changelog release --version "$(python3 -c 'import yaml; print(yaml.safe_load(open("galaxy.yml"))["version"])')") &&
        grep -c '^## v' "$copy/CHANGELOG.md" &&
        antsibull-docs lint-collection-docs --plugin-docs . &&
        ansible-builder create -f execution-environment.yml -c "$tmp/ee" &&
        test -s "$tmp/ee/Dockerfile"
    status=$?
    rm -rf "$tmp"
    return "$status"
}

step engine ansible-playbook playbooks/engine.yml --tags engine
step images ansible-playbook playbooks/engine.yml --tags images
step browser install_browser

lane="$(mktemp -d)"
# The lane counts its own steps (a subshell) and hands them over in files.
# shellcheck disable=SC2030
(
    summary=() passed=0 failed=0
    step vm-images ansible-playbook molecule/resources/vm_images.yml
    step docs pytest -q -rxXs --durations=10 tests/docs
    touch "$lane/docs-finished"
    step unit pytest -q tests/unit
    step paperwork paperwork
    step lint ansible-lint
    step sanity scripts/sanity.sh
    printf '%s\n' "${summary[@]}" >"$lane/summary"
    echo "$passed $failed" >"$lane/counts"
) >"$lane/output" 2>&1 &
lane_pid=$!

step system env MICROLAB_REQUIRE_SYSTEM=1 pytest -q -rs --durations=10 tests/system
step reliability pytest -q -rxXs --durations=5 tests/reliability
while [ ! -e "$lane/docs-finished" ] && kill -0 "$lane_pid" 2>/dev/null; do sleep 5; done
step molecule molecule test --all

wait "$lane_pid"
echo "=== the second lane (vm-images docs unit paperwork lint sanity)"
cat "$lane/output"
# shellcheck disable=SC2031
if read -r lane_passed lane_failed <"$lane/counts"; then
    passed=$((passed + lane_passed)) failed=$((failed + lane_failed))
    mapfile -t -O "${#summary[@]}" summary <"$lane/summary"
else
    failed=$((failed + 1)) summary+=("second lane: did not finish")
fi
rm -rf "$lane"

echo "=== summary"
printf '%s\n' "${summary[@]}"
for why in "$reasons"/*.why; do
    [ -e "$why" ] || continue
    echo "--- why $(basename "$why" .why) failed:"
    cat "$why"
done
rm -rf "$reasons"
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
