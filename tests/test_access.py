"""Password attempts on the Administration page: free at first, then ever longer waits."""

import time

import pytest

from api.guards import LoginGuard


def failed(guard: LoginGuard, times: int, now: float, who: str = "10.0.0.1") -> LoginGuard:
    for _ in range(times):
        guard.failed(who, now=now)
    return guard


def test_the_first_wrong_passwords_cost_no_wait():
    guard = failed(LoginGuard(free_attempts=5, first_delay=30), 4, now=3)
    assert guard.wait("10.0.0.1", now=4) == 0


def test_after_five_failures_the_next_attempt_waits_and_each_failure_doubles_the_wait():
    guard = failed(LoginGuard(free_attempts=5, first_delay=30, longest_delay=3600), 5, now=100)
    assert guard.wait("10.0.0.1", now=100) == 30
    assert guard.wait("10.0.0.1", now=120) == 10
    guard.failed("10.0.0.1", now=130)
    assert guard.wait("10.0.0.1", now=130) == 60


def test_the_wait_is_capped():
    guard = failed(LoginGuard(free_attempts=5, first_delay=30, longest_delay=3600), 20, now=0)
    assert guard.wait("10.0.0.1", now=0) == 3600


def test_another_address_is_not_held_up():
    guard = failed(LoginGuard(free_attempts=5, first_delay=30), 5, now=0)
    assert guard.wait("10.0.0.2", now=0) == 0


def test_the_right_password_clears_the_count():
    guard = failed(LoginGuard(free_attempts=5, first_delay=30), 4, now=0)
    guard.succeeded("10.0.0.1")
    guard.failed("10.0.0.1", now=1)
    assert guard.wait("10.0.0.1", now=1) == 0


def test_replicas_sharing_a_redis_storage_share_the_count_and_a_restart_keeps_it(redis_url):
    from api.guards import shared_storage
    first, second = LoginGuard(shared_storage(redis_url)), LoginGuard(shared_storage(redis_url))
    who = "198.51.100.23"
    failed(first, 3, now=time.time(), who=who)
    failed(second, 2, now=time.time(), who=who)
    assert first.wait(who, time.time()) > 25 and second.wait(who, time.time()) > 25
    restarted = LoginGuard(shared_storage(redis_url))
    assert restarted.wait(who, time.time()) > 25
    restarted.succeeded(who)
    assert first.wait(who, time.time()) == 0


def test_the_api_limit_counts_across_replicas_sharing_redis(redis_url):
    from api.guards import Access, ApiError, shared_storage
    replicas = [Access.from_settings("", "5/minute", shared_storage(redis_url)) for _ in range(2)]
    for n in range(5):
        replicas[n % 2].count("address:203.0.113.9")
    with pytest.raises(ApiError) as refused:
        replicas[1].count("address:203.0.113.9")
    assert refused.value.status == 429


def test_a_state_address_that_is_not_a_storage_is_refused():
    from api.guards import shared_storage
    from core.errors import SettingsError
    with pytest.raises(SettingsError, match="BOUSSOLE_STATE_URL"):
        shared_storage("ftp://exemple.fr/")
