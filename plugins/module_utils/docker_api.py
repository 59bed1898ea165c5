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


def demultiplex(raw):
    """(stdout, stderr) text of Docker's multiplexed stream (8-byte frame headers)."""
    out, err = [], []
    offset = 0
    while offset + 8 <= len(raw):
        kind = raw[offset]
        size = int.from_bytes(raw[offset + 4:offset + 8], 'big')
        chunk = raw[offset + 8:offset + 8 + size]
        (err if kind == 2 else out).append(chunk)
        offset += 8 + size
    return b''.join(out).decode('utf-8', 'replace'), b''.join(err).decode('utf-8', 'replace')


def read_exactly(response, size):
    """`size` bytes of a streaming response, fewer only at the end of the stream."""
    chunks, missing = [], size
    while missing > 0:
        chunk = response.read(missing)
        if not chunk:
            break
        chunks.append(chunk)
        missing -= len(chunk)
    return b''.join(chunks)


def stream_chunks(response, tty, size=4096):
    """The output bytes of a container's log or attach stream as they come, until it ends.

    Without a TTY the engine multiplexes stdout and stderr in frames (an 8-byte header: the
    stream, 3 zero bytes, the big-endian length); with a TTY the bytes come raw. Frames are
    read at most `size` bytes at a time, so a huge frame never sits in memory whole.
    """
    if tty:
        while True:
            chunk = response.read1(size)
            if not chunk:
                return
            yield chunk
    while True:
        header = read_exactly(response, 8)
        if len(header) < 8:
            return
        missing = int.from_bytes(header[4:8], 'big')
        while missing > 0:
            chunk = read_exactly(response, min(missing, size))
            if not chunk:
                return
            missing -= len(chunk)
            yield chunk


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


class Stream(object):
    """An open streaming response and the connection it came on."""

    def __init__(self, conn, sock, response):
        self._conn = conn
        self._sock = sock
        self.response = response
        self.status = response.status

    def interrupt(self):
        """End the stream for the thread reading it (which then closes it): from another thread."""
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self):
        self.interrupt()
        self.response.close()
        self._conn.close()
        self._sock.close()


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
        self.timeout = timeout

    def get(self, path):
        """(status, decoded JSON body) of GET path."""
        return self.request('GET', path)

    def request(self, method, path, body=None):
        """(status, decoded JSON body) of METHOD path, with an optional JSON body."""
        headers = {'Host': 'docker'}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode('utf-8')
            headers['Content-Type'] = 'application/json'
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = self._factory()
            try:
                self._conn.request(method, path, body=payload, headers=headers)
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

    def open_stream(self, path, timeout=None, method='GET'):
        """METHOD path on a connection of its own, for a body read as it comes (events, followed
        logs, an attach).

        Returns a Stream (status, response, close()). `timeout` None waits for data forever.
        """
        conn = self._factory()
        conn.timeout = timeout
        try:
            conn.request(method, path, headers={'Host': 'docker'})
            sock = conn.sock
            return Stream(conn, sock, conn.getresponse())
        except PermissionError:
            conn.close()
            raise
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise DockerAPIError('cannot reach the Docker engine at %s (%s): start dockerd or set docker_host'
                                 % (self.docker_host, exc))

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

    def list_networks(self, names):
        """Inspect data of the networks with exactly these names ({name: data or None})."""
        found = dict((name, None) for name in names)
        for name in names:
            status, data = self.get('/networks/%s' % quote(name, safe=''))
            if status == 200 and isinstance(data, dict) and data.get('Name') == name:
                found[name] = data
            elif status not in (200, 404):
                raise DockerAPIError('Docker engine at %s answered %s for network %r: %s'
                                     % (self.docker_host, status, name, (data or {}).get('message')))
        return found

    def version(self):
        """The engine's /version answer."""
        status, data = self.get('/version')
        if status != 200:
            raise DockerAPIError('Docker engine at %s answered %s to /version' % (self.docker_host, status))
        return data

    def info(self):
        """The engine's /info answer."""
        status, data = self.get('/info')
        if status != 200:
            raise DockerAPIError('Docker engine at %s answered %s to /info' % (self.docker_host, status))
        return data

    def exec_run(self, container, argv, user=None):
        """Run argv in a running container like `docker exec`: (exit code, stdout, stderr).

        Uses its own connection, so several can run at once from threads.
        """
        api = DockerAPI(self.docker_host, timeout=self.timeout)
        try:
            config = {'AttachStdout': True, 'AttachStderr': True, 'Cmd': list(argv)}
            if user is not None:
                config['User'] = user
            status, created = api.request('POST', '/containers/%s/exec' % quote(container, safe=''), config)
            if status != 201:
                raise DockerAPIError('cannot exec in container %r (%s): %s'
                                     % (container, status, (created or {}).get('message')))
            exec_id = created['Id']
            stdout, stderr = api._exec_start(exec_id)
            status, inspected = api.get('/exec/%s/json' % exec_id)
            return (inspected or {}).get('ExitCode'), stdout, stderr
        finally:
            api.close()

    def _exec_start(self, exec_id):
        """Start an exec and read its multiplexed output until it ends."""
        self.close()
        conn = self._factory()
        try:
            conn.request('POST', '/exec/%s/start' % exec_id, body=b'{"Detach": false, "Tty": false}',
                         headers={'Host': 'docker', 'Content-Type': 'application/json'})
            response = conn.getresponse()
            raw = response.read()
            if response.status != 200:
                raise DockerAPIError('cannot start exec %s (%s): %s' % (exec_id, response.status, raw[:200]))
        finally:
            conn.close()
        return demultiplex(raw)

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def published(ports):
    """Container ports that have at least one host binding, from a PortBindings or Ports map
    ({'80/tcp': [{'HostPort': ...}]}), sorted; [] for anything else."""
    ports = ports if isinstance(ports, dict) else {}
    return sorted(port for port, bindings in ports.items() if isinstance(port, str) and bindings)
