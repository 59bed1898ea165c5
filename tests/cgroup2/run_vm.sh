#!/usr/bin/env bash
# The scratch scenario on a real cgroup v2 kernel and engine: a Debian 12 VM
# (systemd as PID 1, unified hierarchy) under QEMU, built with debootstrap,
# reached over SSH on 127.0.0.1:$PORT, given the controller's lab images with
# `docker save | docker load` (no registry), then
#   lab.yml --tags scratch, twice (the second must say changed=0),
#   playbooks/verify.yml, playbooks/reset.yml,
# with the ground truth read in the VM after the first run and after reset.
# See README.md beside this file.
#
#   tests/cgroup2/run_vm.sh            # all of it: build (if missing), boot, wait, load, lab, stop
#   tests/cgroup2/run_vm.sh build|boot|wait|load|lab|truth NAME|fixture|stop|ssh CMD...
#   CG2_SUITE=trixie CG2_WORK=/work/cg2/trixie CG2_SSH_PORT=2223 CG2_EXTRA_PACKAGES=docker-cli tests/cgroup2/run_vm.sh
#
# Needs root on the controller (debootstrap, mkfs.ext4 -d of a root-owned tree),
# qemu-system-x86 qemu-utils debootstrap e2fsprogs, the project's .venv, and the
# images microlab.local/lab-*:bookworm in the controller's engine.
set -euo pipefail

