"""Password attempts on the Administration page: free at first, then ever longer waits."""

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
