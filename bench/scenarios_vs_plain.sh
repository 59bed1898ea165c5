#!/usr/bin/env bash
# The lab against the chapter's own docker commands typed as a plain script,
# side by side, in one run, on Docker-in-Docker VMs reached over SSH like a
# student's VM (as root, after `make test`'s engine and images steps).
#   bench/scenarios_vs_plain.sh [ROUNDS] [FRESH_ROUNDS]      (default 5 and 2)
#
# On one converged VM, ROUNDS rounds, alternating, each timing:
#   plain     bench/chapter_plain.sh run in the VM over one ssh command
#   converge  lab.yml --tags users,nginx,network,files,overlay,scratch after playbooks/reset.yml
#   rerun     the same again on the converged VM (changed=0)
#   verify    playbooks/verify.yml (with its class report)
#   tasks1/11 bench/task_cost.yml with 1 and 11 pings and docker_host_info
#             calls: (tasks11 - tasks1) / 20 is what one task costs
# Then FRESH_ROUNDS rounds on two fresh VMs each, alternating:
#   byhand    apt install docker.io, start dockerd, docker load the archive,
#             then the plain script: what a person would type
#   fresh     lab.yml on a fresh VM: docker_host, lab_images from the same
#             archive, every scenario with its checks (it fails unless every
#             outcome passes)
# Prints every run, then median, min-max and the ratio to its baseline (plain,
# or byhand for fresh); for each ansible-playbook run also the controller's
# CPU (user + system seconds of ansible-playbook and its workers, from
# /usr/bin/time: what bounds a class on one controller) and the tasks the VM
# ran (its recap's ok=, changed included). VMs are named $BENCH_PREFIX-*
# (default microlab-bench), removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD
export PATH="$project/.venv/bin:$PATH" PYTHONPATH="$project/.ansible/collections"
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=false ANSIBLE_CONFIG="$project/ansible.cfg"
rounds="${1:-5}"
fresh_rounds="${2:-2}"
prefix="${BENCH_PREFIX:-microlab-bench}"
work="${BENCH_DIR:-/tmp/$prefix}"
archive="$HOME/.cache/microlab/images/lab-images.tar"
mkdir -p "$work"
declare -A times cpu tasks

# create.yml and destroy.yml are Molecule's; tell them about the VMs the way
# Molecule does.
vm_env() {
    export MOLECULE_FILE="$work/$1/platforms.yml" MOLECULE_INSTANCE_CONFIG="$work/$1/instances.yml"
    export MOLECULE_EPHEMERAL_DIRECTORY="$work/$1"
}

make_vm() { # NAME: a fresh VM reached over SSH; prints its address
    local name="$1"
    mkdir -p "$work/$name"
    printf 'platforms:\n  - {name: %s, groups: [lab_vms], connection: ssh}\n' "$name" >"$work/$name/platforms.yml"
    (vm_env "$name" && ansible-playbook molecule/resources/destroy.yml && ansible-playbook molecule/resources/create.yml) \
        >"$work/$name/create.log" 2>&1 || { echo "bench: creating $name failed, see $work/$name/create.log" >&2; exit 1; }
    awk -F, 'NR == 2 {print $2}' "$work/$name/class.csv"
}

drop_vm() {
    [ -f "$work/$1/platforms.yml" ] || return 0
    (vm_env "$1" && ansible-playbook molecule/resources/destroy.yml) >>"$work/$1/create.log" 2>&1 || true
}
vms=()
trap 'for vm in "${vms[@]}"; do drop_vm "$vm"; done' EXIT

ssh_opts() { # NAME
    echo "-i $work/$1/id_ed25519 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
}
on_vm() { # NAME ADDRESS COMMAND...
    local name="$1" address="$2"
    shift 2
    # shellcheck disable=SC2046 # ssh_opts is a list of options
    ssh $(ssh_opts "$name") "root@$address" "$@"
}
play() { # NAME PLAYBOOK ARGS...: ansible-playbook against the VM NAME, quiet unless it fails
    local name="$1" log
    shift
    log="$work/$name/last-run.log"
    if ! /usr/bin/time -f '%U %S' -o "$work/$name/last-run.cpu" ansible-playbook -i "$work/$name/class.csv" --private-key "$work/$name/id_ed25519" \
        -e ansible_python_interpreter=/usr/bin/python3 -e lab_images_source=archive \
        -e lab_report_dir="$work/$name/report" "$@" >"$log" 2>&1; then
        echo "bench: ansible-playbook $* failed on $name, see $log" >&2
        exit 1
    fi
}

