#!/usr/bin/env bash
# A class from fresh VMs to verified, for 1, 3 and 5 VMs (as root, after
# `make test`'s engine and images steps; about 10 minutes on 2 cores).
#   bench/fleet_bench.sh [N ...]                     (default: 1 3 5)
#   FLEET_BENCH_CLASS=1 bench/fleet_bench.sh [N ...] (with class services)
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
# With class services (FLEET_BENCH_CLASS=1), one more VM, the teacher's
# (microlab-fleetbench-N-teacher, group class_services), and, timed as a phase
# of its own, the class services on it before the class:
#   ansible-playbook -i teacher.yml playbooks/class_services.yml   # seeded from the archive
#   ansible-playbook -i class.csv lab.yml -e @class-services.yml -e lab_images_source=class
#   ansible-playbook -i class.csv playbooks/verify.yml
# apt goes through the teacher's apt-cacher-ng, the images come from its class
# registry (lab.yml fails rather than fall back to the archive); Docker Hub
# does not answer here, so the pull-through cache stays stopped.
#
# Measured by bench/fleet/measure.py: wall time; controller CPU (user+sys of
# the ansible-playbook process tree and the ssh masters it leaves, and of its
# main process alone, the one-thread strategy loop); the CPU of
# each VM's cgroup; the whole machine's busy CPU. Bytes fetched from outside
# the class (outside_mb): without class services, N x the debs one VM's apt
# downloaded (apt_mb: the debs the run added to its /var/cache/apt/archives);
# with them, what apt-cacher-ng fetched from the mirror (the `|I|` lines of its
# apt-cacher.log) plus the debs the teacher's apt downloaded for the services.
# Printed: a table, the ratio of 3 VMs to 1 and an extrapolation to a 100- and
# a 300-VM class (see docs/benchmarks.md).
#
# Environment:
#   FLEET_BENCH_DIR    work directory (default /tmp/microlab-fleetbench);
#                      results in results.jsonl, or results-class.jsonl with
#                      class services, so that the two can be summarized
#                      side by side (bench/fleet/summary.py FILE ...)
#   FLEET_BENCH_CLASS  1: with class services as above; 0 (default): without
#   FLEET_BENCH_ARGS   more ansible-playbook arguments for both timed runs
#                      (lab.yml and verify.yml), e.g.
#                      "-e lab_images_archive_copy_throttle=1"
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
class="${FLEET_BENCH_CLASS:-0}"
[[ "$class" =~ ^[01]$ ]] || { echo "fleet_bench: FLEET_BENCH_CLASS must be 0 or 1, got '$class'" >&2; exit 2; }
work="${FLEET_BENCH_DIR:-/tmp/microlab-fleetbench}"
read -r -a extra_args <<<"${FLEET_BENCH_ARGS:-}"
forks=$(ansible-config dump 2>/dev/null | awk -F' = ' '/^DEFAULT_FORKS\(/ {print $2}')
strategy=$(ansible-config dump 2>/dev/null | awk -F' = ' '/^DEFAULT_STRATEGY\(/ {print $2}')
mkdir -p "$work"
if [ "$class" = 1 ]; then results="$work/results-class.jsonl"; else results="$work/results.jsonl"; fi
: >"$results"

# Tell create.yml/destroy.yml (written for Molecule) about a run's VMs the way
# Molecule does: a file with the platforms, the instance config, a directory
# ($work/N, or $work/class-N with class services).
vm_env() {
    local dir="$work/$1"
    export MOLECULE_FILE="$dir/platforms.yml" MOLECULE_INSTANCE_CONFIG="$dir/instances.yml"
    export MOLECULE_EPHEMERAL_DIRECTORY="$dir"
}

destroy_vms() {
    local run="$1"
    [ -f "$work/$run/platforms.yml" ] || return 0
    (vm_env "$run" && ansible-playbook molecule/resources/destroy.yml >>"$work/$run/setup.log" 2>&1) \
        || echo "fleet_bench: destroying the VMs of $run failed, see $work/$run/setup.log" >&2
}

current=""
on_exit() { if [ -n "$current" ]; then destroy_vms "$current"; fi; }
trap on_exit EXIT

# A command on a VM, as root with the run's key: vm_ssh DIR ADDRESS COMMAND.
vm_ssh() {
    local dir="$1" address="$2"
    shift 2
    ssh -i "$dir/id_ed25519" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
        "root@$address" "$@"
}

