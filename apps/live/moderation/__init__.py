"""Viewer reports and staff moderation: the report a viewer files from the room (``services.report_create``),
the staff queue and its actions (``services.report_handle``: dismiss, delete the message, mute in that room,
platform ban), and the log of every act (``log.action_log``). The ban itself is the accounts module's
(``apps.accounts.services.ban_platform``); the room refuses a banned member's messages and the publish gate
their broadcasts.

For the staff live monitor: ``selectors.reports_waiting_by_broadcast`` and ``selectors.reports_spiking``.
"""
