"""Custom actions. The action server loads every module in this package."""