# The debs in a VM's apt cache, "bytes name" a line. The VM image may hold
# some already (an offline debootstrap build keeps its own): only those added
# after vm_debs_before count as downloaded.
vm_debs() { vm_ssh "$1" "$2" 'find /var/cache/apt/archives -maxdepth 1 -name "*.deb" -printf "%s %f\n"'; }
vm_debs_before() { vm_debs "$1" "$2" >"$1/debs-before-$2" || rm -f "$1/debs-before-$2"; }
# MB (MiB, as du -m) of the debs added since vm_debs_before, or ? when unknown.
vm_debs_added_mb() {
    local after
    if [ -f "$1/debs-before-$2" ] && after=$(vm_debs "$1" "$2"); then
        awk 'FILENAME == ARGV[1] {old[$2] = 1; next} NF == 2 && !($2 in old) {b += $1}
             END {printf "%.1f\n", b / 1048576}' "$1/debs-before-$2" - <<<"$after"
    else
        echo "?"
    fi
}

# The role's default place for the archive, given explicitly to both runs.
archive_dir="$HOME/.cache/microlab/images"
echo "== the class's image archive, made once on the controller (not timed)"
ansible-playbook playbooks/images_archive.yml -e lab_images_archive_dir="$archive_dir" >"$work/images_archive.log" 2>&1 \
    || { echo "fleet_bench: images_archive.yml failed, see $work/images_archive.log" >&2; exit 1; }
archive_mb=$(du -m "$archive_dir/lab-images.tar" | cut -f1)
echo "   $archive_dir/lab-images.tar: $archive_mb MB; forks=$forks, default strategy=$strategy"

for n in "${sizes[@]}"; do
    if [ "$class" = 1 ]; then run="class-$n"; else run="$n"; fi
    dir="$work/$run"
    rm -rf "$dir" && mkdir -p "$dir"
    names=()
    teacher="microlab-fleetbench-$n-teacher"
    {
        echo "platforms:"
        if [ "$class" = 1 ]; then
            echo "  - {name: $teacher, groups: [class_services], connection: ssh}"
        fi
        for i in $(seq "$n"); do
            names+=("microlab-fleetbench-$n-$i")
            # Without groups, a platform is a student's VM (lab_vms, in the roster create.yml writes).
            echo "  - {name: microlab-fleetbench-$n-$i, connection: ssh, student: student$i}"
        done
    } >"$dir/platforms.yml"

    echo "== $n VM(s)$([ "$class" = 0 ] || echo " and the teacher's"): create (not timed)"
    current="$run"
    (vm_env "$run" && ansible-playbook molecule/resources/create.yml >"$dir/setup.log" 2>&1) \
        || { echo "fleet_bench: creating the VMs failed, see $dir/setup.log" >&2; exit 1; }

    containers=()
    for name in "${names[@]}"; do containers+=(--container "$name"); done
    playbook=(ansible-playbook -i "$dir/class.csv" --private-key "$dir/id_ed25519" "${extra_args[@]}")
    student=$(sed -n 2p "$dir/class.csv" | cut -d, -f2)
    vm_debs_before "$dir" "$student"

    if [ "$class" = 1 ]; then
        # The teacher's address, from the instance config create.yml wrote.
        teacher_address=$(python - "$dir/instances.yml" "$teacher" <<'PY'
import sys, yaml
with open(sys.argv[1], encoding="utf-8") as instances:
    print(next(i["address"] for i in yaml.safe_load(instances) if i["instance"] == sys.argv[2]))
PY
)
        cat >"$dir/teacher.yml" <<EOF
class_services:
  hosts:
    $teacher:
      ansible_host: $teacher_address
      ansible_user: root
      ansible_ssh_private_key_file: $dir/id_ed25519
      ansible_python_interpreter: /usr/bin/python3
      ansible_become: false
EOF
        vm_debs_before "$dir" "$teacher_address"
        containers+=(--container "$teacher")

        echo "== $n VM(s): class services on the teacher's VM (timed)"
        python bench/fleet/measure.py --container "$teacher" --log "$dir/class_services.log" -- \
            ansible-playbook -i "$dir/teacher.yml" playbooks/class_services.yml \
            -e lab_class_services_vars_file="$dir/class-services.yml" \
            -e lab_class_services_archive_dir="$archive_dir" >"$dir/class_services.json"
        python -c 'import json, sys; sys.exit(json.load(sys.stdin)["returncode"] != 0)' <"$dir/class_services.json" \
            || { echo "fleet_bench: class_services.yml failed, see $dir/class_services.log" >&2; exit 1; }
        # No archive for lab.yml: a VM that did not get the images from the
        # class registry fails instead of loading the archive unnoticed.
        source_args=(-e @"$dir/class-services.yml" -e lab_images_source=class -e lab_images_archive_dir="$dir/no-archive")
    else
        source_args=(-e lab_images_source=archive -e lab_images_archive_dir="$archive_dir")
    fi

    echo "== $n VM(s): lab.yml, then verify.yml (timed)"
    python bench/fleet/measure.py "${containers[@]}" --log "$dir/lab.log" -- \
        "${playbook[@]}" lab.yml "${source_args[@]}" >"$dir/lab.json"
    python bench/fleet/measure.py "${containers[@]}" --log "$dir/verify.log" -- \
        "${playbook[@]}" playbooks/verify.yml -e lab_report_dir="$dir/report" >"$dir/verify.json"

    # What one VM downloaded (the debs apt added); with class services, what
    # came from outside the class: apt-cacher-ng's log and the teacher's debs.
    apt_mb=$(vm_debs_added_mb "$dir" "$student")
    teacher_apt_mb=""
    if [ "$class" = 1 ]; then
        teacher_apt_mb=$(vm_debs_added_mb "$dir" "$teacher_address")
        vm_ssh "$dir" "$teacher_address" cat /var/log/apt-cacher-ng/apt-cacher.log >"$dir/apt-cacher.log" \
            || rm -f "$dir/apt-cacher.log"
    fi

    python - "$n" "$dir" "$apt_mb" "$archive_mb" "$teacher" "$teacher_apt_mb" >>"$results" <<'PY'
