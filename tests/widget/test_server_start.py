"""The Rasa server freezes what it loaded once it has started (bot/gc_tuning.py)."""
import gc


def test_starting_the_server_freezes_what_is_loaded(make_server):
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    make_server()
    assert gc.get_freeze_count() > 10_000
