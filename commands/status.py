"""/status: is every service answering right now? The health `supportbot doctor` checks, in chat."""

from __future__ import annotations

from supportbot import Context, Field, Reply, command

MARK = {"ok": "🟢", "warn": "🟡", "fail": "🔴", "skip": "⚪"}
# Any id no command run can have: looking it up proves the database answers, and finds nothing.
PROBE_ID = "status-probe"


@command(
    "status",
    help="Whether every service and the database answer right now",
    examples=("/status",),
)
async def status(ctx: Context) -> Reply:
    """Probes every configured service and the database, and shows what recent commands saw:
    failing services, open circuit breakers and recent error rates."""
    services = await ctx.services.health()
    problems = [health.service for health in services if health.status in ("warn", "fail")]
    checks = len(services)
    reply = Reply(title="Service health")
    section = reply.section("Services")
    section.fields += [
        Field(label=f"{MARK[health.status]} {health.service}", value=health.detail)
        for health in services
    ]
    if not services:
        section.text = "No services are configured."
    if ctx.store is not None:
        checks += 1
        database, detail = await _database(ctx)
        if database != "ok":
            problems.append("database")
        mark = MARK[database]
        reply.section("Database").fields.append(Field(label=f"{mark} database", value=detail))
    reply.text = (
        f"All {checks} checks pass."
        if not problems
        else f"{len(problems)} of {checks} checks have problems: {', '.join(problems)}."
    )
    return reply


async def _database(ctx: Context) -> tuple[str, str]:
    """ "ok", "warn" (rows wait in the spool) or "fail" (writes are not committed: a deleted,
    replaced or read-only file, a full disk, a server away), and the line naming it."""
    assert ctx.store is not None
    reads = "answers"
    try:
        await ctx.store.audit.get(PROBE_ID)
    except Exception as exc:  # any failure here is the answer, not a crash
        reads = f"reads fail: {getattr(exc, 'problem', None) or type(exc).__name__}"
    health = ctx.store.health()  # after the read: it may have noticed the problem
    if not health.ok:
        return "fail", f"{health.sentence()} ({reads})"
    if reads != "answers":
        return "fail", reads
    return ("warn" if health.spooled else "ok"), f"{reads}; {health.sentence()}"
