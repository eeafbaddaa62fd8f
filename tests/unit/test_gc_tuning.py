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


def test_the_action_server_freezes_when_it_loads_the_actions():
    # As `rasa run actions` does: the SDK's server first, then the actions package.
    script = ("import gc; import rasa_sdk.endpoint; assert gc.get_freeze_count() == 0; "
              "loaded = len(gc.get_objects()); import bot.actions; print(loaded, gc.get_freeze_count())")
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    loaded, frozen = map(int, result.stdout.split())
    assert frozen >= loaded * 0.9