REPO=${CG2_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
WORK=${CG2_WORK:-/work/cg2}
MIRROR=${CG2_MIRROR:-http://deb.debian.org/debian}
SUITE=${CG2_SUITE:-bookworm}
PORT=${CG2_SSH_PORT:-2222}
SMP=${CG2_SMP:-2}
MEM=${CG2_MEM:-3072}
DISK_SIZE=${CG2_DISK_SIZE:-8G}
IMAGES=(microlab.local/lab-shell:bookworm microlab.local/lab-nginx:bookworm
        microlab.local/lab-curl:bookworm microlab.local/lab-nettools:bookworm)
PACKAGES=${CG2_PACKAGES:-linux-image-amd64,apparmor,initramfs-tools,systemd-sysv,udev,kmod,dbus,libpam-systemd,procps,openssh-server,docker.io,python3,python3-apt,python3-requests,iproute2,util-linux,iptables,ifupdown,isc-dhcp-client,ca-certificates,tar,gzip,less,sudo}${CG2_EXTRA_PACKAGES:+,$CG2_EXTRA_PACKAGES}

ROOTFS=$WORK/rootfs
DISK=$WORK/disk.img
KEY=$WORK/id_ed25519
PIDFILE=$WORK/qemu.pid
CONSOLE=$WORK/console.log
INVENTORY=$WORK/inventory.yml
LOGS=$WORK/logs
SSH_OPTS=(-i "$KEY" -p "$PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
          -o LogLevel=ERROR -o ConnectTimeout=10 -o BatchMode=yes)

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
vm() { ssh "${SSH_OPTS[@]}" root@127.0.0.1 "$@"; }

build() {
    mkdir -p "$WORK" "$LOGS"
    [[ -f $KEY ]] || ssh-keygen -q -t ed25519 -N '' -f "$KEY" -C cg2-vm
    if [[ -f $DISK && -f $WORK/vmlinuz && -f $WORK/initrd.img ]]; then
        log "build: $DISK is there"; return
    fi
    if [[ ! -x $ROOTFS/usr/bin/dockerd ]]; then
        log "build: debootstrap $SUITE from $MIRROR"
        rm -rf "$ROOTFS"
        debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOTFS" "$MIRROR"
    fi
    log "build: configure the rootfs"
    echo cg2vm > "$ROOTFS/etc/hostname"
    printf '127.0.0.1 localhost\n127.0.1.1 cg2vm\n' > "$ROOTFS/etc/hosts"
    printf '/dev/vda / ext4 defaults,errors=remount-ro 0 1\n' > "$ROOTFS/etc/fstab"
    # net.ifnames=0 on the kernel command line: the virtio NIC is eth0; QEMU's user network gives 10.0.2.15.
    printf 'auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n' > "$ROOTFS/etc/network/interfaces"
    printf 'nameserver 10.0.2.3\n' > "$ROOTFS/etc/resolv.conf"
    printf 'deb %s %s main\n' "$MIRROR" "$SUITE" > "$ROOTFS/etc/apt/sources.list"
    install -d -m 0700 "$ROOTFS/root/.ssh"
    install -m 0600 "$KEY.pub" "$ROOTFS/root/.ssh/authorized_keys"
    chroot "$ROOTFS" systemctl enable ssh.service networking.service docker.service containerd.service
    chroot "$ROOTFS" systemctl enable serial-getty@ttyS0.service || true
    # Nothing the lab needs; under TCG they only cost boot time.
    chroot "$ROOTFS" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer || true
    local kernel; kernel=$(ls "$ROOTFS"/boot/vmlinuz-* | sort -V | tail -1)
    cp "$kernel" "$WORK/vmlinuz"
    cp "$ROOTFS/boot/initrd.img-${kernel##*/vmlinuz-}" "$WORK/initrd.img"
    log "build: ext4 image $DISK ($DISK_SIZE)"
    rm -f "$DISK"
    qemu-img create -f raw "$DISK" "$DISK_SIZE" >/dev/null
    mkfs.ext4 -q -L cg2root -d "$ROOTFS" "$DISK"
}

running() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

boot() {
    if running; then log "boot: QEMU $(cat "$PIDFILE") is running"; return; fi
    local append="root=/dev/vda rw console=ttyS0 net.ifnames=0 systemd.unified_cgroup_hierarchy=1"
    local common=(-smp "$SMP" -m "$MEM" -kernel "$WORK/vmlinuz" -initrd "$WORK/initrd.img" -append "$append"
                  -drive "file=$DISK,format=raw,if=virtio"
                  -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$PORT-:22" -device virtio-net-pci,netdev=n0
                  -serial "file:$CONSOLE" -display none -monitor none -pidfile "$PIDFILE" -daemonize)
    : > "$CONSOLE"
    # KVM only when asked (CG2_ACCEL=kvm) or when the CPU says vmx/svm. On the machine this was written on,
    # /dev/kvm exists without those flags: `-accel kvm` starts, spins a core at 100 % and never prints a byte
    # on the serial console (killed after 47 s), so TCG is the default there.
    local accel=${CG2_ACCEL:-}
    if [[ -z $accel ]]; then
        if [[ -c /dev/kvm ]] && grep -qE '\b(vmx|svm)\b' /proc/cpuinfo; then accel=kvm; else accel=tcg; fi
    fi
    if [[ $accel == kvm ]]; then
        qemu-system-x86_64 -accel kvm -cpu host "${common[@]}"
    else
        qemu-system-x86_64 -accel tcg,thread=multi -cpu max "${common[@]}"
    fi
    log "boot: QEMU with $accel, pid $(cat "$PIDFILE")"
}

wait_ssh() {
    local deadline=$((SECONDS + ${CG2_BOOT_TIMEOUT:-900}))
    until vm true 2>/dev/null; do
        running || { log "wait: QEMU ended; see $CONSOLE"; return 1; }
        ((SECONDS < deadline)) || { log "wait: no SSH in time; see $CONSOLE"; return 1; }
        sleep 5
    done
    until vm docker info >/dev/null 2>&1; do
        ((SECONDS < deadline)) || { log "wait: no engine in time"; return 1; }
        sleep 5
    done
    log "wait: SSH and the engine answer"
    vm 'uname -r; stat -fc "cgroup fs: %T" /sys/fs/cgroup; head -1 /proc/1/cgroup; readlink /proc/1/exe;
        docker info --format "Cgroup Driver: {{.CgroupDriver}} / Cgroup Version: {{.CgroupVersion}} / Server Version: {{.ServerVersion}} / Storage Driver: {{.Driver}}"' \
        | tee "$LOGS/guest-info.txt"
}

load() {
    local missing=()
    for image in "${IMAGES[@]}"; do
        vm docker image inspect "$image" >/dev/null 2>&1 || missing+=("$image")
    done
    if ((${#missing[@]} == 0)); then log "load: the images are there"; return; fi
    log "load: ${missing[*]}"
    local start=$SECONDS
    docker save "${missing[@]}" | vm docker load
    log "load: $((SECONDS - start)) s"
}

inventory() {
    cat > "$INVENTORY" <<INV
---
# The cgroup v2 VM under QEMU (tests/cgroup2/run_vm.sh).
lab_vms:
  hosts:
    cg2vm:
      ansible_host: 127.0.0.1
      ansible_port: $PORT
      ansible_user: root
      ansible_ssh_private_key_file: $KEY
      ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
      ansible_python_interpreter: /usr/bin/python3
INV
}

play() {  # play NAME PLAYBOOK ARGS...: timed, logged under $LOGS/NAME.log, the recap shown
    local name=$1; shift
    local start=$SECONDS rc=0
    ( cd "$REPO" && PATH=$REPO/.venv/bin:$PATH PYTHONPATH=$REPO/.ansible/collections \
        ANSIBLE_HOST_KEY_CHECKING=false ansible-playbook -i "$INVENTORY" -e lab_report_dir="$WORK/lab-report" "$@" ) \
        > "$LOGS/$name.log" 2>&1 || rc=$?
    log "$name: rc=$rc, $((SECONDS - start)) s"
    sed -n '/PLAY RECAP/,$p' "$LOGS/$name.log" >&2
    return 0
}

truth() {  # truth NAME: the ground truth, read in the VM without the collection's code
    vm bash -s > "$LOGS/truth-$1.txt" 2>&1 <<'TRUTH' || true
set -u
echo "## kernel $(uname -r), $(stat -fc %T /sys/fs/cgroup), PID 1 $(readlink /proc/1/exe)"
echo "## /proc/1/cgroup"; cat /proc/1/cgroup
echo "## /sys/fs/cgroup/cgroup.subtree_control: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
echo "## /run/microlab-scratch/state.json"; cat /run/microlab-scratch/state.json 2>/dev/null; echo
for pid in $(pgrep -x sleep); do
    parent=$(ps -o ppid= -p "$pid" | tr -d ' ')
    [[ $(ps -o comm= -p "$parent" 2>/dev/null) == unshare ]] || continue
    echo "## unshared sleep: pid $pid, parent $parent ($(tr '\0' ' ' < /proc/$parent/cmdline))"
    echo "root: $(readlink /proc/$pid/root)"
    grep NSpid /proc/$pid/status
    echo "/proc/$pid/cgroup:"; cat /proc/$pid/cgroup
    cg=$(sed -n 's/^0:://p' /proc/$pid/cgroup)
    echo "/sys/fs/cgroup$cg/memory.max: $(cat /sys/fs/cgroup$cg/memory.max)"
    echo "/sys/fs/cgroup$cg/cgroup.procs: $(tr '\n' ' ' < /sys/fs/cgroup$cg/cgroup.procs)"
    echo "/proc/$parent/cgroup: $(cat /proc/$parent/cgroup)"
done
for name in $(docker ps -a --filter label=microlab.lab --format '{{.Names}}'); do
    echo "## container $name: $(docker inspect -f 'pid {{.State.Pid}} status {{.State.Status}} Memory {{.HostConfig.Memory}} CgroupnsMode {{.HostConfig.CgroupnsMode}}' "$name")"
done
c=$(docker ps -q --filter name=lab_scratch_limited)
if [[ -n $c ]]; then
    pid=$(docker inspect -f '{{.State.Pid}}' "$c")
    echo "## lab_scratch_limited: pid $pid"
    echo "/proc/$pid/cgroup:"; cat /proc/$pid/cgroup
    cg=$(sed -n 's/^0:://p' /proc/$pid/cgroup)
    echo "/sys/fs/cgroup$cg/memory.max: $(cat /sys/fs/cgroup$cg/memory.max)"
    echo "in the container: /proc/1/cgroup $(docker exec "$c" cat /proc/1/cgroup 2>&1), memory.max $(docker exec "$c" cat /sys/fs/cgroup/memory.max 2>&1)"
fi
echo "## ls -d /sys/fs/cgroup/microlab*"; ls -d /sys/fs/cgroup/microlab* /sys/fs/cgroup/*/microlab* 2>&1
echo "## ip -br link"; ip -br link
echo "## ip netns"; ip netns list
echo "## iptables -S FORWARD"; iptables -S FORWARD
echo "## /run/microlab-scratch /var/lib/microlab-scratch"; ls -la /run/microlab-scratch /var/lib/microlab-scratch 2>&1
echo "## docker ps -a"; docker ps -a --format '{{.Names}} {{.Status}} {{.Labels}}'
echo "## docker network ls"; docker network ls --format '{{.Name}}'
TRUTH
    log "truth: $LOGS/truth-$1.txt"
}

fixture() {  # the exact cgroup files of the lab's process and of the --memory container (recorded_v2.txt)
    vm bash -s > "$LOGS/fixture.txt" 2>&1 <<'FIXTURE' || true
set -u
st=/run/microlab-scratch/state.json
pid=$(python3 -c 'import json; print(json.load(open("/run/microlab-scratch/state.json"))["pid"])')
upid=$(python3 -c 'import json; print(json.load(open("/run/microlab-scratch/state.json"))["unshare"])')
c=lab_scratch_limited
cpid=$(docker inspect -f '{{.State.Pid}}' $c)
echo "# guest"
echo "uname -r: $(uname -r)"
echo "os: $(. /etc/os-release; echo $PRETTY_NAME)"
echo "PID 1: $(readlink /proc/1/exe) ($(systemctl --version | head -1))"
echo "stat -fc %T /sys/fs/cgroup: $(stat -fc %T /sys/fs/cgroup)"
echo "mountinfo: $(grep ' /sys/fs/cgroup ' /proc/self/mountinfo)"
echo "/proc/cmdline: $(cat /proc/cmdline)"
echo "docker: $(docker info --format 'Server Version {{.ServerVersion}}, Cgroup Driver {{.CgroupDriver}}, Cgroup Version {{.CgroupVersion}}, Storage Driver {{.Driver}}, Security Options {{.SecurityOptions}}')"
echo "/sys/fs/cgroup/cgroup.controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
echo "/sys/fs/cgroup/cgroup.subtree_control: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
echo
echo "# /proc/1/cgroup (PID 1, systemd)"; cat /proc/1/cgroup
echo
echo "# $st"; cat $st; echo
echo
echo "# the lab's unshared process: pid $pid (parent unshare $upid)"
echo "/proc/$pid/comm: $(cat /proc/$pid/comm)"
echo "/proc/$pid/cmdline: $(tr '\0' ' ' </proc/$pid/cmdline)"
echo "readlink /proc/$pid/root: $(readlink /proc/$pid/root)"
grep NSpid /proc/$pid/status
echo "--- /proc/$pid/cgroup (od -c, exact bytes):"; od -c /proc/$pid/cgroup
echo "--- /proc/$pid/cgroup:"; cat /proc/$pid/cgroup
cg=$(sed -n 's/^0:://p' /proc/$pid/cgroup)
for f in memory.max memory.high memory.swap.max cgroup.procs cgroup.type cgroup.controllers cgroup.subtree_control; do
  echo "/sys/fs/cgroup$cg/$f: $(tr '\n' ' ' < /sys/fs/cgroup$cg/$f)"
done
echo "stat /sys/fs/cgroup$cg: $(stat -c '%F %U:%G %a' /sys/fs/cgroup$cg)"
echo "--- /proc/$upid/cgroup (the unshare parent):"; cat /proc/$upid/cgroup
echo
echo "# docker run --memory 64m: container $c, pid $cpid"
echo "docker inspect: $(docker inspect -f 'Id {{.Id}} Memory {{.HostConfig.Memory}} MemorySwap {{.HostConfig.MemorySwap}} CgroupnsMode {{.HostConfig.CgroupnsMode}} Cgroup {{.HostConfig.Cgroup}} CgroupParent {{.HostConfig.CgroupParent}}' $c)"
echo "--- /proc/$cpid/cgroup (od -c, exact bytes):"; od -c /proc/$cpid/cgroup
echo "--- /proc/$cpid/cgroup:"; cat /proc/$cpid/cgroup
ccg=$(sed -n 's/^0:://p' /proc/$cpid/cgroup)
for f in memory.max memory.high memory.swap.max cgroup.procs cgroup.type cgroup.controllers; do
  echo "/sys/fs/cgroup$ccg/$f: $(tr '\n' ' ' < /sys/fs/cgroup$ccg/$f)"
done
echo "/sys/fs/cgroup/system.slice/cgroup.subtree_control: $(cat /sys/fs/cgroup/system.slice/cgroup.subtree_control)"
echo "seen inside the container (its own cgroup namespace): /proc/1/cgroup $(docker exec $c cat /proc/1/cgroup); /sys/fs/cgroup/memory.max $(docker exec $c cat /sys/fs/cgroup/memory.max)"
FIXTURE
    log "fixture: $LOGS/fixture.txt"
}

lab() {
    inventory
    play scratch-1 lab.yml --tags scratch
    truth after-scratch-1
    fixture
    play scratch-2 lab.yml --tags scratch
    play verify playbooks/verify.yml
    play reset playbooks/reset.yml
    truth after-reset
}

stop() {
    if running; then
        local pid; pid=$(cat "$PIDFILE")
        vm poweroff >/dev/null 2>&1 || true
        for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 2; done
        if kill -0 "$pid" 2>/dev/null; then kill "$pid"; fi
        log "stop: QEMU $pid ended"
    fi
    rm -f "$PIDFILE"
}

main() {
    mkdir -p "$WORK" "$LOGS"
    case ${1:-all} in
        build) build ;; boot) boot ;; wait) wait_ssh ;; load) load ;; truth) truth "${2:-now}" ;; fixture) fixture ;;
        lab) lab ;; stop) stop ;; ssh) shift; vm "$@" ;;
        all) trap stop EXIT; build; boot; wait_ssh; load; lab ;;
        *) echo "usage: $0 [all|build|boot|wait|load|lab|truth NAME|fixture|stop|ssh CMD...]" >&2; return 2 ;;
    esac
}

main "$@"
