"""`boussole ui`: the user's Streamlit settings win, and the server stops when told to."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import ROOT
from drive import free_port
from cli.launch import streamlit_flags


def _pairs(flags: list[str]) -> dict[str, str]:
    return dict(zip(flags[::2], flags[1::2]))


def test_options_given_win_and_defaults_fill_only_what_nothing_sets(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[client]\ntoolbarMode = "auto"\n', encoding="utf-8")
    flags = _pairs(streamlit_flags({"server.port": "9000"}, {"STREAMLIT_SERVER_HEADLESS": "false"}, [config]))
    assert flags["--server.port"] == "9000"
    assert "--server.headless" not in flags  # the variable decides
    assert "--client.toolbarMode" not in flags  # config.toml decides
    assert flags["--browser.gatherUsageStats"] == "false" and flags["--server.address"] == "localhost"


def test_the_environment_port_is_used_and_sigterm_stops_the_server(seed_index):
    port = free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", BOUSSOLE_INDEX=str(seed_index.index_path),
               STREAMLIT_SERVER_PORT=str(port), STREAMLIT_SERVER_ADDRESS="127.0.0.1")
    boussole = Path(sys.executable).with_name("boussole")
    process = subprocess.Popen([str(boussole), "ui"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise AssertionError("the app did not answer on the port STREAMLIT_SERVER_PORT names")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) is not None  # the command was the server: it stopped
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0  # and nothing holds the port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_connections_accepted_on_a_socket_bound_like_streamlit_s_have_nagle_off():
    """Streamlit binds with protocol 0; without the fix asyncio leaves Nagle on, and every
    response after the first on a kept-alive connection waits 40 ms for a delayed ACK."""
    import asyncio

    from server.asgi import enable_tcp_nodelay

    async def accepted_nodelay() -> int:
        listener = socket.socket(family=socket.AF_INET)  # as streamlit's _bind_socket does
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        writers = asyncio.Queue()
        server = await asyncio.start_server(lambda r, w: writers.put_nowait(w), sock=listener)
        _, client = await asyncio.open_connection(*listener.getsockname())
        served = await writers.get()
        value = served.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        client.close()
        served.close()
        server.close()
        return value

    enable_tcp_nodelay()
    assert asyncio.run(accepted_nodelay()) != 0
