"""The project's NLU components.

Rasa imports this package in every process that loads the model (the server,
`rasa shell`, `rasa test`), so this is where the server-side fix in
bot/rasa_fixes.py is applied.
"""
from bot import rasa_fixes

rasa_fixes.apply()
