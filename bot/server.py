"""The Rasa server as this project runs it: Rasa's own command line, with the changes
in bot/rasa_fixes.py applied first.

    .venv/bin/python -m bot.server run --model models/x.tar.gz --endpoints bot/endpoints.yml \
        --credentials bot/credentials.yml --port 5005
"""
from bot import rasa_fixes


def main() -> None:
    rasa_fixes.apply()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
