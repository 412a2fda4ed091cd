"""CSV cells that spreadsheets show as text, never run as formulas (CSV injection)."""

# Excel, LibreOffice and Google Sheets treat a cell starting with one of these as a formula
# (a tab or carriage return can hide the sign that follows it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """``=HYPERLINK(…)`` -> ``'=HYPERLINK(…)``: the apostrophe makes a spreadsheet show the
    text as typed. Every CSV we write, public or for staff, goes through this."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def read_cell(value: str) -> str:
    """The reverse of safe_cell, for a CSV we wrote that comes back as an upload."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value
