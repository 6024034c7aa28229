// Independent check of seminard's iCalendar output with Mozilla's ical.js (the parser inside Thunderbird).
// Usage: node check.mjs [file.ics]   (stdin when no file). Prints a JSON array of every occurrence of every event,
// recurrences expanded with RECURRENCE-ID overrides and EXDATE: {uid, start_utc, end_utc, tzid, status}.
// Exits non-zero when parsing fails or an event's times are not in one of the calendar's own VTIMEZONEs.
import ICAL from 'ical.js';
import { readFileSync } from 'node:fs';

const maxOccurrences = 1000;

const text = readFileSync(process.argv[2] ?? 0, 'utf8');
const calendar = new ICAL.Component(ICAL.parse(text));

const zones = new Set();
for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
  const zone = new ICAL.Timezone(vtimezone);
  ICAL.TimezoneService.register(zone);
  zones.add(zone.tzid);
}

const utc = (time) => time.toJSDate().toISOString().replace(/\.\d{3}Z$/, 'Z');

function zoneOf(time, uid) {
  const tzid = time.zone ? time.zone.tzid : '';
  if (!zones.has(tzid)) {
    throw new Error(`event ${uid}: time ${time.toString()} is in zone "${tzid}", not one of ours`);
  }
  return tzid;
}

const occurrences = [];
const masters = calendar.getAllSubcomponents('vevent').filter((e) => !e.hasProperty('recurrence-id'));
for (const component of masters) {
  const event = new ICAL.Event(component, {
    strictExceptions: true,
    exceptions: calendar.getAllSubcomponents('vevent').filter(
      (e) => e.hasProperty('recurrence-id') && e.getFirstPropertyValue('uid') === component.getFirstPropertyValue('uid')),
  });
  const push = (start, end, item) => occurrences.push({
    uid: event.uid,
    start_utc: utc(start),
    end_utc: utc(end),
    tzid: zoneOf(start, event.uid) && zoneOf(end, event.uid),
    status: item.component.getFirstPropertyValue('status') ?? '',
  });
  if (!event.isRecurring()) {
    push(event.startDate, event.endDate, event);
    continue;
  }
  const iterator = event.iterator();
  for (let next = iterator.next(), n = 0; next; next = iterator.next(), ++n) {
    if (n >= maxOccurrences) throw new Error(`event ${event.uid}: more than ${maxOccurrences} occurrences`);
    const details = event.getOccurrenceDetails(next);
    push(details.startDate, details.endDate, details.item);
  }
}
occurrences.sort((a, b) => a.start_utc.localeCompare(b.start_utc) || a.uid.localeCompare(b.uid));
process.stdout.write(JSON.stringify(occurrences, null, 1) + '\n');
