"""The Telegram conversation: one thin module per command family (wired in bot/app.py)."""
