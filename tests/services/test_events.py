"""The event bus: handlers run on the dispatcher thread, never the publisher's, in order; a failing
handler does not stop the others; a handler may publish; unsubscribed handlers get nothing; and
the alarm service's publishing is tested in test_alarms.py."""

import threading

from camvault.services.events import Event, EventBus


def test_handlers_run_off_the_publisher_thread_in_order_and_survive_a_failure():
    bus = EventBus()
    seen: list[tuple[str, str]] = []
    threads: set[str] = set()

    def first(event: Event) -> None:
        threads.add(threading.current_thread().name)
        seen.append(("first", event.kind))
        if event.kind == "a":
            bus.publish(Event("b", 2))                 # publishing from a handler is fine
        raise RuntimeError("boom")

    bus.subscribe(first)
    unsubscribe = bus.subscribe(lambda e: seen.append(("second", e.kind)))
    bus.publish(Event("a", 1))
    assert bus.wait_idle()
    assert seen == [("first", "a"), ("second", "a"), ("first", "b"), ("second", "b")]
    assert threads == {"events"}
    unsubscribe()
    bus.publish(Event("c", 3))
    assert bus.wait_idle()
    assert seen[-1] == ("first", "c")
    bus.stop()

