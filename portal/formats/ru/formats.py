# Django's ru MONTH_DAY_FORMAT is "j F", the month's nominative: "8 Декабрь" in the admin's
# date drill-down. A day of a month takes the genitive, Django's "E" name: "8 декабря".
# Everything else comes from Django.
MONTH_DAY_FORMAT = "j E"
