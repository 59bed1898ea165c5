# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Minimal Docker Engine API client over the local socket, standard library only."""

from __future__ import annotations

import http.client
import json
import socket
from urllib.parse import quote, urlparse

DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock'


class DockerAPIError(Exception):
    """The engine could not be reached or answered with an unexpected status."""


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP/1.1 over a unix stream socket."""

    def __init__(self, path, timeout=60):
        super(UnixHTTPConnection, self).__init__('localhost', timeout=timeout)
        self.socket_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


class DockerAPI(object):
    """GET requests to the engine on one kept-alive connection."""

    def __init__(self, docker_host=DEFAULT_DOCKER_HOST, timeout=60):
        self.docker_host = docker_host
        url = urlparse(docker_host)
        if url.scheme == 'unix':
            self._factory = lambda: UnixHTTPConnection(url.path, timeout=timeout)
        elif url.scheme in ('tcp', 'http'):
            self._factory = lambda: http.client.HTTPConnection(url.hostname, url.port or 2375, timeout=timeout)
        else:
            raise DockerAPIError('unsupported docker_host %r: use unix:///path/to/docker.sock or tcp://host:port' % docker_host)
        self._conn = None

    def get(self, path):
        """(status, decoded JSON body) of GET path."""
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = self._factory()
            try:
                self._conn.request('GET', path, headers={'Host': 'docker'})
                response = self._conn.getresponse()
                body = response.read()
                break
            except PermissionError:
                self.close()
                raise
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                if attempt == 2 or isinstance(exc, (FileNotFoundError, ConnectionRefusedError)):
                    raise DockerAPIError('cannot reach the Docker engine at %s (%s): start dockerd or set docker_host'
                                         % (self.docker_host, exc))
        try:
            data = json.loads(body.decode('utf-8')) if body else None
        except ValueError:
            data = {'message': body.decode('utf-8', 'replace')}
        return response.status, data

    def inspect_container(self, name):
        """Inspect data of a container by name or id, or None when there is no such container."""
        status, data = self.get('/containers/%s/json' % quote(name, safe=''))
        if status == 404:
            return None
        if status != 200:
            raise DockerAPIError('Docker engine at %s answered %s for container %r: %s'
                                 % (self.docker_host, status, name, (data or {}).get('message')))
        return data

    def running_containers(self):
        """Summaries (Id, Names, ...) of every running container."""
        status, data = self.get('/containers/json')
        if status != 200:
            raise DockerAPIError('Docker engine at %s answered %s listing containers: %s'
                                 % (self.docker_host, status, (data or {}).get('message')))
        return data

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None
