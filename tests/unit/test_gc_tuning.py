"""Both servers freeze what they loaded at start-up, so full garbage collections stay short."""
import gc
import subprocess
import sys

from bot.gc_tuning import freeze_what_is_loaded
from bot.settings import PROJECT_ROOT


def test_freezing_moves_the_loaded_objects_out_of_the_collectors_sight():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    freeze_what_is_loaded()
    assert gc.get_freeze_count() > 10_000


def test_the_action_server_freezes_once_it_has_loaded_the_actions():
    # main() up to the point where the server would start listening.
    script = ("import gc, sanic; sanic.Sanic.run = lambda *args, **kwargs: None; "
              "from bot import action_server; assert gc.get_freeze_count() == 0; action_server.main(); "
              "import bot.actions.handoff; print(len(gc.get_objects()), gc.get_freeze_count())")
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    left, frozen = map(int, result.stdout.split())
    assert frozen > 10 * left
