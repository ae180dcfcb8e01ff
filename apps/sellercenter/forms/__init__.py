"""The seller center's forms, one file per area."""
