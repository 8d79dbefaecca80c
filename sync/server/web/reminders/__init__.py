"""Due-soon and overdue reminders: per-library settings and templates, who gets one today, sending and its log."""
