"""Keeps Python's garbage collector from pausing the servers for a quarter of a second.

Every so often Python checks all the objects a process holds for reference cycles.
Once Rasa has loaded its libraries and the model, the Rasa server holds about 550,000
of them, and each full check took about 260 ms on the benchmark machine, with every
message in flight waiting (docs/benchmarks.md, "Where the time goes": it was what
pushed p95 at 8 concurrent conversations from about 150 ms to about 350 ms). Those
objects live as long as the process, so after start-up they are frozen: moved out of
the collector's sight. It still checks everything made later (conversations,
messages), and reference counting frees ordinary garbage as before. The Rasa server
freezes once it has started (the start-up hook in bot/rasa_fixes.py, whichever channels
it serves); the action server once its main() has loaded the actions.

The cost: anything frozen is never collected. That is what we want for libraries
and the loaded model; a Rasa server that swaps in a new model while running would
keep the old one's cyclic garbage, so restart the server to change models (as
scripts/run.sh does).
"""
import gc


def freeze_what_is_loaded() -> None:
    """Collects what is already garbage, then freezes everything else."""
    gc.collect()
    gc.freeze()
