"""What the tests share, imported by name (conftest files hold only fixtures and hooks):

- ports.py: free ports, and this machine's address other than loopback
- stack.py: the whole assistant running on free ports, and a chat client for it
- fuzz.py: what the fuzz tests send, and what every answer to it must be
- trackers.py: made-up conversations for running one action
- widget_server.py: a real Rasa app serving the widget channel, with a stub agent
- handoff.py: handoff payloads, a force inbox in its own process, small HTTP servers
- browser.py: the widget in Chromium, driven by Playwright
"""
