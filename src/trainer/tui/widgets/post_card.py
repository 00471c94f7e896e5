"""The mock social media post, drawn as a card: platform, author, handle, time, text, image
description and reactions."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from trainer.content.models import Post


def post_text(post: Post, body: Text | None = None) -> Text:
    """The card's content (the platform goes in its border title); ``body`` in place of
    the post's own text, for a post whose parts are marked."""
    text = Text()
    text.append(post.author, style="bold")
    if post.handle:
        text.append(f"  {post.handle}", style="dim")
    if post.time:
        text.append(f"  · {post.time}", style="dim")
    if body is not None or post.text:
        text.append("\n\n")
        text.append(body if body is not None else post.text)
    if post.image:
        text.append("\n\n")
        text.append(f"[Image: {post.image}]", style="italic")
    if post.reactions:
        text.append("\n\n")
        text.append("   ".join(f"{n} {name}" for name, n in post.reactions.items()), style="dim")
    return text


class PostCard(Static):
    """A mock post as a bordered card titled with its platform."""

    def __init__(self, post: Post, *, id: str | None = None) -> None:
        super().__init__(post_text(post), id=id, classes=f"post platform-{post.platform}")
        self.post = post
        self.border_title = post.platform
