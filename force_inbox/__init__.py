"""The force inbox: a reference receiver for safe handoffs, the force's side of the contract.

Runs on a laptop so the whole path can be tried end to end, and shows integrators
what a receiver must do (docs/handoff-contract.md): check the signature with the
endpoint's own secret, refuse stale or tampered requests (401), de-duplicate by
idempotency key and reference, store, answer 201 (or 200 {"duplicate": true}).

    python -m force_inbox --port 8070
"""
