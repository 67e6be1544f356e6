"""Work a service does in the background, beside its workers: the outbox's
relay, the event inbox's retries, notifications' mail sender.  Each is a plain
object (usable and tested outside nameko) with ``run(sleep)`` and ``stop()``;
:class:`BackgroundLoop` runs it in the service's container."""

import logging
from collections.abc import Callable
from typing import Any, Protocol

from nameko.extensions import DependencyProvider

log = logging.getLogger(__name__)

Sleep = Callable[[float], Any]


class Loop(Protocol):
    def run(self, sleep: Sleep) -> None: ...

    def stop(self) -> None: ...


class Repeating:
    """A loop that does its work again and again until stopped: at once while
    there was work, ``interval`` seconds later when there was none or it failed
    (logged, never fatal: the next round tries again)."""

    interval = 1.0
    running = False

    def work(self) -> int:
        """Do one round; how much was done (0: nothing to do)."""
        raise NotImplementedError

    def run(self, sleep: Sleep) -> None:
        self.running = True
        while self.running:
            try:
                if self.work():
                    continue
            except Exception:
                log.exception("%s failed; trying again", type(self).__name__)
            sleep(self.interval)

    def stop(self) -> None:
        self.running = False


class BackgroundLoop(DependencyProvider):
    """Runs a :class:`Loop` in the service's container, from its start to its
    stop, in a thread of its own (a green one: nameko's ``spawn_managed_thread``);
    the loop object is also the dependency its workers get."""

    name = "background loop"
    loop: Loop

    def make(self, config: dict[str, Any]) -> Loop:
        """The loop, made from the service's config."""
        raise NotImplementedError

    def setup(self) -> None:
        self.loop = self.make(self.container.config)

    def start(self) -> None:
        import eventlet

        self.container.spawn_managed_thread(
            lambda: self.loop.run(eventlet.sleep), identifier=self.name
        )

    def stop(self) -> None:
        self.loop.stop()

    def kill(self) -> None:
        self.loop.stop()

    def get_dependency(self, worker_ctx: Any) -> Loop:
        return self.loop
