"""The bot's own membership: joining and leaving chats, and groups that became supergroups.

Telegram sends `my_chat_member` when the bot is added to, promoted in, or removed from a chat,
and when a private user blocks or unblocks it. Being removed deactivates the chat's digest
subscription (a later /subscribe brings it back); a group upgraded to a supergroup changes its
chat id, so its subscription moves with it.
"""

from __future__ import annotations

from telegram import ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import Application, ChatMemberHandler, MessageHandler, filters

from bot.context import BriefingContext

GONE: tuple[str, ...] = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)
# How the chats table spells a status ("kicked" for banned, an owner is an administrator).
_SPELLED: dict[str, str] = {
    ChatMemberStatus.BANNED: "kicked",
    ChatMemberStatus.OWNER: "administrator",
}


def new_status(change: ChatMemberUpdated) -> str:
    """The bot's status after the change as the chats table spells it."""
    status = str(change.new_chat_member.status)
    return _SPELLED.get(status, status)


async def bot_membership_changed(update: Update, context: BriefingContext) -> None:
    """Record the bot's status in the chat; stop the digest when it was removed or blocked."""
    change = update.my_chat_member
    if change is None:  # the handler's filter lets only my_chat_member updates through
        return
    chat = change.chat
    engine = context.engine
    await engine.chats.upsert(chat.id, chat.type, chat.title, chat.username, new_status(change))
    if change.new_chat_member.status in GONE:
        await engine.subscriptions.deactivate(
            chat.id, f"bot {new_status(change)} by user {change.from_user.id}"
        )


async def chat_migrated(update: Update, context: BriefingContext) -> None:
    """Move the subscription of a group that became a supergroup to its new chat id."""
    message = update.effective_message
    if message.migrate_to_chat_id:  # sent in the old group
        old, new = message.chat.id, message.migrate_to_chat_id
    else:  # sent in the new supergroup
        old, new = message.migrate_from_chat_id, message.chat.id
    await context.engine.chats.migrate(old, new)


def register(application: Application) -> None:
    """Add the my_chat_member and migration handlers."""
    application.add_handler(
        ChatMemberHandler(bot_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chat_migrated))
