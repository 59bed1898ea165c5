"""Verify the users, nginx and network scenarios on the converged VM (test_files.py, test_overlay.py and
test_scratch.py the newer ones), then the reset.

Every outcome is read the way a student would see it, with nothing from the
collection: the process table (`ps`), `ss` inside the container's network
namespace through `nsenter`, `ss` on the VM itself, curl run inside the
client containers, and `docker inspect`. A wrong fact module cannot hide a
wrong lab here.

The last test runs `playbooks/reset.yml` against the VM and checks that a
student's own container (made from a lab image, so it carries the image's
`microlab.lab` label), network, image, overlay mounts, bridge and network
namespace survive it, while the overlay `lab solve` mounts and everything the
scratch scenario made outside the engine go; it then converges the scenarios again so that
`molecule verify` can be run more than once.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

USERS = {"lab_user_root": 0, "lab_user_1234": 1234}
CURL_TIMEOUT = 2  # lab_network_timeout's default
LAB_FILTER = "--filter label=microlab.lab=docker_internals --filter label=microlab.lab.scenario"
OVERLAY_MOUNT = "mount -t overlay overlay -o lowerdir={top}/lower,upperdir={top}/upper,workdir={top}/work {point}"


def inspect(host, name):
    return json.loads(host.check_output(f"docker inspect {name}"))[0]


def pid_of(host, name):
    state = inspect(host, name)["State"]
    assert state["Running"], f"{name} is not running"
    return state["Pid"]


def listening_ports(ss_output):
    """Local ports of `ss -Htln` lines (address:port in the 4th column)."""
    return {int(line.split()[3].rsplit(":", 1)[1]) for line in ss_output.splitlines() if line.strip()}


def nginx_url(host):
    ip = inspect(host, "web_server")["NetworkSettings"]["Networks"]["bridge"]["IPAddress"]
    assert ip, "web_server has no IP on the default bridge"
    return f"http://{ip}/"


def curl_from(host, client, url):
    return host.run(
        f"docker exec {client} curl --silent --output /dev/null --write-out '%{{http_code}}' "
        f"--max-time {CURL_TIMEOUT} {url}"
    )


# Scenario 1: users -------------------------------------------------------------------------


@pytest.mark.parametrize("name, uid", sorted(USERS.items()))
def test_users_host_process_table_shows_the_uid(host, name, uid):
    pid = pid_of(host, name)
    assert int(host.check_output(f"ps -o uid= -p {pid}")) == uid
    assert host.check_output(f"ps -o args= -p {pid}").startswith("sleep")


def test_users_containers_carry_the_lab_labels(host):
    for name in USERS:
        labels = inspect(host, name)["Config"]["Labels"]
        assert labels["microlab.lab"] == "docker_internals"
        assert labels["microlab.lab.scenario"] == "users"


def test_users_file_written_through_the_bind_mount_belongs_to_the_uid_on_the_host(host):
    path = "/var/lib/microlab/users/written-by-uid-1234"
    assert host.check_output(f"stat -c '%u %F' {path}") == "1234 regular empty file"
    assert host.run("getent passwd 1234").rc == 2, "UID 1234 has a name on the VM: the lesson needs none"


def test_users_container_pid_1_is_an_ordinary_host_process_in_its_own_pid_namespace(host):
    pid = pid_of(host, "lab_user_1234")
    nspid = host.check_output(f"grep NSpid /proc/{pid}/status").split()[1:]
    assert nspid == [str(pid), "1"], nspid
    assert host.file(f"/proc/{pid}/ns/pid").linked_to != host.file("/proc/1/ns/pid").linked_to


# Scenario 2: nginx -------------------------------------------------------------------------


def test_nginx_listens_on_80_inside_its_network_namespace(host):
    pid = pid_of(host, "web_server")
    assert 80 in listening_ports(host.check_output(f"nsenter -t {pid} -n ss -Htln"))
    assert host.file(f"/proc/{pid}/ns/net").linked_to != host.file("/proc/1/ns/net").linked_to


def test_nginx_port_80_absent_from_the_vm_namespace(host):
    assert 80 not in listening_ports(host.check_output("ss -Htln"))


def test_nginx_answers_the_vm_by_container_ip(host):
    url = nginx_url(host)
    status = host.check_output(
        f"python3 -c \"import urllib.request; print(urllib.request.urlopen('{url}', timeout=5).status)\""
    )
    assert status == "200"


# Scenario 3: network -----------------------------------------------------------------------


def test_network_bridge_client_gets_200(host):
    result = curl_from(host, "curl_bridge", nginx_url(host))
    assert result.rc == 0 and result.stdout == "200", result.stderr


def test_network_lonely_client_times_out_not_refused(host):
    result = curl_from(host, "curl_lonely", nginx_url(host))
    assert result.rc == 28, f"curl exit {result.rc} (28 timeout, 7 refused): {result.stderr}"


def test_network_clients_on_different_interfaces_and_subnets(host):
    networks = {
        client: inspect(host, client)["NetworkSettings"]["Networks"] for client in ("curl_bridge", "curl_lonely")
    }
    assert list(networks["curl_bridge"]) == ["bridge"]
    assert list(networks["curl_lonely"]) == ["lonely_curl"]
    subnets = {
        name: host.check_output(f"docker network inspect {name} --format '{{{{range .IPAM.Config}}}}{{{{.Subnet}}}}{{{{end}}}}'")
        for name in ("bridge", "lonely_curl")
    }
    assert subnets["bridge"] and subnets["lonely_curl"] and subnets["bridge"] != subnets["lonely_curl"]
    # Inside each client: eth0 has an address of its own network's subnet.
    for client, net in (("curl_bridge", "bridge"), ("curl_lonely", "lonely_curl")):
        address = host.check_output(f"docker exec {client} ip -o -4 addr show dev eth0").split()[3]
        assert address == "{IPAddress}/{IPPrefixLen}".format(**networks[client][net])
    # On the VM: two different bridges.
    lonely_id = host.check_output("docker network inspect lonely_curl --format '{{.Id}}'")[:12]
    assert host.interface("docker0").exists
    assert host.interface(f"br-{lonely_id}").exists


def test_network_each_client_eth0_is_a_veth_pair_whose_host_end_is_on_its_bridge(host):
    lonely_id = host.check_output("docker network inspect lonely_curl --format '{{.Id}}'")[:12]
    for client, bridge in (("curl_bridge", "docker0"), ("curl_lonely", f"br-{lonely_id}")):
        peer = host.check_output(f"docker exec {client} cat /sys/class/net/eth0/iflink")
        line = host.check_output(f"ip -o link show master {bridge}")
        assert any(entry.split(":")[0].strip() == peer for entry in line.splitlines()), (client, peer, line)


def drop_counters(host):
    """{rule text: packets} of every DROP rule, from `iptables-save -c` on the VM."""
    counters = {}
    table = ""
    for line in host.check_output("iptables-save -c").splitlines():
        if line.startswith("*"):
            table = line[1:]
        elif line.startswith("[") and line.endswith("-j DROP"):
            packets = int(line[1:line.index(":")])
            counters["%s %s" % (table, line[line.index("]") + 2:])] = packets
    return counters


def test_network_the_lab_names_the_drop_rule_whose_counter_moved(host, tmp_path):
    before = drop_counters(host)
    assert curl_from(host, "curl_lonely", nginx_url(host)).rc == 28
    after = drop_counters(host)
    moved = [rule for rule, packets in after.items() if packets > before.get(rule, 0)]
    assert moved, "no DROP rule counted the lonely client's packets"
    run_playbook(host, "playbooks/verify.yml", "-e", f"lab_report_dir={tmp_path}", "-e", "lab_language=en")
    with open(tmp_path / "report.json", encoding="utf-8") as handle:
        outcome = json.load(handle)["hosts"][0]["outcomes"]["network_drop_rule"]
    assert outcome["status"] == "pass", outcome
    assert any(rule.split(" ", 1)[1] in outcome["evidence"] for rule in moved), (moved, outcome)


# Reset -------------------------------------------------------------------------------------


def run_playbook(host, playbook, *args):
    """Run a playbook of the checkout against this test's VM only (lab_hosts, which the playbooks take)."""
    project = os.environ["MOLECULE_PROJECT_DIRECTORY"]
    result = subprocess.run(
        ["ansible-playbook", "-i", os.environ["MOLECULE_INVENTORY_FILE"], "-e", f"lab_hosts={host.backend.host}",
         playbook, *args],
        cwd=project, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_reset_removes_the_lab_and_nothing_else(host):
    shell_image = inspect(host, "lab_user_root")["Config"]["Image"]
    host.check_output("docker network create mine_net")
    host.check_output(f"docker tag {shell_image} mine/image:1")
    # The directories the lab made go, with what was written in them; a student's own directory stays.
    made = ("/srv/lab_files", "/var/lib/microlab/users")
    assert all(host.file(path).is_directory for path in made)
    host.check_output("mkdir -p /srv/mine && echo notes > /srv/mine/notes.txt")
    # Made from a lab image, and even carrying the lab's own label (copied
    # from the chapter, say): only the scenario label marks a lab resource.
    host.check_output("docker run -d --name mine --network mine_net --label microlab.lab=docker_internals"
                      " mine/image:1 sleep infinity")
    # The overlay `lab solve overlay_own_mount` mounts (its place and directories), and a student's own overlay.
    for top in ("/run/microlab-overlay", "/tmp/ov-student"):
        host.check_output(f"mkdir -p {top}/lower {top}/upper {top}/work {top}/merged")
    host.check_output(OVERLAY_MOUNT.format(top="/run/microlab-overlay", point="/run/microlab-overlay/merged"))
    host.check_output(OVERLAY_MOUNT.format(top="/tmp/ov-student", point="/tmp/ov-student/merged"))
    # A student's own bridge and network namespace, beside the scratch scenario's.
    host.check_output("ip link add mine0 type bridge && ip netns add mine_ns")
    try:
        assert inspect(host, "mine")["Config"]["Labels"]["microlab.lab"] == "docker_internals"
        run_playbook(host, "playbooks/reset.yml")

        assert host.check_output(f"docker ps -aq {LAB_FILTER}") == ""
        assert host.check_output("docker network ls -q --filter name=^lonely_curl$") == ""
        assert inspect(host, "mine")["State"]["Running"], "the student's container did not survive"
        assert host.run("docker network inspect mine_net").rc == 0, "the student's network did not survive"
        assert host.run("docker image inspect mine/image:1").rc == 0, "the student's image did not survive"
        mounts = host.check_output("cut -d' ' -f5 /proc/self/mountinfo").splitlines()
        assert "/tmp/ov-student/merged" in mounts, "the student's overlay did not survive"
        assert "/run/microlab-overlay/merged" not in mounts and not host.file("/run/microlab-overlay").exists
        assert host.run("ip link show mine0").rc == 0 and "mine_ns" in host.check_output("ip netns list")
        assert host.run("ip link show mlscratch0").rc != 0 and "mlscratch" not in host.check_output("ip netns list")
        assert not host.file("/var/lib/microlab-scratch").exists and not host.file("/run/microlab-scratch").exists
        assert host.run("readlink /proc/[0-9]*/root | grep -x /var/lib/microlab-scratch/rootfs").rc == 1
        assert not any(host.file(path).exists for path in made), "a directory the lab made is still there"
        assert host.file("/srv/mine/notes.txt").content_string == "notes\n", "the student's directory did not survive"
    finally:
        host.run("docker rm -f mine; docker network rm mine_net; docker rmi mine/image:1; rm -rf /srv/mine")
        host.run("umount /run/microlab-overlay/merged; umount /tmp/ov-student/merged; "
                 "rm -rf /run/microlab-overlay /tmp/ov-student; ip link delete mine0; ip netns delete mine_ns")

    # Put the lab back, so that `molecule verify` can run again.
    recap = run_playbook(host, "playbooks/lab.yml", "--tags", "users,nginx,network,files,overlay,scratch")
    assert "failed=0" in recap
