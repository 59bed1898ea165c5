# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one command and print what it cost, as one JSON line on stdout.

    python bench/fleet/measure.py [--container NAME ...] [--log FILE] -- COMMAND [ARG ...]

- wall: seconds from start to the end of the command;
- controller_main_cpu: user + sys seconds of COMMAND's own process (sampled
  every 0.2 s; for ansible-playbook the strategy loop, which is one Python
  thread however many cores the controller has);
- controller_cpu: user + sys seconds of the whole process tree of COMMAND,
  including the ssh ControlPersist masters it leaves behind: this process
  makes itself a child subreaper, so those masters, orphaned when their ssh
  client exits, become its children; it stops them when COMMAND ends (the
  next command opens its own connections, as an instructor's later command
  would) and reaps them, and the kernel adds their CPU to RUSAGE_CHILDREN;
- machine_busy: CPU seconds the whole machine spent (all cores, /proc/stat),
  and machine_cores, to tell a CPU-bound run from a waiting one;
- containers: CPU seconds of each named container's cgroup (the Docker-in-Docker
  VMs: apt, dpkg, dockerd, image load), or null where no cgroup is found.
"""
import argparse
import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def machine_busy_seconds():
    """CPU seconds spent not idle by all cores since boot."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def container_cgroup_usage(container_id):
    """CPU seconds of a container's cgroup (v1 cpuacct or v2 cpu.stat), or None."""
    candidates_v1 = [
        f"/sys/fs/cgroup/cpuacct/docker/{container_id}/cpuacct.usage",
        f"/sys/fs/cgroup/cpu,cpuacct/docker/{container_id}/cpuacct.usage",
        f"/sys/fs/cgroup/cpuacct/system.slice/docker-{container_id}.scope/cpuacct.usage",
    ]
    for path in candidates_v1:
        if os.path.exists(path):
            with open(path, encoding="ascii") as usage:
                return int(usage.read()) / 1e9
    for path in (f"/sys/fs/cgroup/system.slice/docker-{container_id}.scope/cpu.stat",
                 f"/sys/fs/cgroup/docker/{container_id}/cpu.stat"):
        if os.path.exists(path):
            with open(path, encoding="ascii") as stat:
                for line in stat:
                    key, value = line.split()
                    if key == "usage_usec":
                        return int(value) / 1e6
    return None


def container_ids(names):
    if not names:
        return {}
    out = subprocess.run(["docker", "inspect", "--format", "{{.Name}} {{.Id}}", *names],
                         check=True, capture_output=True, text=True).stdout
    return {name.lstrip("/"): cid for name, cid in (line.split() for line in out.splitlines())}


def own_cpu_seconds(pid, last):
    """user + sys seconds of the process itself (not its children), or last if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return last
    if fields[0] == "Z":
        return last
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_children():
    """PIDs whose parent is this process (orphans handed to the subreaper included)."""
    me = os.getpid()
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == me:
            children.append(int(entry))
    return children


def stop_and_reap_orphans():
    """Stop what COMMAND left running (ssh masters) and reap it; return how many."""
    reaped = 0
    for _attempt in range(50):
        pids = own_children()
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        time.sleep(0.1)
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            reaped += 1
    return reaped


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--container", action="append", default=[])
    parser.add_argument("--log", help="file for the command's output (default: this stderr)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit(f"measure.py: prctl(PR_SET_CHILD_SUBREAPER) failed: {os.strerror(ctypes.get_errno())}")

    ids = container_ids(args.container)
    before_vm = {name: container_cgroup_usage(cid) for name, cid in ids.items()}
    before_busy = machine_busy_seconds()
    start = time.monotonic()
    main_cpu = 0.0
    with open(args.log, "a", encoding="utf-8") if args.log else open(os.dup(2), "w", encoding="utf-8") as log:
        with subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT) as process:
            while True:
                main_cpu = own_cpu_seconds(process.pid, main_cpu)
                try:
                    returncode = process.wait(timeout=0.2)
                    break
                except subprocess.TimeoutExpired:
                    continue
    wall = time.monotonic() - start
    orphans = stop_and_reap_orphans()
    busy = machine_busy_seconds() - before_busy
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    after_vm = {name: container_cgroup_usage(cid) for name, cid in ids.items()}
    containers = {
        name: (None if before_vm[name] is None or after_vm[name] is None
               else round(after_vm[name] - before_vm[name], 2))
        for name in ids
    }
    print(json.dumps({
        "returncode": returncode,
        "wall": round(wall, 2),
        "controller_user": round(usage.ru_utime, 2),
        "controller_sys": round(usage.ru_stime, 2),
        "controller_cpu": round(usage.ru_utime + usage.ru_stime, 2),
        "controller_main_cpu": round(main_cpu, 2),
        "orphans_reaped": orphans,
        "machine_busy": round(busy, 2),
        "machine_cores": os.cpu_count(),
        "containers": containers,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
