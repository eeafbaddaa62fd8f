"""The content studio: comms staff change what the assistant says, a second person signs
it off, and every step is recorded (issue 16). Served on its own port, never on the
public assistant's. It reads and writes bot/content through the same checks as
`scripts/content check`."""
