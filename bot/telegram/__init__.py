"""PTB plumbing: Telegram's limits, the transport seam, the emulator, and running the bot.

limits (Telegram's size limits and checks) · fake_api (the Bot API emulator core, no PTB) ·
inprocess (`InProcessRequest`, PTB's transport to it) · updates (update builders) · fake_http (the
emulator over HTTP, for e2e tests and benchmarks) · console · runner (polling/webhook, error
reports, the tick watcher) · health (`/healthz`) · fleet (one of several instances on PostgreSQL:
fleet_limiter, the shared send budget; polling, the poller lease).
"""
