"""E-mail backends for the tests: a mail server that is down."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class DownBackend(BaseEmailBackend):
    """Every send fails as when the SMTP server does not answer."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class SlowBackend(BaseEmailBackend):
    """A slow mail server that records what it was given (in memory, across threads)."""

    sent: list = []

    def send_messages(self, email_messages):
        import time

        time.sleep(0.5)
        self.sent.extend(email_messages)
        return len(email_messages)
