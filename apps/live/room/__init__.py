"""The broadcast's room: its services and reads, and its transport glue (consumer, publish, hub, ticker)."""
