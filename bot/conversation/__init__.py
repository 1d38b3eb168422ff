"""What commands decide and show, without the transport: filters, callbacks, cards, keyboards.

meetings (`MeetingFilter`, parsing, resolution, pages, event ids) · arguments (/subscribe,
/settings, /digest arguments) · callbacks (the callback-data codec) · cards (HTML for records,
dates, `split_html`) · keyboards (list pages, pickers, choices).
May import `bot.records`, `bot.search`, `bot.i18n` and `bot.telegram.limits`; never
`telegram.error`.
"""
