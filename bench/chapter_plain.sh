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

cleanup() {
    local ids
    ids=$(docker ps -aq --filter label=microlab.bench=plain)
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
    ids=$(docker network ls -q --filter label=microlab.bench=plain)
    [ -z "$ids" ] || docker network rm $ids >/dev/null
    rm -rf "$FILES_DIR"
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