import json, os, sys
n, d, apt_mb, archive_mb, teacher, teacher_apt_mb = sys.argv[1:]
n = int(n)
class_mode = teacher_apt_mb != ""


def mb(text):
    return None if text == "?" else float(text)


runs = {name: json.load(open(f"{d}/{name}.json")) for name in ("lab", "verify") + (("class_services",) if class_mode else ())}
for name, run in runs.items():
    if run["returncode"] != 0:
        sys.exit(f"fleet_bench: {name}.yml failed with {n} VMs (rc {run['returncode']}), see {d}/{name}.log")
lab, verify = runs["lab"], runs["verify"]
report = json.load(open(f"{d}/report/report.json"))
if report["summary"] != {"pass": n, "fail": 0, "unreachable": 0}:
    sys.exit(f"fleet_bench: the class report with {n} VMs is not {n} pass: {report['summary']}, see {d}/report")
# The students' VMs; the teacher's CPU while they work is teacher_cpu.
vm_cpu = [run["containers"][c] for run in (lab, verify) for c in run["containers"] if c != teacher]
result = {
    "n": n, "lab": lab, "verify": verify,
    "wall": round(lab["wall"] + verify["wall"], 2),
    "controller_cpu": round(lab["controller_cpu"] + verify["controller_cpu"], 2),
    "controller_main_cpu": round(lab["controller_main_cpu"] + verify["controller_main_cpu"], 2),
    "machine_busy": round(lab["machine_busy"] + verify["machine_busy"], 2),
    "vm_cpu": None if None in vm_cpu else round(sum(vm_cpu), 2),
    "apt_mb": mb(apt_mb), "archive_mb": archive_mb,
}
if not class_mode:
    result["outside_mb"] = None if result["apt_mb"] is None else round(n * result["apt_mb"], 1)
else:
    # apt-cacher.log lines: time|I|bytes|client|path for what it fetched from
    # the mirror, time|O|bytes|client|path for what it sent to a VM.
    moved = {"I": 0, "O": 0}
    log = f"{d}/apt-cacher.log"
    if os.path.exists(log):
        with open(log, encoding="utf-8", errors="replace") as lines:
            for line in lines:
                fields = line.split("|")
                if len(fields) >= 5 and fields[1] in moved and fields[2].isdigit():
                    moved[fields[1]] += int(fields[2])
    teacher_cpu = [run["containers"].get(teacher) for run in (lab, verify)]
    result.update({
        "class_services": runs["class_services"],
        "teacher_cpu": None if None in teacher_cpu else round(sum(teacher_cpu), 2),
        "acng_fetched_mb": round(moved["I"] / 2**20, 1) if os.path.exists(log) else None,
        "acng_sent_mb": round(moved["O"] / 2**20, 1) if os.path.exists(log) else None,
        "teacher_apt_mb": mb(teacher_apt_mb),
    })
    parts = (result["acng_fetched_mb"], result["teacher_apt_mb"])
    result["outside_mb"] = None if None in parts else round(sum(parts), 1)
print(json.dumps(result))
PY
    python -c '
import json, sys
r = json.load(sys.stdin)
services = "class services %.1f s, " % r["class_services"]["wall"] if "class_services" in r else ""
print("   %slab %.1f s, verify %.1f s, controller CPU %.1f s, from outside the class %s MB"
      % (services, r["lab"]["wall"], r["verify"]["wall"], r["controller_cpu"], r["outside_mb"]))' <<<"$(tail -1 "$results")"

    echo "== $n VM(s): destroy"
    destroy_vms "$run"
    current=""
done

python bench/fleet/summary.py "$results" --forks "$forks" --strategy "$strategy"
