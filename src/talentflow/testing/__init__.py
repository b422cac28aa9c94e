"""Public hypothesis strategies and a model-contract checker."""
