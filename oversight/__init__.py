"""Anonymous oversight figures from the counters (connectors/counters.py), with small
numbers suppressed: a report command, a page in the content studio, a CSV and plots."""
