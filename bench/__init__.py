"""Benchmarks of Rounds: each module is a program (``python bench/NAME.py --help``); ``common`` holds
what they share."""
