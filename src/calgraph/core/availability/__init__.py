"""Free/busy, working hours, mailbox settings, the scheduling assistant and resource booking: pure rules
over what the store returns (no HTTP, no SQL)."""
