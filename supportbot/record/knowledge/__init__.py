"""The team's shared knowledge, part of the support record: snippets (consistent reply texts
filled from a live lookup), known issues (KI-n, their banners and links) and bulk notices.

Commands reach it through `ctx.knowledge` (see `facade.Knowledge`), never by importing it.
"""
