"""The production configuration: deploy/env.example documents every variable the settings read,
and Django's deploy checks pass with it, every warning counted as an error (`make prod-check`)."""

import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.processes import process_environment

BASE_DIR = Path(settings.BASE_DIR)
ENV_EXAMPLE = BASE_DIR / "deploy" / "env.example"
_READ = re.compile(r'\benv(?:bool|int|list)?\("([A-Z_]+)"|os\.getenv\("([A-Z_]+)"')


def example_environment() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _sep, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_env_example_documents_every_variable_the_settings_read():
    source = (BASE_DIR / "config" / "settings.py").read_text(encoding="utf-8")
    read = {a or b for a, b in _READ.findall(source)}
    assert read - set(example_environment()) == set()
    assert set(example_environment()) - read == set()


def test_deploy_checks_pass_with_the_example_environment(tmp_path):
    environment = process_environment(
        **example_environment()
        | {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "STATIC_ROOT": str(tmp_path / "static"),
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stdout.strip()) == (
        0,
        "System check identified no issues (1 silenced).",
    ), result.stderr
