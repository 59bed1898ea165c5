#!/usr/bin/env bash
# The chapter's scenarios as a plain shell script: the same docker
# commands the lab's roles run, without Ansible, to compare wall times
# (docs/benchmarks.md). Everything it makes is labelled microlab.bench=plain and
# only that is removed at the end: never `docker rm -f $(docker ps -aq)`.
#   bench/chapter_plain.sh            # images: the offline lab images
#   TIMEOUT=2 SHELL_IMG=... NGINX_IMG=... CURL_IMG=... bench/chapter_plain.sh
set -euo pipefail
SHELL_IMG=${SHELL_IMG:-microlab.local/lab-shell:bookworm}
NGINX_IMG=${NGINX_IMG:-microlab.local/lab-nginx:bookworm}
CURL_IMG=${CURL_IMG:-microlab.local/lab-curl:bookworm}
TIMEOUT=${TIMEOUT:-2} # the lab's lab_network_timeout
LABEL=(--label microlab.bench=plain)

FILES_DIR=/tmp/microlab-bench-files # the lab's lab_files_share_dir
SCRATCH_DIR=/var/lib/microlab-bench-scratch # not on /tmp, which may be noexec
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then # cgroup v2: beside PID 1's, as the lab's
    CGROUP="/sys/fs/cgroup$(dirname "$(cut -d: -f3 /proc/1/cgroup)")/bench-scratch" LIMIT=memory.max
else
    CGROUP="/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" {print $3}' /proc/1/cgroup)/bench-scratch"
    LIMIT=memory.limit_in_bytes
fi

cleanup() {
    local ids
    ids=$(docker ps -aq --filter label=microlab.bench=plain)
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
    ids=$(docker network ls -q --filter label=microlab.bench=plain)
    [ -z "$ids" ] || docker network rm $ids >/dev/null
    rm -rf "$FILES_DIR"
    if [ -d "$CGROUP" ]; then
        xargs -r kill -9 <"$CGROUP/cgroup.procs"
        until rmdir "$CGROUP" 2>/dev/null; do sleep 0.05; done
    fi
    for link in bench_br0 bench_self bench_peer bench_alone; do ip link delete "$link" 2>/dev/null || true; done
    for ns in bench_peer bench_alone; do ip netns delete "$ns" 2>/dev/null || true; done
    rm -rf "$SCRATCH_DIR"
}
trap cleanup EXIT
cleanup

echo "== 1. users"
docker run -d "${LABEL[@]}" --name bench_user_root "$SHELL_IMG" sleep 500 >/dev/null
docker run -d "${LABEL[@]}" --name bench_user_1234 --user 1234 "$SHELL_IMG" sleep 500 >/dev/null
ps -o user,pid,args -C sleep | grep -E 'USER|sleep 500'

echo "== 2. nginx (the chapter's web_server)"
docker run -d "${LABEL[@]}" --name bench_web_server "$NGINX_IMG" nginx -g 'daemon off;' >/dev/null
PID=$(docker inspect -f '{{.State.Pid}}' bench_web_server)
IP=$(docker inspect -f '{{.NetworkSettings.IPAddress}}' bench_web_server)
until nsenter -t "$PID" -n ss -Htln | grep -q ':80 '; do sleep 0.05; done
nsenter -t "$PID" -n ss -tln
ss -tln | grep -E ':80 ' || echo "host: nothing on :80"
curl -s -o /dev/null -w "host -> http://$IP/: %{http_code}\n" "http://$IP/"

echo "== 3. network"
docker network create "${LABEL[@]}" bench_lonely_curl >/dev/null
docker run --rm "${LABEL[@]}" "$CURL_IMG" -s -o /dev/null -w "bridge -> %{http_code}\n" -m "$TIMEOUT" "http://$IP/"
rc=0
docker run --rm "${LABEL[@]}" --network bench_lonely_curl "$CURL_IMG" -sS -m "$TIMEOUT" "http://$IP/" || rc=$?
echo "lonely -> curl exit $rc (28 timeout, 7 refused)"
docker network inspect bridge bench_lonely_curl -f '{{.Name}} {{range .IPAM.Config}}{{.Subnet}}{{end}}'

