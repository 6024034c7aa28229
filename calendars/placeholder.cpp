// Placeholder until the iCalendar builder lands.
