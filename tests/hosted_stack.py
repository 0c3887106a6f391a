"""The hosted stack on loopback, shared by ``tests/test_hosting.py`` and ``bench/hosted.py``.

Two app processes started with the ``ExecStart`` line of ``deploy/assetmap@.service`` on one workspace,
and Debian's nginx (run as the current user, with the site file ``deploy/nginx-assetmap.conf`` where only
ports and paths are replaced, TLS with a throwaway certificate) in front of them. :func:`running` starts
it all and stops it at the end; the test checks what it serves, the benchmark loads it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import ssl
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import browsing

REPO = Path(__file__).resolve().parent.parent
NGINX = Path(shutil.which("nginx") or "/usr/sbin/nginx")

__all__ = ["NGINX", "Stack", "clean_env", "get", "nginx_config", "process", "running", "self_signed",
           "unit_command", "upstream_of"]


@contextmanager
def process(command, cwd, env, log: Path, url: str):
    with open(log, "wb") as out:
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            browsing.wait_healthy(url, child)
            yield child
        finally:
            child.terminate()
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()



def clean_env(tmp_path: Path) -> dict[str, str]:
    """This machine's environment without any assetmap or Streamlit setting, with a home of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSETMAP_", "STREAMLIT_"))}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    # The test venv stands in for the image's `pip install`: its streamlit first on PATH.
    env |= {"HOME": str(home), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}
    return env



def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 (cryptography comes with streamlit[auth]'s Authlib)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path



def nginx_config(folder: Path, ports: list[int], https_port: int, http_port: int, site_dir: Path,
                 workers: str = "1", connections: int = 256) -> Path:
    """deploy/nginx-assetmap.conf with only ports and paths replaced, inside a main config for a non-root nginx
    (``workers`` processes of ``connections`` connections each: Debian's own nginx.conf has ``auto`` and 768)."""
    site = (REPO / "deploy" / "nginx-assetmap.conf").read_text()
    cert, key = self_signed(folder)
    replacements = {
        "server 127.0.0.1:8501;": f"server 127.0.0.1:{ports[0]};",
        "server 127.0.0.1:8502;": f"server 127.0.0.1:{ports[1]};",
        "listen 80;": f"listen 127.0.0.1:{http_port};", "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;", "listen [::]:443 ssl http2;": "",
        "/etc/letsencrypt/live/assetmap.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/assetmap.example.org/privkey.pem": str(key),
        "/var/log/nginx/": f"{folder}/", "/srv/assetmap/site/": f"{site_dir}/",
    }
    for old, new in replacements.items():
        assert old in site, f"the site file no longer has {old!r}: update this test"
        site = site.replace(old, new)
    (folder / "site.conf").write_text(site)
    main = folder / "nginx.conf"
    temp = {name: folder / name for name in ("client", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    # As root (CI), nginx's workers would switch to nobody, who may not read the test's folders.
    user = "user root;" if os.geteuid() == 0 else ""
    main.write_text(f"""daemon off;
{user}
master_process on;
worker_processes {workers};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections {connections}; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp['client']};
    proxy_temp_path {temp['proxy']};
    fastcgi_temp_path {temp['fastcgi']};
    uwsgi_temp_path {temp['uwsgi']};
    scgi_temp_path {temp['scgi']};
    include {folder}/site.conf;
}}
""")
    return main



def unit_command(port: int) -> list[str]:
    """The ExecStart line of deploy/assetmap@.service for one port, with this checkout for /opt/assetmap."""
    unit = (REPO / "deploy" / "assetmap@.service").read_text()
    line = next(ln for ln in unit.splitlines() if ln.startswith("ExecStart="))
    command = shlex.split(line.removeprefix("ExecStart=").replace("%i", str(port)))
    assert command[0] == "/opt/assetmap/.venv/bin/streamlit"
    return [str(Path(sys.executable).parent / "streamlit"), *command[1:]]



def get(url: str, cookie: str | None = None, encoding: str | None = None):
    request = urllib.request.Request(url, headers={k: v for k, v in (("Cookie", cookie),
                                                                       ("Accept-Encoding", encoding)) if v})
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with urllib.request.urlopen(request, timeout=10, context=context) as response:
        return response.status, response.headers, response.read()  # headers: any case



def upstream_of(base: str, log: Path, cookie_value: str) -> str:
    """Which app process nginx sends a browser with this route cookie to (read from the access log)."""
    get(base + "/_stcore/health", cookie=f"assetmap_route={cookie_value}")
    time.sleep(0.2)
    line = [ln for ln in log.read_text().splitlines() if "/_stcore/health" in ln][-1]
    return line.rsplit("upstream=", 1)[1].strip()


@dataclass
class Stack:
    """A running stack: nginx's https ``base`` URL, its plain http port, the app processes' ports and the
    folder with nginx's configuration and logs (``assetmap.access.log``)."""

    base: str
    http_port: int
    ports: list[int]
    folder: Path

    @property
    def access_log(self) -> Path:
        return self.folder / "assetmap.access.log"


@contextmanager
def running(uri: str, site: Path, tmp_path: Path, extra_env: dict[str, str] | None = None, **nginx_options):
    """Both app processes on workspace ``uri`` and nginx in front (serving the resident site ``site``),
    their logs in ``tmp_path`` (``app1.log``, ``app2.log``, ``assetmap.jsonl``, ``nginx/``); yields a
    :class:`Stack` once nginx answers the app's health check, stops everything afterwards. ``nginx_options``
    go to :func:`nginx_config`."""
    ports = [browsing.free_port(), browsing.free_port()]
    https_port, http_port = browsing.free_port(), browsing.free_port()
    folder = tmp_path / "nginx"
    folder.mkdir()
    config = nginx_config(folder, ports, https_port, http_port, site, **nginx_options)
    base = f"https://127.0.0.1:{https_port}"
    env = clean_env(tmp_path) | {"ASSETMAP_WORKSPACE": uri, "ASSETMAP_ACCESS": "public",
                                 "ASSETMAP_LOG": str(tmp_path / "assetmap.jsonl"), "PYTHONPATH": str(REPO)}
    env |= extra_env or {}
    with process(unit_command(ports[0]), REPO, env, tmp_path / "app1.log", f"http://127.0.0.1:{ports[0]}"), \
            process(unit_command(ports[1]), REPO, env, tmp_path / "app2.log", f"http://127.0.0.1:{ports[1]}"):
        nginx = subprocess.Popen([str(NGINX), "-p", str(folder), "-c", str(config)], stdout=subprocess.DEVNULL,
                                 stderr=open(folder / "stderr.log", "wb"))
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if get(base + "/_stcore/health")[2].strip() == b"ok":
                        break
                except OSError:
                    if nginx.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError((folder / "stderr.log").read_text() +
                                             (folder / "error.log").read_text()) from None
                    time.sleep(0.3)
            yield Stack(base, http_port, ports, folder)
        finally:
            nginx.terminate()
            nginx.wait(timeout=20)
