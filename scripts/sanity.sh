#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection laid out as
# ansible_collections/microlab/docker_internals (ansible-test needs that path).
# Runs in the venv's Python, without containers (--local is implied): every
# test that needs only Python and PyPI runs; the ones listed in SKIPPED need
# what this machine lacks, and are named in the output.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/.cache/sanity"
dest="$root/ansible_collections/microlab/docker_internals"
rm -rf "$root" && mkdir -p "$dest"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$dest"
cd "$dest"
# ansible-test finds the files to test through git.
git init -q . && git add -A
python="$(command -v python3)"
version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
# ansible-test bootstraps pip in each test's venv with a get-pip.py from
# ci-files.testing.ansible.com, which this network does not reach. Stand in
# for it: ensurepip (bundled with CPython), then pip from PyPI.
requirements_py="$("$python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_internal/python_requirements.py"
pip_version="$(grep -oP "pip='\\K[0-9.]+" "$requirements_py")"
bootstrap="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
mkdir -p "$(dirname "$bootstrap")"
cat >"$bootstrap" <<'PY'
"""Stand-in for get-pip.py: pip from ensurepip, then the requested pip from PyPI.

ansible-test runs pip with a cleaned environment; the venv's own pip.conf
keeps the machine's CA bundle (a TLS-inspecting proxy may sit before PyPI).
"""
import ensurepip
import os
import subprocess
import sys

CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
GET_PIP_ONLY = {"--no-setuptools", "--no-wheel"}
if os.path.exists(CA_BUNDLE):
    with open(os.path.join(sys.prefix, "pip.conf"), "w", encoding="utf-8") as conf:
        conf.write("[global]\ncert = %s\n" % CA_BUNDLE)
ensurepip.bootstrap(upgrade=True)
args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", *args], env=dict(os.environ, PIP_CERT=CA_BUNDLE)))
PY
# shellcheck: needs the shellcheck binary; pslint: PowerShell; none here.
SKIPPED=(--skip-test shellcheck --skip-test pslint)
echo "ansible-test sanity --python $version (skipped: shellcheck, pslint: no such binaries here)"
exec ansible-test sanity --python "$version" --requirements --color no "${SKIPPED[@]}" "$@"
