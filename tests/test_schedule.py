"""The nightly harvest as shipped: the systemd service and timer in deploy/ run it as the
replicas do (user, folder, environment file), their command works, and the README's cron line
says the same."""

import configparser
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from website import Route, serve

DEPLOY = ROOT / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parsed = configparser.ConfigParser(interpolation=None, strict=False)
    parsed.optionxform = str
    parsed.read(DEPLOY / name)
    return parsed


def test_the_harvest_runs_as_the_replicas_user_in_their_folder_with_their_environment():
    replica, harvest = unit("boussole@.service")["Service"], unit("boussole-harvest.service")["Service"]
    for key in ("User", "Group", "WorkingDirectory", "EnvironmentFile", "ReadWritePaths"):
        assert harvest[key] == replica[key], key
    assert shlex.split(harvest["ExecStart"])[:2] == [f"{replica['WorkingDirectory']}/.venv/bin/boussole", "harvest"]
    assert harvest["Type"] == "oneshot"


def test_the_timer_starts_the_harvest_every_night_and_makes_up_a_missed_run():
    timer = unit("boussole-harvest.timer")["Timer"]
    assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:\d\d", timer["OnCalendar"]) and timer["Persistent"] == "true"
    assert timer.get("Unit", "boussole-harvest.service") == "boussole-harvest.service"


def test_the_readme_cron_line_agrees_with_the_units():
    harvest = unit("boussole-harvest.service")["Service"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [line] = [line for line in readme.splitlines() if re.match(r"^\d+ \d+ \* \* \* ", line)]
    *_, user, command = line.split(None, 6)
    assert user == harvest["User"]
    assert command.startswith(f"cd {harvest['WorkingDirectory']} && ") and f". {harvest['EnvironmentFile']} " in command
    assert ".venv/bin/boussole " + " ".join(shlex.split(harvest["ExecStart"])[1:]) + " " in command


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd is not on this machine")
def test_systemd_accepts_the_units_as_written():
    done = subprocess.run(["systemd-analyze", "verify", str(DEPLOY / "boussole-harvest.timer"),
                           str(DEPLOY / "boussole-harvest.service")], capture_output=True, text=True)
    # the one complaint allowed: the installed command does not exist on a test machine
    complaints = [line for line in done.stderr.splitlines() if line and "/opt/boussole/.venv/bin/boussole" not in line]
    assert complaints == []


def test_the_units_command_harvests_the_saved_sites_and_refreshes(tmp_path, base_settings):
    sources = tmp_path / "sources"
    (sources / "web").mkdir(parents=True)
    listing = "<html><body><h2>Conseils citoyens : le mode d’emploi</h2><a href='/p/conseils/'>Lire</a></body></html>"
    page = ("<html><head><meta charset='utf-8'><title>Conseils citoyens</title></head><body><main><h1>Conseils citoyens</h1>"
            "<p>Les membres des conseils citoyens sont pour partie tirés au sort parmi les habitants du quartier.</p>"
            "</main></body></html>")
    with serve({"/p/": Route(listing.encode(), "text/html"), "/p/conseils/": Route(page.encode(), "text/html")}) as site:
        (sources / "web" / ".sites.txt").write_text(f"http://127.0.0.1:{site.server_port}/p/\n")
        command = shlex.split(unit("boussole-harvest.service")["Service"]["ExecStart"])
        command[0] = str(Path(sys.executable).with_name("boussole"))
        env = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "BOUSSOLE_SOURCES": str(sources),
               "BOUSSOLE_INDEX": str(tmp_path / "index"), "BOUSSOLE_MODEL_DIR": str(base_settings.model_dir),
               "BOUSSOLE_HARVEST_ALLOW_PRIVATE": "1", "BOUSSOLE_HARVEST_DELAY": "0"}
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 downloaded" in done.stdout and "0 failed" in done.stdout and "added 1," in done.stdout
