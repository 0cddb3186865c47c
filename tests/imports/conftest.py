import sys

import pytest


@pytest.fixture
def write_file(tmp_path):
    def write(name: str, data: bytes):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def run_command(capsys):
    """Run a management command as a shell would: (exit code, stdout, stderr)."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    def run(*args, language="en"):
        from django.utils import translation

        try:
            with translation.override(language):
                call_command(*args, "--no-progress")
            code = 0
        except CommandError as error:
            code = error.returncode
            sys.stderr.write(f"CommandError: {error}\n")
        out, err = capsys.readouterr()
        return code, out, err

    return run
