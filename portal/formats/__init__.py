"""Date formats where Django's own locale formats read wrong (FORMAT_MODULE_PATH)."""
