"""Delivery errors in words staff understand.

The outbox stores the error of the last failed attempt as ``"<ExceptionName>: <details>"``
(e.g. ``"ConnectionRefusedError: [Errno 111] Connection refused"``). ``explain`` turns that
text into one translated sentence for the admin; the raw text stays on the email's page for
whoever looks after the mail server.
"""

import re

from django.utils.translation import gettext_lazy as _

REFUSED_CONNECTION = _("The mail server refused the connection.")
TIMED_OUT = _("The mail server did not answer in time.")
ADDRESS_REFUSED = _("The address was refused by the mail server.")
SENDER_REFUSED = _("The mail server refused the sender address.")
LOGIN_REFUSED = _("The mail server did not accept the portal's user name or password.")
DISCONNECTED = _("The mail server closed the connection unexpectedly.")
TRY_LATER = _("The mail server is busy and asked to try again later.")
MESSAGE_REFUSED = _("The mail server refused the message.")
UNKNOWN_HOST = _("The mail server's name could not be found.")
NO_SECURE_CONNECTION = _("A secure connection to the mail server could not be made.")
UNREACHABLE = _("The mail server could not be reached.")
OTHER = _("The email could not be sent.")

# Exception class name -> sentence; checked before the details below.
BY_EXCEPTION = {
    "ConnectionRefusedError": REFUSED_CONNECTION,
    "SMTPConnectError": REFUSED_CONNECTION,
    "TimeoutError": TIMED_OUT,
    "timeout": TIMED_OUT,
    "SMTPRecipientsRefused": ADDRESS_REFUSED,
    "SMTPSenderRefused": SENDER_REFUSED,
    "SMTPAuthenticationError": LOGIN_REFUSED,
    "SMTPNotSupportedError": NO_SECURE_CONNECTION,
    "SSLError": NO_SECURE_CONNECTION,
    "SSLCertVerificationError": NO_SECURE_CONNECTION,
    "gaierror": UNKNOWN_HOST,
    "ConnectionResetError": DISCONNECTED,
}
# Words in the details -> sentence, for errors raised as a generic OSError or SMTP error.
BY_DETAILS = [
    (re.compile(r"timed out", re.IGNORECASE), TIMED_OUT),
    (re.compile(r"connection refused", re.IGNORECASE), REFUSED_CONNECTION),
    (re.compile(r"name or service not known|nodename nor servname", re.IGNORECASE), UNKNOWN_HOST),
    (re.compile(r"network is unreachable|no route to host", re.IGNORECASE), UNREACHABLE),
    (re.compile(r"certificate|ssl|tls", re.IGNORECASE), NO_SECURE_CONNECTION),
]
SMTP_CODE = re.compile(r"^\(?\s*([245])\d\d\b")


def explain(last_error: str) -> str:
    """One sentence for a stored delivery error ("" when there is none)."""
    text = (last_error or "").strip()
    if not text:
        return ""
    name, _sep, details = text.partition(": ")
    name = name.rsplit(".", 1)[-1]
    if name in BY_EXCEPTION:
        return str(BY_EXCEPTION[name])
    for pattern, sentence in BY_DETAILS:
        if pattern.search(details or text):
            return str(sentence)
    if name == "SMTPServerDisconnected":
        return str(DISCONNECTED)
    code = SMTP_CODE.match(details)
    if code:  # SMTPDataError, SMTPResponseException: "(451, b'...')"
        return str(TRY_LATER if code.group(1) == "4" else MESSAGE_REFUSED)
    return str(OTHER)


def explain_email(email) -> str:
    """``explain`` for an OutboxEmail (nothing for one that was sent)."""
    return "" if email.status == email.Status.SENT else explain(email.last_error)
