#!/usr/bin/env bash
# A class from fresh VMs to verified, for 1, 3 and 5 VMs (as root, after
# `make test`'s engine and images steps; about 10 minutes on 2 cores).
#   bench/fleet_bench.sh [N ...]          (default: 1 3 5)
#
# For each N: N fresh Docker-in-Docker VMs reached over SSH, made by the
# Molecule scenarios' own molecule/resources/create.yml (named
# microlab-fleetbench-N-i, a roster CSV of their addresses); then, timed, what
# an instructor runs:
#   ansible-playbook -i class.csv lab.yml -e lab_images_source=archive
#   ansible-playbook -i class.csv playbooks/verify.yml
# (docker.io installed from apt in every VM, images loaded from the archive
# the controller made once beforehand with playbooks/images_archive.yml, not
# timed); the report must say N of N pass. Then the VMs are destroyed.
#
# Measured by bench/fleet/measure.py: wall time; controller CPU (user+sys of
# the ansible-playbook process tree and the ssh masters it leaves, and of its
# main process alone, the one-thread strategy loop); the CPU of
# each VM's cgroup; the whole machine's busy CPU. Printed: a table, the ratio
# of 3 VMs to 1 and an extrapolation to a 100-VM class (see docs/benchmarks.md).
#
# Environment:
#   FLEET_BENCH_DIR    work directory (default /tmp/microlab-fleetbench)
#   FLEET_BENCH_ARGS   more ansible-playbook arguments for both timed runs,
#                      e.g. "-e lab_images_archive_copy_throttle=1"
#   ANSIBLE_*          as usual, e.g. ANSIBLE_STRATEGY=free ANSIBLE_FORKS=10
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD
export PATH="$project/.venv/bin:$PATH" PYTHONPATH="$project/.ansible/collections"
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=false ANSIBLE_CONFIG="$project/ansible.cfg"

if [ "$#" -gt 0 ]; then sizes=("$@"); else sizes=(1 3 5); fi
for n in "${sizes[@]}"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "fleet_bench: N must be a number of VMs above 0, got '$n'" >&2; exit 2; }
done
work="${FLEET_BENCH_DIR:-/tmp/microlab-fleetbench}"
read -r -a extra_args <<<"${FLEET_BENCH_ARGS:-}"
forks=$(ansible-config dump 2>/dev/null | awk -F' = ' '/^DEFAULT_FORKS\(/ {print $2}')
strategy=$(ansible-config dump 2>/dev/null | awk -F' = ' '/^DEFAULT_STRATEGY\(/ {print $2}')
mkdir -p "$work"
results="$work/results.jsonl"
: >"$results"

# Tell create.yml/destroy.yml (written for Molecule) about N's VMs the way
# Molecule does: a file with the platforms, the instance config, a directory.
vm_env() {
    local dir="$work/$1"
    export MOLECULE_FILE="$dir/platforms.yml" MOLECULE_INSTANCE_CONFIG="$dir/instances.yml"
    export MOLECULE_EPHEMERAL_DIRECTORY="$dir"
}

destroy_vms() {
    local n="$1"
    [ -f "$work/$n/platforms.yml" ] || return 0
    (vm_env "$n" && ansible-playbook molecule/resources/destroy.yml >>"$work/$n/setup.log" 2>&1) \
        || echo "fleet_bench: destroying the $n VMs failed, see $work/$n/setup.log" >&2
}

current=""
on_exit() { if [ -n "$current" ]; then destroy_vms "$current"; fi; }
trap on_exit EXIT

# The role's default place for the archive, given explicitly to both runs.
archive_dir="$HOME/.cache/microlab/images"
echo "== the class's image archive, made once on the controller (not timed)"
ansible-playbook playbooks/images_archive.yml -e lab_images_archive_dir="$archive_dir" >"$work/images_archive.log" 2>&1 \
    || { echo "fleet_bench: images_archive.yml failed, see $work/images_archive.log" >&2; exit 1; }
