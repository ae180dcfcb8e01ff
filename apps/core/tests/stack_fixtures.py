"""The stack the drill modules share: booted once for the test session, taken down at its end, failed or not.

test_stack_drills.py and test_stack_rollout.py both ask for ``seed``; the suite boots one stack for both.
"""

import json
import os
import shutil
import subprocess

import pytest

from apps.core.tests.stack_support import STACK_NAME, stack

# Runs after every other test of the session: it takes the stack down itself.
LAST = "test_down_leaves_nothing_behind"


def netns_unavailable() -> str:
    """Why this machine cannot make network namespaces, or "" when it can."""
    if os.geteuid() != 0:
        return "network namespaces need root (ip netns add)"
    if shutil.which("ip") is None:
        return "iproute2's ip is not installed (make test installs it)"
    probe = subprocess.run(
        ["ip", "netns", "add", f"{STACK_NAME}-probe"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        return f"cannot make a network namespace here: {probe.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", f"{STACK_NAME}-probe"], check=False)
    return ""


@pytest.fixture(scope="session")
def seed():
    """The stack, booted once for the session and taken down after it; what stack_seed made in it."""
    if reason := netns_unavailable():
        pytest.skip(reason)
    # STACK_REUSE=1: drill a stack already up (`stack.sh up`), and leave it up.
    reuse = os.environ.get("STACK_REUSE") == "1"
    try:
        if not reuse:
            stack("up", timeout=540)
        out = stack("run", "web1", "python", "-m", "apps.core.tests.stack_seed", timeout=120)
        yield json.loads(out.strip().splitlines()[-1])
    finally:
        if not reuse:
            stack("down", timeout=60)


def stack_last(items: list) -> None:
    """Put the test that takes the stack down after every other test of the session."""
    items.sort(key=lambda item: item.name == LAST)
