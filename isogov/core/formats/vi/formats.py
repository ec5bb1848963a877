"""Dates as Vietnamese offices write them: dd/mm/yyyy and 24-hour times, in and out.

Django's own Vietnamese formats spell dates out ("Ngày 5 tháng 3 năm 2026") and read none; these
take their place (``FORMAT_MODULE_PATH``) for every page, form and input, whatever the browser.
"""

DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
# The first of each is how inputs show a value; ISO forms are read too (API clients, old links).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%H:%M %d/%m/%Y",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
]
