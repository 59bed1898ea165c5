"""Verify the foundation on the converged VM, independently of the roles.

Every check reads the VM as a person would: the docker CLI, /etc, the
process table. Nothing here uses the collection's own modules.
"""

from __future__ import annotations

import json

import pytest

LAB_IMAGES = {
    # role: (image, arguments that exercise the image's own command)
    "shell": ("microlab.local/lab-shell:bookworm", ["sh", "-c", "echo shell-ok"]),
    "nginx": ("microlab.local/lab-nginx:bookworm", ["nginx", "-t"]),
    "curl": ("microlab.local/lab-curl:bookworm", ["--version"]),
    "nettools": ("microlab.local/lab-nettools:bookworm", []),
}


def test_engine_answers(host):
    version = host.check_output("docker version --format '{{.Server.Version}}'")
    assert version, "the engine did not report a version"


def test_engine_runs_under_the_supervisor(host):
    pidfile = host.file("/run/microlab-dockerd.pid")
    assert pidfile.exists
    supervisor = host.process.get(pid=int(pidfile.content_string.strip()))
    assert "microlab-dockerd" in supervisor.args
    assert host.process.filter(comm="dockerd"), "no dockerd process"


def test_daemon_json_applied(host):
    config = json.loads(host.file("/etc/docker/daemon.json").content_string)
    # Exactly the VM's docker_host_daemon_options (molecule.yml): the userns VM adds userns-remap.
    assert config == host.ansible.get_variables()["docker_host_daemon_options"]
    assert host.check_output("docker info --format '{{.LoggingDriver}}'") == "local"


def test_student_in_docker_group(host):
    assert "docker" in host.user("student").groups
    # The membership works: the student talks to the engine without sudo.
    result = host.run("su student -c 'docker ps --quiet'")
    assert result.rc == 0, result.stderr


def test_images_are_offline_builds_with_honest_names(host):
    for image in [image for image, _args in LAB_IMAGES.values()]:
        labels = json.loads(host.check_output(f"docker image inspect --format '{{{{json .Config.Labels}}}}' {image}"))
        assert labels["microlab.image"] == "docker_internals"
        assert "microlab.lab" not in labels, "a lab label on an image would mark users' containers as lab resources"
        assert "not an upstream image" in labels["org.opencontainers.image.description"]


@pytest.mark.parametrize("role", sorted(LAB_IMAGES))
def test_image_runs_its_command(host, role):
    image, args = LAB_IMAGES[role]
    result = host.run("docker run --rm " + image + " " + " ".join(f"'{a}'" for a in args))
    assert result.rc == 0, result.stderr
    expected = {"shell": "shell-ok", "nginx": "syntax is ok", "curl": "curl ", "nettools": "lo "}[role]
    assert expected in result.stdout + result.stderr
