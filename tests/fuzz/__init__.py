"""Bad input (RELIABILITY.md F1, F3, F5): property-based tests of every web form, every list
page's query string and the JSON API (tests/fuzz/test_forms.py, tests/fuzz/test_api.py)."""
