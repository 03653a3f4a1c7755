"""The classifier's rules, one module for each kind (see storytrace.classify, which puts them together)."""
