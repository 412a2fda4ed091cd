import pytest

from tests.smtp import HungServer, SmtpServer, smtp_mailers


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 that the portal's mailer talks to."""
    with SmtpServer() as server:
        settings.MAILERS = smtp_mailers(server.port)
        yield server


@pytest.fixture
def hung_smtp_server(settings):
    """A mail server that accepts connections and never answers (the mailer gives up after
    2 seconds)."""
    with HungServer() as server:
        settings.MAILERS = smtp_mailers(server.port, timeout=2)
        yield server
