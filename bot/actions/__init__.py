"""Custom actions. The action server loads every module in this package."""
from bot.gc_tuning import freeze_what_is_loaded

# The action server imports this package once, at start-up, after rasa_sdk and sanic.
freeze_what_is_loaded()
