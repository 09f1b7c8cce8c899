"""What every benchmark script shares (not a benchmark itself: `make bench` runs bench/*.py only)."""
