"""The admission queue on its own: order, places in line, the bound, release from any thread."""

import asyncio
import threading

import pytest

from app.web.queue import AdmissionQueue, QueueFull


def test_first_in_line_is_admitted_and_the_rest_wait_in_order():
    queue = AdmissionQueue(max_waiting=2)
    first, second, third = queue.enter(), queue.enter(), queue.enter()
    assert first.try_admit() and not second.try_admit() and not third.try_admit()
    assert (first.ahead(), second.ahead(), third.ahead()) == (0, 1, 2)
    first.release()
    assert second.try_admit() and third.ahead() == 1
    second.release()
    assert third.try_admit()


def test_beyond_the_bound_is_full_with_a_retry_estimate():
    queue = AdmissionQueue(max_waiting=1, expected_answer_s=12)
    queue.enter()
    waiting = queue.enter()
    with pytest.raises(QueueFull) as full:
        queue.enter()
    assert full.value.waiting == 1 and full.value.retry_after_s == 12  # when the running answer should end
    waiting.release()  # a waiting client that leaves frees its place at once
    queue.enter()


def test_zero_waiting_allows_only_the_one_being_answered():
    queue = AdmissionQueue(max_waiting=0)
    active = queue.enter()
    with pytest.raises(QueueFull):
        queue.enter()
    active.release()
    assert queue.enter().try_admit()


def test_release_is_idempotent_and_works_from_another_thread():
    queue = AdmissionQueue(max_waiting=1)
    first, second = queue.enter(), queue.enter()
    done = threading.Event()

    def waiter():
        assert second.wait(5)
        done.set()

    t = threading.Thread(target=waiter)
    t.start()
    threading.Thread(target=first.release).start()
    assert done.wait(5)
    first.release()
    t.join()
    assert queue.snapshot()["active"] == 1 and queue.snapshot()["waiting"] == 0


def test_waiting_reports_places_until_admitted():
    queue = AdmissionQueue(max_waiting=2)
    first, second = queue.enter(), queue.enter()
    places = []
    for ahead in second.waiting(0.01):
        places.append(ahead)
        if len(places) == 3:
            first.release()
    assert places == [1, 1, 1] and second.try_admit()


def test_async_waiter_that_leaves_gives_up_its_place():
    queue = AdmissionQueue(max_waiting=2)
    queue.enter()
    leaving, staying = queue.enter(), queue.enter()

    async def gone():
        return True

    assert asyncio.run(staying.wait_async(timeout_s=0.1)) is False and not staying.released  # still in line
    assert asyncio.run(leaving.wait_async(gone)) is False and leaving.released
    assert staying.ahead() == 1 and queue.snapshot()["waiting"] == 1


def test_retry_after_for_an_answer_running_past_the_mean():
    queue = AdmissionQueue(max_waiting=0, expected_answer_s=20)
    active = queue.enter()
    active.admitted_at -= 30  # started 30 s ago: 10 s past the mean
    with pytest.raises(QueueFull) as full:
        queue.enter()
    assert full.value.retry_after_s == 5  # a quarter of the mean, not one-second polling