echo "== 4. files (UIDs matter for files)"
mkdir -p "$FILES_DIR/owned" "$FILES_DIR/open"
chown 1234:1234 "$FILES_DIR/owned"
chmod 0755 "$FILES_DIR/owned"
chmod 0777 "$FILES_DIR/open"
writer() { # NAME USER DIR COMMAND
    docker run -d "${LABEL[@]}" --name "$1" --user "$2" -v "$3:/data" --entrypoint sh "$SHELL_IMG" -c "$4; exec sleep infinity" >/dev/null
}
writer bench_files_owner 1234 "$FILES_DIR/owned" 'touch /data/written-by-1234'
writer bench_files_other 4321 "$FILES_DIR/owned" 'touch /data/written-by-4321'
writer bench_files_root 0 "$FILES_DIR/open" 'rm -f /data/written-by-root; touch /data/written-by-root'
until [ -e "$FILES_DIR/owned/written-by-1234" ] && [ -e "$FILES_DIR/open/written-by-root" ] &&
    [ "$(docker inspect -f '{{.State.Running}}' bench_files_other)" = true ]; do sleep 0.05; done
ls -ln "$FILES_DIR/owned" "$FILES_DIR/open"

echo "== 5. overlay (layers, copy-up, whiteout)"
docker run -d "${LABEL[@]}" --name bench_overlay --entrypoint sh "$SHELL_IMG" -c \
    'echo written-in-the-container > /lab-written.txt && echo written-in-the-container >> /etc/issue && rm -f /etc/issue.net && exec sleep infinity' >/dev/null
docker run -d "${LABEL[@]}" --name bench_overlay_twin --entrypoint sleep "$SHELL_IMG" infinity >/dev/null
UPPER=$(docker inspect -f '{{.GraphDriver.Data.UpperDir}}' bench_overlay)
until [ -e "$UPPER/lab-written.txt" ] && [ -c "$UPPER/etc/issue.net" ]; do sleep 0.05; done
grep -c overlay "/proc/$(docker inspect -f '{{.State.Pid}}' bench_overlay)/mountinfo"
ls -l "$UPPER" "$UPPER/etc"
docker inspect -f '{{.GraphDriver.Data.LowerDir}}' bench_overlay bench_overlay_twin | tr ':' '\n' | sort | uniq -d | wc -l

echo "== 6. a container from scratch (unshare, chroot, veth, a memory cgroup)"
mkdir -p "$SCRATCH_DIR/rootfs"
id=$(docker create "${LABEL[@]}" "$SHELL_IMG" true)
docker export "$id" | tar -x --numeric-owner -C "$SCRATCH_DIR/rootfs"
docker rm "$id" >/dev/null
unshare --pid --mount --uts --net --fork --mount-proc="$SCRATCH_DIR/rootfs/proc" \
    chroot "$SCRATCH_DIR/rootfs" sleep infinity </dev/null >/dev/null 2>&1 &
UNSHARE_PID=$!
until SCRATCH_PID=$(pgrep -x sleep -P "$UNSHARE_PID"); do
    kill -0 "$UNSHARE_PID" || { echo "unshare ended" >&2; exit 1; }
    sleep 0.05
done
nsenter -t "$SCRATCH_PID" -u hostname bench-scratch
ip link add bench_br0 type bridge && ip link set bench_br0 up
ip netns add bench_peer && ip netns add bench_alone
veth() { # HOST_END NETNS_FILE ADDRESS [BRIDGE]
    ip link add "$1" type veth peer name "$1-c"
    ip link set "$1-c" netns "$(basename "$2")" 2>/dev/null || ip link set "$1-c" netns "$SCRATCH_PID"
    [ -z "${4:-}" ] || ip link set "$1" master "$4"
    ip link set "$1" up
    nsenter --net="$2" sh -c "ip link set $1-c name eth0 && ip addr add $3/24 dev eth0 && ip link set eth0 up"
}
veth bench_self "/proc/$SCRATCH_PID/ns/net" 10.214.0.2 bench_br0
veth bench_peer /run/netns/bench_peer 10.214.0.3 bench_br0
veth bench_alone /run/netns/bench_alone 10.214.0.4
mkdir "$CGROUP"
echo $((64 * 1024 * 1024)) >"$CGROUP/$LIMIT"
echo "$SCRATCH_PID" >"$CGROUP/cgroup.procs"
docker run -d "${LABEL[@]}" --name bench_scratch_limited --memory 64m "$SHELL_IMG" sleep infinity >/dev/null
readlink "/proc/$SCRATCH_PID/ns/pid" /proc/1/ns/pid
grep NSpid "/proc/$SCRATCH_PID/status"
nsenter -t "$SCRATCH_PID" -u hostname
reach() { nsenter -t "$SCRATCH_PID" -n timeout 1 bash -c "</dev/tcp/$1/9" 2>/dev/null; [ $? -ne 124 ]; }
reach 10.214.0.3 && echo "peer: reached"
reach 10.214.0.4 || echo "alone: not reached"
cat "$CGROUP/$LIMIT"
docker inspect -f '{{.HostConfig.Memory}}' bench_scratch_limited
