"""Verify the overlay scenario on the converged VM with nothing from the collection.

The engine's word (`docker inspect`'s GraphDriver, `docker diff`), the kernel's (the root mount in
/proc/PID/mountinfo of the container's process) and the files themselves (`stat`, `cat` in the upperdir and in
the image's layer) must agree with what the lab judged: the layers as lowerdirs, the upperdir holding the written
file, the copied-up file and the whiteout, and two containers of one image sharing its layers.
"""

from __future__ import annotations

import json

MARK = "written-in-the-container"


def graph(host, name):
    data = json.loads(host.check_output(f"docker inspect {name}"))[0]
    assert data["State"]["Running"], f"{name} is not running"
    assert data["GraphDriver"]["Name"] == "overlay2"
    return data["GraphDriver"]["Data"], data["State"]["Pid"]


def test_overlay_root_mount_is_the_engines_overlay(host):
    dirs, pid = graph(host, "lab_overlay")
    root = [line for line in host.check_output(f"cat /proc/{pid}/mountinfo").splitlines() if line.split()[4] == "/"]
    options = root[-1].split(" - ")[1].split()
    assert options[0] == "overlay"
    assert f"upperdir={dirs['UpperDir']}" in options[2].split(",")
    assert f"workdir={dirs['WorkDir']}" in options[2].split(",")
    lowers = next(o for o in options[2].split(",") if o.startswith("lowerdir=")).split("=", 1)[1].split(":")
    # overlay2's short links, read (not followed) with readlink, name the engine's layers.
    layers = [host.check_output(f"readlink {link}") for link in lowers]
    assert [f"{dirs['UpperDir'].rsplit('/', 2)[0]}/{layer[3:]}" for layer in layers] == dirs["LowerDir"].split(":")


def test_overlay_changes_are_in_the_upperdir_and_the_image_layer_is_unchanged(host):
    dirs, _pid = graph(host, "lab_overlay")
    upper, image_layer = dirs["UpperDir"], dirs["LowerDir"].split(":")[-1]
    assert host.check_output(f"stat -c %F {upper}/lab-written.txt") == "regular file"
    assert host.check_output(f"cat {upper}/lab-written.txt") == MARK
    assert MARK in host.check_output(f"cat {upper}/etc/issue")
    assert MARK not in host.check_output(f"cat {image_layer}/etc/issue")
    assert host.check_output(f"stat -c '%F %t/%T' {upper}/etc/issue.net") == "character special file 0/0"
    assert host.check_output(f"stat -c %F {image_layer}/etc/issue.net") == "regular file"
    diff = host.check_output("docker diff lab_overlay").splitlines()
    assert {"A /lab-written.txt", "C /etc/issue", "D /etc/issue.net"} <= set(diff)


def test_overlay_two_containers_of_one_image_share_its_layers(host):
    mine, _pid = graph(host, "lab_overlay")
    twin, _pid = graph(host, "lab_overlay_twin")
    assert mine["LowerDir"].split(":")[1:] == twin["LowerDir"].split(":")[1:]
    assert mine["UpperDir"] != twin["UpperDir"]
