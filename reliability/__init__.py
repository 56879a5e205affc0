"""The reliability suite (`make reliability`): a private PostgreSQL and gunicorn servers started
here, faults injected, figures printed. See docs/operations.md."""
