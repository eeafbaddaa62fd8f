# Sourced by the other scripts: settings from bot/settings.py, and quiet, private defaults.
eval "$(.venv/bin/python -m bot.settings --shell)"
# Rasa's telemetry would send usage data to a third party: never from this service.
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL=3
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONWARNINGS="ignore"
