"""Weekly digests for analysts: subscriptions (saved searches), digest content, e-mail delivery, the schedule."""