archive_mb=$(du -m "$archive_dir/lab-images.tar" | cut -f1)
echo "   $archive_dir/lab-images.tar: $archive_mb MB; forks=$forks, default strategy=$strategy"

for n in "${sizes[@]}"; do
    dir="$work/$n"
    rm -rf "$dir" && mkdir -p "$dir"
    names=()
    {
        echo "platforms:"
        for i in $(seq "$n"); do
            names+=("microlab-fleetbench-$n-$i")
            echo "  - {name: microlab-fleetbench-$n-$i, connection: ssh, student: student$i}"
        done
    } >"$dir/platforms.yml"

    echo "== $n VM(s): create (not timed)"
    current="$n"
    (vm_env "$n" && ansible-playbook molecule/resources/create.yml >"$dir/setup.log" 2>&1) \
        || { echo "fleet_bench: creating the VMs failed, see $dir/setup.log" >&2; exit 1; }

    containers=()
    for name in "${names[@]}"; do containers+=(--container "$name"); done
    playbook=(ansible-playbook -i "$dir/class.csv" --private-key "$dir/id_ed25519" "${extra_args[@]}")

    echo "== $n VM(s): lab.yml, then verify.yml (timed)"
    python bench/fleet/measure.py "${containers[@]}" --log "$dir/lab.log" -- \
        "${playbook[@]}" lab.yml -e lab_images_source=archive -e lab_images_archive_dir="$archive_dir" >"$dir/lab.json"
    python bench/fleet/measure.py "${containers[@]}" --log "$dir/verify.log" -- \
        "${playbook[@]}" playbooks/verify.yml -e lab_report_dir="$dir/report" >"$dir/verify.json"

    # What one VM downloaded from the apt mirror (the debs apt kept).
    apt_mb=$(ssh -i "$dir/id_ed25519" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
        "root@$(sed -n 2p "$dir/class.csv" | cut -d, -f2)" \
        "du -cm /var/cache/apt/archives/*.deb 2>/dev/null | tail -1 | cut -f1" || echo "?")

    python - "$n" "$dir" "$apt_mb" "$archive_mb" >>"$results" <<'PY'
import json, sys
n, d, apt_mb, archive_mb = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
lab, verify = (json.load(open(f"{d}/{p}.json")) for p in ("lab", "verify"))
for name, run in (("lab.yml", lab), ("verify.yml", verify)):
    if run["returncode"] != 0:
        sys.exit(f"fleet_bench: {name} failed with {n} VMs (rc {run['returncode']}), see {d}/{name.split('.')[0]}.log")
report = json.load(open(f"{d}/report/report.json"))
if report["summary"] != {"pass": n, "fail": 0, "unreachable": 0}:
    sys.exit(f"fleet_bench: the class report with {n} VMs is not {n} pass: {report['summary']}, see {d}/report")
vm_cpu = [lab["containers"][c] for c in lab["containers"]]
vm_cpu_verify = [verify["containers"][c] for c in verify["containers"]]
print(json.dumps({
    "n": n, "lab": lab, "verify": verify,
    "wall": round(lab["wall"] + verify["wall"], 2),
    "controller_cpu": round(lab["controller_cpu"] + verify["controller_cpu"], 2),
    "controller_main_cpu": round(lab["controller_main_cpu"] + verify["controller_main_cpu"], 2),
    "machine_busy": round(lab["machine_busy"] + verify["machine_busy"], 2),
    "vm_cpu": None if None in vm_cpu + vm_cpu_verify else round(sum(vm_cpu + vm_cpu_verify), 2),
    "apt_mb": apt_mb, "archive_mb": archive_mb,
}))
PY
    python -c 'import json, sys; r = json.load(sys.stdin); print("   lab %.1f s, verify %.1f s, controller CPU %.1f s" % (r["lab"]["wall"], r["verify"]["wall"], r["controller_cpu"]))' <<<"$(tail -1 "$results")"

    echo "== $n VM(s): destroy"
    destroy_vms "$n"
    current=""
done

python bench/fleet/summary.py "$results" --forks "$forks" --strategy "$strategy"
