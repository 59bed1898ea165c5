"""userns-remap, seen from the VM's process table, independently of the collection's modules."""

from __future__ import annotations

import json

# Only the VM whose engine runs with userns-remap (molecule.yml's host_vars).
testinfra_hosts = ["ansible://microlab-userns-vm"]


def container(host, name):
    return json.loads(host.check_output(f"docker inspect {name}"))[0]


def subordinate_start(host):
    line = next(entry for entry in host.file("/etc/subuid").content_string.splitlines()
                if entry.startswith("dockremap:"))
    return int(line.split(":")[1])


def test_engine_runs_with_userns_remap(host):
    assert "name=userns" in host.check_output("docker info --format '{{json .SecurityOptions}}'")


def test_container_root_is_a_subordinate_uid_on_the_vm(host):
    pid = container(host, "lab_user_remapped")["State"]["Pid"]
    assert int(host.check_output(f"ps -o uid= -p {pid}")) == subordinate_start(host)
    assert host.file(f"/proc/{pid}/uid_map").content_string.split()[:2] == ["0", str(subordinate_start(host))]


def test_host_userns_containers_keep_the_host_uids(host):
    for name, uid in (("lab_user_root", 0), ("lab_user_1234", 1234)):
        pid = container(host, name)["State"]["Pid"]
        assert int(host.check_output(f"ps -o uid= -p {pid}")) == uid
