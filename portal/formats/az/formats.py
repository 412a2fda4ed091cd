# Django's az MONTH_DAY_FORMAT is "j F", the month's stand-alone name: "8 Dekabr" in the
# admin's date drill-down. Inside a date Azerbaijani writes the month in lower case, which is
# the "E" name (portal/locale_overrides.py): "8 dekabr". Everything else comes from Django.
MONTH_DAY_FORMAT = "j E"
