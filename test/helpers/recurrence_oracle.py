"""Independent expansion for the recurrence cross-check: python3-recurring-ical-events (Debian).

Usage: recurrence_oracle.py FILE.ics FROM TO  (FROM/TO: UTC, "YYYY-MM-DDTHH:MM:SSZ").
Prints a JSON list of {"start", "recurrenceId"} as UTC instants, an all-day date taken as UTC midnight.
"""
import datetime
import json
import sys

import icalendar
import recurring_ical_events


def utc(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.strftime("%Y-%m-%dT00:00:00Z")


def parse(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


def main():
    path, start, stop = sys.argv[1], parse(sys.argv[2]), parse(sys.argv[3])
    with open(path, "rb") as handle:
        calendar = icalendar.Calendar.from_ical(handle.read())
    found = []
    for event in recurring_ical_events.of(calendar).between(start, stop):
        recurrence_id = event.get("RECURRENCE-ID")
        found.append({
            "start": utc(event["DTSTART"].dt),
            "recurrenceId": utc(recurrence_id.dt if recurrence_id is not None else event["DTSTART"].dt),
        })
    print(json.dumps(sorted(found, key=lambda item: (item["start"], item["recurrenceId"]))))


main()
