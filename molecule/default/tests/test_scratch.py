"""Verify the scratch scenario on the converged VM with nothing from the collection.

The process is found by its root alone (the kernel's /proc/PID/root, read with readlink), not by the lab's state
file; its namespaces are compared with PID 1's by inode (readlink /proc/PID/ns/*), its PID in its own namespace
read from NSpid, its hostname asked in its UTS namespace (nsenter), its links and addresses with ip, its reach with
bash's /dev/tcp from its network namespace (a refused connection is a reply: the peer is reached), and both memory
limits read under /sys/fs/cgroup from the path /proc/PID/cgroup names.
"""

from __future__ import annotations

import json

ROOTFS = "/var/lib/microlab-scratch/rootfs"
LIMIT = "67108864"
FIND = f"for p in /proc/[0-9]*; do [ \"$(readlink $p/root)\" = {ROOTFS} ] && echo ${{p#/proc/}}; done; true"


def process(host):
    pids = host.check_output(FIND).split()
    assert len(pids) == 1, f"one process chrooted in {ROOTFS} expected, found {pids}"
    return pids[0]


def test_scratch_process_is_pid_one_of_its_own_namespaces(host):
    pid = process(host)
    assert host.check_output(f"cat /proc/{pid}/comm") == "sleep"
    assert host.check_output(f"grep NSpid /proc/{pid}/status").split()[1:] == [pid, "1"]
    for kind in ("pid", "mnt", "uts", "net"):
        assert host.check_output(f"readlink /proc/{pid}/ns/{kind}") != host.check_output(f"readlink /proc/1/ns/{kind}")
    assert host.check_output(f"nsenter --target {pid} --uts hostname") == "lab-scratch"
    # Its mount namespace holds no network namespace of the host's (a container's would outlive the container).
    assert host.run(f"grep ' - nsfs ' /proc/{pid}/mountinfo").stdout == ""
    assert host.check_output("hostname") != "lab-scratch"
    assert host.file(f"{ROOTFS}/usr/lib/os-release").is_file


def test_scratch_reaches_the_peer_on_the_bridge_and_not_the_lone_namespace(host):
    pid = process(host)
    ports = json.loads(host.check_output("ip -j link show master mlscratch0"))
    assert sorted(link["ifname"] for link in ports) == ["mlscr-peer", "mlscr-self"]
    inside = json.loads(host.check_output(f"nsenter --target {pid} --net ip -j addr show eth0"))[0]
    assert "UP" in inside["flags"]
    assert [a["local"] for a in inside["addr_info"] if a["family"] == "inet"] == ["10.213.0.2"]
    reached = host.run(f"nsenter --target {pid} --net timeout 1 bash -c 'echo > /dev/tcp/10.213.0.3/9'")
    assert "Connection refused" in reached.stderr, reached.stderr
    unreached = host.run(f"nsenter --target {pid} --net timeout 1 bash -c 'echo > /dev/tcp/10.213.0.4/9'")
    assert unreached.rc != 0 and "Connection refused" not in unreached.stderr, unreached.stderr


def memory_limit(host, pid):
    if host.file("/sys/fs/cgroup/cgroup.controllers").exists:
        path = host.check_output(f"grep '^0::' /proc/{pid}/cgroup").split(":", 2)[2]
        return path, host.check_output(f"cat /sys/fs/cgroup{path}/memory.max")
    line = host.check_output(f"grep -E '^[0-9]+:([^:]*,)?memory(,[^:]*)?:' /proc/{pid}/cgroup")
    path = line.split(":", 2)[2]
    return path, host.check_output(f"cat /sys/fs/cgroup/memory{path}/memory.limit_in_bytes")


def test_scratch_memory_limit_by_hand_is_docker_run_memorys(host):
    path, limit = memory_limit(host, process(host))
    assert path.endswith("/microlab-scratch") and limit == LIMIT
    data = json.loads(host.check_output("docker inspect lab_scratch_limited"))[0]
    assert data["HostConfig"]["Memory"] == int(LIMIT)
    _path, limit = memory_limit(host, data["State"]["Pid"])
    assert limit == LIMIT