timed() { # NAME COMMAND...: wall time; for `play VM ...` also its CPU and the VM's tasks
    local name="$1" start end took extra=""
    shift
    start=$(date +%s.%N)
    "$@"
    end=$(date +%s.%N)
    took=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
    times[$name]+="$took "
    if [ "$1" = play ]; then
        local used done_tasks
        used=$(awk '{printf "%.2f", $1 + $2}' "$work/$2/last-run.cpu")
        done_tasks=$(awk '$2 == ":" && $1 != "localhost" && $3 ~ /^ok=/ {sub("ok=", "", $3); print $3}' "$work/$2/last-run.log")
        cpu[$name]+="$used "
        tasks[$name]+="${done_tasks:-0} "
        extra=$(printf '  cpu %6.2f s  tasks %3s' "$used" "${done_tasks:-0}")
    fi
    printf '%-9s %7.2f s%s\n' "$name" "$took" "$extra"
}

plain_in() { on_vm "$1" "$2" bash -s <bench/chapter_plain.sh >/dev/null 2>&1; }
by_hand() { # NAME ADDRESS: the engine and images by hand, then the plain script
    local name="$1" address="$2"
    on_vm "$name" "$address" 'set -e
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq --no-install-recommends docker.io curl >/dev/null 2>&1
        (dockerd >/var/log/dockerd.log 2>&1 &)
        until docker info >/dev/null 2>&1; do sleep 0.2; done
        docker load -q >/dev/null' <"$archive"
    plain_in "$name" "$address"
}

echo "== the lab's image archive on the controller (not timed)"
ansible-playbook playbooks/images_archive.yml >"$work/archive.log" 2>&1 || { echo "bench: see $work/archive.log" >&2; exit 1; }

echo "== one converged VM: plain, converge, rerun, verify ($rounds rounds)"
vm=$prefix-vm
vms+=("$vm")
address=$(make_vm "$vm")
play "$vm" lab.yml
on_vm "$vm" "$address" 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl >/dev/null 2>&1'
for _ in $(seq "$rounds"); do
    timed plain plain_in "$vm" "$address"
    play "$vm" playbooks/reset.yml
    timed converge play "$vm" lab.yml --tags users,nginx,network,files,overlay,scratch
    timed rerun play "$vm" lab.yml --tags users,nginx,network,files,overlay,scratch
    grep -q 'changed=0 ' "$work/$vm/last-run.log" || { echo "bench: the re-run changed something" >&2; exit 1; }
    timed verify play "$vm" playbooks/verify.yml
    timed tasks1 play "$vm" bench/task_cost.yml -e count=1
    timed tasks11 play "$vm" bench/task_cost.yml -e count=11
done
drop_vm "$vm"

echo "== fresh VMs: by hand against lab.yml ($fresh_rounds rounds)"
for round in $(seq "$fresh_rounds"); do
    hand="$prefix-hand-$round" lab="$prefix-fresh-$round"
    vms+=("$hand" "$lab")
    hand_address=$(make_vm "$hand")
    make_vm "$lab" >/dev/null
    timed byhand by_hand "$hand" "$hand_address"
    timed fresh play "$lab" lab.yml
    drop_vm "$hand"
    drop_vm "$lab"
done

stats() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR] = $1} END {printf "%s %s %s", a[int((NR + 1) / 2)], a[1], a[NR]}'; }
echo "== medians ($rounds rounds; fresh: $fresh_rounds rounds)"
for name in plain converge rerun verify tasks1 tasks11 byhand fresh; do
    [ -n "${times[$name]:-}" ] || continue
    read -r median low high <<<"$(stats "${times[$name]}")"
    case "$name" in fresh) base=byhand ;; *) base=plain ;; esac
    read -r base_median _ <<<"$(stats "${times[$base]}")"
    extra=""
    if [ -n "${cpu[$name]:-}" ]; then
        read -r cpu_median _ <<<"$(stats "${cpu[$name]}")"
        read -r tasks_median _ <<<"$(stats "${tasks[$name]}")"
        extra=$(printf '  cpu %6.2f s  tasks %3s' "$cpu_median" "$tasks_median")
    fi
    printf 'median %-9s %7.2f s  (%.2f-%.2f)  %5.2fx %s%s\n' "$name" "$median" "$low" "$high" \
        "$(awk -v a="$median" -v b="$base_median" 'BEGIN {print a / b}')" "$base" "$extra"
done
read -r one _ <<<"$(stats "${times[tasks1]}")"
read -r eleven _ <<<"$(stats "${times[tasks11]}")"
awk -v a="$one" -v b="$eleven" 'BEGIN {printf "one task (ping or docker_host_info) on the VM: %.2f s\n", (b - a) / 20}'
