"""The authorization matrix (RELIABILITY.md T1-T2): a world of two communities, the table of what
each role may do, and the test in tests/test_authz_matrix.py that checks every route against it."""
