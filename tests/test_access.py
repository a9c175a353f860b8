"""Password attempts on the Administration page: free at first, then ever longer waits; each
attempt checked and counted in one step, by every session and replica at once."""

import threading
import time

import pytest

from api.guards import LoginGuard


def attempts(guard: LoginGuard, times: int, now: float, who: str = "10.0.0.1") -> list[float]:
    """``times`` wrong passwords (a counted attempt is a failure until ``succeeded``)."""
    return [guard.attempt(who, now=now) for _ in range(times)]


def test_the_first_wrong_passwords_cost_no_wait():
    assert attempts(LoginGuard(free_attempts=5, first_delay=30), 5, now=3) == [0] * 5


def test_after_five_failures_the_next_attempt_waits_and_each_failure_doubles_the_wait():
    guard = LoginGuard(free_attempts=5, first_delay=30, longest_delay=3600)
    attempts(guard, 5, now=100)
    assert guard.attempt("10.0.0.1", now=100) == 30
    assert guard.attempt("10.0.0.1", now=120) == 10  # a refused attempt is not counted
    assert guard.attempt("10.0.0.1", now=130) == 0
    assert guard.attempt("10.0.0.1", now=130) == 60


def test_the_wait_is_capped():
    guard = LoginGuard(free_attempts=5, first_delay=30, longest_delay=3600)
    for now in range(0, 20 * 3600, 3600):
        guard.attempt("10.0.0.1", now=now)
    assert guard.attempt("10.0.0.1", now=19 * 3600) == 3600


def test_another_address_is_not_held_up():
    guard = LoginGuard(free_attempts=5, first_delay=30)
    attempts(guard, 5, now=0)
    assert guard.attempt("10.0.0.2", now=0) == 0


def test_the_right_password_clears_the_count():
    guard = LoginGuard(free_attempts=5, first_delay=30)
    attempts(guard, 5, now=0)
    guard.succeeded("10.0.0.1")
    assert attempts(guard, 5, now=1) == [0] * 5


def test_the_count_is_forgotten_a_fixed_time_after_the_last_attempt_not_the_first():
    guard = LoginGuard(free_attempts=5, first_delay=30, forget_after=1000)
    attempts(guard, 5, now=0)
    assert guard.attempt("10.0.0.1", now=900) == 0  # the sixth, late: the day starts again from it
    assert guard.failures("10.0.0.1", now=1800) == 6  # 1,800 s after the first, 900 after the last
    assert guard.failures("10.0.0.1", now=1901) == 0


def parallel_attempts(guards: list[LoginGuard], count: int, who: str) -> list[float]:
    """``count`` sessions pressing « Se connecter » at the same instant, spread over ``guards``."""
    start, waits = threading.Barrier(count), [None] * count

    def press(n: int) -> None:
        start.wait()
        waits[n] = guards[n % len(guards)].attempt(who, time.time())
    threads = [threading.Thread(target=press, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return waits


def test_parallel_sessions_get_no_more_tries_than_one_would():
    waits = parallel_attempts([LoginGuard(free_attempts=5, first_delay=30)], 40, "10.0.0.9")
    assert waits.count(0) == 5 and all(w > 25 for w in waits if w)


def test_parallel_sessions_on_two_replicas_sharing_redis_get_no_more_tries(redis_url):
    from api.guards import shared_storage
    replicas = [LoginGuard(shared_storage(redis_url)) for _ in range(2)]
    waits = parallel_attempts(replicas, 40, "198.51.100.40")
    assert waits.count(0) == 5 and all(w > 25 for w in waits if w)


def test_replicas_sharing_a_redis_storage_share_the_count_and_a_restart_keeps_it(redis_url):
    from api.guards import shared_storage
    first, second = LoginGuard(shared_storage(redis_url)), LoginGuard(shared_storage(redis_url))
    who = "198.51.100.23"
    attempts(first, 3, now=time.time(), who=who)
    attempts(second, 2, now=time.time(), who=who)
    assert first.attempt(who, time.time()) > 25 and second.attempt(who, time.time()) > 25
    restarted = LoginGuard(shared_storage(redis_url))
    assert restarted.attempt(who, time.time()) > 25
    restarted.succeeded(who)
    assert first.attempt(who, time.time()) == 0


def test_in_redis_the_count_expires_after_the_last_attempt(redis_url):
    from api.guards import shared_storage
    guard, who = LoginGuard(shared_storage(redis_url), forget_after=1.0), "198.51.100.41"
    guard.attempt(who, time.time())
    time.sleep(0.6)
    guard.attempt(who, time.time())
    time.sleep(0.6)  # 1.2 s after the first attempt, 0.6 s after the last
    assert guard.failures(who, time.time()) == 2
    time.sleep(0.6)
    assert guard.failures(who, time.time()) == 0


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
