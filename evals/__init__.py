"""Evaluation: datasets, metrics and the scripts that measure Lotse."""
