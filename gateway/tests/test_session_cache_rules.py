"""The session cache's rules of trust (gateway/auth.py ``SessionCache``), on a
clock the test moves; tests/test_session_cache.py drives the real thing."""

from gateway.auth import SessionCache

TOKEN = "a-session-token"
ANSWER = {
    "user_id": "u1",
    "username": "zoe",
    "language": "nl",
    "session": {"seconds_left": 3600, "idle_seconds_left": 1800},
}


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def listening_cache():
    clock = Clock()
    cache = SessionCache(trust_seconds=60, report_seconds=60, clock=clock, fresh_seconds=1.0)
    cache.quiet = lambda: True  # nothing from the broker waits to be handled
    generation = cache.set_listening(True)
    return cache, clock, generation


def stored(cache):
    cache.store(TOKEN, ANSWER, cache.begin_check())


def test_nothing_is_trusted_on_a_bound_queue_until_a_ping_comes_back():
    cache, clock, generation = listening_cache()
    stored(cache)
    assert cache.trusted(TOKEN) is None
    cache.handled(clock.now, generation)
    assert cache.trusted(TOKEN)["user_id"] == "u1"


def test_the_cache_stops_answering_when_no_ping_came_back_for_longer_than_the_bound():
    cache, clock, generation = listening_cache()
    cache.handled(clock.now, generation)
    stored(cache)
    clock.now += 1.0
    assert cache.trusted(TOKEN) is not None
    clock.now += 0.01  # a silent partition: the pings stopped coming back
    assert cache.trusted(TOKEN) is None
    cache.handled(clock.now - 0.2, generation)  # the link is back: a ping returns
    assert cache.trusted(TOKEN) is not None


def test_a_ping_from_a_former_connection_proves_nothing():
    cache, clock, old = listening_cache()
    cache.set_listening(False)
    new = cache.set_listening(True)
    cache.handled(clock.now, old)
    stored(cache)
    assert cache.trusted(TOKEN) is None
    cache.handled(clock.now, new)
    assert cache.trusted(TOKEN) is not None


def test_a_lost_connection_forgets_everything_and_a_reconnection_does_not_bring_it_back():
    cache, clock, generation = listening_cache()
    cache.handled(clock.now, generation)
    stored(cache)
    cache.set_listening(False)
    generation = cache.set_listening(True)
    cache.handled(clock.now, generation)
    assert cache.trusted(TOKEN) is None
    assert len(cache) == 0


def test_an_answer_that_overlapped_an_ending_or_a_reconnection_is_not_trusted():
    cache, clock, generation = listening_cache()
    cache.handled(clock.now, generation)
    began = cache.begin_check()
    cache.forget(["someone else's session"])  # an ending arrived meanwhile
    cache.store(TOKEN, ANSWER, began)
    assert cache.trusted(TOKEN) is None

    began = cache.begin_check()
    cache.set_listening(False)
    generation = cache.set_listening(True)
    cache.handled(clock.now, generation)
    cache.store(TOKEN, ANSWER, began)
    assert cache.trusted(TOKEN) is None
    assert cache.hint(TOKEN) == "u1"  # still a hint of whose token it is


def test_while_anything_from_the_broker_waits_the_cache_does_not_answer():
    cache, clock, generation = listening_cache()
    cache.handled(clock.now, generation)
    stored(cache)
    cache.quiet = lambda: False
    assert cache.trusted(TOKEN) is None
