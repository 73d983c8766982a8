"""Deployment: check --deploy clean over HTTPS, the Content Security Policy, no caching
of printed documents."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)


def _check_deploy(tmp_path, **env) -> subprocess.CompletedProcess:
    """``manage.py check --deploy`` in a fresh process: settings read the environment
    once, at start-up. No database is needed, so none is started."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "YIBAO_")) and key != "DATABASE_URL"
    }
    environment |= {
        "DATABASE_URL": "postgresql://unused@/unused",
        "YIBAO_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_ALLOWED_HOSTS": "yibao.hall.example",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_finds_nothing_with_debug_off_and_https_declared(tmp_path):
    result = _check_deploy(tmp_path, DJANGO_HTTPS="1", DJANGO_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_https(tmp_path):
    """The HTTPS settings come from the environment: without it, Django says what is missing."""
    result = _check_deploy(tmp_path)
    found = set(re.findall(r"security\.W\d+", result.stdout + result.stderr))
    assert result.returncode != 0
    assert {"security.W004", "security.W008", "security.W012", "security.W016"} <= found


def test_pages_send_a_policy_without_inline_script(client, clerk):
    client.force_login(clerk)
    policy = client.get(reverse("admin:index"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


TEMPLATES = sorted(
    path
    for folder in ("templates", "accounts", "transfers", "jobs", "staff", "yibao")
    for path in (BASE_DIR / folder).rglob("*.html")
)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_templates_have_no_inline_script(template):
    html = template.read_text()
    assert not [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]
    assert not re.findall(r"\son[a-z]+\s*=", html), "inline event handler"
    assert "javascript:" not in html


@pytest.mark.parametrize("fmt", ["", "pdf"])
def test_printed_documents_are_never_stored_by_the_browser(client, clerk, li_ming, fmt):
    client.force_login(clerk)
    url = reverse("documents:statement", args=[li_ming.account.pk])

    response = client.get(url, {"format": fmt} if fmt else {})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.slow
def test_the_access_log_of_bin_serve_keeps_no_query_string(tmp_path):
    """A search for an ID number (``?q=…``) reaches gunicorn's log as the path alone."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "YIBAO_"))}
    environment |= {"DATABASE_URL": "postgresql://unused@/unused"}
    environment |= {"YIBAO_VAR_DIR": str(tmp_path / "var")}
    command = [sys.executable, "-m", "gunicorn", "yibao.wsgi", "-c", "yibao/gunicorn.conf.py"]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/static/print/print.js?q=11010519491231002X"
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    assert response.status == 200
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer")
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    assert '"GET /static/print/print.js" 200' in log
    assert "11010519491231002X" not in log
